"""init, rotate-key, selective-disclosure, serve, audit, and status export."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

import typer

from issuer.cli.common import (
    CONFIG_FILE,
    err,
    issuer_for,
    out,
    passphrase,
    print_json,
    run,
    state,
    styled,
    warning,
)
from shared.errors import ErrorCode, InvalidInput
from shared.runtime.files import atomic_write

status_app = typer.Typer(no_args_is_help=True)
K = TypeVar("K")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("rotate-key")(rotate)
    app.command("selective-disclosure")(selective_disclosure)
    app.command("serve")(serve)
    app.command("config")(config)
    app.command("audit")(audit)
    app.command("admin-token")(admin_token)


def init(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="The organisation's name.")],
    url: Annotated[str | None, typer.Option(help="The organisation's web site.")] = None,
    email: Annotated[str | None, typer.Option(help="Contact e-mail.")] = None,
    image: Annotated[str | None, typer.Option(help="Logo: an image file or an https URL.")] = None,
    description: Annotated[str | None, typer.Option(help="A short description.")] = None,
    did_web: Annotated[
        str | None,
        typer.Option("--did-web", help="Use did:web for DOMAIN\\[/path] instead of did:key."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="Public https URL of this issuer (status lists, offers); every credential "
            "carries it. Default: https://DOMAIN\\[/path] for did:web."
        ),
    ] = None,
    local: Annotated[
        bool,
        typer.Option(
            "--local",
            help="Consent to a local base URL (default http://127.0.0.1:8000): credentials "
            "then cannot be checked elsewhere.",
        ),
    ] = False,
    suspension: Annotated[
        bool, typer.Option(help="Also give every credential a suspension status entry.")
    ] = False,
    list_size: Annotated[
        int, typer.Option(min=131_072, help="Entries per status list (W3C minimum 131072).")
    ] = 131_072,
) -> None:
    """Create the issuer: data directory, encrypted signing key, profile, DID, admin token."""
    from issuer.achievements import check_image, image_from_file
    from issuer.base_url import NOT_CHECKABLE, is_public, require_public
    from issuer.identity import DEFAULT_LOCAL_URL, ProfileIn, initialize
    from issuer.store import Store

    def act() -> None:
        if base_url is not None:
            chosen = base_url
        elif did_web:
            chosen = "https://" + did_web.strip("/").replace("%3A", ":")
        elif local:
            chosen = DEFAULT_LOCAL_URL
        else:
            raise InvalidInput(
                "give the public https address this issuer will be reached at "
                "(--base-url https://badges.example.nl), or --local to try things out on "
                "this machine (credentials then cannot be checked elsewhere)",
                code=ErrorCode.invalid_request,
            )
        public_url = require_public(chosen, local=local)
        settings = state(ctx).settings()
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        logo = image
        if image and not image.startswith(("https://", "http://", "data:")):
            loaded = image_from_file(Path(image), settings.max_image_bytes)
            logo = loaded.uri
            if loaded.fitted:
                err.print(f"Logo {Path(image).name}: {loaded.fitted}.", highlight=False)
        if logo:
            check_image(logo, settings.max_image_bytes)
        secret = passphrase(settings, confirm=True)
        store = Store(settings.resolved_database_url())
        try:
            identity, token = initialize(
                store,
                profile=ProfileIn(
                    name=name, url=url, email=email, image=logo, description=description
                ),
                passphrase=secret,
                now=datetime.now(UTC),
                did_web=did_web,
                base_url=public_url,
                suspension=suspension,
                list_size=list_size,
                kdf=settings.kdf,
            )
        finally:
            store.dispose()
        config = {"database_url": settings.resolved_database_url(), "did": identity.did}
        atomic_write(
            settings.data_dir / CONFIG_FILE, json.dumps(config, indent=2).encode(), make_dirs=True
        )
        out.print(styled("Issuer DID: ", (identity.did, "bold")))
        out.print(f"Base URL:   {identity.base_url}", highlight=False)
        if not is_public(identity.base_url):
            text = NOT_CHECKABLE.format(url=identity.base_url)
            out.print(warning(text))
            out.print("Change it later with 'rugzak-issuer config --base-url URL'.")
        out.print(f"Data:       {settings.data_dir}", highlight=False)
        out.print("Admin token (shown once; store it safely):", highlight=False)
        out.print(token, highlight=False, soft_wrap=True)

    run(act)


def rotate(ctx: typer.Context) -> None:
    """Sign new credentials with a new key; older keys stay in the DID document."""
    from issuer.identity import rotate_key

    def act() -> None:
        key = _add_key(ctx, rotate_key)
        out.print(f"New signing key: {key.verification_method}", highlight=False)
        out.print("Publish the DID document again (serve, or `status export`).", highlight=False)

    run(act)


def selective_disclosure(ctx: typer.Context) -> None:
    """Add a P-256 key (did:web issuers) so badges can carry an ecdsa-sd-2023 base proof.

    Then set RUGZAK_ISSUER_SD_PROOFS=true: each new badge gets the base proof
    beside its eddsa-rdfc-2022 proof, and learners can hide parts of it.
    """
    from issuer.identity import add_sd_key

    def act() -> None:
        key = _add_key(ctx, add_sd_key)
        out.print(f"Selective-disclosure key: {key.verification_method}", highlight=False)
        out.print(
            "Publish the DID document again, then set RUGZAK_ISSUER_SD_PROOFS=true.",
            highlight=False,
        )

    run(act)


def _add_key(ctx: typer.Context, add: Callable[..., K]) -> K:
    """A new key made by ``add`` (``rotate_key``, ``add_sd_key``) in the issuer's store,
    unlocked with its passphrase."""
    from issuer.identity import load_identity
    from issuer.store import Store

    settings = state(ctx).settings()
    store = Store(settings.resolved_database_url())
    try:
        store.check_schema()
        identity = load_identity(store)
        return add(store, identity, passphrase(settings), now=datetime.now(UTC), kdf=settings.kdf)
    finally:
        store.dispose()


def admin_token(ctx: typer.Context) -> None:
    """Make a new admin token for the HTTP API; the old one stops working.

    The admin token is the API token named 'admin'.
    """
    from issuer.api_tokens import replace_admin_token
    from issuer.service.base import IssuerBase

    def act() -> None:
        settings = state(ctx).settings()
        passphrase(settings)  # only the key holder may do this
        with issuer_for(ctx, unlock=True, ops=IssuerBase) as issuer:
            token = replace_admin_token(
                issuer.store, subject=issuer.identity.did, now=datetime.now(UTC)
            )
        out.print("New admin token (shown once; store it safely):")
        out.print(token, soft_wrap=True)

    run(act)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (they share the store).")
    ] = 1,
) -> None:
    """Run the HTTP API (OpenAPI at /docs) with uvicorn."""
    from pydantic import SecretStr

    from issuer.api import create_app
    from shared.runtime import serving
    from shared.runtime.observe import log_config

    def act() -> None:
        settings = state(ctx).settings()
        secret = passphrase(settings)
        with issuer_for(ctx, unlock=False) as issuer:
            published = issuer.identity.base_url
        for line in listen_warnings(published, host, port):
            out.print(warning(line))
        options = {
            "host": host,
            "port": port,
            "workers": workers,
            "log_level": "info",
            "log_config": log_config(settings.log_format),
            "access_log": False,
        }
        limits = settings.server_limits()
        if workers == 1:
            app = create_app(settings.model_copy(update={"passphrase": SecretStr(secret)}))
            config = serving.config(app, limits=limits, **options)
        else:
            # Worker processes build their own app from the environment; they inherit it.
            os.environ["RUGZAK_ISSUER_PASSPHRASE"] = secret
            os.environ["RUGZAK_ISSUER_DATA_DIR"] = str(settings.data_dir)
            os.environ["RUGZAK_ISSUER_DATABASE_URL"] = settings.resolved_database_url()
            config = serving.config(
                "issuer.api.asgi:make_app", limits=limits, factory=True, **options
            )
        sock = serving.tcp_socket(host, port)
        out.print(f"Listening on {serving.listening_url(sock)}", highlight=False)
        serving.run(config, sock)

    run(act)


def listen_warnings(base_url: str, host: str, port: int) -> list[str]:
    """What an operator should hear before ``serve`` starts: where credentials point
    versus where this process listens."""
    from issuer.base_url import NOT_CHECKABLE, is_public

    lines = []
    if not is_public(base_url):
        lines.append(NOT_CHECKABLE.format(url=base_url))
    parts = urlsplit(base_url)
    if parts.hostname in ("127.0.0.1", "localhost", "::1"):
        expected = parts.port or (443 if parts.scheme == "https" else 80)
        local_hosts = ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::")  # noqa: S104 - compared
        if host not in local_hosts or port != expected:
            lines.append(
                f"Credentials point to {base_url}, but this server listens on "
                f"{host}:{port}: their status lists and offers will not be found there."
            )
    return lines


def config(
    ctx: typer.Context,
    base_url: Annotated[
        str | None,
        typer.Option(help="New public https URL for credentials issued from now on."),
    ] = None,
    local: Annotated[
        bool, typer.Option("--local", help="Consent to a base URL others cannot reach.")
    ] = False,
    suspension: Annotated[
        bool | None,
        typer.Option(
            "--suspension/--no-suspension",
            help="Give new credentials a suspension entry too (cannot be turned off).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show or change settings for new credentials (base URL, suspension).

    Credentials already issued keep their status URLs: the lists they name stay
    published under /status/<list>, so keep the old host name pointing at this service.
    """
    from issuer.base_url import NOT_CHECKABLE, change_settings, is_public, require_public
    from issuer.service.base import IssuerBase

    def act() -> None:
        new_url = require_public(base_url, local=local) if base_url is not None else None
        with issuer_for(ctx, unlock=False, ops=IssuerBase) as issuer:
            change = change_settings(
                issuer.store,
                issuer.identity,
                now=datetime.now(UTC),
                base_url=new_url,
                suspension=suspension,
                list_size=issuer.identity.list_size,
            )
        view = {
            "base_url": change.base_url,
            "suspension": change.suspension,
            "checkable_elsewhere": is_public(change.base_url),
            "lists_kept_at_old_url": change.moved_lists,
        }
        if as_json:
            print_json(view)
            return
        out.print(f"Base URL:   {change.base_url}", highlight=False)
        out.print(f"Suspension: {'on' if change.suspension else 'off'}", highlight=False)
        if change.moved_lists:
            out.print(
                f"{len(change.moved_lists)} status list(s) keep their old URL; new credentials "
                "go into new lists. Restart 'serve' and keep the old host name pointing here.",
                highlight=False,
            )
        if not is_public(change.base_url):
            out.print(warning(NOT_CHECKABLE.format(url=change.base_url)))

    run(act)


