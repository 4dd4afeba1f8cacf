"""Saving over a file that is there already: the app asks, the CLI says so plainly
(code ``file_exists``, en and nl) and replaces it only with ``--force``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.wallet.helpers import HOLDER_KEY, make_credential
from tests.wallet.test_app import export_to, open_first_badge, settle
from tests.wallet.test_cli import ENV, run, wallet_with_a_badge
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.dialogs.common import ConfirmDialog, ErrorDialog
from wallet.screens.detail import DetailScreen

OLD = b"my CV notes, not a badge\n"


def test_cli_refuses_to_write_over_a_file_unless_forced(
    config: WalletConfig, tmp_path: Path
) -> None:
    local_id = wallet_with_a_badge(config, tmp_path)
    target = tmp_path / "presentation.json"
    target.write_bytes(OLD)
    png = tmp_path / "qr.png"

    code, _, err = run(
        config, "present", "-c", local_id, "--out", str(target), "--qr-png", str(png)
    )
    assert code == 2
    assert "There is already a file" in err
    assert "--force" in err
    assert "File exists" not in err
    assert "Errno" not in err
    assert target.read_bytes() == OLD
    assert not png.exists()  # nothing written when one target is refused

    code, _, err = run(config, "export", local_id, str(target), env={**ENV, "LANG": "nl_NL.UTF-8"})
    assert code == 2
    assert "Er staat al een bestand" in err
    assert "file_exists" not in err  # the code is for --json, not for people
    assert target.read_bytes() == OLD

    code, _, err = run(config, "present", "-c", local_id, "--out", str(target), "--force")
    assert code == 0, err
    assert "VerifiablePresentation" in json.loads(target.read_text())["type"]


def test_cli_names_a_folder_plainly(config: WalletConfig, tmp_path: Path) -> None:
    local_id = wallet_with_a_badge(config, tmp_path)
    code, _, err = run(config, "export", local_id, str(tmp_path), "--force")
    assert code == 2
    assert "is a folder" in err
    assert "Errno" not in err
    assert "IsADirectory" not in err


async def test_app_asks_before_replacing_a_file(
    config: WalletConfig, store: object, tmp_path: Path
) -> None:
    from wallet.service import WalletService

    service = WalletService(config, store)  # type: ignore[arg-type]
    service.import_document(make_credential(HOLDER_KEY.did, status_index=7))
    service.store.close()
    target = tmp_path / "badge.json"
    target.write_bytes(OLD)

    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_badge(app, pilot)

        for answer in ("escape", "y"):
            await export_to(app, pilot, str(target))
            assert isinstance(app.screen, ConfirmDialog)
            assert str(target) in app.screen.question
            await pilot.press(answer)
            await settle(app, pilot)
            assert not isinstance(app.screen, ErrorDialog)
            assert isinstance(app.screen, DetailScreen)
            if answer == "escape":
                assert target.read_bytes() == OLD
        assert json.loads(target.read_text())["credentialSubject"]["id"] == HOLDER_KEY.did
