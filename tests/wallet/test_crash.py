"""Crash safety: a process killed mid-import leaves a wallet that opens and is consistent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from shared.runtime.sealing import FAST_KDF
from shared.verification import VerificationResult
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, NOW, make_credential
from wallet.data.cards import make_card
from wallet.data.store import WalletStore

ROOT = Path(__file__).resolve().parents[2]
BATCH = 40

CHILD = textwrap.dedent(
    """
    import copy, sys
    from pathlib import Path
    from shared.verification import VerificationResult
    from tests.wallet.helpers import HOLDER_KEY, NOW, make_credential
    from wallet.data.cards import make_card
    from wallet.data.store import WalletStore

    store = WalletStore.unlock(Path(sys.argv[1]), sys.argv[2])
    template = make_credential(HOLDER_KEY.did)
    template["description"] = "x" * 4000  # bigger rows: longer writes to be killed in
    batch = int(sys.argv[3])
    n = store.count()
    while True:
        items = []
        for _ in range(batch):
            n += 1
            credential = copy.deepcopy(template)
            credential["id"] = f"urn:uuid:crash-{n}"
            items.append((credential, make_card(credential, VerificationResult("credential"),
                                                now=NOW)))
        store.add_many(items)
        print(n, flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.013, 0.037])
def test_killed_import_leaves_a_consistent_wallet(tmp_path: Path, delay: float) -> None:
    data_dir = tmp_path / "wallet"
    WalletStore.create(data_dir, PASSPHRASE, kdf=FAST_KDF, holder=HOLDER_KEY).close()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, str(script), str(data_dir), PASSPHRASE, str(BATCH)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    ) as child:
        assert child.stdout is not None
        acknowledged = 0
        for _ in range(3):
            line = child.stdout.readline()
            assert line, "the child died before writing"
            acknowledged = int(line)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        rest = child.stdout.read().split()
        if rest:
            acknowledged = int(rest[-1])

    store = WalletStore.unlock(data_dir, PASSPHRASE)
    cards = store.cards()
    # Whole batches only: every commit is all or nothing, and none acknowledged is lost.
    assert len(cards) % BATCH == 0
    assert acknowledged <= len(cards) <= acknowledged + BATCH
    for card in cards:
        assert store.get(card.id).credential["credentialSubject"]["id"] == HOLDER_KEY.did
    # And it keeps working: the next import commits normally.
    fresh = make_credential(HOLDER_KEY.did, number=999)
    store.add(fresh, make_card(fresh, VerificationResult("credential"), now=NOW))
    assert store.count() == len(cards) + 1
    store.close()
