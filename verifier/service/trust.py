"""Known issuers (trust list) and the offline trust pack.

Trust list file (JSON)::

    {"issuers": [{"id": "did:web:leerhuis.example", "name": "Leerhuis Utrecht"},
                 {"id": "https://badges.example.nl/issuers/7", "name": "Bootcamp Zwolle"}]}

An issuer's ``id`` is a DID or an absolute https URL (an issuer whose keys are in a
key document at that URL, W3C Controlled Identifiers); see ``issuer_id_problem``.

Trust pack file (JSON), everything needed to verify with no network at all::

    {"format": "rugzak-trust-pack", "version": 1, "created": "2026-11-23T12:00:00Z",
     "issuers": [{"id": ..., "name": ...}],
     "dids": {"did:web:leerhuis.example": {...DID document...}},
     "key_documents": {"https://badges.example.nl/issuers/7": {...key document...}},
     "status_lists": {"https://leerhuis.example/status/1": {...status list credential...}},
     "images": {"https://leerhuis.example/images/uEiB....png": "<base64 of the bytes>"}}

``key_documents`` (optional) holds the https key documents (Controlled Identifiers)
that proofs name their keys in, by URL, each naming itself by that URL. ``images``
(optional) holds badge and logo pictures so the page shows them offline; ``pack
build`` takes only images whose bytes match the digest their badge gives.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from shared.credentials import StatusFetcher, types_of
from shared.dates import format_datetime, read_datetime
from shared.did import check_document, is_web_url
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed, RugzakError
from shared.formats import readable
from shared.runtime.files import atomic_write
from shared.strict_json import parse as parse_json
from shared.vocab import STATUS_LIST_CREDENTIAL_TYPES
from verifier.service.images import MAX_IMAGE_BYTES, sniff

PACK_FORMAT = "rugzak-trust-pack"
PACK_VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024
STATUS_LIST_TYPES = STATUS_LIST_CREDENTIAL_TYPES


def _read_json(path: Path, code: ErrorCode, what: str) -> Any:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidInput(f"the {what} {path} is too large", code=code)
        return parse_json(path.read_bytes())
    except OSError as exc:
        raise InvalidInput(f"the {what} {path} cannot be read ({exc.strerror})", code=code) from exc
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInput(f"the {what} {path} is not JSON", code=code) from exc


# Issuer ids on the list are compared with the badge's ``issuer.id`` exactly, character
# for character (RFC 3986 section 6.2.1, simple string comparison), for https URLs as
# for DIDs: no normalisation. The signature ties a badge to an https issuer by exact
# equality too (Controlled Identifiers: the key document's ``id`` is the URL it was
# read from; the issuer check: that URL is ``issuer.id``), and a list that matched
# more loosely would name issuers no signature confirmed. RFC 3986's syntax-based
# normalisation would ignore the case of the host, but ``/x`` and ``/x/`` are two
# resources (on a badge platform, perhaps two issuers), and an escaped or a look-alike
# letter must never match. An entry written otherwise than the badge writes it does
# not match: "unknown issuer", never another issuer's name. Hence only ids a URI can
# be (ASCII: an international domain name in its ``xn--`` form), in the form the key
# document code reads (``https://`` in lower case).
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]*")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
MAX_ID_CHARS = 2048


def issuer_id_problem(value: Any) -> str | None:
    """Why ``value`` cannot be a known issuer's id (a DID, or an absolute https URL
    with no user name or password and no fragment), or None when it can."""
    if not isinstance(value, str) or not value:
        return "has no 'id' (a DID or an https URL)"
    if len(value) > MAX_ID_CHARS:
        return f"has an 'id' longer than {MAX_ID_CHARS} characters"
    if value.startswith("did:"):
        return None
    if not value.startswith("https://"):
        return "has an 'id' that is neither a DID nor an https URL (https:// in lower case)"
    if "#" in value:
        return "has an 'id' with a fragment (#...): the issuer is the document, not a key in it"
    if not _URI_CHARS.fullmatch(value) or _BAD_ESCAPE.search(value):
        return "has an 'id' with characters a URL cannot hold (a domain name in its xn-- form)"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        return "has an 'id' that is not a URL (its host or port cannot be read)"
    if "@" in parts.netloc:
        return "has an 'id' with a user name or password in it"
    if not parts.hostname:
        return "has an 'id' with no host"
    return None


def parse_issuers(data: Any, code: ErrorCode = ErrorCode.invalid_trust_list) -> dict[str, str]:
    """``{"issuers": [{"id", "name"}]}`` to an issuer id -> display name map."""
    if not isinstance(data, Mapping) or not isinstance(data.get("issuers"), list):
        raise InvalidInput('a trust list is a JSON object with an "issuers" list', code=code)
    out: dict[str, str] = {}
    for i, item in enumerate(data["issuers"]):
        if not isinstance(item, Mapping):
            raise InvalidInput(f"issuer {i} is not an object", code=code, detail={"index": i})
        ident, name = item.get("id"), item.get("name")
        problem = issuer_id_problem(ident)
        if problem is not None:
            raise InvalidInput(f"issuer {i} {problem}", code=code, detail={"index": i})
        if not isinstance(name, str) or not name.strip() or len(name) > 300:
            raise InvalidInput(f"issuer {i} has no 'name'", code=code, detail={"index": i})
        out[str(ident)] = name.strip()
    return out


def load_trust_list(path: Path) -> dict[str, str]:
    return parse_issuers(_read_json(path, ErrorCode.invalid_trust_list, "trust list"))


def issuers_document(issuers: Mapping[str, str]) -> dict[str, Any]:
    return {"issuers": [{"id": id_, "name": name} for id_, name in sorted(issuers.items())]}


@dataclass
class TrustPack:
    """DID documents, key documents and status lists gathered while online, for offline use."""

    created: datetime
    issuers: dict[str, str] = field(default_factory=dict)
    dids: dict[str, dict[str, Any]] = field(default_factory=dict)
    status_lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Open Badges 2.0 documents by URL (badge classes, issuer profiles, keys, revocation
    # lists), so a signed OB 2.0 badge is checked offline too.
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Badge and logo images by URL (their bytes), for the page without a network.
    images: dict[str, bytes] = field(default_factory=dict)
    # https key documents (Controlled Identifiers) by URL, which proofs name keys in.
    key_documents: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def resolvable(self) -> dict[str, dict[str, Any]]:
        """The DID documents and key documents, by the id each names itself by."""
        return {**self.dids, **self.key_documents} if self.key_documents else self.dids

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": PACK_FORMAT,
            "version": PACK_VERSION,
            "created": format_datetime(self.created),
            **issuers_document(self.issuers),
            "dids": self.dids,
            "status_lists": self.status_lists,
        }
        if self.key_documents:
            out["key_documents"] = self.key_documents
        if self.documents:
            out["documents"] = self.documents
        if self.images:
            out["images"] = {
                url: base64.b64encode(data).decode("ascii") for url, data in self.images.items()
            }
        return out

    @classmethod
    def from_dict(cls, data: Any) -> TrustPack:
        code = ErrorCode.invalid_trust_pack
        if not isinstance(data, Mapping) or data.get("format") != PACK_FORMAT:
            raise InvalidInput("this is not a Rugzak trust pack", code=code)
        if data.get("version") != PACK_VERSION:
            raise InvalidInput(
                f"trust pack version {data.get('version')!r} is not supported",
                code=code,
                detail={"version": data.get("version")},
            )
        created = read_datetime(data.get("created"))
        if created is None:
            raise InvalidInput("the trust pack has no valid 'created' time", code=code)
        issuers = parse_issuers(data, code)
        dids_raw, lists_raw = data.get("dids", {}), data.get("status_lists", {})
        if not isinstance(dids_raw, Mapping) or not isinstance(lists_raw, Mapping):
            raise InvalidInput("'dids' and 'status_lists' must be objects", code=code)
        dids: dict[str, dict[str, Any]] = {}
        for did, doc in dids_raw.items():
            try:
                dids[did] = check_document(did, doc)
            except RugzakError as exc:
                raise InvalidInput(
                    f"the DID document for {did} is not valid: {exc.message}",
                    code=code,
                    detail={"did": did},
                ) from exc
        lists: dict[str, dict[str, Any]] = {}
        for url, credential in lists_raw.items():
            if not isinstance(credential, dict) or not STATUS_LIST_TYPES & set(
                types_of(readable(credential))  # a JWT list is kept enveloped
            ):
                raise InvalidInput(
                    f"the entry for {url} is not a status list credential",
                    code=code,
                    detail={"url": url},
                )
            lists[str(url)] = credential
        documents = data.get("documents", {})
        if not isinstance(documents, Mapping) or not all(
            isinstance(doc, dict) for doc in documents.values()
        ):
            raise InvalidInput("'documents' must map URLs to JSON objects", code=code)
        pack = cls(created, issuers, dids, lists, {str(k): v for k, v in documents.items()})
        pack.images = _images(data.get("images", {}))
        pack.key_documents = _key_documents(data.get("key_documents", {}))
        return pack

    @classmethod
    def load(cls, path: Path) -> TrustPack:
        return cls.from_dict(_read_json(path, ErrorCode.invalid_trust_pack, "trust pack"))

    def save(self, path: Path) -> None:
        text = json.dumps(self.to_dict(), indent=1, sort_keys=True)
        atomic_write(path, text.encode("utf-8"), mode=0o644, make_dirs=True)


def _key_documents(raw: Any) -> dict[str, dict[str, Any]]:
    """The pack's key documents: https URL -> a document whose ``id`` is that URL."""
    code = ErrorCode.invalid_trust_pack
    if not isinstance(raw, Mapping):
        raise InvalidInput("'key_documents' must map URLs to key documents", code=code)
    out: dict[str, dict[str, Any]] = {}
    for url, doc in raw.items():
        if not isinstance(url, str) or not is_web_url(url):
            raise InvalidInput(
                f"the key document entry {url!r} is not an http(s) URL",
                code=code,
                detail={"url": url},
            )
        try:
            out[url] = check_document(url, doc)
        except RugzakError as exc:
            raise InvalidInput(
                f"the key document for {url} is not valid: {exc.message}",
                code=code,
                detail={"url": url},
            ) from exc
    return out


