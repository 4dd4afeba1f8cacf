"""Wallet costs: unlock (Argon2id, chosen on purpose) and the first screen with 1,000 badges.

Measured:
- unlock: ``WalletStore.unlock`` with the default cost (libsodium *moderate*: opslimit 3,
  256 MiB) and, for comparison, *interactive* (opslimit 2, 64 MiB);
- cards: decrypting the 1,000 card rows the list needs (no full credential is opened);
- first screen: the Textual app (headless, 80x24 and 160x50) from the passphrase
  being submitted until the list shows all 1,000 cards, with the KDF cost taken out
  (the wallet file here uses the fast test KDF, so the figure is the screen's own work);
- startup: importing the app module (what a user waits for before the unlock screen).

Run: ``.venv/bin/python bench/bench_wallet.py`` (about 20 s). Target: first screen < 0.5 s.
"""

from __future__ import annotations

import asyncio
import copy
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import nacl.pwhash.argon2id as argon2id  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from textual.widgets import Input, OptionList  # noqa: E402

from shared.credentials import issue_credential, verify_credential  # noqa: E402
from shared.keys import SigningKey  # noqa: E402
from shared.ob.build import build_credential  # noqa: E402
from shared.ob.models import Achievement, Criteria, Profile  # noqa: E402
from shared.runtime.sealing import FAST_KDF, MODERATE_KDF, KdfParams  # noqa: E402
from wallet.app import WalletApp  # noqa: E402
from wallet.config import WalletConfig  # noqa: E402
from wallet.data.cards import make_card  # noqa: E402
from wallet.data.store import WalletStore  # noqa: E402
from wallet.screens.badges import BadgesScreen  # noqa: E402
from wallet.screens.unlock import UnlockScreen  # noqa: E402

COUNT = 1000
PASSPHRASE = "bench passphrase"
ISSUER = SigningKey.from_seed(b"\x01" * 32)
HOLDER = SigningKey.from_seed(b"\x02" * 32)
console = Console(highlight=False)


def credential_template() -> dict[str, object]:
    """One signed badge as the issuer makes it (its builder); ``fill`` copies it."""
    from datetime import UTC, datetime

    unsigned = build_credential(
        achievement=Achievement(
            id="https://example.org/a/1",
            name="Badge",
            description="A badge for the benchmark.",
            criteria=Criteria(narrative="Did the work."),
        ),
        issuer=Profile(id=ISSUER.did, name="ROC Bench"),
        subject_id=HOLDER.did,
        credential_id="urn:uuid:00000000-0000-4000-8000-000000000000",
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return issue_credential(unsigned, ISSUER, created=datetime(2026, 1, 1, tzinfo=UTC))


def fill(data_dir: Path, kdf: KdfParams) -> None:
    """A wallet with COUNT credentials (copies of one signed badge with their own ids)."""
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    template = credential_template()
    result = verify_credential(template, now=now)
    store = WalletStore.create(data_dir, PASSPHRASE, kdf=kdf, holder=HOLDER)
    items = []
    for n in range(COUNT):
        credential = copy.deepcopy(template)
        credential["id"] = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
        credential["credentialSubject"]["achievement"]["name"] = f"Badge number {n}"
        items.append((credential, make_card(credential, result, now=now)))
    store.add_many(items)
    store.close()


def time_unlock(data_dir: Path, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        WalletStore.unlock(data_dir, PASSPHRASE).close()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_cards(data_dir: Path, repeat: int = 5) -> float:
    store = WalletStore.unlock(data_dir, PASSPHRASE)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        cards = store.cards()
        times.append(time.perf_counter() - start)
    store.close()
    assert len(cards) == COUNT
    return statistics.median(times)


async def first_screen(data_dir: Path, size: tuple[int, int]) -> tuple[float, float]:
    """Seconds from submitting the passphrase to (a) the list holding its first cards
    (drawn on the next frame, <= 17 ms later) with the count of all 1,000, and (b) all
    1,000 cards in the list; the KDF time of this unlock is taken out."""
    kdf_cost = time_unlock(data_dir, repeat=1)
    app = WalletApp(WalletConfig(data_dir=data_dir, lang="en", kdf=FAST_KDF))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # the background imports, done while typing
        unlock = app.screen
        assert isinstance(unlock, UnlockScreen)
        unlock.query_one("#passphrase", Input).value = PASSPHRASE
        start = time.perf_counter()
        unlock.action_unlock()  # what Enter does, without waiting for the app to go idle
        first = None
        while True:
            screen = app.screen
            if isinstance(screen, BadgesScreen) and screen.is_mounted:
                options = screen.query_one("#cards", OptionList)
                if first is None and options.option_count:
                    first = time.perf_counter() - start
                if screen.complete and options.option_count == COUNT:
                    break
            await asyncio.sleep(0.001)
        everything = time.perf_counter() - start
    assert first is not None
    return first - kdf_cost, everything - kdf_cost


def startup() -> float:
    code = (
        "import time; t = time.perf_counter(); import wallet.app, wallet.cli; "
        "print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        )
        times.append(float(out.stdout))
    return statistics.median(times)


def main() -> None:
    interactive = KdfParams(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        fill(base / "fast", FAST_KDF)
        fill(base / "moderate", MODERATE_KDF)
        fill(base / "interactive", interactive)
        rows = [
            ("unlock, default (moderate: ops 3, 256 MiB)", time_unlock(base / "moderate") * 1000),
            (
                "unlock, interactive (ops 2, 64 MiB), not used",
                time_unlock(base / "interactive") * 1000,
            ),
            (f"decrypt {COUNT} cards", time_cards(base / "fast") * 1000),
        ]
        for size in ((80, 24), (160, 50)):
            runs = [asyncio.run(first_screen(base / "fast", size)) for _ in range(3)]
            label = f"{size[0]}x{size[1]}"
            rows.append(
                (f"first screen with {COUNT} badges, {label}", min(r[0] for r in runs) * 1000)
            )
            rows.append((f"all {COUNT} cards in the list, {label}", min(r[1] for r in runs) * 1000))
        rows += [
            ("import wallet.app + wallet.cli (cold process)", startup() * 1000),
        ]
    table = Table(title="Rugzak wallet", show_header=True)
    table.add_column("measure")
    table.add_column("ms", justify="right")
    for name, ms in rows:
        table.add_row(name, f"{ms:.0f}")
    console.print(table)
    target = rows[3][1]
    console.print(f"first screen target < 500 ms: {'met' if target < 500 else 'MISSED'}")


if __name__ == "__main__":
    main()
