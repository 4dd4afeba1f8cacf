"""File errors in the learner's language: the app and the CLI say what went wrong with
the file the learner chose (never the operating system's English text, never the
temporary file of an atomic write); ``--json`` keeps the code and the OS detail."""

from __future__ import annotations

import errno
import os
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Static

from tests.wallet.helpers import HOLDER_KEY, make_credential
from tests.wallet.test_app import export_to, open_first_badge
from tests.wallet.test_cli import ENV, run, wallet_with_a_badge
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.dialogs.common import ErrorDialog
from wallet.file_problems import file_error
from wallet.i18n import Translator

NL = {**ENV, "LANG": "nl_NL.UTF-8"}
# What the operating system says (its English), which a Dutch learner must not read.
OS_TEXTS = (
    "No such file",
    "Not a directory",
    "Permission denied",
    "Read-only file system",
    "File name too long",
    "Is a directory",
    "Errno",
    "Input/output error",
)


def _no_os_text(text: str) -> None:
    for english in OS_TEXTS:
        assert english not in text, text
    assert ".tmp" not in text, text


def _tmp_of(target: Path) -> str:
    """The name ``atomic_write`` gives its temporary file next to ``target``."""
    return str(target.parent / f".{target.name}.793a1404.tmp")


@pytest.mark.parametrize(
    ("number", "en", "nl"),
    [
        (errno.EACCES, "not allowed", "geen toestemming"),
        (errno.EPERM, "not allowed", "geen toestemming"),
        (errno.EISDIR, "is a folder", "is een map"),
        (errno.ENOTDIR, "not a folder", "geen map"),
        (errno.EROFS, "cannot be written to", "niet geschreven"),
        (errno.ENAMETOOLONG, "too long", "te lang"),
        (errno.EIO, "could not be read or written", "kon niet worden gelezen"),
    ],
)
def test_each_problem_is_a_sentence_naming_the_chosen_file(
    tmp_path: Path, number: int, en: str, nl: str
) -> None:
    target = tmp_path / "badge.json"
    error = file_error(OSError(number, os.strerror(number), _tmp_of(target)))
    english = Translator("en").error_text(error)
    dutch = Translator("nl").error_text(error)
    assert en in english
    assert nl in dutch
    for text in (english, dutch):
        assert str(target) in text
        assert ".tmp" not in text
    _no_os_text(dutch)
    assert error.code == "invalid_request"  # what scripts compare stays the same
    assert error.detail["os_error"].startswith(errno.errorcode[number])


def test_missing_file_and_missing_folder_are_told_apart(tmp_path: Path) -> None:
    missing_file = tmp_path / "badge.json"
    read = file_error(FileNotFoundError(errno.ENOENT, "No such file", str(missing_file)))
    assert Translator("en").error_text(read) == f"There is no file {missing_file}."
    assert Translator("nl").error_text(read) == f"Het bestand {missing_file} bestaat niet."

    target = tmp_path / "nowhere" / "badge.json"
    written = file_error(FileNotFoundError(errno.ENOENT, "No such file", _tmp_of(target)))
    assert str(tmp_path / "nowhere") in Translator("en").error_text(written)
    dutch = Translator("nl").error_text(written)
    assert "bestaat niet" in dutch
    _no_os_text(dutch)


def test_a_full_disk_keeps_its_own_code(tmp_path: Path) -> None:
    error = file_error(OSError(errno.ENOSPC, "No space left on device", _tmp_of(tmp_path / "a")))
    assert error.code == "disk_full"
    assert "schijf is vol" in Translator("nl").error_text(error)


def test_no_file_name_still_a_sentence() -> None:
    error = file_error(OSError(errno.EIO, "Input/output error"))
    dutch = Translator("nl").error_text(error)
    assert dutch
    _no_os_text(dutch)


# ------------------------------------------------------------------ the CLI


