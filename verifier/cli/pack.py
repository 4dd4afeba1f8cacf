"""``rugzak-verifier pack build|load|show``: the offline trust pack."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.strict_json import parse as parse_json
from shared.vocab import as_list
from verifier.cli.common import load_settings
from verifier.cli.output import fail_input

if TYPE_CHECKING:
    from shared.runtime.fetch import SafeFetcher

# The badge formats, the fetcher and the trust pack are imported by the commands: every
# command line start-up imports this module (``--help`` too).

pack_app = typer.Typer(no_args_is_help=True, help="Build, load and show offline trust packs.")


def _fail(console: Console, error: RugzakError) -> None:
    fail_input(console, error, as_json=False)


def _json_file(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}", code=ErrorCode.invalid_request) from exc
    return _json_or_jwt(raw, str(path))


def _badge_file(path: Path) -> Any:
    """A badge in any form (JSON, JWT, baked image, OB 2.0) as a JSON object."""
    from shared.formats import enveloped, ob2_enveloped, read_any

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}", code=ErrorCode.invalid_request) from exc
    parsed = read_any(raw)
    if parsed.token is not None:
        return enveloped(parsed.token) if parsed.format == "vc_jwt" else ob2_enveloped(parsed.token)
    if parsed.document is None:
        raise InvalidInput(f"{path} is not a badge", code=ErrorCode.unsupported_format)
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
        raise InvalidInput(f"{where} is not JSON", code=ErrorCode.invalid_json) from exc


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
        raise RugzakError(
            f"{url} answered HTTP {reply.status}",
            code=ErrorCode.fetch_failed,
            detail={"url": url},
        )
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
) -> None:
    """Gather DID documents, key documents, status lists and badge images (over HTTPS)
    into one offline pack.

    A badge's key document is taken when its signature names its key by an https URL.
    A badge's images (its picture and its issuer's logo) are taken when the badge
    gives their digest, and only when the bytes match it.
    """
    from shared.credentials import issuer_id, types_of
    from shared.did import check_document, did_web_url
    from shared.formats import is_ob2_document, readable
    from shared.formats.ob2 import linked_documents
    from shared.formats.vcjwt import enveloped_token
    from shared.key_documents import key_document_urls
    from shared.runtime.fetch import SafeFetcher
    from verifier.service.images import ImageProxy, linked_images
    from verifier.service.trust import STATUS_LIST_TYPES, TrustPack, load_trust_list

    console = Console(highlight=False, emoji=False, markup=False)  # URLs and names from strangers
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
                    console.print(f"OB 2.0        {url}")
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
                raise InvalidInput(f"{path} is not a DID document", code=ErrorCode.malformed_did)
            pack.dids[document["id"]] = check_document(document["id"], document)
        for name in sorted(dids - set(pack.dids)):
            document = _fetch_json(fetcher, did_web_url(name), settings.did_max_bytes)
            pack.dids[name] = check_document(name, document)
            console.print(f"DID document  {name}")
        for url in sorted(keys):
            document = _fetch_json(fetcher, url, settings.did_max_bytes)
            pack.key_documents[url] = check_document(url, document)
            console.print(f"Key document  {url}")
        for path in status_list_file or []:
            listed = _json_file(path)
            if not isinstance(readable(listed), dict) or not isinstance(
                readable(listed).get("id"), str
            ):
                raise InvalidInput(
                    f"{path} is not a status list credential with an id",
                    code=ErrorCode.malformed_status_list,
                )
            pack.status_lists[readable(listed)["id"]] = listed
        for url in sorted(urls - set(pack.status_lists)):
            listed = _fetch_json(fetcher, url, settings.status_max_bytes)
            pack.status_lists[url] = listed
            console.print(f"Status list   {url}")
        proxy = ImageProxy(fetcher.image_fetch) if images else None
        for url, digests in sorted(images.items()):
            assert proxy is not None
            picture = proxy.get(
                url,
                digest_sri=digests.get("digestSRI"),
                digest_multibase=digests.get("digestMultibase"),
            )
            pack.images[url] = picture.data
            console.print(f"Image         {url}")
        TrustPack.from_dict(pack.to_dict())  # the same checks as loading
        for url, listed in pack.status_lists.items():
            if not STATUS_LIST_TYPES & set(types_of(readable(listed))):
                raise InvalidInput(
                    f"{url} is not a status list credential", code=ErrorCode.invalid_trust_pack
                )
    except RugzakError as error:
        _fail(console, error)
        return
    finally:
        fetcher.close()
    pack.save(output)
    console.print(
        f"Wrote {output}: {len(pack.issuers)} issuers, {len(pack.dids)} DID documents, "
        f"{_key_documents(pack.key_documents)}{len(pack.status_lists)} status lists, "
        f"{len(pack.documents)} OB 2.0 documents, "
        f"{len(pack.images)} images."
    )


def _key_documents(documents: dict[str, Any]) -> str:
    """'N key documents, ' when the pack has any (most issuers use DIDs)."""
    return f"{len(documents)} key documents, " if documents else ""


@pack_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="A trust pack made by 'pack build'")],
) -> None:
    """Check a pack and install it as this verifier's trust pack (in its data directory)."""
    from verifier.service.trust import TrustPack

    console = Console(highlight=False, emoji=False, markup=False)  # URLs and names from strangers
    settings = load_settings()
    try:
        pack = TrustPack.load(file)
    except RugzakError as error:
        _fail(console, error)
        return
    target = settings.data_dir / "trust-pack.json"
    pack.save(target)
    console.print(
        f"Loaded {file} into {target}: {len(pack.issuers)} issuers, {len(pack.dids)} DID "
        f"documents, {_key_documents(pack.key_documents)}"
        f"{len(pack.status_lists)} status lists, built {pack.to_dict()['created']}."
    )


@pack_app.command("show")
def show(
    file: Annotated[Path | None, typer.Argument(help="Pack file (default: the loaded one)")] = None,
) -> None:
    """List what a trust pack holds."""
    from verifier.service.trust import TrustPack

    console = Console(highlight=False, emoji=False, markup=False)  # URLs and names from strangers
    settings = load_settings()
    path = file or settings.resolved_trust_pack()
    if path is None:
        _fail(console, InvalidInput("no trust pack is loaded", code=ErrorCode.invalid_trust_pack))
        return
    try:
        pack = TrustPack.load(path)
    except RugzakError as error:
        _fail(console, error)
        return
    console.print(f"Trust pack {path}, built {pack.to_dict()['created']}")
    for did_, name in sorted(pack.issuers.items()):
        console.print(f"  issuer       {name}  {did_}")
    for did_ in sorted(pack.dids):
        console.print(f"  DID document {did_}")
    for url in sorted(pack.key_documents):
        console.print(f"  key document {url}")
    for url in sorted(pack.status_lists):
        console.print(f"  status list  {url}")
    for url, data in sorted(pack.images.items()):
        console.print(f"  image        {url} ({len(data)} bytes)")
