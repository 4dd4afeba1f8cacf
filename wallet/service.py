"""The operations behind every verb and screen, on an unlocked wallet."""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from functools import partial
from pathlib import Path
from typing import Any

from shared import qr, vpqr
from shared.credentials import issue_credential
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.formats.baking import bake_png, bake_svg, is_png, is_svg, png_picture
from shared.formats.vcjwt import enveloped_token
from shared.holder_link import link_statement
from shared.keys import SigningKey
from shared.runtime.files import atomic_write
from wallet.badge_images import badge_image
from wallet.config import WalletConfig
from wallet.data.backup import write_backup
from wallet.data.cards import Card, card_results
from wallet.data.endorsements import Endorsement
from wallet.data.recovery import ShareSet, new_secret
from wallet.data.recovery import split as split_secret
from wallet.data.store import StoredCredential, WalletStore
from wallet.images import baked_credential, is_image_path, qr_texts, read_image_file
from wallet.offer import is_offer, read_offer, redeem
from wallet.presenting import Hiding, Presentation, make_presentation
from wallet.receive import (
    Checker,
    ImportOutcome,
    credentials_in,
    read_badge_bytes,
    read_json_file,
    receive,
    recheck,
    recheck_status,
)
from wallet.stapling import KeepingStatusFetcher, StapleMode
from wallet.written_files import file_credential, for_wallet_json_only, json_file_bytes


def decode_qr_text(text: str) -> Any:
    """The document in a pasted QR text: one ``VP1-`` code, or ``RZ1:`` codes (one a line)."""
    if vpqr.is_vpqr(text):
        return vpqr.decode(text)
    return qr.decode([line.strip("\r") for line in text.splitlines() if line.strip()])


BADGE_MEDIA_TYPES = "application/json, application/vc+jwt, application/jwt;q=0.9"


