"""Paper recovery (SLIP-0039 shares) and passphrase change, through the CLI and the store."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.errors import ErrorCode, InvalidInput
from shared.runtime.sealing import FAST_KDF, Box, derive_key
from tests.wallet.helpers import make_credential
from wallet.cli import make_cli
from wallet.config import WalletConfig
from wallet.data import recovery
from wallet.data.backup import read_backup, read_backup_with_shares
from wallet.data.store import WalletStore

PASS = "Fleur van der Berg-Özdemir"
ENV = {"RUGZAK_PASSPHRASE": PASS, "LANG": "en_GB.UTF-8"}
WORD = re.compile(r"\b\d{1,2}\. ([a-z]+)")


def run(
    config: WalletConfig, *args: str, env: dict[str, str] | None = None, input: str | None = None
) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        make_cli(config), list(args), env={**ENV, **(env or {})}, input=input
    )
    return result.exit_code, result.stdout, result.stderr


def shares_in(text: str) -> list[str]:
    """The shares printed by ``recovery split``: each block of numbered words."""
    blocks = text.split("Rugzak recovery share ")[1:]
    return [" ".join(WORD.findall(block)) for block in blocks]


@pytest.fixture
def wallet(config: WalletConfig, tmp_path: Path) -> tuple[WalletConfig, str]:
    """A wallet with 40 badges of Fleur's (her DID), checked on import."""
    assert run(config, "init")[0] == 0
    did = run(config, "did")[1].strip()
    badges = [
        make_credential(did, number=n, name=f"Vakmanschap niveau {n % 4 + 1}") for n in range(40)
    ]
    path = tmp_path / "badges.json"
    path.write_text(json.dumps(badges), "utf-8")
    code, _, err = run(config, "import", str(path))
    assert code == 0, err
    return config, did


def split_and_back_up(config: WalletConfig, tmp_path: Path) -> tuple[list[str], Path]:
    code, out, err = run(config, "recovery", "split", "-k", "3", "-n", "5")
    assert code == 0, err
    assert "any 3 of them open backups written from now on" in err
    shares = shares_in(out)
    assert len(shares) == 5
    assert all(len(s.split()) == 20 for s in shares)
    backup = tmp_path / "backup.json"
    assert run(config, "backup", str(backup))[0] == 0
    return shares, backup


def test_three_of_five_shares_restore_the_did_and_badges_on_a_fresh_wallet(
    wallet: tuple[WalletConfig, str], tmp_path: Path
) -> None:
    config, did = wallet
    shares, backup = split_and_back_up(config, tmp_path)
    fresh = replace(config, data_dir=tmp_path / "new-laptop")
    typed = "\n".join([shares[4].upper(), "  " + shares[0] + "  ", shares[2]])
    code, out, err = run(
        fresh,
        "recover",
        str(backup),
        env={"RUGZAK_RECOVERY_SHARES": typed, "RUGZAK_NEW_PASSPHRASE": "nieuwe laptop 2026"},
    )
    assert code == 0, err
    assert did in out
    code, out, _ = run(fresh, "list", "--json", env={"RUGZAK_PASSPHRASE": "nieuwe laptop 2026"})
    assert code == 0
    assert len(json.loads(out)) == 40
    assert run(fresh, "did", env={"RUGZAK_PASSPHRASE": "nieuwe laptop 2026"})[1].strip() == did
    # the restored wallet keeps the recovery secret: the same shares open its backups
    again = tmp_path / "again.json"
    assert run(fresh, "backup", str(again), env={"RUGZAK_PASSPHRASE": "nieuwe laptop 2026"})[0] == 0
    assert read_backup_with_shares(again, shares[1:4]).holder.did == did