def test_cli_export_to_a_missing_folder(config: WalletConfig, tmp_path: Path) -> None:
    local_id = wallet_with_a_badge(config, tmp_path)
    target = tmp_path / "nowhere" / "badge.json"

    code, _, err = run(config, "export", local_id, str(target))
    assert code == 2
    assert f"The folder {tmp_path / 'nowhere'} does not exist" in err
    assert ".tmp" not in err

    code, _, err = run(config, "export", local_id, str(target), env=NL)
    assert code == 2
    assert f"De map {tmp_path / 'nowhere'} bestaat niet" in err
    _no_os_text(err)


def test_cli_export_under_a_file(config: WalletConfig, tmp_path: Path) -> None:
    """A path under a regular file fails for root too (ENOTDIR)."""
    local_id = wallet_with_a_badge(config, tmp_path)
    plain = tmp_path / "notes.txt"
    plain.write_text("notes\n")
    target = plain / "badge.json"

    code, _, err = run(config, "export", local_id, str(target), env=NL)
    assert code == 2
    assert str(target) in err
    assert "geen map" in err
    _no_os_text(err)

    code, _, err = run(config, "export", local_id, str(target))
    assert code == 2
    assert "not a folder" in err
    assert ".tmp" not in err


def test_cli_json_keeps_the_code_and_the_os_detail(config: WalletConfig, tmp_path: Path) -> None:
    wallet_with_a_badge(config, tmp_path)
    missing = tmp_path / "gone.json"
    code, _, err = run(config, "import", str(missing), "--json", env=NL)
    assert code == 2
    assert f"Het bestand {missing} bestaat niet." in err
    assert "invalid_request" in err
    assert "ENOENT" in err


def test_cli_import_of_a_missing_file_in_dutch(config: WalletConfig, tmp_path: Path) -> None:
    wallet_with_a_badge(config, tmp_path)
    missing = tmp_path / "gone.json"
    code, _, err = run(config, "import", str(missing), env=NL)
    assert code == 2
    assert f"Het bestand {missing} bestaat niet." in err
    _no_os_text(err)
    assert "Cannot read" not in err


def test_cli_export_to_a_folder_in_dutch(config: WalletConfig, tmp_path: Path) -> None:
    local_id = wallet_with_a_badge(config, tmp_path)
    code, _, err = run(config, "export", local_id, str(tmp_path), "--force", env=NL)
    assert code == 2
    assert f"{tmp_path} is een map" in err
    assert "is a folder" not in err


# ------------------------------------------------------------------ the app


async def _export_in_app(config: WalletConfig, store: object, target: Path) -> str:
    from wallet.service import WalletService

    service = WalletService(config, store)  # type: ignore[arg-type]
    service.import_document(make_credential(HOLDER_KEY.did, status_index=7))
    service.store.close()

    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first_badge(app, pilot)
        await export_to(app, pilot, str(target))
        assert isinstance(app.screen, ErrorDialog)
        return str(app.screen.query_one("#error-text", Static).render())


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "The folder {folder} does not exist"), ("nl", "De map {folder} bestaat niet")],
)
async def test_app_save_to_a_missing_folder(
    config: WalletConfig, store: object, tmp_path: Path, lang: str, said: str
) -> None:
    folder = tmp_path / "nowhere"
    text = await _export_in_app(replace(config, lang=lang), store, folder / "badge.json")
    assert said.format(folder=folder) in text
    _no_os_text(text)


@pytest.mark.parametrize(("lang", "said"), [("en", "not allowed"), ("nl", "geen toestemming")])
async def test_app_save_without_permission(
    config: WalletConfig,
    store: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    said: str,
) -> None:
    """Root may write anywhere: the write itself is made to fail as it would for a
    learner, on the temporary file ``atomic_write`` makes first."""
    target = tmp_path / "badge.json"

    def refused(path: Path, data: bytes, **_: object) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied", _tmp_of(Path(path)))

    monkeypatch.setattr("wallet.service.atomic_write", refused)
    text = await _export_in_app(replace(config, lang=lang), store, target)
    assert said in text
    assert str(target) in text
    _no_os_text(text)
