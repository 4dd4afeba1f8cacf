"""Issued credentials: read, revoke, suspend, unsuspend; the audit log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection, RowMapping

from issuer.images import from_data_uri
from issuer.service.base import ACTIVE, REVOKED, SUSPENDED, IssuerBase
from issuer.store import status as st
from issuer.store.db import aware
from issuer.store.repository import load
from shared.errors import Conflict, ErrorCode, InvalidInput, NotFound


class CredentialOps(IssuerBase):
    """Status changes of issued credentials, and the audit log."""

    def credential(self, credential_id: str) -> dict[str, Any]:
        with self.store.read() as conn:
            row = self._credential_row(conn, credential_id)
            return _credential_view(row, st.entries_of(conn, credential_id), full=True)

    def baked(self, credential_id: str) -> tuple[bytes, str]:
        """The credential baked into its badge picture (OB 3.0 baking), and the media type.

        The picture is the achievement's own, as it was given (a PNG or SVG file; a
        JPEG, GIF or WebP one is baked as a PNG of it); a picture the issuer only links
        to is not fetched here (bake it from the JSON). A baked picture is shown to
        others (a web site, a mail to an employer), so it carries no ecdsa-sd-2023 base
        proof: that is for the learner's wallet only, which gets it when it collects the
        badge (``shown_whole``)."""
        # the badge formats (images, QR, JOSE) are imported by the one command baking
        from shared.formats.baking import bake_png, bake_svg, png_picture
        from shared.ob.disclosure import shown_whole

        with self.store.read() as conn:
            row = self._credential_row(conn, credential_id)
            achievement = self.store.achievement(conn, row["achievement_id"])
        document = shown_whole(load(row["document"]))
        given = load(achievement["document"]).get("image") if achievement is not None else None
        picture = from_data_uri(given) if isinstance(given, str) else None
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        if picture is not None and picture.media_type == "image/png":
            return bake_png(picture.data, text), picture.media_type
        if picture is not None and picture.media_type == "image/svg+xml":
            return bake_svg(picture.data, text), picture.media_type
        as_png = png_picture(picture.data) if picture is not None else None
        if as_png is not None:  # a JPEG, GIF or WebP picture, made a PNG
            return bake_png(as_png, text), "image/png"
        raise InvalidInput(
            "this badge's achievement has no picture kept here to bake it into",
            code=ErrorCode.invalid_image,
            detail=credential_id,
        )

    def credentials(
        self, *, achievement_id: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            rows = self.store.credentials(
                conn, achievement_id=achievement_id, limit=limit, offset=offset
            )
        return [_credential_view(row, [], full=False) for row in rows]

    def _credential_row(self, conn: Connection, credential_id: str) -> RowMapping:
        row = self.store.credential(conn, credential_id)
        if row is None:
            raise NotFound(
                f"no credential '{credential_id}'",
                code=ErrorCode.credential_not_found,
                detail=credential_id,
            )
        return row

    def revoke(
        self, credential_id: str, *, actor: str, reason: str | None = None
    ) -> dict[str, Any]:
        """Revoke for good (idempotent): the revocation bit is set and never cleared."""
        return self._set_status(credential_id, REVOKED, actor=actor, reason=reason)

    def suspend(
        self, credential_id: str, *, actor: str, reason: str | None = None
    ) -> dict[str, Any]:
        return self._set_status(credential_id, SUSPENDED, actor=actor, reason=reason)

    def unsuspend(
        self, credential_id: str, *, actor: str, reason: str | None = None
    ) -> dict[str, Any]:
        return self._set_status(credential_id, ACTIVE, actor=actor, reason=reason)

    def _set_status(
        self, credential_id: str, target: str, *, actor: str, reason: str | None
    ) -> dict[str, Any]:
        now = self.now()
        with self.store.begin() as conn:
            row = self._credential_row(conn, credential_id)
            entries = {e["purpose"]: e for e in st.entries_of(conn, credential_id)}
            state = row["state"]
            if target != REVOKED and "suspension" not in entries:
                raise Conflict(
                    "this credential has no suspension status (suspension is off for this issuer)",
                    code=ErrorCode.conflict,
                    detail=credential_id,
                )
            if state == REVOKED and target != REVOKED:
                raise Conflict(
                    "a revoked credential stays revoked",
                    code=ErrorCode.conflict,
                    detail=credential_id,
                )
            if state == target:
                return _credential_view(row, list(entries.values()), full=False) | {
                    "changed": False
                }
            if target == REVOKED:
                revocation = entries["revocation"]
                st.set_value(conn, revocation["list_id"], revocation["idx"], 1)
            else:
                suspension = entries["suspension"]
                st.set_value(
                    conn, suspension["list_id"], suspension["idx"], int(target == SUSPENDED)
                )
            self.store.set_credential_state(conn, credential_id, target)
            action = {REVOKED: "revoke", SUSPENDED: "suspend", ACTIVE: "unsuspend"}[target]
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action=action,
                subject=credential_id,
                detail={"reason": reason} if reason else None,
            )
            row = self._credential_row(conn, credential_id)
            return _credential_view(row, st.entries_of(conn, credential_id), full=False) | {
                "changed": True
            }

    def audit_log(
        self, *, limit: int = 100, offset: int = 0, subject: str | None = None
    ) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            rows = self.store.audit_log(conn, limit=limit, offset=offset, subject=subject)
        return [
            {
                "id": r["id"],
                "at": aware(r["at"]),
                "actor": r["actor"],
                "action": r["action"],
                "subject": r["subject"],
                "detail": load(r["detail"]),
            }
            for r in rows
        ]


def _credential_view(
    row: RowMapping, entries: Sequence[RowMapping], *, full: bool
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": row["id"],
        "achievement_id": row["achievement_id"],
        "subject_id": row["subject_id"],
        "state": row["state"],
        "issued_at": aware(row["issued_at"]),
        "valid_until": aware(row["valid_until"]),
        "offer_id": row["offer_id"],
        "status": [
            {"purpose": e["purpose"], "list": e["list_id"], "index": e["idx"], "value": e["value"]}
            for e in entries
        ],
    }
    if full:
        view["credential"] = load(row["document"])
    return view
