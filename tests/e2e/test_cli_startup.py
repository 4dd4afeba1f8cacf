"""Each command line starts without importing what its commands do not all need.

Importing the server, the web layer, the migrations, the store or the credential core
cost the issuer's and the verifier's command lines over two seconds of CPU before
anything happened, ``--help`` too (docs/operations.md, "Command-line start-up"). These
tests check module sets, not timings: a heavy module imported at the top of a command
module, or of anything a command module imports at its top, fails them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import VECTORS

ROOT = Path(__file__).resolve().parents[2]

# What start-up must not import: each costs 0.05 to 0.6 s, and only some commands use it.
HEAVY = (
    "alembic",
    "cryptography",
    "fastapi",
    "httpx",
    "PIL",
    "psycopg",
    "pydantic",
    "pyld",
    "sqlalchemy",
    "starlette",
    "textual",
    "uvicorn",
    "shared.credentials",
)
# What only the services and the store commands need.
SERVER = ("alembic", "fastapi", "psycopg", "sqlalchemy", "starlette", "uvicorn")

REPORT = """
import json, sys
{body}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def loaded(
    body: str, heavy: tuple[str, ...] = HEAVY, env: dict[str, str] | None = None
) -> list[str]:
    """The modules of ``heavy`` a fresh interpreter has imported after running ``body``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RUGZAK_LANG": "en", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", REPORT.format(body=body, heavy=heavy)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    result: list[str] = json.loads(last)
    return result


APPS = {
    "issuer": "from issuer.cli.app import app",
    "verifier": "from verifier.cli.app import app",
    "wallet": "from wallet.cli.app import make_cli; app = make_cli()",
}


@pytest.mark.parametrize("name", sorted(APPS))
def test_start_up_imports_nothing_heavy(name: str) -> None:
    """Import the CLI and build every command (typer reads every option then), as a run
    of any command or of ``--help`` does before the command itself starts."""
    body = f"{APPS[name]}\nimport typer.main\ntyper.main.get_command(app)"
    assert loaded(body) == []


@pytest.mark.parametrize("name", sorted(APPS))
def test_help_imports_nothing_heavy(name: str) -> None:
    body = (
        f"import runpy\nsys.argv = [{name!r}, '--help']\n"
        f"try:\n    runpy.run_module({name!r}, run_name='__main__')\n"
        "except SystemExit:\n    pass"
    )
    assert loaded(body) == []


def test_verifying_a_file_offline_imports_no_server_and_no_store() -> None:
    badge = VECTORS / "ob3" / "1edtech-validator" / "simple.json"
    body = (
        "import runpy\n"
        f"sys.argv = ['verifier', 'verify', {str(badge)!r}, '--offline']\n"
        "try:\n    runpy.run_module('verifier', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert exit.code == 0, exit.code"
    )
    # jsonschema (about 0.1 s) only lists the errors of an invalid badge
    assert loaded(body, (*SERVER, "httpx", "jsonschema")) == []


# What a command reading or changing the issuer's store uses besides the start-up: the
# store (SQLAlchemy), the settings (pydantic) and, where it shows achievements, the OB
# models. Not the credential core (proofs, JSON-LD, the OB builder and its JSON
# schemas), nor the server, nor Alembic for a store at the newest revision: together
# over a second of CPU that the awarding and signing commands alone need.
STORE_COMMAND_HEAVY = (
    "alembic",
    "fastapi",
    "httpx",
    "jsonschema",
    "PIL",
    "pyld",
    "starlette",
    "uvicorn",
    "issuer.service.awarding",
    "shared.credentials",
    "shared.ob.build",
    "shared.proof",
)
LEARNER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
PASSPHRASE = {"RUGZAK_ISSUER_PASSPHRASE": "opstarten-wachtwoord", "RUGZAK_ISSUER_KDF": "min"}


def issuer_command(data: Path, *args: str) -> str:
    """A body running ``rugzak-issuer --data-dir DATA ARGS`` to a successful end."""
    argv = ["rugzak-issuer", "--data-dir", str(data), *args]
    return (
        f"import runpy\nsys.argv = {argv!r}\n"
        "try:\n    runpy.run_module('issuer', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert exit.code in (0, None), exit.code"
    )


@pytest.fixture(scope="module")
def issuer_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An issuer with one achievement and one credential: its data directory and the
    credential's id."""
    data = tmp_path_factory.mktemp("issuer")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RUGZAK_LANG": "en", **PASSPHRASE}

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "issuer", "--data-dir", str(data), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    cli("init", "--name", "Leerhuis Utrecht", "--base-url", "https://leerhuis.example")
    cli(
        "achievement", "create", "--id", "doorzetten", "--name", "Doorzetten",
        "--description", "Blijft doorgaan.", "--criteria", "Maakt het werk af.",
    )  # fmt: skip
    out = data / "badge.json"
    cli("issue", "-a", "doorzetten", "--recipient", LEARNER, "--out", str(out))
    credential_id: str = json.loads(out.read_text("utf-8"))["id"]
    return data, credential_id


@pytest.mark.parametrize(
    "args",
    [
        ["achievement", "list"],
        ["achievement", "show", "doorzetten"],
        ["audit"],
        ["config"],
        ["credentials", "list"],
        ["status", "list"],
        ["revoke", "ID"],
        ["framework", "list"],
    ],
    ids=" ".join,
)
def test_store_commands_import_no_credential_core_and_no_server(
    issuer_data: tuple[Path, str], args: list[str]
) -> None:
    data, credential_id = issuer_data
    args = [credential_id if a == "ID" else a for a in args]
    assert loaded(issuer_command(data, *args), STORE_COMMAND_HEAVY) == []


def test_issuing_imports_no_server_and_no_migrations(issuer_data: tuple[Path, str]) -> None:
    """Signing needs the credential core, but not the server, Alembic, or jsonschema
    (the builder's checks are the compiled validators)."""
    data, _ = issuer_data
    out = data / "another.json"
    body = issuer_command(
        data, "issue", "-a", "doorzetten", "--recipient", LEARNER, "--out", str(out)
    )
    heavy = (*SERVER, "httpx", "PIL", "jsonschema")
    assert loaded(body, heavy, env=PASSPHRASE) == ["sqlalchemy"]


def test_the_report_names_what_was_imported() -> None:
    """So the tests above can fail."""
    found = loaded("import verifier.cli.serve\nfrom shared.credentials import issue_credential")
    assert {"cryptography", "pyld", "shared.credentials"} <= set(found)
    assert loaded("import verifier.store.requests", SERVER) == ["sqlalchemy"]
