"""The verifier's full answers stay byte-identical while it gets faster.

A set of realistic presentations (``tests.sample_badges``: valid, revoked, expired,
tampered, a wrong nonce, a replay, a wrong domain, a badge with a presented
endorsement, a badge of someone else) is verified by the service's own verifier
(trust pack offline, SQLite nonce store) and every answer (``result_dict``: the
result's ``to_dict`` with the page colours and the plain states, as the HTTP API
answers) is compared, as JSON text,
with ``tests/fixtures/verify_golden.json``, recorded before the verification was made
faster. Only what is random by design is replaced by placeholders: the verifier's
request nonces and the ``urn:uuid:`` ids.

After a deliberate change of a result, write the file again with
``RUGZAK_WRITE_GOLDEN=1 .venv/bin/python -m pytest tests/verifier/test_verify_golden.py``
and review its diff.
"""

from __future__ import annotations

import copy
import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.credentials import create_presentation
from shared.credentials.verify import clear_list_memo
from shared.keys import SigningKey
from shared.ob.schema import clear_memo
from shared.status_list.check import clear_decoded_lists
from tests import sample_badges as sb
from verifier.service import build_verifier
from verifier.service.trust import TrustPack
from verifier.service.verifier import Verifier, result_dict
from verifier.settings import Settings
from verifier.store import RequestStore, make_engine

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "verify_golden.json"
_UUID = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
OTHER = SigningKey.from_seed(b"\x41" * 32)


def _verifier(tmp: Path, pack: TrustPack, name: str, minutes: float) -> Verifier:
    pack.save(tmp / f"{name}.json")
    url = f"sqlite:///{tmp / (name + '.db')}"
    store = RequestStore(make_engine(url), prefix="golden_")
    store.create_schema()
    settings = Settings(
        public_origin=sb.DOMAIN,
        database_url=url,
        table_prefix="golden_",
        data_dir=tmp,
        trust_pack=tmp / f"{name}.json",
        offline=True,
    )
    clock = sb.NOW + timedelta(minutes=minutes)
    return build_verifier(settings, store=store, clock=lambda: clock).verifier


def _answers(tmp: Path) -> dict[str, Any]:
    with sb.issuer_with_badges() as issuer:
        badge = sb.award(issuer, 0)
        other_badge = sb.award(issuer, 1)
        revoked = sb.award(issuer, 2)
        issuer.revoke(revoked["id"], actor="golden", reason="test")
        endorsement = issuer.endorse(badge["id"], "Goed werk op de afdeling.", actor="golden")
        pack = sb.trust_pack(issuer)
    now = _verifier(tmp, pack, "now", 1)
    years = _verifier(tmp, pack, "years", 60 * 24 * 365 * 6)  # badge and lists out of date

    def present(verifier: Verifier, creds: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
        request = verifier.new_request()
        return create_presentation(
            creds,
            kw.get("key", sb.LEARNER),
            challenge=kw.get("challenge", request.challenge),
            domain=kw.get("domain", request.domain),
            created=sb.NOW,
        )

    tampered = copy.deepcopy(other_badge)
    tampered["credentialSubject"]["result"][0]["value"] = "4"
    cases: dict[str, tuple[Verifier, dict[str, Any]]] = {
        "valid": (now, present(now, [badge])),
        "two badges": (now, present(now, [badge, other_badge])),
        "revoked": (now, present(now, [revoked])),
        "expired": (years, present(years, [badge])),
        "tampered badge": (now, present(now, [tampered])),
        "wrong nonce": (now, present(now, [badge], challenge="not-a-request-of-ours")),
        "wrong domain": (now, present(now, [badge], domain="https://elders.example")),
        "endorsement": (now, present(now, [badge, endorsement])),
        "someone else's badge": (now, present(now, [badge], key=OTHER)),
    }
    replayed = present(now, [badge])
    answers: dict[str, Any] = {}
    for name, (verifier, document) in cases.items():
        answers[name] = result_dict(verifier.verify_presentation(document))
    answers["replay (first)"] = result_dict(now.verify_presentation(replayed))
    answers["replay (again)"] = result_dict(now.verify_presentation(replayed))
    tampered_vp = present(now, [badge])
    tampered_vp["holder"] = OTHER.did
    answers["tampered presentation"] = result_dict(now.verify_presentation(tampered_vp))
    answers["credential"] = result_dict(now.verify_credential(badge))
    return answers


def _normalized(answers: dict[str, Any]) -> str:
    text = json.dumps(answers, indent=1, sort_keys=False, ensure_ascii=False, default=str)
    challenges = dict.fromkeys(re.findall(r'"challenge": "([A-Za-z0-9_-]{16,})"', text))
    for number, challenge in enumerate(challenges):
        if challenge != "not-a-request-of-ours":
            text = text.replace(challenge, f"<challenge {number}>")
    seen: dict[str, str] = {}
    return _UUID.sub(lambda m: seen.setdefault(m.group(0), f"<uuid {len(seen)}>"), text) + "\n"


@pytest.mark.parametrize("cleared", [False, True], ids=["memos kept", "memos cleared"])
def test_answers_are_unchanged(tmp_path: Path, cleared: bool) -> None:
    if cleared:
        clear_memo()
        clear_list_memo()
        clear_decoded_lists()
    text = _normalized(_answers(tmp_path))
    if os.environ.get("RUGZAK_WRITE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert text == expected


def test_verifying_never_changes_the_shared_lists_and_did_documents(tmp_path: Path) -> None:
    """Status lists and DID documents are read from shared copies (no copy per badge,
    content keys remembered by identity): verifying valid, revoked and tampered badges,
    an endorsement and stapled lists must leave every one of them as it was."""
    from shared.status_staple import staple

    with sb.issuer_with_badges() as issuer:
        badge = sb.award(issuer, 0)
        revoked = sb.award(issuer, 2)
        issuer.revoke(revoked["id"], actor="golden", reason="test")
        endorsement = issuer.endorse(badge["id"], "Goed werk op de afdeling.", actor="golden")
        pack = sb.trust_pack(issuer)
        did = issuer.identity.did
    lists = pack.status_lists
    verifier = _verifier(tmp_path, pack, "shared", 1)
    source, resolver = verifier.options.status_fetcher, verifier.options.resolver
    assert source is not None
    shared = {url: source.fetch_shared(url) for url in lists}  # type: ignore[attr-defined]
    before = json.dumps([shared, resolver.resolve(did)], sort_keys=True)
    tampered = copy.deepcopy(badge)
    tampered["credentialSubject"]["result"][0]["value"] = "4"
    for creds in ([badge], [revoked], [tampered], [badge, endorsement]):
        request = verifier.new_request()
        verifier.verify_presentation(
            create_presentation(
                creds, sb.LEARNER, challenge=request.challenge, domain=request.domain,
                created=sb.NOW,
            )
        )  # fmt: skip
    request = verifier.new_request()
    stapled = staple(
        create_presentation(
            [badge], sb.LEARNER, challenge=request.challenge, domain=request.domain,
            created=sb.NOW,
        ),
        list(lists.values()),
    )  # fmt: skip
    assert str(verifier.verify_presentation(stapled).verdict) == "valid"
    assert all(source.fetch_shared(url) is shared[url] for url in lists)  # type: ignore[attr-defined]
    assert json.dumps([shared, resolver.resolve(did)], sort_keys=True) == before
