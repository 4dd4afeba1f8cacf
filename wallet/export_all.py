"""Every badge out of the wallet, in open formats: a folder of files, or one presentation.

The learner owns the proof for life, so it must be able to leave Rugzak: for another
wallet, an archive, a portfolio system. A folder holds one file per badge, named for
people, with the credential as the wallet keeps it (the issuer's proof still checks:
the proof suites sign the data, canonicalised, not the bytes of one serialisation),
or baked into the badge's own picture; ``index.json`` lists them and a short
``README.txt``/``LEESMIJ.txt`` says what they are and how to check them.

Files are for other people unless the learner says they are for another wallet of
theirs (``for_wallet``): only then does a badge keep its ecdsa-sd-2023 base proof
(``wallet.written_files.file_credential``), and only as JSON.

A presentation file is one unsigned W3C VerifiablePresentation (VCDM 2.0) holding
every badge: the Learner Credential Wallet's "Add from file" reads the credentials out
of such a file, and so does ``rugzak-wallet import``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.errors import Conflict, ErrorCode, InvalidInput, RugzakError
from shared.formats import is_ob2_document
from shared.formats.vcjwt import enveloped_token
from shared.ob.disclosure import can_disclose
from shared.runtime.files import atomic_write, fsync_dir
from shared.vocab import CREDENTIALS_V2, VERIFIABLE_PRESENTATION
from wallet.data.cards import Card
from wallet.data.store import StoredCredential, WalletStore, corrupt
from wallet.file_names import NameBook, card_stem
from wallet.i18n import Translator
from wallet.written_files import (
    file_credential,
    for_wallet_json_only,
    json_file_bytes,
    refuse_existing,
)

if TYPE_CHECKING:
    from wallet.service import WalletService

FORMS = ("json", "image")
MANIFEST = "index.json"
MANIFEST_FORMAT = "rugzak-export"
#: Every name an export writes besides ``index.json`` and the read-me: a later export to
#: the same folder would replace any of them, so they are checked before writing.
SUFFIXES = (".json", ".jwt", ".png", ".svg")
FILE_MODE = 0o644  # as the one-badge export: a file the learner hands on
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Exported:
    """One badge written: its file name, its card, and the form (json, jwt, png, svg)."""

    file: str
    card: Card
    form: str


@dataclass(frozen=True)
class NotExported:
    """A badge that could not be read (a damaged row), by its wallet id."""

    id: str
    error: RugzakError


@dataclass
class ExportReport:
    folder: Path
    exported: list[Exported] = field(default_factory=list)
    failed: list[NotExported] = field(default_factory=list)
    readme: str = ""
    for_wallet: bool = False
    base_proofs: int = 0  # badges written that the wallet keeps with a base proof

    def count(self, *forms: str) -> int:
        return sum(1 for item in self.exported if item.form in forms)


@dataclass
class PresentationReport:
    path: Path
    included: list[Card] = field(default_factory=list)
    left_out: list[Card] = field(default_factory=list)  # Open Badges 2.0: not a VC
    failed: list[NotExported] = field(default_factory=list)
    for_wallet: bool = False
    base_proofs: int = 0  # badges included that the wallet keeps with a base proof


def readme_name(t: Translator) -> str:
    return t("export_all.readme_name")


def export_folder(
    service: WalletService,
    folder: Path,
    *,
    form: str = "json",
    force: bool = False,
    progress: Progress | None = None,
    for_wallet: bool = False,
) -> ExportReport:
    """Write every badge (and endorsement) the wallet keeps to ``folder``.

    ``form``: ``json`` (the credential; a VC-JWT as its ``.jwt``) or ``image`` (baked
    into the badge's PNG or SVG picture where it has one, else as for ``json``).
    ``for_wallet``: for another wallet of the learner's, base proofs kept (JSON only).
    Nothing is written when any name the export needs is taken, unless ``force``.
    A badge that cannot be read is reported by id and the others are written.
    """
    if form not in FORMS:
        raise InvalidInput(
            f"unknown form {form!r} for --all: json, image or presentation",
            code=ErrorCode.invalid_request,
        )
    if for_wallet and form != "json":
        raise for_wallet_json_only()
    t = Translator(service.config.lang)
    folder = _folder(folder)
    store = service.store
    now = service.config.clock()
    cards = [card.as_of(now) for card in store.cards()]
    report = ExportReport(folder, readme=readme_name(t), for_wallet=for_wallet)
    report.failed += _damaged(store)
    book = NameBook({MANIFEST.removesuffix(".json"), report.readme.removesuffix(".txt")})
    planned = [(c, book.claim(card_stem(c))) for c in cards]
    if not force:
        _refuse_taken(folder, [stem for _, stem in planned], report.readme)
    folder.mkdir(parents=True, exist_ok=True)
    for done, (card, stem) in enumerate(planned, start=1):
        try:
            stored = store.get(card.id)
            kind, data = _render(service, stored, form, for_wallet)
        except RugzakError as exc:
            report.failed.append(NotExported(card.id, exc))
        else:
            name = f"{stem}.{kind}"
            atomic_write(folder / name, data, mode=FILE_MODE, sync_folder=False)
            report.exported.append(Exported(name, card, kind))
            report.base_proofs += 1 if can_disclose(stored.credential) else 0
        if progress is not None:
            progress(done, len(planned))
    manifest = manifest_of(report, did=service.did, exported_at=now.isoformat())
    atomic_write(folder / MANIFEST, json_file_bytes(manifest), mode=FILE_MODE, sync_folder=False)
    text = t("export_all.readme", count=len(report.exported), date=now.date().isoformat())
    text += "\n" + t(
        "export_all.readme_for_wallet" if for_wallet else "export_all.readme_for_others"
    )
    atomic_write(folder / report.readme, text.encode("utf-8"), mode=FILE_MODE, sync_folder=False)
    fsync_dir(folder)  # once for every rename above: 300 badges, not 300 folder syncs
    return report


def export_presentation(
    service: WalletService, path: Path, *, force: bool = False, for_wallet: bool = False
) -> PresentationReport:
    """One unsigned VerifiablePresentation (VCDM 2.0) with every badge in it.

    Unsigned on purpose: it is a container for moving badges, not a proof that the
    holder presents them to someone (each badge carries its issuer's proof). Open
    Badges 2.0 badges are not verifiable credentials and are left out (they go in a
    folder export). Base proofs stay only ``for_wallet`` (``file_credential``).
    """
    path = Path(path).expanduser()
    refuse_existing(path, force=force)
    store = service.store
    now = service.config.clock()
    report = PresentationReport(path, for_wallet=for_wallet)
    credentials: list[Any] = []
    cards = [card.as_of(now) for card in store.cards()]
    report.failed += _damaged(store)
    for card in cards:
        try:
            stored = store.get(card.id)
        except RugzakError as exc:
            report.failed.append(NotExported(card.id, exc))
            continue
        if is_ob2_document(stored.credential):
            report.left_out.append(card)
            continue
        credentials.append(file_credential(stored.credential, for_wallet=for_wallet))
        report.included.append(card)
        report.base_proofs += 1 if can_disclose(stored.credential) else 0
    presentation = {
        "@context": [CREDENTIALS_V2],
        "type": [VERIFIABLE_PRESENTATION],
        "verifiableCredential": credentials,
    }
    atomic_write(path, json_file_bytes(presentation), mode=FILE_MODE)
    return report


def manifest_of(report: ExportReport, *, did: str, exported_at: str) -> dict[str, Any]:
    """``index.json``: what is in the folder, for people and programs alike."""
    badges = []
    for item in report.exported:
        card = item.card
        entry: dict[str, Any] = {
            "file": item.file,
            "form": item.form,
            "name": card.name,
            "issuer": card.issuer_name,
            "issuer_id": card.issuer_id,
            "issued": card.issued,
            "valid_until": card.valid_until,
            "status": str(card.status),
            "status_checked": card.checked_at,
            "credential_id": card.credential_id,
            "wallet_id": card.id,
        }
        if card.endorses:
            entry["endorses"] = card.endorses
        badges.append(entry)
    return {
        "format": MANIFEST_FORMAT,
        "version": 1,
        "exported": exported_at,
        "holder": did,
        "for_wallet": report.for_wallet,
        "count": len(badges),
        "badges": badges,
        "not_exported": [
            {"wallet_id": item.id, "code": str(item.error.code), "reason": item.error.message}
            for item in report.failed
        ],
    }


def credential_bytes(credential: dict[str, Any]) -> tuple[str, bytes]:
    """The credential as a file: a VC-JWT (or a signed Open Badges 2.0 assertion) as its
    token, exactly as the issuer signed it (``jwt``); any other as JSON (``json``).

    JSON is written from the data the wallet keeps; the issuer's proof (eddsa-rdfc-2022,
    eddsa-jcs-2022, ecdsa-sd-2023) covers the canonical form of that data, which no
    re-serialisation changes.
    """
    token = enveloped_token(credential)
    if token is not None:
        return "jwt", token.encode("ascii")
    return "json", json_file_bytes(credential)


def _render(
    service: WalletService, stored: StoredCredential, form: str, for_wallet: bool
) -> tuple[str, bytes]:
    if form == "image":
        baked = service.bake(stored)
        if baked is not None:
            return baked
    return credential_bytes(file_credential(stored.credential, for_wallet=for_wallet))


def _damaged(store: WalletStore) -> list[NotExported]:
    """The rows whose card did not open in the last ``cards()``."""
    reason = "a badge summary is not readable"
    return [NotExported(cid, corrupt(reason, cid)) for cid in store.damaged_ids]


def _folder(folder: Path) -> Path:
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(
            f"{folder} is a file: give a folder to export the badges to.",
            code=ErrorCode.invalid_request,
            detail=str(folder),
        )
    return folder


def _refuse_taken(folder: Path, stems: list[str], readme: str) -> None:
    """Stop before writing anything when a name the export needs is taken (compared
    case-insensitively, as on macOS and Windows)."""
    if not folder.is_dir():
        return
    present = {entry.name.casefold(): entry.name for entry in folder.iterdir()}
    wanted = [MANIFEST, readme] + [stem + suffix for stem in stems for suffix in SUFFIXES]
    taken = [present[name.casefold()] for name in wanted if name.casefold() in present]
    if taken:
        first = folder / taken[0]
        raise Conflict(
            f"There is already a file {first} ({len(taken)} of the export's names are taken).",
            code=ErrorCode.file_exists,
            detail={"path": str(first), "count": len(taken)},
        )
