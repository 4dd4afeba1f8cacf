"""What the issuer publishes: signed status list credentials, the DID document and
badge images, served by the API and exported as static files for any web host or CDN."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from issuer.identity import did_document
from issuer.images import IMAGES_PATH, MEDIA_TYPES, StoredImage, is_image_name
from issuer.store import status as st
from issuer.store.db import aware
from shared.errors import ErrorCode, NotFound
from shared.runtime.files import atomic_write
from shared.status_list import BitstringStatusList, build_status_list_credential
from shared.status_staple import list_time

if TYPE_CHECKING:
    from issuer.service.base import IssuerBase


@dataclass(frozen=True)
class Published:
    """A document ready to serve: exact bytes and their strong ETag."""

    body: bytes
    etag: str


def status_list(issuer: IssuerBase, list_id: str) -> Published:
    """The signed status list credential, re-signed when a bit changed since, or when
    its signature is older than ``status_resign_seconds`` (a stapled list must be
    recent to count; see ``shared.status_staple``)."""
    store = issuer.store
    with store.read() as conn:
        row = st.get_list(conn, list_id)
        if row is None:
            raise NotFound(f"no status list '{list_id}'", code=ErrorCode.not_found, detail=list_id)
        version = row["version"]
        if (
            row["signed_version"] == version
            and row["signed_document"]
            and row["etag"]
            and not _resign_due(issuer, row["signed_document"])
        ):
            return Published(row["signed_document"].encode("utf-8"), row["etag"])
        # Read the version before the bits: a change in between only makes us
        # re-sign once more later, never serve old bits under a new version.
        indexes = st.set_indexes(conn, list_id)
    bits = BitstringStatusList(row["size"])
    for index in indexes:
        bits.set(index, 1)
    now = issuer.now()
    unsigned = build_status_list_credential(
        list_url=issuer.identity.status_url(list_id),
        issuer=issuer.identity.did,
        purpose=row["purpose"],
        status_list=bits,
        # The list's creation time, not now: a verifier whose clock is a little
        # behind ours must not see a freshly re-signed list as "not yet valid".
        valid_from=aware(row["created_at"]) or now,
        ttl_ms=issuer.settings.status_ttl_seconds * 1000,
    )
    # The credential core (about a second to import) only where a list is signed:
    # `status list` reads the lists through this module too.
    from shared.credentials import issue_credential

    signed = issue_credential(unsigned, issuer.signer, created=now)
    text = json.dumps(signed, separators=(",", ":"))
    etag = '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'
    with store.begin() as conn:
        st.save_signed(conn, list_id, version=version, document=text, etag=etag)
    return Published(text.encode("utf-8"), etag)


def _resign_due(issuer: IssuerBase, document: str) -> bool:
    """Whether the stored signed list is older than ``status_resign_seconds``."""
    try:
        signed = list_time(json.loads(document))
    except ValueError:
        return True
    if signed is None:
        return True
    age = issuer.now() - signed
    return age >= timedelta(seconds=issuer.settings.status_resign_seconds)


def status_list_ids(issuer: IssuerBase) -> list[dict[str, Any]]:
    with issuer.store.read() as conn:
        rows = st.lists(conn)
        return [
            {
                "id": r["id"],
                "purpose": r["purpose"],
                "size": r["size"],
                "allocated": st.allocated_count(conn, r["id"]),
                "version": r["version"],
                "url": issuer.identity.status_url(r["id"]),
            }
            for r in rows
        ]


def did_json(issuer: IssuerBase) -> Published:
    text = json.dumps(did_document(issuer.store, issuer.identity), separators=(",", ":"))
    etag = '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'
    return Published(text.encode("utf-8"), etag)


def did_document_path(issuer: IssuerBase) -> str:
    """Where the DID document lives under the base URL's host: ``.well-known/did.json``
    for a bare domain, ``<path>/did.json`` for the path form."""
    parts = issuer.identity.did.split(":")[3:]
    return "/".join([*parts, "did.json"]) if parts else ".well-known/did.json"


def export(issuer: IssuerBase, directory: Path) -> list[Path]:
    """Write every status list, image (and the did:web document) as static files.

    The files are public and world-readable (0644), so a web server running as
    another user can serve them.

    Paths mirror the URLs under the base URL: ``status/<list>``, ``images/<name>``
    and the DID document, so copying the directory to the web root publishes them.
    """
    base_path = urlsplit(issuer.identity.base_url).path.strip("/")
    written = []
    with issuer.store.read() as conn:
        names = issuer.store.image_names(conn)
    for name in names:
        data = image(issuer, name).data
        written.append(
            atomic_write(directory / IMAGES_PATH / name, data, mode=0o644, make_dirs=True)
        )
    for info in status_list_ids(issuer):
        published = status_list(issuer, info["id"])
        written.append(
            atomic_write(
                directory / "status" / info["id"], published.body, mode=0o644, make_dirs=True
            )
        )
    if issuer.identity.is_web:
        did_path = did_document_path(issuer)
        if base_path and did_path.startswith(base_path + "/"):
            did_path = did_path[len(base_path) + 1 :]
        written.append(
            atomic_write(directory / did_path, did_json(issuer).body, mode=0o644, make_dirs=True)
        )
    return written


def image(issuer: IssuerBase, name: str) -> StoredImage:
    """A stored badge or logo image by its content name (``<digest>.<ext>``)."""
    row = None
    if is_image_name(name):
        with issuer.store.read() as conn:
            row = issuer.store.image(conn, name)
    if row is None:
        raise NotFound(f"no image '{name[:80]}'", code=ErrorCode.not_found, detail=name[:80])
    return StoredImage(row["name"], MEDIA_TYPES[name.rsplit(".", 1)[1]], bytes(row["data"]))