def audit(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    subject: Annotated[str | None, typer.Option(help="Only entries about this id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the audit log (newest first): who issued, revoked, suspended what, when."""
    from issuer.service.credentials import CredentialOps

    def act() -> None:
        with issuer_for(ctx, unlock=False, ops=CredentialOps) as issuer:
            entries = issuer.audit_log(limit=limit, subject=subject)
        if as_json:
            print_json(entries)
            return
        for e in entries:
            detail = json.dumps(e["detail"], default=str, ensure_ascii=False) if e["detail"] else ""
            out.print(
                f"{e['at']:%Y-%m-%d %H:%M:%S}  {e['action']:<18} {e['subject']}  "
                f"by {e['actor']}  {detail}",
                highlight=False,
                soft_wrap=True,
            )

    run(act)


@status_app.command("export")
def export(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Where to write the files.")],
) -> None:
    """Write the signed status lists (and the did:web document) as static files."""
    from issuer import publish

    def act() -> None:
        with issuer_for(ctx, unlock=True) as issuer:
            paths = publish.export(issuer, directory)
        for path in paths:
            out.print(str(path), highlight=False)

    run(act)


@status_app.command("list")
def list_lists(ctx: typer.Context) -> None:
    """Show the status lists and how full they are."""
    from issuer import publish
    from issuer.service.base import IssuerBase

    def act() -> None:
        with issuer_for(ctx, unlock=False, ops=IssuerBase) as issuer:
            print_json(publish.status_list_ids(issuer))

    run(act)