def test_shares_can_be_typed_one_by_one_until_enough(
    wallet: tuple[WalletConfig, str], tmp_path: Path
) -> None:
    config, did = wallet
    shares, backup = split_and_back_up(config, tmp_path)
    fresh = replace(config, data_dir=tmp_path / "typed")
    typed = "\n".join([shares[1], shares[3], shares[0], "typed passphrase", "typed passphrase"])
    code, out, err = run(
        fresh, "recover", str(backup), env={"RUGZAK_PASSPHRASE": ""}, input=typed + "\n"
    )
    assert code == 0, err
    assert did in out


def _mistype(share: str) -> str:
    words = share.split()
    words[5] = "zebra" if words[5] != "zebra" else "zero"
    return " ".join(words)


Pick = Callable[[list[str], list[str]], list[str]]
CASES: list[tuple[str, Pick, ErrorCode, str]] = [
    (
        "two-shares",
        lambda s, o: [s[0], s[1]],
        ErrorCode.recovery_shares_too_few,
        "2 share(s) given, 3 needed to restore.",
    ),
    (
        "duplicate",
        lambda s, o: [s[0], s[1], s[1]],
        ErrorCode.recovery_share_duplicate,
        "Share 3 is the same share as share 2",
    ),
    (
        "other-set",
        lambda s, o: [s[0], s[1], o[2]],
        ErrorCode.recovery_shares_mismatch,
        "do not belong together",
    ),
    (
        "mistyped",
        lambda s, o: [s[0], s[1], _mistype(s[2])],
        ErrorCode.recovery_share_invalid,
        "Share 3 is mistyped",
    ),
    (
        "other-wallets-shares",
        lambda s, o: o[:3],
        ErrorCode.recovery_shares_mismatch,
        "or not to this backup",
    ),
]


