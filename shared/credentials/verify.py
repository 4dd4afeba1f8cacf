"""Verifying credentials and presentations; the order of checks is in the package docstring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.canonical import sharing_embedded_quads
from shared.content_memo import DigestMemo, shared_content_key
from shared.credentials.checks import _dates, _issuer, _proof, _structure, _trust
from shared.credentials.endorsed import is_endorsement_result, relate_endorsements
from shared.credentials.fields import subject_ids, summarize, types_of
from shared.credentials.options import VerifyOptions
from shared.credentials.status import check_status_entries, status_list_errors
from shared.did import Resolver
from shared.errors import ErrorCode
from shared.holder_link import linked_dids, subjects_linked
from shared.plain_terms import plain_term_problems
from shared.proof.purpose import AuthenticationPurpose
from shared.status_staple import holder_links, unstaple
from shared.verification import Check, CheckName, VerificationResult
from shared.vocab import VERIFIABLE_PRESENTATION, as_list

_DEFAULTS = VerifyOptions()
_UNSET: Any = object()


def verify_credential(
    credential: Any, options: VerifyOptions | None = None, /, **changes: Any
) -> VerificationResult:
    """Check one credential; see the package docstring for the order of checks.

    Pass a :class:`VerifyOptions`, or its fields as keywords (``resolver``,
    ``status_fetcher``, ``now``, ``skew``, ``check_schema``, ``trusted_issuers``,
    ``min_status_entries``, ``allow_fragment_keys``), or both (keywords win).
    """
    return _verify_credential(credential, _complete((options or _DEFAULTS).with_(**changes)))


def _complete(opts: VerifyOptions) -> VerifyOptions:
    """``now`` fixed for the whole verification, and the status lists checked here."""
    if opts.status_lists is None:
        opts = opts.with_(status_lists=_authenticate_list)
    return opts.pinned()


def _verify_credential(credential: Any, opts: VerifyOptions) -> VerificationResult:
    # Function-level: shared.formats builds on this package (it imports it back at
    # package level), while this module only calls into it.
    from shared.formats.vcjwt import check_vc_jwt, enveloped_token

    token = enveloped_token(credential)
    if token is not None:  # a VC-JWT carried as a JSON object (VCDM 2.0 "enveloped")
        return check_vc_jwt(token, opts)
    result = VerificationResult("credential")
    if not isinstance(credential, dict):
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.malformed_credential,
                "This is not a credential (expected a JSON object).",
            )
        )
        return result
    result.summary = summarize(credential)
    if not _structure(credential, result, opts.check_schema):
        return result
    ok_proofs = _proof(
        credential,
        opts.resolver,
        result,
        opts.allow_fragment_keys,
        confirm_base_proofs=opts.confirm_base_proofs,
    )
    proven = _issuer(credential, ok_proofs, result)
    _dates(credential, opts.moment, opts.skew, result)
    if ok_proofs:
        check_status_entries(credential, opts, result)
    else:
        _status_not_looked_up(credential, result)
    _trust(credential, opts.trusted_issuers, result, url_proven=proven)
    return result


def _status_not_looked_up(credential: dict[str, Any], result: VerificationResult) -> None:
    """One undecided ``status`` check when no signature held and the badge has status
    entries: the lists are not fetched for a badge whose signature is forged or could
    not be checked (that costs nothing), and the reader must not take "no status check"
    for "the issuer keeps no revocation list"."""
    entries = as_list(credential.get("credentialStatus"))
    if not entries:
        return
    lists = [
        {"statusListCredential": e.get("statusListCredential"), "purpose": e.get("statusPurpose")}
        for e in entries
        if isinstance(e, dict)
    ]
    result.add(
        Check.undecided(
            CheckName.status,
            ErrorCode.status_unknown,
            "The status was not looked up, because the signature could not be confirmed.",
            {"reason": "proof", "entries": lists},
        )
    )


def _authenticate_list(
    list_credential: dict[str, Any], opts: VerifyOptions
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A fetched status list: the credential to read and why it is not genuine.

    A list published as a JWT arrives as an enveloped credential; its JWT is verified
    and its payload is the list. Any other list is verified as a credential here.
    """
    from shared.formats.vcjwt import enveloped_token, open_status_list_jwt

    token = enveloped_token(list_credential)
    if token is not None:
        return open_status_list_jwt(token, VerifyOptions(resolver=opts.resolver, now=opts.now))
    # Lists come from the status fetcher's shared copies (or, stapled, from the request
    # being checked): neither is changed while it is checked.
    key = shared_content_key(list_credential)
    if key is not None:
        known = _list_memo.get(key)
        if known is not None and _same_answers(known.answers, opts.resolver):
            return list_credential, known.errors
    recording = _RecordingResolver(opts.resolver)
    errors = status_list_errors(
        list_credential, opts.with_(resolver=recording), _verify_status_list
    )
    if key is not None and recording.complete:
        _list_memo.put(key, _ListVerdict(tuple(recording.answers.items()), errors))
    return list_credential, errors


