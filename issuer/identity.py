"""The issuer's identity: DID, profile, base URL, signing keys (setup, unlock, rotate).

did:key issuers have one key (the DID *is* the key). did:web issuers list every key
they ever had in their DID document; retired keys stay under ``assertionMethod`` so
credentials signed before a rotation keep verifying, and new credentials are signed
with the newest key.

A did:web issuer may also hold one P-256 key (``#sd-1``) for ecdsa-sd-2023 base
proofs, so learners can disclose part of a badge; a did:key issuer cannot, since
its DID is its one Ed25519 key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from issuer.api_tokens import add_admin_token
from issuer.settings import KdfProfile
from issuer.store import Store
from issuer.vault import new_token, open_seed, seal_seed
from shared.did import MULTIKEY_V1, did_key_document, did_web_from_domain, did_web_url
from shared.errors import Conflict, ErrorCode, InvalidInput, Unavailable, Unsupported
from shared.keys import P256SigningKey, SigningKey

DID_V1 = "https://www.w3.org/ns/did/v1"
DEFAULT_LOCAL_URL = "http://127.0.0.1:8000"
SD_FRAGMENT = "sd-1"
# Config entry: {list id: base URL} for lists opened before the base URL changed.
LIST_BASE_URLS = "list_base_urls"
# Config entries holding the selective-disclosure key (sealed like the signing keys).
_SD_SEALED = "sd_key_sealed"
_SD_PUBLIC = "sd_key_public"


@dataclass(frozen=True)
class Identity:
    """What is fixed at ``init``: who the issuer is and where it is published."""

    did: str
    profile: dict[str, Any]
    base_url: str
    suspension: bool
    list_size: int
    # Lists opened under an earlier base URL keep the URL their credentials carry.
    list_base_urls: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_web(self) -> bool:
        return self.did.startswith("did:web:")

    def status_url(self, list_id: str) -> str:
        return f"{self.list_base_urls.get(list_id, self.base_url)}/status/{list_id}"

    def achievement_url(self, achievement_id: str) -> str:
        return f"{self.base_url}/achievements/{achievement_id}"


@dataclass(frozen=True)
class ProfileIn:
    name: str
    url: str | None = None
    email: str | None = None
    image: str | None = None
    description: str | None = None


def initialize(
    store: Store,
    *,
    profile: ProfileIn,
    passphrase: str,
    now: datetime,
    did_web: str | None = None,
    base_url: str | None = None,
    suspension: bool = False,
    list_size: int = 131_072,
    kdf: KdfProfile = "interactive",
    seed: bytes | None = None,
) -> tuple[Identity, str]:
    """Create the issuer in an empty store; returns it and the one-time admin token (the
    API token named ``admin``, ``issuer.api_tokens``)."""
    store.create_schema()
    key = SigningKey.from_seed(seed) if seed is not None else SigningKey.generate()
    if did_web:
        did = did_web_from_domain(did_web)
        did_web_url(did)  # refuses IPs and malformed hosts
        fragment = "key-1"
        default_url = "https://" + did_web.strip("/").replace("%3A", ":")
    else:
        did = key.did
        fragment = key.public_multibase
        default_url = DEFAULT_LOCAL_URL
    url = (base_url or default_url).rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise InvalidInput(
            "the base URL must be http(s)", code=ErrorCode.invalid_request, detail=url
        )
    document = profile_document(did, profile)
    token = new_token()
    identity = Identity(did, document, url, suspension, list_size)
    with store.begin() as conn:
        if "did" in store.config(conn):
            raise Conflict("this issuer is already initialised", code=ErrorCode.already_initialized)
        values = {
            "did": did,
            "profile": json.dumps(document),
            "base_url": url,
            "suspension": "1" if suspension else "0",
            "list_size": str(list_size),
            "created_at": now.isoformat(),
        }
        for name, value in values.items():
            store.set_config(conn, name, value)
        add_admin_token(conn, token, now=now)
        store.add_key(
            conn,
            fragment=fragment,
            public_multibase=key.public_multibase,
            sealed=seal_seed(key.seed, passphrase, kdf=kdf),
            now=now,
        )
        store.audit(conn, at=now, actor="cli", action="init", subject=did, detail={"url": url})
    return identity, token


def profile_document(did: str, profile: ProfileIn) -> dict[str, Any]:
    """The issuer's OB ``Profile`` (checked by the shared models)."""
    # The models are imported here, by init alone: every command opening the issuer
    # imports this module.
    from pydantic import ValidationError

    from shared.ob import Profile, known_fields

    data: dict[str, Any] = {"id": did, "type": ["Profile"], "name": profile.name}
    for key in ("url", "email", "description"):
        value = getattr(profile, key)
        if value:
            data[key] = value
    if profile.image:
        data["image"] = {"id": profile.image, "type": "Image"}
    try:
        return known_fields(Profile.model_validate(data))
    except ValidationError as exc:
        raise InvalidInput(
            "invalid issuer profile", code=ErrorCode.invalid_request, detail=str(exc)
        ) from exc


