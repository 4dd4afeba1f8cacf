"""Named API tokens: made, listed and revoked with the CLI; an ``issue`` token awards but
may not revoke or define; a revoked token is refused at once; the audit log names the
token; ``last used`` is written at most once a minute."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from issuer.api import create_app
from issuer.api_tokens import (
    LAST_USED_EVERY,
    NAME_MAX,
    ApiToken,
    TokenScope,
    authenticate,
    clean_name,
    create_token,
    list_tokens,
    revoke_token,
)
from issuer.service import Issuer
from issuer.settings import IssuerSettings
from issuer.store import Store
from issuer.store import tokens as rows
from shared.errors import Conflict, ErrorCode, InvalidInput, NotFound
from shared.skills import builtin
from tests.issuer.conftest import ACHIEVEMENT, BASE_URL, HOLDER, PASSPHRASE, FakeClock
from tests.issuer.test_cli import cli, data, runner  # noqa: F401 - fixtures

JOOST = "Joost de Vries"
LMS = "LMS-koppeling"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(issuer: Issuer, clock: FakeClock) -> dict[str, str]:
    """An ``issue`` token for a teacher and the LMS, an ``admin`` one for HR."""
    made = {}
    for name, scope in ((JOOST, "issue"), (LMS, "issue"), ("Ellen (HR)", "admin")):
        made[name] = create_token(issuer.store, name, scope, now=clock())[1]
    return made


@pytest.fixture
async def http(
    settings: IssuerSettings, issuer: Issuer, clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, issuer=issuer, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client


async def test_an_issue_token_awards_but_may_not_revoke_or_define(
    http: httpx.AsyncClient, issuer: Issuer, tokens: dict[str, str], achievement_id: str
) -> None:
    issuer.import_framework(builtin("levensvaardigheden"), actor="test")
    joost = bearer(tokens[JOOST])
    listed = await http.get("/achievements", headers=joost)
    assert listed.status_code == 200
    assert achievement_id in [a["id"] for a in listed.json()]
    assert (await http.get("/frameworks", headers=joost)).status_code == 200

    issued = await http.post(
        "/credentials", json={"achievement_id": achievement_id, "recipient": HOLDER.did},
        headers=joost,
    )  # fmt: skip
    assert issued.status_code == 201, issued.text
    cid = issued.json()["credential"]["id"]
    shown = await http.get(f"/credentials/{cid}", headers=joost)
    assert shown.status_code == 200
    skills = [{"achievement_id": "levensvaardigheden-creativiteit", "level": "2"}]
    awarded = await http.post(
        "/awards", json={"recipient": HOLDER.did, "skills": skills}, headers=joost
    )
    assert awarded.status_code == 201, awarded.text
    offer = await http.post("/offers", json={"achievement_id": achievement_id}, headers=joost)
    assert offer.status_code == 201, offer.text
    offer_id = offer.json()["id"]
    assert (await http.get(f"/offers/{offer_id}", headers=joost)).json()["state"] == "open"

    for method, path, body in [
        ("post", f"/credentials/{cid}/revoke", {}),
        ("post", f"/credentials/{cid}/suspend", {}),
        ("post", "/achievements", ACHIEVEMENT | {"id": "nieuw"}),
        ("patch", f"/achievements/{achievement_id}", {"name": "Anders"}),
        ("post", f"/achievements/{achievement_id}/retire", {}),
        ("get", "/credentials", None),
        ("get", "/offers", None),
        ("get", "/audit", None),
        ("post", "/endorsements", {"target": cid, "comment": "Goed gedaan."}),
    ]:
        refused = await http.request(method, path, json=body, headers=joost)
        assert refused.status_code == 403, (method, path)
        assert refused.json()["code"] == "insufficient_scope", (method, path)
        assert refused.json()["message"] == (
            f"the token '{JOOST}' may award badges only; this needs a token with scope admin"
        )
    assert issuer.credential(cid)["state"] == "active"
    assert issuer.achievement(achievement_id)["achievement"]["name"] == ACHIEVEMENT["name"]


async def test_an_admin_token_may_do_everything_and_the_audit_log_names_each_token(
    http: httpx.AsyncClient, issuer: Issuer, tokens: dict[str, str], achievement_id: str
) -> None:
    hr, lms = bearer(tokens["Ellen (HR)"]), bearer(tokens[LMS])
    created = await http.post("/achievements", json=ACHIEVEMENT | {"id": "grit"}, headers=hr)
    assert created.status_code == 201
    body = {"achievement_id": "grit", "recipient": HOLDER.did}
    cid = (await http.post("/credentials", json=body, headers=lms)).json()["credential"]["id"]
    revoked = await http.post(f"/credentials/{cid}/revoke", headers=hr)
    assert revoked.json()["state"] == "revoked"
    assert (await http.get("/credentials", headers=hr)).status_code == 200
    audit = (await http.get(f"/audit?subject={cid}", headers=hr)).json()
    assert [(e["action"], e["actor"]) for e in audit] == [
        ("revoke", "api:Ellen (HR)"),
        ("issue", f"api:{LMS}"),
    ]
    everything = (await http.get("/audit", headers=hr)).json()
    assert ("achievement_create", "api:Ellen (HR)") in [
        (e["action"], e["actor"]) for e in everything
    ]


async def test_a_revoked_token_is_refused_at_once_and_the_others_keep_working(
    http: httpx.AsyncClient,
    issuer: Issuer,
    tokens: dict[str, str],
    admin_token: str,
    clock: FakeClock,
) -> None:
    joost = bearer(tokens[JOOST])
    assert (await http.get("/achievements", headers=joost)).status_code == 200
    revoke_token(issuer.store, "joost de vries", now=clock())  # as typed: any case
    refused = await http.get("/achievements", headers=joost)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert refused.json()["message"] == "the API token is not valid"
    assert (await http.get("/achievements", headers=bearer(tokens[LMS]))).status_code == 200
    assert (await http.get("/audit", headers=bearer(admin_token))).status_code == 200
    # the name is free again; the old token stays refused
    _, again = create_token(issuer.store, JOOST, "issue", now=clock())
    assert (await http.get("/achievements", headers=bearer(again))).status_code == 200
    assert (await http.get("/achievements", headers=joost)).status_code == 403
    listed = [(t.name, t.active) for t in list_tokens(issuer.store)]
    assert (listed.count((JOOST, False)), listed.count((JOOST, True))) == (1, 1)


async def test_last_used_is_written_at_most_once_a_minute(
    http: httpx.AsyncClient, issuer: Issuer, tokens: dict[str, str], clock: FakeClock
) -> None:
    writes: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            writes.append(statement)

    event.listen(issuer.store.engine, "before_cursor_execute", count)
    try:
        joost = bearer(tokens[JOOST])
        first = clock()
        for _ in range(5):
            assert (await http.get("/achievements", headers=joost)).status_code == 200
            clock.advance(seconds=10)
        assert len(writes) == 1  # 0 s; 10-40 s are within the minute
        assert _token(issuer, JOOST).last_used_at == first
        clock.advance(seconds=20)  # 70 s after the first use
        assert (await http.get("/achievements", headers=joost)).status_code == 200
        assert len(writes) == 2
        assert _token(issuer, JOOST).last_used_at == clock()
        assert _token(issuer, LMS).last_used_at is None  # not used
    finally:
        event.remove(issuer.store.engine, "before_cursor_execute", count)
    assert LAST_USED_EVERY.total_seconds() == 60


def _token(issuer: Issuer, name: str) -> ApiToken:
    return next(t for t in list_tokens(issuer.store) if t.name == name and t.active)


def test_tokens_are_long_random_and_stored_only_as_hashes(issuer: Issuer, clock: FakeClock) -> None:
    made = {create_token(issuer.store, f"Docent {n}", "issue", now=clock())[1] for n in range(5)}
    assert len(made) == 5
    assert all(len(token) >= 43 for token in made)
    with issuer.store.read() as conn:
        dump = str([dict(r._mapping) for r in conn.exec_driver_sql("SELECT * FROM api_tokens")])
        dump += str(issuer.store.config(conn)) + str(issuer.audit_log(limit=100))
    assert not any(token in dump for token in made)
    assert authenticate(issuer.store, next(iter(made)) + "x", now=clock()) is None
    assert authenticate(issuer.store, "", now=clock()) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Joost de Vries", "Joost de Vries"),
        ("  Anaïs   Dubois-Émile ", "Anaïs Dubois-Émile"),
        ("Ane\u0308la O’Brien", "Anëla O’Brien"),  # NFC: one character for ë
        ("LMS (Moodle) koppeling 2", "LMS (Moodle) koppeling 2"),
        ("Łukasz Żółć", "Łukasz Żółć"),
    ],
)
def test_names_are_kept_as_people_write_them(typed: str, stored: str) -> None:
    assert clean_name(typed) == stored


@pytest.mark.parametrize(
    "name",
    ["", "   ", "x" * (NAME_MAX + 1), "Joost\nde Vries", "Joost\u200bde Vries", "---", "a<b>"],
)
def test_names_that_could_mislead_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_name(name)
    assert refused.value.code == ErrorCode.invalid_request


def test_a_name_is_unique_among_active_tokens_whatever_its_case(
    issuer: Issuer, clock: FakeClock
) -> None:
    create_token(issuer.store, "Anaïs Dubois", "issue", now=clock())
    for same in ("Anaïs Dubois", "ANAÏS DUBOIS", "Anai\u0308s  Dubois"):
        with pytest.raises(Conflict):
            create_token(issuer.store, same, "admin", now=clock())
    with pytest.raises(Conflict):
        create_token(issuer.store, "Admin", "issue", now=clock())  # admin-token's
    with pytest.raises(InvalidInput):
        create_token(issuer.store, "Piet", "everything", now=clock())
    with pytest.raises(NotFound):
        revoke_token(issuer.store, "Niemand", now=clock())


def test_a_name_taken_by_another_process_meanwhile_is_a_conflict(
    settings: IssuerSettings, issuer: Issuer, clock: FakeClock
) -> None:
    """The database's unique index decides, not the check before the insert."""
    other = Store(settings.resolved_database_url())
    try:
        create_token(other, "Fatima el Amrani", "issue", now=clock())
    finally:
        other.dispose()
    real = rows.active_by_key
    rows.active_by_key = lambda conn, key: None  # type: ignore[assignment]
    try:
        with pytest.raises(Conflict):
            create_token(issuer.store, "Fatima el Amrani", "admin", now=clock())
    finally:
        rows.active_by_key = real
    assert [t.scope for t in list_tokens(issuer.store) if t.name == "Fatima el Amrani"] == [
        TokenScope.issue
    ]


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def made(runner: CliRunner, data: Path) -> dict[str, str]:  # noqa: F811
    found = {}
    for name, scope in (("Joost de Vriés", "issue"), ("Anaïs Dubois-Émile", "admin")):
        output = cli(runner, data, "token", "create", name, "--scope", scope).output
        assert f"Token '{name}' (scope {scope})" in output
        found[name] = output.split("safely):")[1].split()[0]
    return found


