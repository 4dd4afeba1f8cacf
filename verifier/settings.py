"""Verifier configuration (pydantic-settings; environment prefix ``RUGZAK_VERIFIER_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.runtime.serving_settings import ServingSettings
from shared.vocab import DCC_MIN_STATUS_ENTRIES, DEFAULT_MAX_CREDENTIALS


def default_data_dir() -> Path:
    """Where the verifier keeps its nonce database and loaded trust pack."""
    return Path(platformdirs.user_data_dir("rugzak-verifier", appauthor=False))


class Settings(ServingSettings):
    """Everything the verifier service and CLI can be told.

    ``public_origin`` is the domain wallets bind presentations to: set it to the
    address employers open (``https://verify.example.nl``).
    """

    model_config = SettingsConfigDict(env_prefix="RUGZAK_VERIFIER_", extra="ignore")

    public_origin: str = "http://127.0.0.1:8000"
    database_url: str = ""
    """SQLAlchemy URL; empty means a SQLite file in ``data_dir``."""
    table_prefix: str = "rzv_"
    data_dir: Path = Field(default_factory=default_data_dir)
    request_ttl_seconds: int = Field(600, ge=30, le=86_400)
    trust_list: Path | None = None
    """JSON file of known issuers (see docs/verifier.md)."""
    trust_pack: Path | None = None
    """Offline trust pack; default: ``data_dir/trust-pack.json`` when it exists."""
    offline: bool = False
    """Never touch the network: DIDs and status lists come only from the trust pack."""
    allow_private_network: bool = False
    """Development only: allow http:// and private/loopback addresses for fetches."""
    fetch_timeout_seconds: float = Field(5.0, gt=0, le=60)
    status_max_bytes: int = Field(2 * 1024 * 1024, gt=0)
    did_max_bytes: int = Field(256 * 1024, gt=0)
    status_ttl_seconds: int = Field(300, ge=0)
    status_max_age_seconds: int = Field(86_400, ge=0)
    staple_max_age_seconds: int = Field(86_400, ge=0)
    """How old a status list the learner stapled to a presentation may be (from its
    validFrom) to decide the status (``shared.status_staple``)."""
    pack_max_age_seconds: int = Field(30 * 86_400, ge=0)
    """A trust pack's status lists count as "known" for this long after it was built."""
    min_status_entries: int = Field(DCC_MIN_STATUS_ENTRIES, ge=1)
    max_json_bytes: int = Field(1024 * 1024, gt=0)
    max_image_bytes: int = Field(10 * 1024 * 1024, gt=0)
    max_credentials: int = Field(DEFAULT_MAX_CREDENTIALS, ge=1, le=500)
    """Credentials one presentation may hold; more is refused before any is checked."""
    rate_limit_per_minute: int = Field(120, ge=0)
    """Verify and request calls per client address per minute; 0 turns the limit off."""
    rate_limit_burst: int = Field(30, ge=1)
    shared_rate_limit: bool | None = None
    """Keep the rate limit's buckets in the database, shared by every process and replica
    using it. Default: on with PostgreSQL, off with SQLite (then each worker process
    counts alone)."""
    verify_threads: int = Field(2, ge=1, le=64)
    """Verifications run at once per process: CPU-bound Python gains nothing from more
    threads (the GIL), and fewer threads keep latency steady under load."""
    verify_inline: bool | None = None
    """Verify on the event loop instead of a worker thread. Default: when offline with a
    SQLite database (nothing can wait on the network; the thread hand-off costs more
    CPU than it saves)."""
    log_format: Literal["text", "json"] = "text"
    """``json``: one JSON object per log line (no personal data; see docs/operations.md)."""
    log_requests: bool = False
    """Log one line per request: method, route template, status, duration."""
    metrics: bool = False
    """Serve Prometheus metrics at ``/metrics``."""
    metrics_token: SecretStr | None = None
    """When set, ``/metrics`` answers only ``Authorization: Bearer <token>``."""
    public_presentations: bool = False
    """Opt-in: learners may publish presentations here for a CV or LinkedIn (a stable
    ``/p/<id>`` link, verified again on every view, withdrawn by its holder)."""

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'verifier.db'}"

    def resolved_shared_rate_limit(self) -> bool:
        if self.shared_rate_limit is not None:
            return self.shared_rate_limit
        return self.resolved_database_url().startswith("postgresql")

    def resolved_trust_pack(self) -> Path | None:
        if self.trust_pack is not None:
            return self.trust_pack
        candidate = self.data_dir / "trust-pack.json"
        return candidate if candidate.exists() else None
