"""The serving limits both services' settings mix in, apart from the server itself.

Both apps' settings classes (and so every command line that reads them) need these;
``shared.runtime.serving`` imports uvicorn, which only ``serve`` needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field
from pydantic_settings import BaseSettings


@dataclass(frozen=True)
class ServerLimits:
    """Connection limits for one server process."""

    max_connections: int = 1000
    header_timeout: float = 10.0
    keep_alive: float = 5.0
    max_header_bytes: int = 16 * 1024


class ServingSettings(BaseSettings):
    """The limits and proxy settings both services share (mixed into their settings)."""

    max_connections: int = Field(1000, ge=1, le=100_000)
    """Open connections per worker process; more are closed at once."""
    header_timeout_seconds: float = Field(10.0, gt=0, le=300)
    """A connection that has not sent a complete request head by then is closed."""
    body_timeout_seconds: float = Field(30.0, gt=0, le=600)
    """A request body that has not fully arrived by then is answered 408."""
    keep_alive_seconds: float = Field(5.0, gt=0, le=300)
    """An idle keep-alive connection is closed after this long."""
    trust_forwarded_for: bool = False
    """Behind reverse proxies: take the client address from X-Forwarded-For."""
    forwarded_hops: int = Field(1, ge=1, le=10)
    """How many reverse proxies in front append to X-Forwarded-For (with
    ``trust_forwarded_for``): the client is that many entries from the right."""

    def server_limits(self) -> ServerLimits:
        return ServerLimits(
            max_connections=self.max_connections,
            header_timeout=self.header_timeout_seconds,
            keep_alive=self.keep_alive_seconds,
        )

    def client_hops(self) -> int:
        """Proxies whose X-Forwarded-For entries count (0: the socket peer is the client)."""
        return self.forwarded_hops if self.trust_forwarded_for else 0
