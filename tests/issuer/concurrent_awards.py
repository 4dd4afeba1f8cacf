"""``python -m tests.issuer.concurrent_awards SEED COUNT THREADS``: one issuer process
awarding COUNT credentials one per call from THREADS threads (what `serve`'s worker
threads do: group commit), status indexes drawn from ``Random(SEED)`` so that several
processes collide on purpose. Prints ``N issued``.

The database and passphrase come from the environment, as for the CLI.
"""

from __future__ import annotations

import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from random import Random

from issuer.service import AwardRequest, Issuer
from issuer.settings import IssuerSettings
from shared.keys import SigningKey


def main(seed: int, count: int, threads: int) -> None:
    settings = IssuerSettings(
        database_url=os.environ["RUGZAK_ISSUER_DATABASE_URL"],
        data_dir=Path(tempfile.gettempdir()),
    )
    issuer = Issuer.open(
        settings, passphrase=os.environ["RUGZAK_ISSUER_PASSPHRASE"], rng=Random(seed)
    )
    rng = Random(seed * 7919 + count)
    learners = [SigningKey.from_seed(rng.randbytes(32)).did for _ in range(count)]
    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            done = list(
                pool.map(lambda did: issuer.issue(AwardRequest("a", did), actor="t"), learners)
            )
    finally:
        issuer.store.dispose()
    print(f"{sum(1 for d in done if d.created)} issued")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
