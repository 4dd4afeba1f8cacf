"""The issuer's operations, shared by the CLI and the HTTP API.

``Issuer`` = the core (store, identity, key, clock; ``base``) + achievements
(``achievements``) + awarding (``awarding``) + issued credentials and audit
(``credentials``) + endorsements (``endorsing``) + skill frameworks (``frameworks``).
"""

from issuer.service.achievements import AchievementOps
from issuer.service.awarding import AwardOps
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
from issuer.service.credentials import CredentialOps
from issuer.service.endorsing import EndorseOps
from issuer.service.frameworks import FrameworkOps


class Issuer(AchievementOps, AwardOps, CredentialOps, EndorseOps, FrameworkOps):
    """One issuer over one store. ``key`` is None until unlocked (read-only use)."""


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
