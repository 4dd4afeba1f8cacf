"""Named bearer tokens for the issuer's HTTP API, so the audit log says who did what.

Every person or system that calls the API has its own token with a name ("Joost de
Vries", "LMS-koppeling") and a scope: ``admin`` may do everything, ``issue`` only
award (issue, award skills, make offers, and read what that needs). The audit log
records an API action as ``api:<name>`` (``actor``). A leaver's token is revoked on its
own: the others keep working, and the revoked one stays listed.

Tokens are 43 random URL-safe characters (``issuer.vault.new_token``, 256 bits); only
their SHA-256 is stored. A presented token is found by its hash, never by a name, so
how long a lookup takes says nothing about which names exist (the index is searched
for a digest an attacker cannot steer), and the digest found is compared again in
constant time.

``last used`` is written at most once a ``LAST_USED_EVERY`` per token: the row read to
check a token carries the time last recorded, so most requests write nothing.
"""

from __future__ import annotations

import hmac
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from issuer.store import Store
from issuer.store import tokens as rows
from issuer.store.db import aware
from issuer.vault import hash_token, new_token
from shared.errors import Conflict, ErrorCode, InvalidInput, NotFound


class TokenScope(StrEnum):
    """What a token may do; ``admin`` includes everything ``issue`` may."""

    issue = "issue"
    admin = "admin"

    def allows(self, needed: TokenScope) -> bool:
        return self is TokenScope.admin or self is needed


#: The token ``init`` prints and ``admin-token`` replaces (the one token of old stores).
ADMIN_NAME = "admin"
NAME_MAX = 64
#: Prefix of the audit log's ``actor`` for an API action: ``api:Joost de Vries``.
ACTOR_PREFIX = "api:"
LAST_USED_EVERY = timedelta(minutes=1)
# Punctuation a name may hold besides letters, marks, digits and spaces.
_NAME_PUNCTUATION = frozenset("-'\u2019.,()&_/@+")


@dataclass(frozen=True)
class ApiToken:
    """A token as listed: never the token, nor its hash."""

    id: int
    name: str
    scope: TokenScope
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def actor(self) -> str:
        """What the audit log records for this token's API actions."""
        return actor_for(self.name)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scope": str(self.scope),
            "state": "active" if self.active else "revoked",
            "created_at": self.created_at,
            "last_used_at": self.last_used_at,
            "revoked_at": self.revoked_at,
        }

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> ApiToken:
        return cls(
            id=int(row["id"]),
            name=row["name"],
            scope=TokenScope(row["scope"]),
            created_at=aware(row["created_at"]) or row["created_at"],
            last_used_at=aware(row["last_used_at"]),
            revoked_at=aware(row["revoked_at"]),
        )


def actor_for(name: str) -> str:
    return ACTOR_PREFIX + name


def clean_name(name: str) -> str:
    """The name as stored: NFC, spaces trimmed and single; refused when it is empty,
    too long, or holds anything but letters, digits, spaces and ``- ' . , ( ) & _ / @ +``
    (no control or invisible characters: the name is printed in the audit log)."""
    normal = unicodedata.normalize("NFC", name)
    bad = sorted({c for c in normal if not _allowed(c)})
    cleaned = " ".join(normal.split())
    if not cleaned or len(cleaned) > NAME_MAX or bad or not any(c.isalnum() for c in cleaned):
        detail: dict[str, Any] = {"name": name[:200]}
        if bad:
            detail["characters"] = [f"U+{ord(c):04X}" for c in bad]
        raise InvalidInput(
            f"a token name has 1 to {NAME_MAX} characters: letters, digits, spaces and "
            "- ' . , ( ) & _ / @ +",
            code=ErrorCode.invalid_request,
            detail=detail,
        )
    return cleaned


def _allowed(char: str) -> bool:
    """Letters, marks, digits, spaces (of any width) and ``_NAME_PUNCTUATION``; no
    line breaks, tabs, control or invisible characters."""
    kind = unicodedata.category(char)
    return kind[0] in "LMN" or kind == "Zs" or char in _NAME_PUNCTUATION


def name_key(name: str) -> str:
    """What two names are compared by: ``Joost de Vries`` and ``joost de vries`` are
    one person."""
    return unicodedata.normalize("NFC", clean_name(name).casefold())


