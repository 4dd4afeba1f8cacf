"""Where an issuer is published, and changing it later.

Every credential carries the base URL in its status entry (``<base>/status/<list>``).
A verifier elsewhere can only check revocation when that URL is public https: a
``http://127.0.0.1`` URL makes other verifiers drop the status check without telling
anyone. So ``init`` asks for a public base URL or an explicit ``--local``, and
``config`` can move an issuer later. A move opens new status lists; lists opened
before it keep their old URL, so credentials already handed out keep pointing where
they pointed (the service serves every list at ``/status/<list>`` on any host name).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from issuer.identity import LIST_BASE_URLS, Identity
from issuer.store import Store
from issuer.store import status as st
from shared.errors import ErrorCode, InvalidInput
from shared.status_cache import is_public_https_url

NOT_CHECKABLE = (
    "Credentials will carry {url} in their status entries. Other verifiers and wallets "
    "cannot reach it, so they cannot check revocation (many then skip that check "
    "silently). Use this only to try Rugzak out on this machine."
)


def normalise(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise InvalidInput(
            "the base URL must be an http(s) URL without query or fragment, "
            "e.g. https://badges.example.nl",
            code=ErrorCode.invalid_request,
            detail=url,
        )
    return url


def is_public(url: str) -> bool:
    """Public https with a dotted host name or a public address: checkable elsewhere."""
    host = urlsplit(url).hostname or ""
    return is_public_https_url(url) and "." in host


def require_public(url: str, *, local: bool) -> str:
    """The normalised URL; refuses a non-public one unless the caller consented (``--local``)."""
    url = normalise(url)
    if not is_public(url) and not local:
        raise InvalidInput(
            f"{url} is not a public https address: credentials issued with it cannot be "
            "checked elsewhere. Give --base-url https://<your public host>, or --local to "
            "issue credentials that only this machine can check.",
            code=ErrorCode.invalid_request,
            detail=url,
        )
    return url


@dataclass(frozen=True)
class Change:
    base_url: str
    suspension: bool
    moved_lists: list[str]


def change_settings(
    store: Store,
    identity: Identity,
    *,
    now: datetime,
    base_url: str | None = None,
    suspension: bool | None = None,
    list_size: int,
) -> Change:
    """New settings for credentials issued from now on; what was issued stays as it was.

    A new base URL pins every existing list to the URL it was opened under and opens
    the next list of each purpose, so no new credential shares a list with old ones.
    Suspension can be turned on (new credentials get a second entry); not off, since
    credentials already out would lose the way back from a suspension.
    """
    if suspension is False and identity.suspension:
        raise InvalidInput(
            "suspension cannot be turned off: credentials issued with it must stay "
            "suspendable and unsuspendable",
            code=ErrorCode.invalid_request,
        )
    moved: list[str] = []
    with store.begin() as conn:
        config = store.config(conn)
        if base_url is not None and base_url != config["base_url"]:
            pinned: dict[str, str] = json.loads(config.get(LIST_BASE_URLS, "{}"))
            allocator = st.StatusAllocator(list_size=list_size, fill_limit=1.0)
            newest: dict[str, int] = {}
            for row in st.lists(conn):
                pinned.setdefault(row["id"], config["base_url"])
                moved.append(row["id"])
                newest[row["purpose"]] = max(newest.get(row["purpose"], 0), row["seq"])
            for purpose, seq in newest.items():
                allocator.open_next(conn, purpose, seq + 1, now)
            store.set_config(conn, LIST_BASE_URLS, json.dumps(pinned, sort_keys=True))
            store.set_config(conn, "base_url", base_url)
            store.audit(
                conn,
                at=now,
                actor="cli",
                action="config",
                subject=identity.did,
                detail={"base_url": base_url, "was": config["base_url"]},
            )
        if suspension and not identity.suspension:
            store.set_config(conn, "suspension", "1")
            store.audit(
                conn,
                at=now,
                actor="cli",
                action="config",
                subject=identity.did,
                detail={"suspension": True},
            )
        final = store.config(conn)
    return Change(final["base_url"], final.get("suspension") == "1", moved)
