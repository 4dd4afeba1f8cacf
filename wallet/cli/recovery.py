"""Paper recovery, the passphrase and the key: ``recovery split``, ``recover``,
``passphrase``, ``rotate-key``.

``recovery split -k 3 -n 5`` makes a new recovery secret and shows its five shares
(20 words and a QR code each) here, or as a PDF on standard output for the printer
(``--pdf | lp``): the wallet never writes a share to a file. ``recover BACKUP`` reads
shares (typed, one a line) and restores the backup into a new wallet. ``passphrase``
changes the wallet's passphrase.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from shared.errors import AccessDenied, ErrorCode, InvalidInput
from shared.runtime.sealing import MIN_PASSPHRASE
from wallet.cli.common import err, out, passphrase, run, service_for, state
from wallet.i18n import Translator

NEW_PASSPHRASE_ENV = "RUGZAK_NEW_PASSPHRASE"  # noqa: S105 (the variable name, not a secret)
SHARES_ENV = "RUGZAK_RECOVERY_SHARES"


def register(app: typer.Typer) -> None:
    recovery_app = typer.Typer(help="Recovery on paper: split the recovery secret into shares.")
    recovery_app.command("split")(split)
    app.add_typer(recovery_app, name="recovery")
    app.command("recover")(recover)
    app.command("passphrase")(change_passphrase)
    app.command("rotate-key")(rotate_key)


def split(
    ctx: typer.Context,
    threshold: Annotated[
        int, typer.Option("--threshold", "-k", min=1, max=16, help="Shares needed to restore.")
    ] = 3,
    count: Annotated[
        int, typer.Option("--shares", "-n", min=1, max=16, help="Shares to make.")
    ] = 5,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf", help="Write a PDF (one page a share) to standard output, for the printer."
        ),
    ] = False,
) -> None:
    """Make a new recovery secret and show it as paper shares (any k of n restore)."""
    from wallet.paper import share_pdf, share_text

    t = state(ctx).t
    if pdf and sys.stdout.isatty():
        err.print(t("recovery.pdf_tty"), markup=False)
        raise typer.Exit(2)
    with service_for(ctx) as service:

        def action() -> None:
            shares = service.new_recovery_shares(threshold, count)
            if pdf:
                sys.stdout.buffer.write(share_pdf(shares, t))
                sys.stdout.flush()
            else:
                for index in range(shares.count):
                    out.print(share_text(shares, index, t), markup=False)
            err.print(t("recovery.made", k=shares.threshold, n=shares.count), markup=False)

        run(ctx, action)


def recover(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The backup file to restore.")],
    share_image: Annotated[
        list[Path] | None,
        typer.Option("--share-image", help="A photo of a share's QR code (repeat)."),
    ] = None,
) -> None:
    """Restore a backup with paper recovery shares (no passphrase needed) into a new wallet."""
    from wallet.data.backup import read_backup_with_shares, restore_contents

    current = state(ctx)
    cfg, t = current.config, current.t

    def action() -> None:
        shares = _shares_in_images(share_image) if share_image else _read_shares(t)
        contents = read_backup_with_shares(path, shares)
        secret = new_passphrase(t)
        store = restore_contents(contents, cfg.data_dir, secret, kdf=cfg.kdf)
        count = store.count()
        did = store.did
        store.close()
        out.print(t("cli.restored", count=count, path=cfg.data_dir), markup=False)
        out.print(did, markup=False)

    run(ctx, action)


def change_passphrase(ctx: typer.Context) -> None:
    """Change the wallet's passphrase (the old one is needed; the new one is asked twice)."""
    current = state(ctx)
    cfg, t = current.config, current.t
    with service_for(ctx) as service:

        def action() -> None:
            old = passphrase(t)
            service.store.change_passphrase(old, new_passphrase(t), kdf=cfg.kdf)
            out.print(t("passphrase.changed"), markup=False)

        run(ctx, action)


def new_passphrase(t: Translator) -> str:
    """The new passphrase: ``RUGZAK_NEW_PASSPHRASE``, else asked twice (hidden)."""
    value = os.environ.get(NEW_PASSPHRASE_ENV)
    if value is None:
        value = str(typer.prompt(t("passphrase.new"), hide_input=True))
        again = str(typer.prompt(t("passphrase.again"), hide_input=True))
        if again != value:
            raise InvalidInput(t("passphrase.mismatch"), code=ErrorCode.passphrase_mismatch)
    if len(value) < MIN_PASSPHRASE:
        raise AccessDenied(t("passphrase.short"), code=ErrorCode.passphrase_required)
    return value


def _shares_in_images(paths: list[Path]) -> list[str]:
    """The share in each photo of a share's QR code (its words, in upper case there)."""
    from wallet.images import qr_texts, read_image_file

    found: list[str] = []
    for path in paths:
        texts = qr_texts(read_image_file(path))
        if not texts:
            raise InvalidInput(
                f"No QR code was found in {path}.", code=ErrorCode.invalid_image, detail=str(path)
            )
        found.extend(texts[:1])
    return found


def _read_shares(t: Translator) -> list[str]:
    """Shares from ``RUGZAK_RECOVERY_SHARES`` (one a line), else typed until enough."""
    from wallet.data.recovery import threshold_of

    given = os.environ.get(SHARES_ENV)
    if given is not None:
        return [line for line in given.splitlines() if line.strip()]
    shares: list[str] = []
    need: int | None = None
    while need is None or len(shares) < need:
        typed = str(typer.prompt(t("recovery.type_share", number=len(shares) + 1)))
        shares.append(typed)
        if need is None:
            need = threshold_of(typed) or 1  # a mistyped first share is reported below
    return shares


def rotate_key(ctx: typer.Context) -> None:
    """Move to a new key (a new DID); your badges stay presentable through a signed link."""
    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> None:
            old = service.did
            new = service.rotate_key()
            out.print(new, markup=False)
            err.print(t("rotate.done", old=old, new=new), markup=False)

        run(ctx, action)