@dataclass(frozen=True)
class _ListVerdict:
    """Why a status list is not genuine, and the DID documents that verdict rests on."""

    answers: tuple[tuple[str, str], ...]  # (DID, content key of its document)
    errors: tuple[str, ...]


# The same few status lists are checked for every badge a verifier sees. A list's
# verdict depends on its content and on the DID documents its proof resolved (the
# dates are judged later, by check_status), so it is kept by the list's content key
# and used again only while the resolver still gives the same documents.
_list_memo: DigestMemo[_ListVerdict] = DigestMemo(256)


class _RecordingResolver:
    """``inner``, noting each DID document it gave (by content key)."""

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self.answers: dict[str, str] = {}
        self.complete = True  # False once an answer could not be noted

    def resolve(self, did: str) -> dict[str, Any]:
        try:
            document = self.inner.resolve(did)
        except Exception:
            self.complete = False
            raise
        key = shared_content_key(document)  # resolvers hand out shared documents
        if key is None or self.answers.get(did, key) != key:
            self.complete = False
        else:
            self.answers[did] = key
        return document


def _same_answers(answers: tuple[tuple[str, str], ...], resolver: Resolver) -> bool:
    for did, key in answers:
        try:
            document = resolver.resolve(did)
        except Exception:
            return False  # verified again, so the failure is reported as it was
        if shared_content_key(document) != key:
            return False
    return True


def clear_list_memo() -> None:
    """Forget the memoized status list verdicts (benchmarks measure a first check)."""
    _list_memo.clear()


def _verify_status_list(list_credential: Any, opts: VerifyOptions) -> VerificationResult:
    """A status list credential's own verification: no schema (it is no Open Badge)."""
    return _verify_credential(
        list_credential, VerifyOptions(resolver=opts.resolver, now=opts.now, check_schema=False)
    )


def verify_presentation(
    presentation: Any,
    options: VerifyOptions | None = None,
    /,
    *,
    challenge: str | None = _UNSET,
    domain: str | None = _UNSET,
    shape: VerificationResult | None = None,
    **changes: Any,
) -> VerificationResult:
    """Check a presentation and every credential in it.

    ``presentation`` may be a stapled one (``shared.status_staple``): its status
    lists are then used, when genuine, the issuer's and fresh, for its credentials.

    The request it must answer is ``options.purpose``, or ``challenge`` and
    ``domain`` given here (both ``None`` accepts an unbound presentation, reported
    as a warning). The holder must be the subject of every credential and must
    control the key that signed the presentation; an ``EndorsementCredential`` is
    about a badge, not issued to the holder: it must name a badge, achievement or
    issuer in the presentation instead (``shared.credentials.endorsed``).

    ``shape``: what :func:`check_presentation_shape` answered for this very
    ``presentation`` object with these options, for a caller that ran it first (as a
    verifier does before its nonce lookup): a passed shape is not checked again and
    becomes the result; a failed one, or a stapled envelope, is checked again.
    """
    given = presentation
    opts = (options or _DEFAULTS).with_(**changes)
    links = holder_links(presentation)
    presentation, stapled = unstaple(presentation)
    if stapled:
        opts = opts.with_(stapled_status={**(opts.stapled_status or {}), **stapled})
    if links:
        opts = opts.with_(holder_links=opts.holder_links + links)
    if challenge is not _UNSET or domain is not _UNSET:
        opts = opts.with_(
            purpose=AuthenticationPurpose(
                challenge=None if challenge is _UNSET else challenge,
                domain=None if domain is _UNSET else domain,
            )
        )
    if opts.purpose is None:
        raise TypeError(
            "say which request the presentation answers: challenge= and domain= "
            "(None for an unbound presentation), or options.purpose"
        )
    if shape is not None and (presentation is not given or shape.errors):
        shape = None
    return _verify_presentation(presentation, _complete(opts), opts.purpose, shape)


