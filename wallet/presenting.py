"""Presenting: sign a Verifiable Presentation of chosen badges and turn it into QR codes.

A presentation answers one verifier request (its nonce as ``challenge``, its origin
as ``domain``), or none at all: an *unbound* presentation for a file or e-mail, which
verifiers report as a possible copy. QR texts follow ``shared.qr`` (``RZ1:``); the
terminal view picks the largest version that fits the window, capped at version 15
(77 modules, readable from a screen), and cycles parts when one code is not enough.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from shared import qr, vpqr
from shared.credentials import create_presentation, subject_ids
from shared.errors import ErrorCode, InvalidInput, Unsupported, VerificationFailed
from shared.formats import is_ob2_document
from shared.formats.vcjwt import readable
from shared.ob.disclosure import SELECTABLE, can_disclose, disclose_hiding, shown_whole
from shared.presentation_request import PresentationRequest
from shared.presentation_request import parse as parse_request_text
from shared.qr.render import make_symbol
from shared.runtime.files import atomic_write
from shared.status_staple import staple as staple_lists
from wallet.data.endorsements import kept_for
from wallet.data.store import StoredCredential, WalletStore
from wallet.stapling import StapleMode, kept_lists

SCREEN_MAX_VERSION = 15
FILE_MAX_VERSION = 25
TERMINAL_BORDER = 2
PNG_SCALE = 6
PNG_BORDER = 4


@dataclass(frozen=True)
class Hiding:
    """What the verifier does not see: parts of every badge (``every``) and parts of
    single badges (``badges``: wallet id or id prefix -> parts), by selective
    disclosure. Parts are keys of ``shared.ob.disclosure.SELECTABLE``.

    Per badge, because a learner may hide the evidence of one badge and show another
    whole, and a badge its issuer did not sign for disclosure can then still go along."""

    every: frozenset[str] = frozenset()
    badges: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, hide: Collection[str] | Hiding) -> Hiding:
        """``hide`` as a ``Hiding``: a plain collection of parts means every badge."""
        return hide if isinstance(hide, Hiding) else cls(frozenset(hide))

    def parts(self) -> frozenset[str]:
        """Every part named anywhere (to check that each is a part that can be hidden)."""
        return self.every.union(*self.badges.values())

    def resolved(self, store: WalletStore) -> Hiding:
        """The per-badge choices keyed by full wallet ids (references may be prefixes)."""
        if not self.badges:
            return self
        badges: dict[str, frozenset[str]] = {}
        for reference, parts in self.badges.items():
            key = store.find(reference).id
            badges[key] = badges.get(key, frozenset()) | frozenset(parts)
        return Hiding(self.every, badges)

    def for_badge(self, badge_id: str) -> frozenset[str]:
        """The parts hidden of the badge with this (full) wallet id."""
        return self.every | self.badges.get(badge_id, frozenset())

    def __bool__(self) -> bool:
        return bool(self.every) or any(self.badges.values())


@dataclass(frozen=True)
class Presentation:
    """A signed presentation and what it answers."""

    document: dict[str, Any]
    request: PresentationRequest | None
    credential_ids: tuple[str, ...]
    #: The verifier's QR part limit (``rugzak_max_qr_parts``) when it asked over
    #: OpenID4VP and could not be reached; None for a Rugzak request or none.
    max_parts: int | None = None
    #: The issuers' status lists kept for these badges (``wallet.stapling``).
    status_lists: tuple[dict[str, Any], ...] = ()
    staple: StapleMode = StapleMode.auto
    #: The endorsements that travel beside the badges (wallet ids; see ``endorsements``).
    endorsement_ids: tuple[str, ...] = ()
    #: Link statements from the learner's earlier keys, when a badge was issued to one
    #: (``shared.holder_link``); they always go along: without them the badge is refused.
    holder_links: tuple[dict[str, Any], ...] = ()

    @property
    def bound(self) -> bool:
        return self.request is not None

    @property
    def stapled(self) -> dict[str, Any]:
        """The presentation with its status lists (and key links) beside it."""
        return self._envelope(with_lists=True)

    def _envelope(self, *, with_lists: bool) -> dict[str, Any]:
        lists = list(self.status_lists) if with_lists else []
        return staple_lists(self.document, lists, list(self.holder_links))

    def payload(
        self, max_version: int = FILE_MAX_VERSION, *, codec: str = qr.DEFAULT_CODEC
    ) -> dict[str, Any]:
        """What the QR codes carry: stapled or not, per ``staple``; key links always.

        ``auto`` staples unless that takes more codes of ``max_version`` (with
        ``codec``) than the presentation alone (a badge that fits one code keeps
        fitting one code).
        """
        if not self.status_lists or self.staple is StapleMode.never:
            return self._envelope(with_lists=False)
        if self.staple is StapleMode.always:
            return self.stapled
        with_lists = self.stapled
        without = self._envelope(with_lists=False)
        fewer = len(qr.encode(with_lists, max_version=max_version, codec=codec)) <= len(
            qr.encode(without, max_version=max_version, codec=codec)
        )
        return with_lists if fewer else without

    @property
    def file_document(self) -> dict[str, Any]:
        """What a saved JSON file holds: the plain presentation (any verifier reads it),
        in an envelope with the key links only when a badge of an earlier key needs them."""
        return self._envelope(with_lists=False)

    def staple_left_out(
        self, max_version: int = FILE_MAX_VERSION, *, codec: str = qr.DEFAULT_CODEC
    ) -> bool:
        """True when ``auto`` left the kept status lists out to save QR codes."""
        return (
            self.staple is StapleMode.auto
            and bool(self.status_lists)
            and not self.carries_lists(max_version, codec=codec)
        )

    def carries_lists(
        self, max_version: int = FILE_MAX_VERSION, *, codec: str = qr.DEFAULT_CODEC
    ) -> bool:
        """Whether the QR codes of ``max_version`` carry the kept status lists."""
        return bool(self.status_lists) and bool(
            self.payload(max_version, codec=codec).get("statusLists")
        )

    def with_lists(self, include: bool) -> Presentation:
        """This presentation with the learner's own choice for its QR codes (the QR
        screen's key): the lists go along, or not, whatever the configured mode said."""
        return replace(self, staple=StapleMode.always if include else StapleMode.never)

    def qr_texts(
        self, max_version: int = FILE_MAX_VERSION, *, codec: str = qr.DEFAULT_CODEC
    ) -> list[str]:
        """The ``RZ1:`` texts; ``codec`` Z for Rugzak verifiers older than codec C."""
        payload = self.payload(max_version, codec=codec)
        return qr.encode(payload, max_version=max_version, codec=codec)

    def vpqr_text(self) -> str:
        """One ``VP1-`` code (Learner Credential Wallet, VerifierPlus); it has no parts."""
        text = vpqr.encode(self.document)
        if qr.smallest_version(len(text), "M") is None:
            raise InvalidInput(
                "These badges do not fit one VP1- QR code; present fewer, or use RZ1 codes.",
                code=ErrorCode.payload_too_large,
                detail={"chars": len(text)},
            )
        return text


