"""Looking after the wallet: check every badge again, copy one or all out, back up, restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from shared.errors import EXIT_BAD_INPUT, ErrorCode, InvalidInput
from wallet.cli.common import (
    err,
    out,
    passphrase,
    progress_bar,
    run,
    service_for,
    state,
)
from wallet.written_files import refuse_existing


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
    credential: Annotated[
        str | None,
        typer.Argument(metavar="[ID]", help="Badge id (or a unique prefix); not with --all."),
    ] = None,
    path: Annotated[
        Path | None, typer.Argument(metavar="[FILE]", help="The file to write; not with --all.")
    ] = None,
    form: Annotated[
        str,
        typer.Option(
            "--as",
            help="json (the badge), image (baked into its own picture, PNG or SVG as "
            "the issuer drew it; png or svg for only that kind), or vpqr (a VP1- code "
            "for the Learner Credential Wallet and VerifierPlus). With --all: json, "
            "image (baked where a badge has a picture, JSON for the rest) or "
            "presentation (one file holding every badge, for other wallets; see "
            "--for-wallet).",
        ),
    ] = "json",
    every: Annotated[
        Path | None,
        typer.Option(
            "--all",
            metavar="FOLDER",
            help="Export every badge: one file each into FOLDER, named for the badge, "
            "its issuer and date, with index.json and a read-me (--as presentation: "
            "give a file name instead, for the one file holding them all).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file that is there already.")
    ] = False,
    for_wallet: Annotated[
        bool,
        typer.Option(
            "--for-wallet",
            help="For another wallet of yours: a badge its issuer signed for showing in "
            "part keeps the signature meant only for your wallet, so that wallet can "
            "still show it in part. Never send such a file to anyone. Without it, files "
            "are for other people and leave that signature out. JSON only (with --all: "
            "json or presentation).",
        ),
    ] = False,
) -> None:
    """Export one badge (as JSON, baked into its PNG or SVG picture, or as a VP1- code),
    or all of them with --all."""
    t = state(ctx).t
    if every is not None:
        if credential is not None or path is not None:
            run(ctx, lambda: _usage("Give either a badge and a file, or --all FOLDER; not both."))
        export_all(ctx, every, form, force=force, for_wallet=for_wallet)
        return
    if credential is None or path is None:
        run(ctx, lambda: _usage("Give the badge id and the file to write (or --all FOLDER)."))
        return
    target = path
    with service_for(ctx) as service:

        def action() -> None:
            from shared.ob.disclosure import can_disclose

            refuse_existing(target, force=force)
            local = service.export(credential, target, form, for_wallet=for_wallet)
            out.print(t("cli.exported", id=local, path=target), markup=False)
            if can_disclose(service.store.get(local).credential):
                err.print(t("cli.for_wallet" if for_wallet else "cli.for_others"), markup=False)

        run(ctx, action)


def export_all(
    ctx: typer.Context, target: Path, form: str, *, force: bool, for_wallet: bool = False
) -> None:
    """Every badge to a folder, or into one presentation file; exit code 2 when a badge
    could not be read (the others are written)."""
    from wallet.export_all import FORMS, export_folder, export_presentation

    t = state(ctx).t
    if form != "presentation" and form not in FORMS:
        run(ctx, lambda: _usage(f"With --all, --as is json, image or presentation, not {form}."))
    with service_for(ctx) as service:

        def action() -> int:
            if form == "presentation":
                sent = export_presentation(service, target, force=force, for_wallet=for_wallet)
                failed, base_proofs = sent.failed, sent.base_proofs
                out.print(
                    t("export_all.presented", count=len(sent.included), path=sent.path),
                    markup=False,
                )
                if sent.left_out:
                    names = ", ".join(card.name for card in sent.left_out)
                    err.print(
                        t("export_all.left_out", count=len(sent.left_out), names=names),
                        markup=False,
                    )
            else:
                with progress_bar(t("export_all.progress")) as tick:
                    report = export_folder(
                        service, target, form=form, force=force, progress=tick,
                        for_wallet=for_wallet,
                    )  # fmt: skip
                failed, base_proofs = report.failed, report.base_proofs
                out.print(
                    t("export_all.done", count=len(report.exported), path=report.folder),
                    markup=False,
                )
                if form == "image":
                    counts = {kind: report.count(kind) for kind in ("png", "svg", "json", "jwt")}
                    out.print(t("export_all.forms", **counts), markup=False)
            if base_proofs:
                key = "export_all.for_wallet" if for_wallet else "export_all.for_others"
                err.print(t(key, count=base_proofs), markup=False)
            if failed:
                ids = ", ".join(item.id for item in failed)
                err.print(t("export_all.failed", count=len(failed), ids=ids), markup=False)
                return EXIT_BAD_INPUT
            return 0

        run(ctx, action)


def _usage(message: str) -> NoReturn:
    raise InvalidInput(message, code=ErrorCode.invalid_request)


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