def _scope(value: str) -> TokenScope:
    try:
        return TokenScope(value)
    except ValueError:
        raise InvalidInput(
            "the scope is 'issue' or 'admin'", code=ErrorCode.invalid_request, detail=value
        ) from None


def create_token(
    store: Store, name: str, scope: str, *, now: datetime, actor: str = "cli"
) -> tuple[ApiToken, str]:
    """A new token for ``name``; returns it and the token itself (shown once).

    The name ``admin`` is kept for the token ``admin-token`` replaces."""
    cleaned, checked = clean_name(name), _scope(scope)
    if name_key(cleaned) == ADMIN_NAME:
        raise Conflict(
            "the name 'admin' is kept for the token 'rugzak-issuer admin-token' makes",
            code=ErrorCode.conflict,
            detail=cleaned,
        )
    token = new_token()
    try:
        with store.begin() as conn:
            if rows.active_by_key(conn, name_key(cleaned)) is not None:
                raise _taken(cleaned)
            rows.add(
                conn,
                name=cleaned,
                name_key=name_key(cleaned),
                scope=str(checked),
                token_hash=hash_token(token),
                now=now,
            )
            store.audit(
                conn,
                at=now,
                actor=actor,
                action="token_create",
                subject=actor_for(cleaned),
                detail={"scope": str(checked)},
            )
            created = rows.active_by_key(conn, name_key(cleaned))
    except IntegrityError as exc:  # another process took the name meanwhile
        raise _taken(cleaned) from exc
    assert created is not None
    return ApiToken.from_row(created), token


def _taken(name: str) -> Conflict:
    return Conflict(
        f"there is already a token named '{name}': revoke it first, or choose another name",
        code=ErrorCode.conflict,
        detail=name,
    )


def revoke_token(store: Store, name: str, *, now: datetime, actor: str = "cli") -> ApiToken:
    """Revoke the active token named ``name``: refused from the next request on."""
    cleaned = clean_name(name)
    with store.begin() as conn:
        row = rows.active_by_key(conn, name_key(cleaned))
        if row is None or not rows.revoke(conn, int(row["id"]), now):
            raise NotFound(
                f"no active token named '{cleaned}'", code=ErrorCode.not_found, detail=cleaned
            )
        store.audit(
            conn,
            at=now,
            actor=actor,
            action="token_revoke",
            subject=actor_for(row["name"]),
            detail={"scope": row["scope"]},
        )
    return ApiToken.from_row({**row, "revoked_at": now})


def list_tokens(store: Store) -> list[ApiToken]:
    """Every token, oldest first; revoked ones too."""
    with store.read() as conn:
        return [ApiToken.from_row(row) for row in rows.all_rows(conn)]


def add_admin_token(conn: Connection, token: str, *, now: datetime) -> None:
    """Store ``token`` as the one named ``admin`` (``init``; no other may be active)."""
    rows.add(
        conn,
        name=ADMIN_NAME,
        name_key=ADMIN_NAME,
        scope=str(TokenScope.admin),
        token_hash=hash_token(token),
        now=now,
    )


def replace_admin_token(store: Store, *, subject: str, now: datetime) -> str:
    """A new token named ``admin`` (scope admin); the one it replaces stops working at
    once. Returns the token (shown once)."""
    token = new_token()
    with store.begin() as conn:
        old = rows.active_by_key(conn, ADMIN_NAME)
        if old is not None:
            rows.revoke(conn, int(old["id"]), now)
        add_admin_token(conn, token, now=now)
        store.audit(conn, at=now, actor="cli", action="admin_token", subject=subject)
    return token


def authenticate(store: Store, token: str, *, now: datetime) -> ApiToken | None:
    """The active token ``token`` is, or None (unknown or revoked).

    Records its use when the last one recorded is ``LAST_USED_EVERY`` old or more."""
    digest = hash_token(token)
    with store.read() as conn:
        row = rows.by_hash(conn, digest)
    if (
        row is None
        or not hmac.compare_digest(str(row["token_hash"]), digest)
        or row["revoked_at"] is not None
    ):
        return None
    found = ApiToken.from_row(row)
    last = found.last_used_at
    if last is None or now - last >= LAST_USED_EVERY:
        # Losing this write in a crash loses nothing that matters: no fsync wait.
        with store.begin(durable=False) as conn:
            rows.touch(conn, found.id, now, now - LAST_USED_EVERY)
    return found