def check_presentation_shape(presentation: Any, opts: VerifyOptions) -> VerificationResult:
    """The cheap checks of a presentation, before any proof: its type, readable
    credentials, at most ``opts.max_credentials`` of them, no hiding JSON-LD forms.

    A verifier runs this (and its nonce lookup) before the costly proof checks, so a
    refused answer costs almost nothing. The result has failed, or holds the passed
    ``structure`` check.
    """
    result = VerificationResult("presentation")
    if not isinstance(presentation, dict) or VERIFIABLE_PRESENTATION not in types_of(presentation):
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.malformed_presentation,
                "This is not a presentation (type VerifiablePresentation).",
            )
        )
        return result
    creds = as_list(presentation.get("verifiableCredential", []))
    if not creds or not all(isinstance(c, dict) for c in creds):
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.malformed_presentation,
                "The presentation holds no credentials it can read.",
            )
        )
        return result
    if len(creds) > opts.max_credentials:
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.too_many_credentials,
                f"The presentation holds {len(creds)} credentials; at most "
                f"{opts.max_credentials} are checked in one go.",
                {"credentials": len(creds), "limit": opts.max_credentials},
            )
        )
        return result
    hidden = plain_term_problems(
        {k: v for k, v in presentation.items() if k != "verifiableCredential"}
    )
    if hidden:
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.invalid_jsonld,
                "The presentation uses JSON-LD forms that could hide fields from these checks.",
                {"paths": hidden},
            )
        )
        return result
    holder = presentation.get("holder")
    result.summary = {
        "holder": holder.get("id") if isinstance(holder, dict) else holder,
        "credentials": len(creds),
    }
    result.add(Check.passed(CheckName.structure, "The presentation is well-formed."))
    return result


def _verify_presentation(
    presentation: Any,
    opts: VerifyOptions,
    purpose: AuthenticationPurpose,
    shape: VerificationResult | None = None,
) -> VerificationResult:
    result = shape if shape is not None else check_presentation_shape(presentation, opts)
    if result.errors:
        return result
    # The presentation's proof converts its credentials to RDF; their own proofs reuse that.
    with sharing_embedded_quads(presentation.get("verifiableCredential")):
        return _verify_holder_and_credentials(presentation, opts, purpose, result)


def _verify_holder_and_credentials(
    presentation: dict[str, Any],
    opts: VerifyOptions,
    purpose: AuthenticationPurpose,
    result: VerificationResult,
) -> VerificationResult:
    creds = as_list(presentation.get("verifiableCredential", []))
    holder_id = result.summary["holder"]

    good = _proof(presentation, opts.resolver, result, opts.allow_fragment_keys, purpose)
    if good:
        signer = good[0].controller
        if holder_id is not None and signer != holder_id:
            result.add(
                Check.failed(
                    CheckName.holder,
                    ErrorCode.holder_mismatch,
                    "The presentation was signed by someone other than its holder.",
                    {"holder": holder_id, "signer": signer},
                )
            )
        holder_id = holder_id or signer
        result.summary["challenge"] = good[0].challenge
        result.summary["domain"] = good[0].domain
        for check in purpose.bind(good):
            result.add(check)
    if opts.cheap_first and not good:
        # The holder's signature does not hold: the embedded credentials are not
        # canonicalized (the costly part) for an answer that proves nothing. (A wrong
        # challenge or domain still shows them: a page shows such a copy as a copy.)
        return result

    from shared.formats.vcjwt import readable  # see _verify_credential

    # A presented badge is the verifier's to check: a base proof in it is refused, even
    # when the caller asked to confirm base proofs (``confirm_base_proofs``).
    inner_opts = opts.with_(purpose=None, confirm_base_proofs=False)
    linked: dict[str, dict[str, Any]] = {}
    if opts.holder_links and holder_id is not None and good:
        link_opts = VerifyOptions(resolver=opts.resolver, now=opts.now, check_schema=False)
        linked = linked_dids(
            opts.holder_links, holder_id, lambda link: _verify_credential(link, link_opts)
        )
    for cred in creds:
        inner = _verify_credential(cred, inner_opts)
        result.credentials.append(inner)
        if is_endorsement_result(inner):
            continue  # about a badge, not issued to the presenter: related below
        subjects = subject_ids(readable(cred))
        earlier = subjects_linked(subjects, linked) if holder_id not in subjects else None
        if earlier is not None:
            inner.add(
                Check.passed(
                    CheckName.holder,
                    "Presented by the same learner under a new key: the key this badge was "
                    "issued to signed a link to the presenter's key.",
                    {"holder": holder_id, "linkedFrom": earlier, **linked[earlier]},
                )
            )
        elif holder_id is None or holder_id not in subjects:
            inner.add(
                Check.failed(
                    CheckName.holder,
                    ErrorCode.holder_mismatch,
                    "This credential belongs to someone else than the presenter.",
                    {"holder": holder_id, "subjects": subjects},
                )
            )
        else:
            inner.add(Check.passed(CheckName.holder, "It belongs to the person presenting it."))
    relate_endorsements(result)
    return result