def parse_request(text: str) -> PresentationRequest:
    """The verifier's request from its full (``rugzak-request:?...``) or short text."""
    return parse_request_text(text)


def request_from_parts(challenge: str, domain: str) -> PresentationRequest:
    """A request from a typed code and verifier address."""
    return PresentationRequest(challenge, domain)


def shown_credential(item: StoredCredential, hide: Collection[str]) -> dict[str, Any]:
    """The badge as the verifier will see it: whole, or without the parts in ``hide``.

    Hiding needs the issuer's ecdsa-sd-2023 base proof: the wallet derives a
    disclosure proof that signs only what is shown (``shared.ob.disclosure``);
    the parts a badge does not have are simply not there to hide. Shown whole, the
    badge never carries its base proof either (``shown_whole``).

    Raises:
        Unsupported: ``disclosure_unavailable`` when the badge cannot be shown in part.
    """
    if not hide:
        return shown_whole(item.credential)
    if not can_disclose(item.credential):
        raise Unsupported(
            f"'{item.card.name}' was not signed by its issuer for showing in part: "
            "it can only be shown whole. Present it without hiding anything, or leave it out.",
            code=ErrorCode.disclosure_unavailable,
            detail={"credential": item.id},
        )
    return disclose_hiding(item.credential, set(hide))