@pytest.mark.parametrize(
    ("pick", "code", "sentence"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_wrong_duplicated_or_too_few_shares_fail_clearly(
    wallet: tuple[WalletConfig, str], tmp_path: Path, pick: Pick, code: ErrorCode, sentence: str
) -> None:
    config, _ = wallet
    shares, backup = split_and_back_up(config, tmp_path)
    other = list(recovery.split(recovery.new_secret(), 3, 5).words)
    fresh = replace(config, data_dir=tmp_path / "fresh")
    typed = "\n".join(pick(shares, other))
    exit_code, _, err = run(
        fresh,
        "recover",
        str(backup),
        env={"RUGZAK_RECOVERY_SHARES": typed, "RUGZAK_NEW_PASSPHRASE": "nieuwe laptop 2026"},
    )
    assert exit_code == 2
    assert sentence in err
    assert "Traceback" not in err
    assert not WalletStore.exists(fresh.data_dir)
    with pytest.raises(InvalidInput) as caught:
        read_backup_with_shares(backup, pick(shares, other))
    assert caught.value.code == code


def test_a_backup_made_before_recovery_was_set_up_says_so(
    wallet: tuple[WalletConfig, str], tmp_path: Path
) -> None:
    config, _ = wallet
    early = tmp_path / "early.json"
    assert run(config, "backup", str(early))[0] == 0
    shares, _ = split_and_back_up(config, tmp_path)
    with pytest.raises(InvalidInput) as caught:
        read_backup_with_shares(early, shares[:3])
    assert caught.value.code == ErrorCode.recovery_not_set_up
    assert len(read_backup(early, PASS).items) == 40  # its passphrase still opens it


def test_a_version_1_backup_still_opens(store: WalletStore, tmp_path: Path) -> None:
    payload = {"holder": {"seed": base64.b64encode(store.holder.seed).decode(), "did": store.did},
               "credentials": [], "created": "2026-01-01T00:00:00+00:00"}  # fmt: skip
    salt = b"\x01" * 16
    box = Box(derive_key("old backup pass", salt, FAST_KDF, code=ErrorCode.wallet_corrupt))
    document = {
        "format": "rugzak-wallet-backup",
        "version": 1,
        "kdf": FAST_KDF.to_dict(),
        "salt": base64.b64encode(salt).decode(),
        "ciphertext": base64.b64encode(box.seal(json.dumps(payload).encode(), "backup")).decode(),
    }
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(document))
    assert read_backup(path, "old backup pass").holder.did == store.did


def test_the_pdf_goes_to_standard_output_only(
    wallet: tuple[WalletConfig, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _ = wallet
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    result = CliRunner().invoke(
        make_cli(config), ["recovery", "split", "-k", "2", "-n", "3", "--pdf"], env=ENV
    )
    assert result.exit_code == 0, result.stderr
    pdf = result.stdout_bytes
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") == 3
    after = set(tmp_path.rglob("*"))
    written = {p for p in after - before if "wallet" not in p.parts}
    assert written == set()


def test_the_shares_are_never_on_disk_in_the_clear(
    wallet: tuple[WalletConfig, str], tmp_path: Path
) -> None:
    config, _ = wallet
    shares, backup = split_and_back_up(config, tmp_path)
    secret = recovery.combine(shares[:3])
    for path in [*config.data_dir.rglob("*"), backup]:
        if path.is_file():
            data = path.read_bytes()
            assert secret not in data
            assert base64.b64encode(secret) not in data
            for share in shares:
                assert share.encode() not in data


def test_one_of_n_is_refused_with_a_sentence() -> None:
    with pytest.raises(InvalidInput) as caught:
        recovery.split(recovery.new_secret(), 1, 3)
    assert caught.value.code == ErrorCode.invalid_request
    assert len(recovery.split(recovery.new_secret(), 1, 1).words) == 1


def test_passphrase_change_needs_the_old_one_and_a_matching_confirmation(
    wallet: tuple[WalletConfig, str],
) -> None:
    config, _did = wallet
    code, _, err = run(config, "passphrase", input="nieuw wachtwoord 1\nnieuw wachtwoord 2\n")
    assert code == 2
    assert "The two new passphrases differ." in err
    code, _, err = run(
        config,
        "passphrase",
        env={"RUGZAK_PASSPHRASE": "not the passphrase", "RUGZAK_NEW_PASSPHRASE": "x" * 12},
    )
    assert code == 2
    assert "passphrase" in err.lower()
    code, out, err = run(config, "passphrase", input="nieuw wachtwoord 1\nnieuw wachtwoord 1\n")
    assert code == 0, err
    assert "Passphrase changed." in out
    assert run(config, "did")[0] == 2  # the old one no longer opens it
    code, out, _ = run(config, "list", "--json", env={"RUGZAK_PASSPHRASE": "nieuw wachtwoord 1"})
    assert code == 0
    assert len(json.loads(out)) == 40


def test_a_changed_passphrase_is_one_transaction(store: WalletStore) -> None:
    from tests.wallet.conftest import PASSPHRASE

    with pytest.raises(Exception, match="does not open"):
        store.change_passphrase("wrong", "nieuw wachtwoord", kdf=FAST_KDF)
    # the wrong old passphrase changed nothing
    WalletStore.unlock(store.path.parent, PASSPHRASE).close()
    store.change_passphrase(PASSPHRASE, "nieuw wachtwoord", kdf=FAST_KDF)
    WalletStore.unlock(store.path.parent, "nieuw wachtwoord").close()


def test_shares_can_be_read_from_photos_of_their_qr_codes(
    wallet: tuple[WalletConfig, str], tmp_path: Path
) -> None:
    from shared.qr.render import render_png
    from wallet.paper import share_qr_text

    config, did = wallet
    shares, backup = split_and_back_up(config, tmp_path)
    photos = []
    for number in (1, 3, 4):  # the learner photographs the printed codes
        photo = tmp_path / f"share-{number}.png"
        photo.write_bytes(render_png(share_qr_text(shares[number]), scale=6))
        photos += ["--share-image", str(photo)]
    fresh = replace(config, data_dir=tmp_path / "from-photos")
    env = {"RUGZAK_NEW_PASSPHRASE": "nieuwe laptop 2026"}
    code, out, err = run(fresh, "recover", str(backup), *photos, env=env)
    assert code == 0, err
    assert did in out
