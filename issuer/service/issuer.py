"""``Issuer``: every operation over one store, as the HTTP API and the signing
commands use it."""

from issuer.service.achievements import AchievementOps
from issuer.service.awarding import AwardOps
from issuer.service.credentials import CredentialOps
from issuer.service.endorsing import EndorseOps
from issuer.service.frameworks import FrameworkOps


class Issuer(AchievementOps, AwardOps, CredentialOps, EndorseOps, FrameworkOps):
    """One issuer over one store. ``key`` is None until unlocked (read-only use)."""


__all__ = ["Issuer"]
