"""Issuer configuration (pydantic-settings; environment prefix ``RUGZAK_ISSUER_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.runtime.serving_settings import ServingSettings

KdfProfile = Literal["moderate", "interactive", "min"]


def default_data_dir() -> Path:
    """Per-user data directory, e.g. ``~/.local/share/rugzak-issuer``."""
    return Path(platformdirs.user_data_dir("rugzak-issuer", appauthor=False))


class IssuerSettings(ServingSettings):
    """Everything the issuer service and CLI need; the signing key lives in the store.

    ``passphrase`` unlocks the signing key and is never logged or echoed
    (``SecretStr``). ``database_url`` defaults to a SQLite file in ``data_dir``; a
    ``postgresql+psycopg://`` URL lets several issuer processes share one store.
    """

    model_config = SettingsConfigDict(env_prefix="RUGZAK_ISSUER_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    passphrase: SecretStr | None = None
    # Argon2id cost used when a key is encrypted (init, rotate-key); stored with the key.
    kdf: KdfProfile = "interactive"
    max_request_bytes: int = Field(default=1_000_000, ge=1024)
    max_image_bytes: int = Field(default=256 * 1024, ge=1024)
    offer_ttl_seconds: int = Field(default=3 * 24 * 3600, ge=60)
    token_ttl_seconds: int = Field(default=600, ge=30)
    nonce_ttl_seconds: int = Field(default=300, ge=30)
    proof_max_age_seconds: int = Field(default=300, ge=30)
    status_ttl_seconds: int = Field(default=300, ge=0)
    # Re-sign a status list at least this often even when no bit changed: the proof's
    # time tells a verifier of a stapled list that it is current (docs/stapling.md).
    status_resign_seconds: int = Field(default=6 * 3600, ge=60)
    tx_code_max_attempts: int = Field(default=5, ge=1)
    # Open the next status list once this share of a list's indexes is in use.
    status_fill_limit: float = Field(default=0.75, gt=0.0, le=0.95)
    # Add an ecdsa-sd-2023 base proof beside eddsa-rdfc-2022 so learners can disclose
    # part of a badge (needs the key from 'rugzak-issuer selective-disclosure').
    sd_proofs: bool = False
    # Sign every new badge with a proof set: eddsa-rdfc-2022 plus Ed25519Signature2020,
    # which older Learner Credential Wallet builds need (an achievement can override).
    legacy_proofs: bool = False
    # Put badge and logo images inside credentials as data URIs (large: many QR codes)
    # instead of by URL under the base URL with their digest (the default).
    embed_images: bool = False
    # A running service signs with the key `rotate-key` made within this many seconds:
    # each process reads the active key's id at most this often (0: on every signing).
    key_check_seconds: float = Field(default=1.0, ge=0.0, le=3600.0)
    # ``json``: one JSON object per log line, without personal data (docs/operations.md).
    log_format: Literal["text", "json"] = "text"
    # Log one line per request: method, route template, status, duration.
    log_requests: bool = False
    # Serve Prometheus metrics at /metrics; with a token, only for that bearer.
    metrics: bool = False
    metrics_token: SecretStr | None = None
    # OpenID4VCI calls (token, nonce, credential, offer) per client address per minute;
    # 0 turns the limit off. Admin calls are authenticated and not limited.
    rate_limit_per_minute: int = Field(default=60, ge=0)
    rate_limit_burst: int = Field(default=20, ge=1)
    # Keep the rate limit's buckets in the database, shared by every issuer process
    # using it. Default: on with PostgreSQL, off with SQLite (each process counts alone).
    shared_rate_limit: bool | None = None

    def resolved_shared_rate_limit(self) -> bool:
        if self.shared_rate_limit is not None:
            return self.shared_rate_limit
        return self.resolved_database_url().startswith("postgresql")

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to ``sqlite:///<data_dir>/issuer.db``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'issuer.db').as_posix()}"
