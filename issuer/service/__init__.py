"""The issuer's operations, shared by the CLI and the HTTP API.

``Issuer`` (``issuer.service.issuer``) = the core (store, identity, key, clock;
``base``) + achievements (``achievements``) + awarding (``awarding``) + issued
credentials and audit (``credentials``) + endorsements (``endorsing``) + skill
frameworks (``frameworks``). A command that uses one part opens that part alone
(``CredentialOps.open(settings)``): awarding and endorsing import the credential core
(models, proofs, JSON-LD, about a second), which reading the audit log does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.lazy import lazy_exports

if TYPE_CHECKING:
    from issuer.service.base import (
        ACTIVE,
        REVOKED,
        SUSPENDED,
        AwardRequest,
        Clock,
        Issued,
        Prepared,
        utc_now,
    )
    from issuer.service.issuer import Issuer

# Imported on first use (PEP 562): importing any ``issuer.service.*`` module runs this
# file first, and ``Issuer`` brings every part.
_HOMES = {
    "Issuer": "issuer.service.issuer",
    **{
        name: "issuer.service.base"
        for name in (
            "ACTIVE",
            "REVOKED",
            "SUSPENDED",
            "AwardRequest",
            "Clock",
            "Issued",
            "Prepared",
            "utc_now",
        )
    },
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())


__all__ = [
    "ACTIVE",
    "REVOKED",
    "SUSPENDED",
    "AwardRequest",
    "Clock",
    "Issued",
    "Issuer",
    "Prepared",
    "utc_now",
]
