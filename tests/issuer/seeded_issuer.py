"""``python -m tests.issuer.seeded_issuer SEED ARGS...``: the issuer CLI with status
indexes drawn from ``Random(SEED)``, so several processes collide on purpose.

Only tests can do this: the product has no setting or variable that fixes the draws
(a fixed seed would make status indexes predictable and remove herd privacy).
"""

from __future__ import annotations

import sys
from random import Random
from typing import Any

from issuer.cli import main
from issuer.service.base import IssuerBase

_open = IssuerBase.open.__func__  # type: ignore[attr-defined]


def _seeded_open(cls: Any, settings: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("rng", Random(SEED))
    return _open(cls, settings, **kwargs)


if __name__ == "__main__":
    SEED = int(sys.argv.pop(1))
    IssuerBase.open = classmethod(_seeded_open)  # type: ignore[assignment, method-assign]
    main()
