"""One entry point for whatever a learner or an employer hands us.

``read_any`` looks at bytes or text and says what it is, without trusting it: a
credential or presentation as JSON (Data Integrity), a VC-JWT, an Open Badges 2.0
assertion (JSON, or signed as a JWS), a hosted badge's URL, an ``RZ1:`` QR text, a
``VP1-`` QR text, or a PNG/SVG image with any of those baked in. ``verify_any``
then runs the matching verification, so every form ends in the same
``VerificationResult``. Unknown input is ``unsupported_format``, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from shared import qr, vpqr
from shared.credentials import (
    VerifyOptions,
    types_of,
    verify_credential,
    verify_presentation,
)
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed, RugzakError
from shared.formats.baking import extract, is_png, is_svg
from shared.formats.jose import looks_like_jws, parse_compact
from shared.formats.ob2 import is_ob2_assertion, verify_ob2
from shared.formats.vcjwt import enveloped, enveloped_token
from shared.status_staple import is_stapled
from shared.strict_json import parse as parse_json
from shared.verification import Check, CheckName, VerificationResult
from shared.vocab import CREDENTIALS_V2

MAX_INPUT_BYTES = 16 * 1024 * 1024

Format = Literal["credential", "presentation", "vc_jwt", "ob2", "url"]
Wrapper = Literal["png", "svg", "rz1", "vp1"]

_LABELS = {
    "credential": "credential (JSON)",
    "presentation": "presentation (JSON)",
    "vc_jwt": "VC-JWT",
    "ob2": "Open Badges 2.0 assertion",
    "url": "link to a hosted badge",
}


@dataclass(frozen=True)
class Parsed:
    """What the input is. Exactly one of ``document``, ``token``, ``url`` is set."""

    format: Format
    document: dict[str, Any] | None = None
    token: str | None = None
    url: str | None = None
    wrapper: Wrapper | None = None
    baking: str | None = None  # "3.0" or "2.0" when baked into an image

    def stamp(self, summary: dict[str, Any]) -> None:
        """Say in ``summary`` what was read: ``source`` in English words, ``form`` as
        codes that apps put in their own language (``shared.showing.form_text``)."""
        summary["source"] = self.describe()
        form = {"format": self.format} | ({"wrapper": self.wrapper} if self.wrapper else {})
        summary["form"] = {**(summary.get("form") or {}), **form}

    def describe(self) -> str:
        """Plain words for the source, e.g. "VC-JWT in a PNG image"."""
        label = _LABELS[self.format]
        if self.wrapper in ("png", "svg"):
            article = "an" if self.wrapper == "svg" else "a"
            return f"{label} in {article} {self.wrapper.upper()} image"
        if self.wrapper in ("rz1", "vp1"):
            return f"{label} from a {self.wrapper.upper()} QR code"
        return label


def _unsupported(message: str) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.unsupported_format)


def read_any(data: bytes | str) -> Parsed:
    """Recognise the input's format; raises ``InvalidInput`` with a stable code."""
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        if len(raw) > MAX_INPUT_BYTES:
            raise InvalidInput(
                "the input is too large",
                code=ErrorCode.payload_too_large,
                detail={"max_bytes": MAX_INPUT_BYTES},
            )
        if is_png(raw) or is_svg(raw):
            baked = extract(raw)
            if baked is None:
                raise _unsupported("This image holds no badge (nothing is baked into it).")
            inner = _read_text(baked.text)
            if inner.wrapper is not None:
                raise _unsupported("The image holds a form that cannot be baked.")
            return replace(inner, wrapper=baked.container, baking=baked.version)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _unsupported("This is neither text nor a PNG or SVG image.") from exc
        return _read_text(text)
    if isinstance(data, str):
        if len(data) > MAX_INPUT_BYTES:
            raise InvalidInput("the input is too large", code=ErrorCode.payload_too_large)
        return _read_text(data.lstrip("\ufeff"))
    raise TypeError("read_any takes bytes or str")


