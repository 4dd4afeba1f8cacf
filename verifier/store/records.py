"""A stored presentation request and its state, apart from the store (SQLAlchemy).

The verifier judges presentations with these; ``rugzak-verifier verify`` uses no
store, and so does not import SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.presentation_request import PresentationRequest


class RequestState(StrEnum):
    pending = "pending"
    used = "used"
    expired = "expired"
    unknown = "unknown"


@dataclass(frozen=True)
class StoredRequest:
    request: PresentationRequest
    created_at: datetime
    used_at: datetime | None

    def state(self, now: datetime) -> RequestState:
        if self.used_at is not None:
            return RequestState.used
        if self.request.is_expired(now):
            return RequestState.expired
        return RequestState.pending