def _images(raw: Any) -> dict[str, bytes]:
    """The pack's images: base64 of a PNG, JPEG, GIF, WebP or SVG within the size limit."""
    code = ErrorCode.invalid_trust_pack
    if not isinstance(raw, Mapping):
        raise InvalidInput("'images' must map URLs to base64 image bytes", code=code)
    out: dict[str, bytes] = {}
    for url, text in raw.items():
        if not isinstance(text, str) or len(text) > MAX_IMAGE_BYTES * 4 // 3 + 4:
            raise InvalidInput(f"the image for {url} is not usable", code=code, detail={"url": url})
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(
                f"the image for {url} is not base64", code=code, detail={"url": url}
            ) from exc
        if sniff(data) is None:
            raise InvalidInput(f"{url} is not an image", code=code, detail={"url": url})
        out[str(url)] = data
    return out


class StatusSource:
    """Status lists: the network cache first (when online), then the trust pack.

    The pack's copies count as confirmed when the pack was built and are used only
    while younger than ``pack_max_age``: an old copy is "status unknown", never
    "not revoked".
    """

    def __init__(
        self,
        *,
        network: StatusFetcher | None,
        pack: TrustPack | None,
        pack_max_age: timedelta,
        clock: Any,
    ) -> None:
        self._network = network
        self._pack = pack
        self._pack_max_age = pack_max_age
        self._clock = clock
        # The pack's lists as JSON text: each fetch parses its own copy (a caller may
        # change what it gets), in about a third of the time ``copy.deepcopy`` takes.
        self._pack_texts = (
            {url: json.dumps(doc, ensure_ascii=False) for url, doc in pack.status_lists.items()}
            if pack is not None
            else {}
        )
        # ... and one parsed copy of each, for ``fetch_shared`` (never handed to ``fetch``).
        self._pack_shared: dict[str, dict[str, Any]] = {
            url: json.loads(text) for url, text in self._pack_texts.items()
        }

    def fetch(self, url: str) -> dict[str, Any]:
        """The list at ``url``, a copy the caller may change."""
        return self._fetch(url, shared=False)

    def fetch_shared(self, url: str) -> dict[str, Any]:
        """The list at ``url`` without the copy (``shared.status_cache.StatusFetcher``):
        read it, never change it."""
        return self._fetch(url, shared=True)

    def _fetch(self, url: str, *, shared: bool) -> dict[str, Any]:
        failure: RugzakError | None = None
        if self._network is not None:
            fetch_shared = getattr(self._network, "fetch_shared", None)
            try:
                if shared and fetch_shared is not None:
                    found: dict[str, Any] = fetch_shared(url)
                    return found
                return self._network.fetch(url)
            except RugzakError as exc:
                failure = exc
        if self._pack is not None and url in self._pack_texts:
            age = self._clock() - self._pack.created
            if age <= self._pack_max_age:
                if shared:
                    return self._pack_shared[url]
                copied: dict[str, Any] = json.loads(self._pack_texts[url])
                return copied
            raise ResolutionFailed(
                "the trust pack's copy of this status list is too old",
                code=ErrorCode.status_list_unavailable,
                detail={"url": url, "pack_created": self._pack.to_dict()["created"]},
            )
        if failure is not None:
            raise failure
        raise ResolutionFailed(
            "this status list is not in the trust pack (offline mode)",
            code=ErrorCode.status_list_unavailable,
            detail={"url": url},
        )