def _read_text(text: str) -> Parsed:
    stripped = text.strip()
    if not stripped:
        raise _unsupported("The input is empty.")
    if stripped.startswith("<") and is_svg(stripped.encode("utf-8")):
        return read_any(stripped.encode("utf-8"))
    if stripped.startswith(("{", "[")):
        try:
            value = parse_json(stripped)
        except (ValueError, RecursionError) as exc:
            raise InvalidInput("This is not valid JSON.", code=ErrorCode.invalid_json) from exc
        return _read_json(value)
    if stripped.upper().startswith("RZ1:"):
        lines = [line.strip() for line in stripped.splitlines() if line.strip()]
        return replace(_read_json(qr.decode(lines)), wrapper="rz1")
    if stripped.upper().startswith("VP1-"):
        return replace(_read_vp1(stripped), wrapper="vp1")
    if looks_like_jws(stripped):
        return _read_jws(stripped)
    if stripped.startswith("https://") and not any(c.isspace() for c in stripped):
        return Parsed("url", url=stripped)
    if stripped.startswith("http://"):
        raise ResolutionFailed(
            "Only https links can be checked.", code=ErrorCode.fetch_refused, detail=stripped[:200]
        )
    raise _unsupported(
        "This is not a badge format Rugzak reads (JSON, JWT, PNG, SVG, RZ1:, VP1- or a link)."
    )


def _read_json(value: Any) -> Parsed:
    if not isinstance(value, dict):
        raise InvalidInput("Expected a JSON object.", code=ErrorCode.invalid_json)
    token = enveloped_token(value)
    if token is not None:
        return _read_jws(token)
    kinds = types_of(value)
    if "VerifiablePresentation" in kinds or is_stapled(value):
        # a stapled one is unwrapped by verify_presentation (shared.status_staple)
        return Parsed("presentation", document=value)
    if "VerifiableCredential" in kinds:
        return Parsed("credential", document=value)
    if is_ob2_assertion(value):
        return Parsed("ob2", document=value)
    raise _unsupported("This JSON is not a credential, presentation or Open Badges assertion.")


def _read_jws(token: str) -> Parsed:
    payload = parse_compact(token).payload_json()
    if isinstance(payload.get("vp"), dict) or "VerifiablePresentation" in types_of(payload):
        raise _unsupported("Presentations signed as a JWT are not read; send the credential.")
    if isinstance(payload.get("vc"), dict) or "VerifiableCredential" in types_of(payload):
        return Parsed("vc_jwt", token=token)
    if is_ob2_assertion(payload):
        return Parsed("ob2", token=token)
    raise _unsupported("This JWT holds neither a credential nor an Open Badges assertion.")


def _read_vp1(text: str) -> Parsed:
    """A VPQR text (VerifierPlus, Learner Credential Wallet): CBOR-LD, base32."""
    return _read_json(vpqr.decode(text))


def verify_vc_jwt(
    token: str, options: VerifyOptions | None = None, /, **changes: Any
) -> VerificationResult:
    """Check an OB 3.0 VC-JWT badge: ``verify_credential`` of it enveloped (VCDM 2.0).

    Options as for ``verify_credential``; ``fetcher`` (in the options) gets a JWK
    published at an https ``kid``.
    """
    return verify_credential(enveloped(token), options, **changes)


def verify_any(
    parsed: Parsed,
    options: VerifyOptions | None = None,
    /,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    documents: Mapping[str, Any] | None = None,
    **changes: Any,
) -> VerificationResult:
    """Verify what ``read_any`` found; never raises for bad input.

    Options as for ``verify_credential`` (as an object, keywords, or both). Its
    ``fetcher`` (SSRF-guarded, from the app) is used only for what the badge itself
    says to fetch: a hosted OB 2.0 assertion and its linked documents, or a JWK at
    an https ``kid``. ``documents`` are linked documents the caller already holds.
    A presentation is read as unbound unless ``challenge``/``domain`` are given.
    """
    opts = (options or VerifyOptions()).with_(**changes).pinned()
    if parsed.format == "presentation" and parsed.document is not None:
        result = verify_presentation(parsed.document, opts, challenge=challenge, domain=domain)
    elif parsed.format == "credential" and parsed.document is not None:
        result = verify_credential(parsed.document, opts)
    elif parsed.format == "vc_jwt" and parsed.token is not None:
        result = verify_vc_jwt(parsed.token, opts)
    elif parsed.format == "ob2":
        result = _verify_ob2(parsed.token or parsed.document, opts, documents)
    elif parsed.format == "url" and parsed.url is not None:
        result = _verify_url(parsed.url, opts, documents)
    else:
        result = VerificationResult("credential")
        result.add(
            Check.failed(CheckName.structure, ErrorCode.unsupported_format, "Nothing to verify.")
        )
    if parsed.wrapper is not None or parsed.format not in ("credential", "presentation"):
        parsed.stamp(result.summary)
    return result