class WalletService:
    """An unlocked wallet plus its network and checks: the operations behind every verb."""

    def __init__(self, config: WalletConfig, store: WalletStore) -> None:
        self.config = config
        self.store = store
        self.network = config.network()
        self.checker = Checker(
            resolver=config.resolver or self.network.resolver(),
            # every list fetched is kept, to staple to presentations (wallet.stapling)
            status_fetcher=KeepingStatusFetcher(
                config.status_fetcher or self.network.status_fetcher(), store
            ),
            clock=config.clock,
            fetcher=self.network.get_bytes,
        )

    @property
    def did(self) -> str:
        return self.store.did

    def cards(self) -> list[Card]:
        """Every badge's card, with date-driven statuses brought up to now (endorsements
        are kept with the badges they endorse, not listed as badges)."""
        now = self.config.clock()
        return [card.as_of(now) for card in self.store.cards() if card.endorses is None]

    def complete_cards(self) -> int:
        """Cards kept before cards held the badge's results get them from their badges,
        once (the app does this in the background after unlocking, ``list`` before
        listing). The cards are written in one transaction. A badge that cannot be
        read is passed over, and a wallet busy in another program or a full disk
        writes nothing: tried again next time. Returns how many were filled."""
        found: dict[str, list[dict[str, Any]]] = {}
        for card in self.store.cards():
            if card.results is not None:
                continue
            try:
                stored = self.store.get(card.id)
            except RugzakError as exc:
                if exc.code in (ErrorCode.wallet_corrupt, ErrorCode.credential_not_found):
                    continue
                raise
            found[card.id] = card_results(stored.credential)
        changes = {
            local_id: partial(Card.with_results, results=results)
            for local_id, results in found.items()
        }
        try:
            return self.store.amend_cards(changes) if changes else 0
        except RugzakError as exc:
            if exc.code in (ErrorCode.wallet_busy, ErrorCode.disk_full):
                return 0
            raise

    def endorsements(self) -> list[Endorsement]:
        """Every endorsement the wallet keeps (``endorsements_of`` picks a badge's)."""
        return [Endorsement.of(self.store.get(c.id)) for c in self.store.cards() if c.endorses]

    def import_text(self, text: str, *, tx_code: str | None = None) -> list[ImportOutcome]:
        """Receive from an offer link, an https URL, a file path or a QR text (RZ1:, VP1-)."""
        source = text.strip()
        if not source:
            raise InvalidInput(
                "Paste an offer link, a web address or a file path.", code=ErrorCode.invalid_request
            )
        if is_image_path(source):
            return self._import_image(Path(source), tx_code)
        if source.startswith((qr.PREFIX, vpqr.HEADER)):
            return self.import_document(decode_qr_text(source))
        if is_offer(source):
            offer = read_offer(source, self.network)
            documents: list[Any] = redeem(
                offer, self.store.holder, self.network, clock=self.config.clock, tx_code=tx_code
            )
        elif source.startswith(("https://", "http://")):
            body = self.network.get_bytes(source, accept=BADGE_MEDIA_TYPES)
            documents = credentials_in(read_badge_bytes(body, source))
        elif os.path.isdir(os.path.expanduser(source)):
            return self.import_folder(Path(source))
        else:
            documents = credentials_in(read_json_file(Path(source)))
        return [receive(self.store, document, self.checker) for document in documents]

    def _import_image(self, path: Path, tx_code: str | None) -> list[ImportOutcome]:
        """A baked badge (PNG), or a QR code of an offer link in a picture."""
        data = read_image_file(path)
        baked = baked_credential(data)
        if baked is not None:
            return self.import_document(baked)
        texts = qr_texts(data)
        offers = [text for text in texts if is_offer(text)]
        codes = [text for text in texts if text.startswith((qr.PREFIX, vpqr.HEADER))]
        if not offers and codes:
            return self.import_document(decode_qr_text("\n".join(codes)))
        if not offers:
            raise InvalidInput(
                "This picture holds no badge and no QR code of an offer.",
                code=ErrorCode.invalid_image,
            )
        return self.import_text(offers[0], tx_code=tx_code)

    def import_folder(self, folder: Path) -> list[ImportOutcome]:
        """Receive every badge file in a folder (``export --all`` writes one); a file
        that holds no badge is one refused outcome, named by its file."""
        from wallet.folder_import import documents_in

        outcomes: list[ImportOutcome] = []
        for path, found in documents_in(folder):
            if isinstance(found, RugzakError):
                outcomes.append(ImportOutcome(None, None, refusal=found, source=path.name))
                continue
            for credential in found:
                outcome = receive(self.store, credential, self.checker)
                outcome.source = path.name
                outcomes.append(outcome)
        return outcomes

    def import_document(self, document: Any) -> list[ImportOutcome]:
        return [receive(self.store, c, self.checker) for c in credentials_in(document)]

    def needs_tx_code(self, text: str) -> bool:
        """True for an offer that asks the learner for a transaction code."""
        if not is_offer(text):
            return False
        return read_offer(text, self.network).tx_code is not None

    def refresh(self, ids: list[str] | None = None) -> list[Card]:
        """Check credentials again (status lists fetched anew); returns the new cards."""
        targets = ids if ids is not None else [c.id for c in self.store.cards()]
        self.forget_status_lists()
        return [recheck(self.store, cid, self.checker)[0] for cid in targets]

    def recheck_statuses(self) -> list[str]:
        """Every badge with a status list checked again (on unlock, in the background).

        Returns the ids whose status could not be learnt now; they keep their last
        known status (see ``recheck_status``).
        """
        self.forget_status_lists()
        return [
            card.id
            for card in self.store.cards()
            if card.has_status_list and recheck_status(self.store, card.id, self.checker) is None
        ]

    def recheck(self, card_id: str) -> tuple[Card, Any]:
        self.forget_status_lists()
        return recheck(self.store, card_id, self.checker)

    def forget_status_lists(self) -> None:
        """A refresh the learner asked for fetches the lists anew (no cached answer)."""
        if self.config.status_fetcher is None:
            self.network.status_fetcher().clear()

    def present(
        self,
        ids: list[str],
        request: Any,
        *,
        proof_purpose: str = "authentication",
        hide: Collection[str] | Hiding = (),
        staple: StapleMode | None = None,
        endorsements: bool = True,
    ) -> Presentation:
        """Sign the chosen badges, with the endorsements kept for them unless left out."""
        return make_presentation(
            self.store,
            ids,
            request,
            now=self.config.clock(),
            proof_purpose=proof_purpose,
            hide=hide,
            staple=staple or self.config.staple,
            endorsements=endorsements,
        )

    def rotate_key(self) -> str:
        """A new holder key (a new did:key) for the learner; returns the new DID.

        The old key signs a link statement to the new DID (``shared.holder_link``) and
        is kept, so badges issued to the old DID can still be presented (with the link).
        """
        old = self.store.holder
        new = SigningKey.generate()
        unsigned = link_statement(old, new.did, now=self.config.clock())
        link = issue_credential(unsigned, old, created=self.config.clock())
        self.store.rotate_holder(new, link)
        return new.did

    def new_recovery_shares(self, threshold: int, count: int) -> ShareSet:
        """A new recovery secret, kept in the wallet, as ``count`` paper shares.

        Backups written from now on open with any ``threshold`` of them; shares made
        before open only the backups written before.
        """
        secret = new_secret()
        shares = split_secret(secret, threshold, count)
        self.store.set_recovery_secret(secret)
        return shares

    def endorsements_for(self, ids: list[str]) -> list[Endorsement]:
        """The endorsements that would travel with these badges (shown before signing)."""
        from wallet.data.endorsements import kept_for

        return [Endorsement.of(e) for e in kept_for(self.store, [self.store.find(i) for i in ids])]

    def holds_base_proofs(self) -> bool:
        """True when a badge carries an ecdsa-sd-2023 base proof: then whom an export is
        for (someone else, or another wallet of the learner's) changes what it holds."""
        from shared.ob.disclosure import can_disclose

        return any(can_disclose(item.credential) for item in self.store.everything())

    def backup(self, path: Path, passphrase: str) -> int:
        return write_backup(
            self.store, path, passphrase, kdf=self.config.kdf, now=self.config.clock()
        )

    def export(
        self, reference: str, path: Path, form: str = "json", *, for_wallet: bool = False
    ) -> str:
        """One badge as a file: its JSON, baked into its own PNG picture (OB 3.0 baking,
        for tools that read badge images), or a ``VP1-`` code of an unbound presentation
        of it (for the Learner Credential Wallet and VerifierPlus).

        Each is for someone else: without the badge's base proof (``file_credential``).
        ``for_wallet`` keeps it, as JSON only, for another wallet of the learner's."""
        if for_wallet and form != "json":
            raise for_wallet_json_only()
        stored = self.store.find(reference)
        if form == "json":
            data = json_file_bytes(file_credential(stored.credential, for_wallet=for_wallet))
        elif form in ("png", "svg", "image"):
            data = self.baked(stored.id, form)
        elif form == "vpqr":
            code = make_presentation(
                self.store, [stored.id], None, now=self.config.clock(), endorsements=False
            )
            data = (code.vpqr_text() + "\n").encode("ascii")
        else:
            raise InvalidInput(
                f"unknown export form {form!r}: json, image, png, svg or vpqr",
                code=ErrorCode.invalid_request,
            )
        atomic_write(Path(path), data, mode=0o644)
        return stored.id

    def baked(self, reference: str, form: str = "image") -> bytes:
        """The badge baked into its own picture (Open Badges 3.0 section 5.3, "Baking"):
        PNG or SVG as its issuer drew it (``image``), or only that one (``png``, ``svg``).
        A JPEG, GIF or WebP picture is baked as a PNG of it (baking knows only those two).
        """
        made = self.bake(self.store.find(reference))
        if made is None:
            # invalid_request, not invalid_image: that code's sentence is about an
            # uploaded picture, and the learner uploaded nothing here.
            raise InvalidInput(
                "This badge has no picture kept in the wallet to bake it into; "
                "export it as JSON instead.",
                code=ErrorCode.invalid_request,
            )
        kind, data = made
        if form in ("image", kind):
            return data
        if kind == "svg":
            raise InvalidInput(
                "This badge's picture is SVG: export it --as image (or --as svg).",
                code=ErrorCode.invalid_request,
            )
        raise InvalidInput(
            "This badge's picture is not SVG: export it --as image (or --as png).",
            code=ErrorCode.invalid_request,
        )

    def bake(self, stored: StoredCredential) -> tuple[str, bytes] | None:
        """``("png" | "svg", the baked picture)``, or None when the badge has no picture
        the wallet keeps or can fetch. A VC-JWT is baked as its token (OB 3.0 baking
        carries the compact JWS), any other badge as its JSON. A picture is for other
        people: never with the badge's base proof (``file_credential``)."""
        picture = badge_image(stored.credential, self.store, self.network)
        if picture is None:
            return None
        text = enveloped_token(stored.credential) or json.dumps(
            file_credential(stored.credential), ensure_ascii=False
        )
        if is_svg(picture):
            return "svg", bake_svg(picture, text)
        as_png = picture if is_png(picture) else png_picture(picture)
        return None if as_png is None else ("png", bake_png(as_png, text))

    def certificate(
        self, reference: str, path: Path, *, link: str, learner_name: str | None = None
    ) -> str:
        """Write the badge's PDF certificate with a QR code of ``link``."""
        from wallet.certificate import certificate_pdf

        stored = self.store.find(reference)
        picture = badge_image(stored.credential, self.store, self.network)
        data = certificate_pdf(
            stored.credential,
            link=link,
            image=picture,
            lang=self.config.lang,
            learner_name=learner_name,
        )
        atomic_write(Path(path), data, mode=0o644)
        return stored.id
