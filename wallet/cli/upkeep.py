"""Looking after the wallet: check every badge again, copy one out, back up, restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wallet.cli.common import out, passphrase, refuse_existing, run, service_for, state


def register(app: typer.Typer) -> None:
    app.command("refresh")(refresh)
    app.command("export")(export)
    app.command("backup")(backup)
    app.command("restore")(restore)


def refresh(ctx: typer.Context) -> None:
    """Check every badge again, fetching the issuers' status lists."""
    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> None:
            for card in service.refresh():
                out.print(f"{card.id}  {card.name}: {t.status(card.status)}", markup=False)

        run(ctx, action)


def export(
    ctx: typer.Context,
    credential: Annotated[str, typer.Argument(help="Badge id (or a unique prefix).")],
    path: Annotated[Path, typer.Argument(help="The file to write.")],
    form: Annotated[
        str,
        typer.Option(
            "--as",
            help="json (the badge), image (baked into its own picture, PNG or SVG as "
            "the issuer drew it; png or svg for only that kind), or vpqr (a VP1- code "
            "for the Learner Credential Wallet and VerifierPlus).",
        ),
    ] = "json",
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file that is there already.")
    ] = False,
) -> None:
    """Export one badge: as JSON, baked into its PNG or SVG picture, or as a VP1- code."""
    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> None:
            refuse_existing(path, force=force)
            local = service.export(credential, path, form)
            out.print(t("cli.exported", id=local, path=path), markup=False)

        run(ctx, action)


def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The backup file to write.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file that is there already.")
    ] = False,
) -> None:
    """Write an encrypted backup (key and badges), sealed with your passphrase."""
    from wallet.data.store import WalletStore
    from wallet.service import WalletService

    current = state(ctx)
    cfg, t = current.config, current.t
    # Before the passphrase is asked: an earlier backup may be the only copy of a wallet
    # that is gone, so it is never replaced unasked.
    run(ctx, lambda: refuse_existing(path, force=force))
    # Asked twice at a prompt: the backup is sealed with it, and a typo would make a
    # backup that can never be opened.
    secret = passphrase(t, confirm=True)

    def action() -> None:
        # Unlocked here rather than through service_for: the backup is sealed with the
        # same passphrase (and unlocking proves it is the wallet's).
        store = WalletStore.unlock(cfg.data_dir, secret)
        try:
            count = WalletService(cfg, store).backup(path, secret)
        finally:
            store.close()
        out.print(t("cli.backup_done", count=count, path=path), markup=False)

    run(ctx, action)


def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The backup file to read.")],
) -> None:
    """Restore a backup into a new wallet (the data directory must have none)."""
    from wallet.data.backup import restore_backup

    current = state(ctx)
    cfg, t = current.config, current.t

    def action() -> None:
        store = restore_backup(path, passphrase(t), cfg.data_dir, kdf=cfg.kdf)
        count = store.count()
        store.close()
        out.print(t("cli.restored", count=count, path=cfg.data_dir), markup=False)

    run(ctx, action)