def _verify_ob2(
    assertion: Any, opts: VerifyOptions, documents: Mapping[str, Any] | None
) -> VerificationResult:
    return verify_ob2(
        assertion,
        fetcher=opts.fetcher,
        documents=documents,
        now=opts.moment,
        skew=opts.skew,
        trusted_issuers=opts.trusted_issuers,
    )


def _verify_url(
    url: str, opts: VerifyOptions, documents: Mapping[str, Any] | None
) -> VerificationResult:
    """A link: today only hosted OB 2.0 assertions are published this way."""
    fetcher = opts.fetcher
    if fetcher is None:
        return verify_ob2(url, now=opts.moment, trusted_issuers=opts.trusted_issuers)
    try:
        inner = read_any(fetcher(url))
    except RugzakError as exc:
        result = VerificationResult("credential")
        result.summary = {"id": url}
        result.add(Check.failed(CheckName.structure, exc.code, exc.message, {"url": url}))
        return result
    except Exception as exc:  # the fetcher is I/O at the edge
        result = VerificationResult("credential")
        result.summary = {"id": url}
        result.add(
            Check.undecided(
                CheckName.proof,
                ErrorCode.fetch_failed,
                "The link could not be fetched.",
                {"url": url, "error": str(exc)},
            )
        )
        return result
    if inner.format == "ob2" and inner.document is not None:
        return _verify_ob2(url, opts, {**(documents or {}), url: inner.document})
    if inner.format == "url":
        result = VerificationResult("credential")
        result.add(
            Check.failed(CheckName.structure, ErrorCode.unsupported_format, "A link to a link.")
        )
        return result
    return verify_any(inner, opts, documents=documents)


def ob2_enveloped(token: str) -> dict[str, Any]:
    """A signed Open Badges 2.0 assertion (a JWS) as a JSON object, for storage.

    The same envelope as a VC-JWT (VCDM 2.0), with the plain ``application/jwt`` media
    type: ``read_any`` and ``verify_stored`` open it again.
    """
    return {
        "@context": [CREDENTIALS_V2],
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/jwt,{token}",
    }


def is_ob2_document(document: Any) -> bool:
    """An OB 2.0 assertion as stored: its JSON, or its JWS enveloped."""
    token = enveloped_token(document)
    if token is None:
        return is_ob2_assertion(document)
    try:
        return is_ob2_assertion(parse_compact(token).payload_json())
    except RugzakError:
        return False


def verify_stored(
    document: Any, options: VerifyOptions | None = None, /, **changes: Any
) -> VerificationResult:
    """A badge as a wallet keeps it: a credential (JSON, or a VC-JWT enveloped) or an
    Open Badges 2.0 assertion (JSON, or its JWS enveloped). Never raises for bad input.

    Options as for ``verify_credential`` (an object, keywords, or both). The holder
    checks its own copy, so an ecdsa-sd-2023 base proof is confirmed
    (``confirm_base_proofs``) unless a keyword says otherwise."""
    opts = (options or VerifyOptions()).with_(**{"confirm_base_proofs": True, **changes})
    if not is_ob2_document(document):
        return verify_credential(document, opts)
    token = enveloped_token(document)
    parsed = Parsed("ob2", token=token) if token else Parsed("ob2", document=document)
    return verify_any(parsed, opts)
