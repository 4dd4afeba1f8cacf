"""Starting out: the terminal app, a new wallet, and the learner's DID."""

from __future__ import annotations

import typer

from shared.errors import ErrorCode, RugzakError
from shared.runtime.sealing import MIN_PASSPHRASE
from wallet.cli.common import out, passphrase, run, service_for, state


def register(app: typer.Typer) -> None:
    app.command("tui")(tui)
    app.command("init")(init)
    app.command("did")(did)


def start_tui(ctx: typer.Context) -> None:
    from wallet.app import WalletApp

    WalletApp(state(ctx).config).run()


def tui(ctx: typer.Context) -> None:
    """Start the terminal app (the same as no verb)."""
    start_tui(ctx)


def init(ctx: typer.Context) -> None:
    """Create a new wallet with a passphrase and a fresh DID."""
    from wallet.data.store import WalletStore

    current = state(ctx)
    cfg, t = current.config, current.t

    def action() -> None:
        if WalletStore.exists(cfg.data_dir):
            raise RugzakError(
                f"There is already a wallet in {cfg.data_dir}.",
                code=ErrorCode.already_initialized,
            )
        secret = passphrase(t, "cli.new_passphrase", confirm=True)
        if len(secret) < MIN_PASSPHRASE:
            raise RugzakError(t("welcome.too_short"), code=ErrorCode.invalid_request)
        store = WalletStore.create(cfg.data_dir, secret, kdf=cfg.kdf, now=cfg.clock())
        out.print(t("cli.created", path=store.path), markup=False)
        out.print(t("cli.did", did=store.did), markup=False)
        store.close()

    run(ctx, action)


def did(ctx: typer.Context) -> None:
    """Print your DID (the identity issuers bind badges to)."""
    with service_for(ctx) as service:
        out.print(service.did, markup=False)