def test_cli_creates_lists_and_revokes_tokens(
    runner: CliRunner,  # noqa: F811
    data: Path,  # noqa: F811
    made: dict[str, str],
) -> None:
    listed = json.loads(cli(runner, data, "token", "list", "--json").output)
    assert [(t["name"], t["scope"], t["state"]) for t in listed] == [
        ("admin", "admin", "active"),
        ("Joost de Vriés", "issue", "active"),
        ("Anaïs Dubois-Émile", "admin", "active"),
    ]
    assert set(listed[0]) == {
        "name", "scope", "state", "created_at", "last_used_at", "revoked_at"
    }  # fmt: skip
    text = cli(runner, data, "token", "list").output + json.dumps(listed)
    assert not any(token in text for token in made.values())
    assert "Joost de Vriés" in cli(runner, data, "token", "list").output

    duplicate = cli(runner, data, "token", "create", "joost de vriés", code=2)
    assert "conflict" in duplicate.output
    assert "already a token named" in duplicate.output
    bad = cli(runner, data, "token", "create", "Joost\tde\u200bVries", code=2)
    assert "invalid_request" in bad.output
    wrong = cli(runner, data, "token", "create", "Piet", "--scope", "alles", code=2)
    assert "the scope is 'issue' or 'admin'" in wrong.output

    assert "revoked" in cli(runner, data, "token", "revoke", "Joost de Vriés").output
    again = cli(runner, data, "token", "revoke", "Joost de Vriés", code=2)
    assert "not_found" in again.output
    listed = json.loads(cli(runner, data, "token", "list", "--json").output)
    assert [(t["name"], t["state"]) for t in listed][1] == ("Joost de Vriés", "revoked")
    assert listed[1]["revoked_at"] is not None

    store = Store(f"sqlite:///{data / 'issuer.db'}")
    try:
        now = datetime.now(UTC)
        assert authenticate(store, made["Joost de Vriés"], now=now) is None
        found = authenticate(store, made["Anaïs Dubois-Émile"], now=now)
        assert found is not None
        assert found.scope is TokenScope.admin
    finally:
        store.dispose()
    audit = cli(runner, data, "audit").output
    assert "token_revoke  " in audit
    assert "api:Joost de Vriés  by cli" in audit


async def test_cli_audit_shows_who_issued_over_the_api(
    runner: CliRunner,  # noqa: F811
    data: Path,  # noqa: F811
    made: dict[str, str],
) -> None:
    app = create_app(IssuerSettings(data_dir=data, kdf="min", passphrase=PASSPHRASE))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            body = {"achievement_id": "cook", "recipient": HOLDER.did}
            joost = bearer(made["Joost de Vriés"])
            issued = await client.post("/credentials", json=body, headers=joost)
            assert issued.status_code == 201, issued.text
    cid = issued.json()["credential"]["id"]
    shown = cli(runner, data, "audit", "--subject", cid).output
    assert "issue " in shown
    assert "by api:Joost de Vriés" in shown
    listed = json.loads(cli(runner, data, "token", "list", "--json").output)
    assert [t["last_used_at"] is not None for t in listed] == [False, True, False]
