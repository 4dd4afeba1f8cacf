"""The operator's commands (``pack``, ``db``, ``serve``) speak the chosen language too,
their error lines included; names and URLs stay text, and ``--json`` and the codes are
the same in both languages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from shared.runtime.fetch import SafeFetcher
from tests.verifier.helpers import DOMAIN, ISSUER, LIST_URL, status_list_credentials
from tests.verifier.key_document_site import DOC_URL, key_document
from tests.verifier.test_net import PUBLIC_IP
from verifier.cli import app
from verifier.store import make_engine
from verifier.store.schema import migrations

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
HEAD = migrations("rzv_").head_revision
SCHOOL = "did:web:school.example"
# markup in a name or address is text: it must be printed as it is, never read
NAME = "Leerhuis Utrecht [/x] [link=https://evil.example]klik[/link]"
MISSING = "https://issuer.example/status/[bold]weg[/bold]"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUGZAK_VERIFIER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RUGZAK_VERIFIER_DATABASE_URL", raising=False)
    monkeypatch.delenv("RUGZAK_VERIFIER_TABLE_PREFIX", raising=False)
    for name in ("RUGZAK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    # `serve` writes its options to the environment (for its workers): restore them
    for name in (
        "PUBLIC_ORIGIN",
        "OFFLINE",
        "TRUST_LIST",
        "TRUST_PACK",
        "ALLOW_PRIVATE_NETWORK",
        "PUBLIC_PRESENTATIONS",
    ):
        monkeypatch.setenv(f"RUGZAK_VERIFIER_{name}", "")
        monkeypatch.delenv(f"RUGZAK_VERIFIER_{name}")
    monkeypatch.setenv("RUGZAK_VERIFIER_PUBLIC_ORIGIN", DOMAIN)


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> None:
    """'pack build' reaches a school's did:web, a key document and the status lists
    in memory; one status list address answers 404."""
    lists = status_list_credentials()
    school = {"id": SCHOOL, "verificationMethod": []}

    def handler(request: httpx.Request) -> httpx.Response:
        # the fetcher connects to the address it resolved, naming the host in its header
        url = f"https://{request.headers['host']}{request.url.raw_path.decode()}"
        if url == "https://school.example/.well-known/did.json":
            return httpx.Response(200, content=json.dumps(school).encode())
        if url == DOC_URL:
            return httpx.Response(200, content=json.dumps(key_document()).encode())
        if url in lists:
            return httpx.Response(200, content=json.dumps(lists[url]).encode())
        return httpx.Response(404)

    def fetcher(**kw: Any) -> SafeFetcher:
        kw.pop("allow_private", None)
        return SafeFetcher(
            resolve=lambda name, port: [PUBLIC_IP], transport=httpx.MockTransport(handler), **kw
        )

    monkeypatch.setattr("shared.runtime.fetch.SafeFetcher", fetcher)


def run(*args: str) -> tuple[int, str]:
    said = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    return said.exit_code, said.output


def words(text: str) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(text.split())


def build_args(tmp_path: Path, out: Path) -> list[str]:
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps({"issuers": [{"id": ISSUER.did, "name": NAME}]}))
    args = ["pack", "build", "-o", str(out), "--trust-list", str(trust), "--did", SCHOOL]
    args += ["--key-document", DOC_URL]
    for url in (f"{LIST_URL}/revocation", f"{LIST_URL}/suspension"):
        args += ["--status-list", url]
    return args


def test_pack_build_load_and_show_in_dutch(site: None, tmp_path: Path) -> None:
    out = tmp_path / "pakket.json"

    code, built = run(*build_args(tmp_path, out), "--lang", "nl")

    assert code == 0, built
    assert f"DID-document     {SCHOOL}\n" in built  # the addresses line up
    assert f"Sleuteldocument  {DOC_URL}\n" in built
    assert f"Statuslijst      {LIST_URL}/revocation\n" in built
    assert words(built).endswith(
        f"Opgeslagen in {out}: 1 uitgever, 1 DID-document, 1 sleuteldocument, "
        "2 statuslijsten, 0 OB 2.0-documenten, 0 afbeeldingen."
    )

    code, loaded = run("pack", "load", "--lang", "nl", str(out))
    target = tmp_path / "data" / "trust-pack.json"
    assert code == 0, loaded
    assert words(loaded).startswith(
        f"{out} is in gebruik genomen als {target}: 1 uitgever, 1 DID-document, "
        "1 sleuteldocument, 2 statuslijsten; gemaakt op 20"
    )

    code, shown = run("pack", "show", "--lang", "nl")
    assert code == 0, shown
    assert shown.startswith(f"Vertrouwenspakket {target}, gemaakt op 20")
    assert f"  uitgever        {NAME}  {ISSUER.did}\n" in shown
    assert f"  DID-document    {SCHOOL}\n" in shown
    assert f"  sleuteldocument {DOC_URL}\n" in shown
    assert f"  statuslijst     {LIST_URL}/suspension\n" in shown
    for english in ("Wrote", "Loaded", "Trust pack", "issuer ", "status list", "built"):
        assert english not in built + loaded + shown, english


def test_pack_build_load_and_show_in_english_as_before(site: None, tmp_path: Path) -> None:
    out = tmp_path / "pack.json"

    code, built = run(*build_args(tmp_path, out))
    assert code == 0, built
    assert f"DID document  {SCHOOL}\n" in built
    assert f"Key document  {DOC_URL}\n" in built
    assert f"Status list   {LIST_URL}/revocation\n" in built
    assert words(built).endswith(
        f"Wrote {out}: 1 issuer, 1 DID document, 1 key document, 2 status lists, "
        "0 OB 2.0 documents, 0 images."
    )
    code, loaded = run("pack", "load", str(out))
    assert code == 0, loaded
    assert "1 issuer, 1 DID document, 1 key document, 2 status lists, built 20" in words(loaded)
    code, shown = run("pack", "show")
    assert code == 0, shown
    assert f"  issuer       {NAME}  {ISSUER.did}\n" in shown
    assert f"  key document {DOC_URL}\n" in shown
    assert f"  status list  {LIST_URL}/revocation\n" in shown


def test_pack_errors_in_dutch_name_the_file_or_address(site: None, tmp_path: Path) -> None:
    out = tmp_path / "pakket.json"
    code, said = run("pack", "build", "-o", str(out), "--status-list", MISSING, "--lang", "nl")
    assert code == 2
    # the heading is styled, not printed as markup; the address is printed as it is
    assert said == f"Ongeldige invoer (fetch_failed): {MISSING} antwoordde met HTTP 404\n"
    assert not out.exists()

    code, english = run("pack", "build", "-o", str(out), "--status-list", MISSING)
    assert code == 2
    assert english == f"Bad input (fetch_failed): {MISSING} answered HTTP 404\n"

    not_a_document = tmp_path / "lijst.json"
    not_a_document.write_text("[]")
    code, said = run(
        "pack", "build", "-o", str(out), "--did-document", str(not_a_document), "--lang", "nl"
    )
    assert code == 2
    assert f"(malformed_did): {not_a_document} is geen DID-document" in said

    code, said = run("pack", "show", "--lang", "nl")
    assert code == 2
    assert said == "Ongeldige invoer (invalid_trust_pack): er is geen vertrouwenspakket geladen\n"
    code, said = run("pack", "load", "--lang", "nl", str(tmp_path / "typfout.json"))
    assert code == 2
    assert f"het bestand {tmp_path / 'typfout.json'} bestaat niet" in said


def test_a_broken_trust_list_in_dutch_keeps_the_reason(tmp_path: Path) -> None:
    """What the operator must fix (which entry) follows the Dutch sentence."""
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps({"issuers": [{"id": ISSUER.did}]}))
    out = tmp_path / "pakket.json"
    code, said = run("pack", "build", "-o", str(out), "--trust-list", str(trust), "--lang", "nl")
    assert code == 2
    assert said.startswith(
        "Ongeldige invoer (invalid_trust_list): De lijst met bekende uitgevers is niet geldig. "
        "issuer 0 has no 'name'"
    )


def test_db_status_and_upgrade_in_dutch(tmp_path: Path) -> None:
    code, empty = run("db", "status", "--lang", "nl")
    assert code == 0, empty
    assert empty == f"toestand: leeg\nrevisie: -\nnodig voor deze versie: {HEAD}\n"

    assert run("db", "upgrade", "--lang", "nl") == (0, f"Database aangemaakt op revisie {HEAD}.\n")
    again = run("db", "upgrade", "--lang", "nl")
    assert again == (0, f"De database is al bijgewerkt (revisie {HEAD}).\n")
    assert run("db", "status", "--lang", "nl")[1].startswith("toestand: bijgewerkt\n")
    english = f"state: current\nrevision: {HEAD}\nthis version needs: {HEAD}\n"
    assert run("db", "status") == (0, english)
    # --json is for programs: the same in every language
    assert run("db", "status", "--json", "--lang", "nl") == run("db", "status", "--json")


def test_db_upgrade_of_a_store_from_before_migrations_in_dutch(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copyfile(FIXTURES / "verifier-v0.db", tmp_path / "data" / "verifier.db")
    code, said = run("db", "upgrade", "--lang", "nl")
    assert code == 0, said
    assert said == (
        f"Database bijgewerkt van het schema van vóór de migraties naar revisie {HEAD}.\n"
    )


def test_db_upgrade_refuses_a_newer_store_in_dutch(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nieuwer.db'}"
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE rzv_schema_version (version_num VARCHAR(32))"))
            conn.execute(sa.text("INSERT INTO rzv_schema_version VALUES ('0099_future')"))
    finally:
        engine.dispose()

    nl = runner.invoke(app, ["db", "upgrade", "--database-url", url, "--lang", "nl"])
    en = runner.invoke(app, ["db", "upgrade", "--database-url", url])

    assert nl.exit_code == en.exit_code == 2
    assert " ".join(nl.output.split()) == (
        "fout database_outdated: een nieuwere versie van Rugzak heeft de database bijgewerkt "
        f"(revisie 0099_future; deze versie kent tot en met {HEAD}): installeer de nieuwe "
        "versie van Rugzak"
    )
    assert " ".join(en.output.split()) == (
        "error database_outdated: the database was migrated by a newer version of Rugzak "
        f"(revision 0099_future, this version knows up to {HEAD}): upgrade Rugzak"
    )


def test_serve_says_where_it_listens_in_dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    def run_server(*args: Any, on_listen: Any = None, **kw: Any) -> None:
        on_listen("http://127.0.0.1:8123")  # the socket is bound; the server would start

    monkeypatch.setattr("verifier.api.serving.run", run_server)
    assert run("serve", "--offline", "--lang", "nl") == (0, "Bereikbaar op http://127.0.0.1:8123\n")
    assert run("serve", "--offline") == (0, "Listening on http://127.0.0.1:8123\n")


def test_serve_refuses_an_outdated_store_in_dutch(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copyfile(FIXTURES / "verifier-v0.db", tmp_path / "data" / "verifier.db")
    code, said = run("serve", "--port", "0", "--offline", "--lang", "nl")
    assert code == 2
    assert said == (
        "Ongeldige configuratie (database_outdated): het databaseschema is verouderd: voer "
        "'rugzak-verifier db upgrade' uit (maak eerst een back-up van de database)\n"
    )


def test_an_unknown_language_stops_the_operator_commands(tmp_path: Path) -> None:
    for args in (["pack", "show"], ["db", "status"], ["serve"]):
        code, said = run(*args, "--lang", "fr")
        assert code == 2, args
        assert "kies --lang en of --lang nl" in said