def load_identity(store: Store) -> Identity:
    with store.read() as conn:
        config = store.config(conn)
    if "did" not in config:
        raise Unavailable(
            "the issuer is not initialised: run 'rugzak-issuer init' first",
            code=ErrorCode.not_initialized,
        )
    return Identity(
        did=config["did"],
        profile=json.loads(config["profile"]),
        base_url=config["base_url"],
        suspension=config.get("suspension") == "1",
        list_size=int(config.get("list_size", "131072")),
        list_base_urls=json.loads(config.get(LIST_BASE_URLS, "{}")),
    )


def unlock(store: Store, identity: Identity, passphrase: str) -> SigningKey:
    """The current signing key, bound to the issuer's DID."""
    return unlock_active(store, identity, passphrase)[1]


def unlock_active(store: Store, identity: Identity, passphrase: str) -> tuple[int, SigningKey]:
    """The current signing key and its row id (what ``active_key_id`` compares with)."""
    with store.read() as conn:
        rows = store.keys(conn)
    active = [r for r in rows if r["retired_at"] is None]
    if not active:
        raise InvalidInput("the issuer has no active key", code=ErrorCode.malformed_key)
    row = active[-1]
    key = SigningKey.from_seed(open_seed(row["sealed_seed"], passphrase))
    if identity.is_web:
        return int(row["id"]), key.with_controller(identity.did, row["fragment"])
    return int(row["id"]), key


def rotate_key(
    store: Store,
    identity: Identity,
    passphrase: str,
    *,
    now: datetime,
    kdf: KdfProfile = "interactive",
    seed: bytes | None = None,
) -> SigningKey:
    """Add a new key (did:web only); older keys stay in the DID document."""
    if not identity.is_web:
        raise Unsupported(
            "a did:key issuer cannot rotate its key (the DID is the key); use did:web",
            code=ErrorCode.unsupported_did_method,
        )
    unlock(store, identity, passphrase)  # the same passphrase must open the current key
    key = SigningKey.from_seed(seed) if seed is not None else SigningKey.generate()
    with store.begin() as conn:
        number = len(store.keys(conn)) + 1
        fragment = f"key-{number}"
        store.add_key(
            conn,
            fragment=fragment,
            public_multibase=key.public_multibase,
            sealed=seal_seed(key.seed, passphrase, kdf=kdf),
            now=now,
        )
        store.retire_keys(conn, except_fragment=fragment, now=now)
        store.audit(
            conn,
            at=now,
            actor="cli",
            action="rotate_key",
            subject=identity.did,
            detail={"new": fragment},
        )
    return key.with_controller(identity.did, fragment)


def add_sd_key(
    store: Store,
    identity: Identity,
    passphrase: str,
    *,
    now: datetime,
    kdf: KdfProfile = "interactive",
    scalar: bytes | None = None,
) -> P256SigningKey:
    """Create the P-256 key for ecdsa-sd-2023 base proofs (did:web only, once)."""
    if not identity.is_web:
        raise Unsupported(
            "a did:key issuer is one Ed25519 key; selective disclosure needs did:web",
            code=ErrorCode.unsupported_did_method,
        )
    unlock(store, identity, passphrase)  # the same passphrase must open the signing key
    key = P256SigningKey.from_private_bytes(scalar) if scalar else P256SigningKey.generate()
    with store.begin() as conn:
        if _SD_PUBLIC in store.config(conn):
            raise Conflict(
                "this issuer already has a selective-disclosure key", code=ErrorCode.conflict
            )
        store.set_config(conn, _SD_SEALED, seal_seed(key.private_bytes, passphrase, kdf=kdf))
        store.set_config(conn, _SD_PUBLIC, key.public_multibase)
        store.audit(
            conn,
            at=now,
            actor="cli",
            action="add_sd_key",
            subject=identity.did,
            detail={"key": SD_FRAGMENT},
        )
    return key.with_controller(identity.did, SD_FRAGMENT)


def unlock_sd(store: Store, identity: Identity, passphrase: str) -> P256SigningKey | None:
    """The selective-disclosure key bound to the issuer's DID, or None without one."""
    with store.read() as conn:
        sealed = store.config(conn).get(_SD_SEALED)
    if sealed is None:
        return None
    key = P256SigningKey.from_private_bytes(open_seed(sealed, passphrase))
    return key.with_controller(identity.did, SD_FRAGMENT)


def did_document(store: Store, identity: Identity) -> dict[str, Any]:
    """The DID document: did:key computed; did:web with every key, newest last.

    The selective-disclosure key, when there is one, is listed for assertions only.
    """
    if not identity.is_web:
        return did_key_document(identity.did)
    with store.read() as conn:
        rows = store.keys(conn)
        sd_public = store.config(conn).get(_SD_PUBLIC)
    methods = [
        {
            "id": f"{identity.did}#{row['fragment']}",
            "type": "Multikey",
            "controller": identity.did,
            "publicKeyMultibase": row["public_multibase"],
        }
        for row in rows
    ]
    active = [m["id"] for m, row in zip(methods, rows, strict=True) if row["retired_at"] is None]
    assertion = [m["id"] for m in methods]
    if sd_public is not None:
        sd_id = f"{identity.did}#{SD_FRAGMENT}"
        methods.append(
            {
                "id": sd_id,
                "type": "Multikey",
                "controller": identity.did,
                "publicKeyMultibase": sd_public,
            }
        )
        assertion.append(sd_id)
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": identity.did,
        "verificationMethod": methods,
        "assertionMethod": assertion,
        "authentication": active,
    }
