"""``rugzak-verifier pack build|load|show``: the offline trust pack.

Each speaks the language of ``--lang`` (``verifier.cli.language``), its words from the
``verifier_cli`` catalogue. The consoles read no markup: the names and URLs printed
come from trust lists and badges, that is from strangers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from shared.errors import ErrorCode, RugzakError
from shared.strict_json import parse as parse_json
from shared.vocab import as_list
from verifier.cli.common import load_settings
from verifier.cli.language import LangOpt, choose_language
from verifier.cli.output import DETAILED, fail_input, say, worded

if TYPE_CHECKING:
    from shared.runtime.fetch import SafeFetcher

# The badge formats, the fetcher and the trust pack are imported by the commands: every
# command line start-up imports this module (``--help`` too).

pack_app = typer.Typer(no_args_is_help=True, help="Build, load and show offline trust packs.")


def _fail(console: Console, error: RugzakError, lang: str) -> None:
    fail_input(console, error, as_json=False, lang=lang, broad=DETAILED)


def _console() -> Console:
    return Console(highlight=False, emoji=False, markup=False)  # URLs and names from strangers


def _labels(lang: str, *keys: str) -> dict[str, str]:
    """The labels of a list of lines, padded to one width (the URLs line up)."""
    labels = {key: say(key, lang) for key in keys}
    width = max(len(label) for label in labels.values())
    return {key: label.ljust(width) for key, label in labels.items()}


def _counts(lang: str, **numbers: int) -> str:
    """'3 issuers, 1 DID document, 2 status lists' (each kind in its number)."""
    return ", ".join(
        say(f"pack_{kind}_{'one' if n == 1 else 'many'}", lang, n=n) for kind, n in numbers.items()
    )


def _key_documents(documents: dict[str, Any]) -> dict[str, int]:
    """The key documents' count when the pack has any (most issuers use DIDs)."""
    return {"keys": len(documents)} if documents else {}


def _existing(path: Path) -> Path:
    """``path``, refused when there is no file there (a mistyped name, most often)."""
    if not path.is_file():
        raise worded("pack_no_file", ErrorCode.invalid_trust_pack, path=str(path))
    return path


