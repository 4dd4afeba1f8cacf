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


def loaded(body: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The modules of ``heavy`` a fresh interpreter has imported after running ``body``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RUGZAK_LANG": "en"}
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
    assert loaded(body, (*SERVER, "httpx")) == []


def test_the_report_names_what_was_imported() -> None:
    """So the tests above can fail."""
    found = loaded("import verifier.cli.serve\nimport shared.credentials")
    assert {"cryptography", "pyld", "shared.credentials"} <= set(found)
    assert loaded("import verifier.store.requests", SERVER) == ["sqlalchemy"]
