"""didkit is the optional extra ``rugzak[legacy]``: with it uninstalled, every module of
shared and the three apps imports, each app starts and answers, and the legacy engine
refuses with a sentence that says how to install it.

The check runs in a fresh interpreter whose import system refuses didkit, the same as
an install without the extra (the test environment itself has it, for the legacy tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import asyncio
    import importlib
    import importlib.abc
    import pkgutil
    import sys
    from pathlib import Path


    class NoDidkit(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] == "didkit":
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None


    sys.meta_path.insert(0, NoDidkit())
    work = Path(sys.argv[1])

    # 1. Every module imports. ``__main__`` modules run their CLI and Alembic's
    # ``migrations.env`` scripts run migrations, so those are left out (Alembic runs them).
    for root in ("shared", "issuer", "wallet", "verifier"):
        package = importlib.import_module(root)
        for info in pkgutil.walk_packages(package.__path__, root + "."):
            if not info.name.endswith((".__main__", ".migrations.env")):
                importlib.import_module(info.name)

    # 2. Each CLI prints its help.
    from typer.testing import CliRunner

    from issuer.cli import app as issuer_cli
    from verifier.cli import app as verifier_cli
    from wallet.cli import make_cli

    runner = CliRunner()
    for cli in (issuer_cli, verifier_cli, make_cli()):
        done = runner.invoke(cli, ["--help"], env={"COLUMNS": "100"})
        assert done.exit_code == 0 and "Usage" in done.output, done.output

    # 3. The issuer is made (key, DID, status lists) and its API serves its profile.
    from fastapi.testclient import TestClient

    from issuer.api.app import create_app as create_issuer
    from issuer.settings import IssuerSettings

    secret = "een lang wachtwoord"
    done = runner.invoke(
        issuer_cli,
        ["--data-dir", str(work / "issuer"), "init", "--name", "Leerhuis Utrecht", "--local"],
        env={"RUGZAK_ISSUER_PASSPHRASE": secret, "RUGZAK_ISSUER_KDF": "min"},
    )
    assert done.exit_code == 0, done.output
    settings = IssuerSettings(data_dir=work / "issuer", kdf="min", passphrase=secret)
    with TestClient(create_issuer(settings)) as client:
        answer = client.get("/")
        assert answer.status_code == 200 and answer.json()["name"] == "Leerhuis Utrecht"

    # 4. The verifier starts and is healthy.
    from verifier.api.app import create_app as create_verifier
    from verifier.settings import Settings

    verifier_settings = Settings(
        database_url="sqlite://", data_dir=work / "verifier", offline=True
    )
    with TestClient(create_verifier(verifier_settings)) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/").status_code == 200

    # 5. The wallet: a new wallet from the CLI, then the terminal app opens it.
    from textual.widgets import Input

    from wallet.app import WalletApp
    from wallet.config import WalletConfig
    from shared.runtime.sealing import FAST_KDF
    from wallet.screens.badges import BadgesScreen
    from wallet.screens.unlock import UnlockScreen

    config = WalletConfig(data_dir=work / "wallet", kdf=FAST_KDF, animate=False)
    env = {"RUGZAK_PASSPHRASE": secret}
    done = runner.invoke(make_cli(config), ["init"], env=env)
    assert done.exit_code == 0, done.output
    done = runner.invoke(make_cli(config), ["list"], env=env)
    assert done.exit_code == 0, done.output

    async def open_wallet():
        app = WalletApp(config)
        async with app.run_test() as pilot:
            assert isinstance(app.screen, UnlockScreen)
            app.screen.query_one("#passphrase", Input).value = secret
            await pilot.press("enter")
            for _ in range(100):
                await app.workers.wait_for_complete()
                await pilot.pause(0.05)
                if isinstance(app.screen, BadgesScreen):
                    break
            assert isinstance(app.screen, BadgesScreen), app.screen

    asyncio.run(open_wallet())

    # 6. The legacy engine says what is missing, with a stable code.
    from shared.errors import ErrorCode, RugzakError
    from shared.legacy import DidkitEngine, didkit_installed

    assert not didkit_installed()
    try:
        DidkitEngine()
    except RugzakError as exc:
        assert exc.code is ErrorCode.engine_unavailable
        assert "rugzak[legacy]" in exc.message
    else:
        raise AssertionError("an engine without didkit")

    assert "didkit" not in sys.modules
    print("ok without didkit")
    """
)


@pytest.mark.slow
def test_apps_run_without_didkit(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUGZAK_")}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ok without didkit" in done.stdout
