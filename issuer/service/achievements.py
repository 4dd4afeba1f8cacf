"""Achievement operations: create, update, retire, read."""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy.engine import RowMapping

from issuer.achievements import (
    AchievementIn,
    AchievementUpdate,
    apply_update,
    normalize,
    parse_input,
    to_ob,
)
from issuer.service.base import _SLUG, IssuerBase
from issuer.store.db import aware
from issuer.store.repository import load
from shared.errors import Conflict, ErrorCode, InvalidInput


class AchievementOps(IssuerBase):
    """Define the achievements (badge classes) this issuer awards."""

    def create_achievement(
        self, data: AchievementIn, *, actor: str, achievement_id: str | None = None
    ) -> dict[str, Any]:
        data = normalize(data, max_image_bytes=self.settings.max_image_bytes)
        aid = achievement_id or _new_id(data.name)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", aid):
            raise InvalidInput(
                "an achievement id is 1-64 letters, digits, '-' or '_'",
                code=ErrorCode.invalid_request,
                detail=aid,
            )
        to_ob(data, self.identity.achievement_url(aid))
        now = self.now()
        with self.store.begin() as conn:
            if self.store.achievement(conn, aid) is not None:
                raise Conflict(
                    f"achievement '{aid}' exists already", code=ErrorCode.conflict, detail=aid
                )
            self.store.insert_achievement(
                conn,
                id=aid,
                document=data.model_dump(mode="json"),
                valid_days=data.valid_days,
                now=now,
            )
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action="achievement_create",
                subject=aid,
                detail={"name": data.name},
            )
            return self._view(self._row(conn, aid))

    def update_achievement(
        self, achievement_id: str, change: AchievementUpdate, *, actor: str
    ) -> dict[str, Any]:
        now = self.now()
        with self.store.begin() as conn:
            row = self._row(conn, achievement_id)
            data = apply_update(parse_input(load(row["document"])), change)
            data = normalize(data, max_image_bytes=self.settings.max_image_bytes)
            to_ob(data, self.identity.achievement_url(achievement_id))
            self.store.update_achievement(
                conn,
                achievement_id,
                document=data.model_dump(mode="json"),
                valid_days=data.valid_days,
                now=now,
            )
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action="achievement_update",
                subject=achievement_id,
                detail={"fields": sorted(change.model_dump(exclude_unset=True))},
            )
            return self._view(self._row(conn, achievement_id))

    def retire_achievement(self, achievement_id: str, *, actor: str) -> dict[str, Any]:
        now = self.now()
        with self.store.begin() as conn:
            self._row(conn, achievement_id)
            if self.store.retire_achievement(conn, achievement_id, now):
                self.store.audit(
                    conn, at=now, actor=actor, action="achievement_retire", subject=achievement_id
                )
            return self._view(self._row(conn, achievement_id))

    def achievement(self, achievement_id: str) -> dict[str, Any]:
        with self.store.read() as conn:
            return self._view(self._row(conn, achievement_id))

    def achievements(self, *, include_retired: bool = False) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            rows = self.store.achievements(conn, include_retired=include_retired)
        return [self._view(row) for row in rows]

    def _view(self, row: RowMapping) -> dict[str, Any]:
        data = parse_input(load(row["document"]))
        url = self.identity.achievement_url(row["id"])
        return {
            "id": row["id"],
            "url": url,
            "retired": row["retired_at"] is not None,
            "created_at": aware(row["created_at"]),
            "updated_at": aware(row["updated_at"]),
            "definition": data.model_dump(mode="json", exclude_none=True),
            "achievement": to_ob(data, url),
        }


def _new_id(name: str) -> str:
    slug = _SLUG.sub("-", name.lower()).strip("-")[:40] or "achievement"
    return f"{slug}-{secrets.token_hex(3)}"