def _json_file(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise worded("pack_cannot_read", ErrorCode.invalid_request, path=str(path)) from exc
    return _json_or_jwt(raw, str(path))


def _badge_file(path: Path) -> Any:
    """A badge in any form (JSON, JWT, baked image, OB 2.0) as a JSON object."""
    from shared.formats import enveloped, ob2_enveloped, read_any

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise worded("pack_cannot_read", ErrorCode.invalid_request, path=str(path)) from exc
    parsed = read_any(raw)
    if parsed.token is not None:
        return enveloped(parsed.token) if parsed.format == "vc_jwt" else ob2_enveloped(parsed.token)
    if parsed.document is None:
        raise worded("pack_not_badge", ErrorCode.unsupported_format, path=str(path))
    return parsed.document


def _json_or_jwt(raw: bytes, where: str) -> Any:
    """JSON, or a VC-JWT (a badge or a status list) as an enveloped credential."""
    from shared.formats import enveloped
    from shared.formats.jose import looks_like_jws

    text = raw.decode("utf-8", errors="replace").strip()
    if looks_like_jws(text):
        return enveloped(text)
    try:
        return parse_json(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise worded("pack_not_json", ErrorCode.invalid_json, where=where) from exc


def _status_urls(credential: Any) -> list[str]:
    entries = credential.get("credentialStatus") if isinstance(credential, dict) else None
    return [
        e["statusListCredential"]
        for e in as_list(entries)
        if isinstance(e, dict) and isinstance(e.get("statusListCredential"), str)
    ]


def _fetch_json(fetcher: SafeFetcher, url: str, max_bytes: int) -> Any:
    reply = fetcher.get(url, max_bytes=max_bytes)
    if reply.status != 200:
        raise worded("pack_http", ErrorCode.fetch_failed, url=url, status=reply.status)
    return _json_or_jwt(reply.body, url)


@pack_app.command("build")
def build(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the pack")],
    trust_list: Annotated[
        Path | None,
        typer.Option(help="Known issuers to include (their did:web and key documents too)"),
    ] = None,
    credential: Annotated[
        list[Path] | None,
        typer.Option(
            help="A badge whose issuer DID and status lists (or, for Open Badges 2.0, badge "
            "class, issuer, key and revocation list) to include (repeat)"
        ),
    ] = None,
    did: Annotated[list[str] | None, typer.Option(help="A did:web to fetch (repeat)")] = None,
    key_document: Annotated[
        list[str] | None,
        typer.Option(help="An https key document (issuer keys by URL) to fetch (repeat)"),
    ] = None,
    did_document: Annotated[
        list[Path] | None, typer.Option(help="A DID document file (repeat)")
    ] = None,
    status_list: Annotated[
        list[str] | None, typer.Option(help="A status list URL to fetch (repeat)")
    ] = None,
    status_list_file: Annotated[
        list[Path] | None, typer.Option(help="A status list credential file (repeat)")
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Gather DID documents, key documents, status lists and badge images (over HTTPS)
    into one offline pack.

    A badge's key document is taken when its signature names its key by an https URL.
    A badge's images (its picture and its issuer's logo) are taken when the badge
    gives their digest, and only when the bytes match it.
    """
    language = choose_language(lang)

    from shared.credentials import issuer_id, types_of
    from shared.did import check_document, did_web_url
    from shared.formats import is_ob2_document, readable
    from shared.formats.ob2 import linked_documents
    from shared.formats.vcjwt import enveloped_token
    from shared.key_documents import key_document_urls
    from shared.runtime.fetch import SafeFetcher
    from verifier.service.images import ImageProxy, linked_images
    from verifier.service.trust import STATUS_LIST_TYPES, TrustPack, load_trust_list

    console = _console()
    label = {
        key: text[:1].upper() + text[1:]
        for key, text in _labels(
            language, "pack_ob2", "pack_did", "pack_key", "pack_status", "pack_image"
        ).items()
    }
    settings = load_settings()
    fetcher = SafeFetcher(
        allow_private=settings.allow_private_network, timeout=settings.fetch_timeout_seconds
    )
    try:
        pack = TrustPack(created=datetime.now(UTC).replace(microsecond=0))
        if trust_list is not None:
            pack.issuers.update(load_trust_list(trust_list))
        dids = set(did or []) | {d for d in pack.issuers if d.startswith("did:web:")}
        urls = set(status_list or [])
        keys = {url.split("#", 1)[0] for url in key_document or []}
        # An issuer named by an https URL signs with keys in the key document at that URL.
        keys |= {i for i in pack.issuers if i.startswith("https://")}
        images: dict[str, dict[str, str]] = {}
        for path in credential or []:
            doc = _badge_file(path)
            if is_ob2_document(doc):  # Open Badges 2.0: its badge class, issuer, key, list
                badge = enveloped_token(doc) or doc
                found = linked_documents(badge, fetcher.did_fetcher(settings.status_max_bytes))
                pack.documents.update(found)
                for url in sorted(found):
                    console.print(f"{label['pack_ob2']}  {url}")
                continue
            for item in doc.get("verifiableCredential", [doc]) if isinstance(doc, dict) else []:
                cred = readable(item)
                issuer = issuer_id(cred) if isinstance(cred, dict) else None
                if issuer and issuer.startswith("did:web:"):
                    dids.add(issuer)
                urls.update(_status_urls(cred))
                keys.update(key_document_urls(cred))
                if isinstance(cred, dict):
                    images.update(linked_images(cred))
        for path in did_document or []:
            document = _json_file(path)
            if not isinstance(document, dict) or not isinstance(document.get("id"), str):
                raise worded("pack_not_did_document", ErrorCode.malformed_did, path=str(path))
            pack.dids[document["id"]] = check_document(document["id"], document)
        for name in sorted(dids - set(pack.dids)):
            document = _fetch_json(fetcher, did_web_url(name), settings.did_max_bytes)
            pack.dids[name] = check_document(name, document)
            console.print(f"{label['pack_did']}  {name}")
        for url in sorted(keys):
            document = _fetch_json(fetcher, url, settings.did_max_bytes)
            pack.key_documents[url] = check_document(url, document)
            console.print(f"{label['pack_key']}  {url}")
        for path in status_list_file or []:
            listed = _json_file(path)
            if not isinstance(readable(listed), dict) or not isinstance(
                readable(listed).get("id"), str
            ):
                raise worded(
                    "pack_list_without_id", ErrorCode.malformed_status_list, path=str(path)
                )
            pack.status_lists[readable(listed)["id"]] = listed
        for url in sorted(urls - set(pack.status_lists)):
            listed = _fetch_json(fetcher, url, settings.status_max_bytes)
            pack.status_lists[url] = listed
            console.print(f"{label['pack_status']}  {url}")
        proxy = ImageProxy(fetcher.image_fetch) if images else None
        for url, digests in sorted(images.items()):
            assert proxy is not None
            picture = proxy.get(
                url,
                digest_sri=digests.get("digestSRI"),
                digest_multibase=digests.get("digestMultibase"),
            )
            pack.images[url] = picture.data
            console.print(f"{label['pack_image']}  {url}")
        TrustPack.from_dict(pack.to_dict())  # the same checks as loading
        for url, listed in pack.status_lists.items():
            if not STATUS_LIST_TYPES & set(types_of(readable(listed))):
                raise worded("pack_not_status_list", ErrorCode.invalid_trust_pack, url=url)
    except RugzakError as error:
        _fail(console, error, language)
        return
    finally:
        fetcher.close()
    pack.save(output)
    counts = _counts(
        language,
        issuers=len(pack.issuers),
        dids=len(pack.dids),
        **_key_documents(pack.key_documents),
        lists=len(pack.status_lists),
        ob2s=len(pack.documents),
        images=len(pack.images),
    )
    console.print(say("pack_written", language, path=output, counts=counts))


@pack_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="A trust pack made by 'pack build'")],
    lang: LangOpt = None,
) -> None:
    """Check a pack and install it as this verifier's trust pack (in its data directory)."""
    from verifier.service.trust import TrustPack

    language = choose_language(lang)
    console = _console()
    settings = load_settings()
    try:
        pack = TrustPack.load(_existing(file))
    except RugzakError as error:
        _fail(console, error, language)
        return
    target = settings.data_dir / "trust-pack.json"
    pack.save(target)
    counts = _counts(
        language,
        issuers=len(pack.issuers),
        dids=len(pack.dids),
        **_key_documents(pack.key_documents),
        lists=len(pack.status_lists),
    )
    created = pack.to_dict()["created"]
    console.print(
        say("pack_loaded", language, file=file, target=target, counts=counts, created=created)
    )


@pack_app.command("show")
def show(
    file: Annotated[Path | None, typer.Argument(help="Pack file (default: the loaded one)")] = None,
    lang: LangOpt = None,
) -> None:
    """List what a trust pack holds."""
    from verifier.service.trust import TrustPack

    language = choose_language(lang)
    console = _console()
    settings = load_settings()
    path = file or settings.resolved_trust_pack()
    if path is None:
        _fail(console, worded("pack_none_loaded", ErrorCode.invalid_trust_pack), language)
        return
    try:
        pack = TrustPack.load(_existing(path))
    except RugzakError as error:
        _fail(console, error, language)
        return
    label = _labels(language, "pack_issuer", "pack_did", "pack_key", "pack_status", "pack_image")
    console.print(say("pack_shown", language, path=path, created=pack.to_dict()["created"]))
    for did_, name in sorted(pack.issuers.items()):
        console.print(f"  {label['pack_issuer']} {name}  {did_}")
    for did_ in sorted(pack.dids):
        console.print(f"  {label['pack_did']} {did_}")
    for url in sorted(pack.key_documents):
        console.print(f"  {label['pack_key']} {url}")
    for url in sorted(pack.status_lists):
        console.print(f"  {label['pack_status']} {url}")
    for url, data in sorted(pack.images.items()):
        size = say("pack_bytes", language, n=len(data))
        console.print(f"  {label['pack_image']} {url} ({size})")