def make_presentation(
    store: WalletStore,
    credential_ids: list[str],
    request: PresentationRequest | None,
    *,
    now: datetime,
    proof_purpose: str = "authentication",
    hide: Collection[str] | Hiding = (),
    staple: StapleMode = StapleMode.auto,
    endorsements: bool = True,
) -> Presentation:
    """Sign a presentation of exactly ``credential_ids`` (local ids or prefixes).

    The endorsements the wallet keeps for the chosen badges go beside them (OB 3.0
    ``EndorsementCredential``s, each signed by its endorser), unless ``endorsements``
    is False: the learner may leave them out.

    ``proof_purpose="assertionMethod"`` for verifiers that require it (DCC's
    verifier-core); it needs a request, whose challenge and domain bind the proof.
    ``hide`` names parts to leave out by selective disclosure (keys of
    ``shared.ob.disclosure.SELECTABLE``: identifier, evidence, result, image,
    alignment): of every badge, or per badge with a ``Hiding``.

    The kept status lists of the badges come along for stapling; ``staple`` decides
    whether the QR codes carry them (under ``never`` too they are at hand, so the
    learner can still take them along for one presentation: ``with_lists``)."""
    if not credential_ids:
        raise InvalidInput("Pick at least one badge to present.", code=ErrorCode.invalid_request)
    if request is not None and request.is_expired(now):
        raise VerificationFailed(
            "The verifier's request has expired; ask for a new one.", code=ErrorCode.nonce_expired
        )
    stored = [store.find(ref) for ref in credential_ids]
    seen: set[str] = set()
    chosen = []
    for item in stored:
        if item.id not in seen:
            seen.add(item.id)
            chosen.append(item)
    old_style = [item.card.name for item in chosen if is_ob2_document(item.credential)]
    if old_style:
        raise InvalidInput(
            f"'{old_style[0]}' is an Open Badges 2.0 badge: it cannot go into a presentation "
            "(share its file or its link instead).",
            code=ErrorCode.unsupported_format,
        )
    hiding = Hiding.of(hide).resolved(store)
    unknown = hiding.parts() - SELECTABLE.keys()
    if unknown:
        raise InvalidInput(
            "Only these parts of a badge can be hidden: " + ", ".join(SELECTABLE) + ".",
            code=ErrorCode.invalid_request,
            detail={"unknown": sorted(unknown)},
        )
    # endorsements are signed by their endorsers: shown whole, never in part
    beside = [e for e in kept_for(store, chosen) if e.id not in seen] if endorsements else []
    document = create_presentation(
        [shown_credential(item, hiding.for_badge(item.id)) for item in chosen]
        + [e.credential for e in beside],
        store.holder,
        challenge=request.challenge if request else None,
        domain=request.domain if request else None,
        created=now,
        proof_purpose=proof_purpose,
    )
    lists = tuple(kept_lists(store, [item.credential for item in chosen]))
    # a badge of an earlier key (key rotation): the links from it to this one go along
    earlier = any(store.did not in subject_ids(readable(item.credential)) for item in chosen)
    return Presentation(
        document,
        request,
        tuple(item.id for item in chosen),
        status_lists=lists,
        staple=staple,
        endorsement_ids=tuple(item.id for item in beside),
        holder_links=tuple(store.holder_links()) if earlier else (),
    )


def terminal_version(columns: int, rows: int) -> int:
    """The QR version to draw in ``columns`` x ``rows`` characters (capped for scanning)."""
    try:
        fits = qr.version_for_terminal(columns, rows, border=TERMINAL_BORDER)
    except ValueError:
        return 1
    return max(1, min(SCREEN_MAX_VERSION, fits))


def terminal_art(text: str) -> str:
    """One QR text as half-block characters (light modules drawn; show light on dark)."""
    return qr.render_terminal(text, border=TERMINAL_BORDER)


def png_bytes(texts: list[str]) -> bytes:
    """One PNG with every code; several parts are laid out in a grid (zxing reads all)."""
    images = [
        Image.open(io.BytesIO(qr.render_png(t, scale=PNG_SCALE, border=PNG_BORDER))) for t in texts
    ]
    if len(images) == 1:
        out = io.BytesIO()
        images[0].convert("L").save(out, format="PNG")
        return out.getvalue()
    columns = math.ceil(math.sqrt(len(images)))
    rows = math.ceil(len(images) / columns)
    cell = max(max(img.size) for img in images)
    sheet = Image.new("L", (columns * cell, rows * cell), 255)
    for index, img in enumerate(images):
        sheet.paste(img.convert("L"), ((index % columns) * cell, (index // columns) * cell))
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=True)
    return out.getvalue()


def svg_text(texts: list[str]) -> str:
    """One SVG document with every code (a grid when there are several parts)."""
    if len(texts) == 1:
        return qr.render_svg(texts[0], scale=PNG_SCALE, border=PNG_BORDER)
    symbols = [make_symbol(t) for t in texts]
    side = max(s.symbol_size(scale=PNG_SCALE, border=PNG_BORDER)[0] for s in symbols)
    columns = math.ceil(math.sqrt(len(symbols)))
    rows = math.ceil(len(symbols) / columns)
    width, height = columns * side, rows * side
    parts = [
        f'<g transform="translate({(i % columns) * side},{(i // columns) * side})">'
        + s.svg_inline(scale=PNG_SCALE, border=PNG_BORDER, light="#fff")
        + "</g>"
        for i, s in enumerate(symbols)
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>Rugzak presentation, {len(texts)} parts</title>'
        f'<rect width="{width}" height="{height}" fill="#fff"/>' + "".join(parts) + "</svg>\n"
    )


def save_png(texts: list[str], path: Path) -> None:
    atomic_write(Path(path), png_bytes(texts), mode=0o644)


def save_svg(texts: list[str], path: Path) -> None:
    atomic_write(Path(path), svg_text(texts).encode("utf-8"), mode=0o644)


def save_json(document: dict[str, Any], path: Path) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    atomic_write(Path(path), text.encode("utf-8"), mode=0o644)
