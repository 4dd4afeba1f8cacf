"""Sharing for a CV: publish a badge at a verifier, withdraw it, LinkedIn, a PDF certificate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shared.errors import ErrorCode, InvalidInput
from wallet.cli.common import err, out, run, service_for, state
from wallet.cli.present import HIDE_HELP, Part
from wallet.written_files import refuse_existing

if TYPE_CHECKING:
    from wallet.service import WalletService


def register(app: typer.Typer) -> None:
    app.command("publish")(publish)
    app.command("published")(published)
    app.command("withdraw")(withdraw)
    app.command("linkedin")(linkedin)
    app.command("certificate")(certificate)


def publish(
    ctx: typer.Context,
    credential: Annotated[
        list[str], typer.Option("--credential", "-c", help="Badge id to publish (repeat).")
    ],
    to: Annotated[
        str,
        typer.Option(
            "--to", help="The verifier that keeps it public (e.g. https://verify.example.nl)."
        ),
    ],
    hide: Annotated[
        list[Part] | None, typer.Option("--hide", help=HIDE_HELP, case_sensitive=False)
    ] = None,
) -> None:
    """Publish badges at a verifier: a link for a CV or LinkedIn that you can withdraw."""
    from wallet.sharing import linkedin_url
    from wallet.sharing import publish as send

    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> None:
            record = send(service, to, credential, [str(p) for p in hide or []])
            err.print(t("share.published", verifier=record.verifier), markup=False)
            out.print(record.url, markup=False)
            if len(record.credential_ids) == 1:
                stored = service.store.get(record.credential_ids[0])
                err.print(t("share.linkedin"), markup=False)
                out.print(linkedin_url(stored.credential, record.url), markup=False)

        run(ctx, action)


def published(ctx: typer.Context) -> None:
    """List the links you published (and which you withdrew)."""
    from wallet.sharing import publications

    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> None:
            found = publications(service)
            if not found:
                out.print(t("share.none"), markup=False)
            for item in found:
                state_text = (
                    t("share.withdrawn_on", date=item.withdrawn[:10])
                    if item.withdrawn
                    else t("share.live")
                )
                names = ", ".join(item.names)
                out.print(f"{item.url}  {names}  ({state_text})", markup=False)

        run(ctx, action)


def withdraw(
    ctx: typer.Context,
    link: Annotated[str, typer.Argument(help="The public link (or the start of its id).")],
) -> None:
    """Withdraw a published link for good, signed with your wallet's key."""
    from wallet.sharing import withdraw as take_back

    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> None:
            take_back(service, link)
            out.print(t("share.withdrawn", link=link), markup=False)

        run(ctx, action)


def _link_for(service: WalletService, reference: str, given: str | None) -> tuple[str, str]:
    """The badge's wallet id and its public link (given, or the newest one kept)."""
    from wallet.sharing import live_link, split_link

    stored = service.store.find(reference)
    if given:
        split_link(given)
        return stored.id, given
    link = live_link(service, stored.id)
    if link is None:
        raise InvalidInput(
            "This badge has no public link yet: publish it first "
            "(rugzak-wallet publish -c ID --to VERIFIER), or give --link.",
            code=ErrorCode.invalid_request,
        )
    return stored.id, link


def linkedin(
    ctx: typer.Context,
    credential: Annotated[str, typer.Argument(help="Badge id (or a unique prefix).")],
    link: Annotated[
        str | None, typer.Option("--link", help="The public link (default: the newest).")
    ] = None,
) -> None:
    """LinkedIn's "Add to profile" link for this badge, its certification fields filled."""
    from wallet.sharing import linkedin_url

    with service_for(ctx) as service:

        def action() -> None:
            local, url = _link_for(service, credential, link)
            out.print(linkedin_url(service.store.get(local).credential, url), markup=False)

        run(ctx, action)


def certificate(
    ctx: typer.Context,
    credential: Annotated[str, typer.Argument(help="Badge id (or a unique prefix).")],
    path: Annotated[Path, typer.Option("--out", help="The PDF file to write.")],
    link: Annotated[
        str | None, typer.Option("--link", help="The public link (default: the newest).")
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Your name, printed on it (checked against the badge)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file that is there already.")
    ] = False,
) -> None:
    """A printable PDF certificate with a QR code of the badge's public link."""
    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> None:
            refuse_existing(path, force=force)
            local, url = _link_for(service, credential, link)
            service.certificate(local, path, link=url, learner_name=name)
            out.print(t("cli.written", path=path), markup=False)

        run(ctx, action)
