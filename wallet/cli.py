"""``rugzak-wallet``: the terminal app (no verb, or ``tui``) and verbs for scripts.

Passphrases come from ``RUGZAK_PASSPHRASE`` or a hidden prompt. Exit codes: 0 ok,
1 a credential was refused on import, 2 bad input (wrong passphrase, unreadable file,
unknown badge, ...). Errors go to stderr as a plain sentence with the stable code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shared.errors import EXIT_BAD_INPUT, EXIT_INVALID, ErrorCode, RugzakError
from wallet.config import WalletConfig, default_data_dir
from wallet.data.crypto import MIN_PASSPHRASE
from wallet.data.store import WalletStore
from wallet.i18n import LANGUAGES, Translator, detect_language

if TYPE_CHECKING:
    from wallet.service import WalletService

# The verbs import the verification stack (JSON-LD, proofs, QR) when they run, so
# that `rugzak-wallet` alone shows the terminal app without waiting for it.
FILE_MAX_VERSION = 25  # the same default as wallet.presenting (checked by a test)

PASSPHRASE_ENV = "RUGZAK_PASSPHRASE"  # noqa: S105 (the variable name, not a secret)


def make_cli(base: WalletConfig | None = None) -> typer.Typer:
    """The CLI; tests pass a ``base`` config (fast KDF, fixed clock, fake network)."""
    cli = typer.Typer(
        name="rugzak-wallet",
        help="Rugzak wallet: keep your Open Badges encrypted on this computer and present them.",
        no_args_is_help=False,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    state: dict[str, Any] = {}

    def config() -> WalletConfig:
        cfg: WalletConfig = state["config"]
        return cfg

    def tr() -> Translator:
        return Translator(config().lang)

    out = Console(highlight=False, soft_wrap=True, emoji=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

    def fail(error: RugzakError) -> typer.Exit:
        err.print(tr().error_text(error), markup=False)
        return typer.Exit(EXIT_BAD_INPUT)

    def passphrase(prompt_key: str = "cli.passphrase", *, confirm: bool = False) -> str:
        value = os.environ.get(PASSPHRASE_ENV)
        if value:
            return value
        return str(typer.prompt(tr()(prompt_key), hide_input=True, confirmation_prompt=confirm))

    def service() -> WalletService:
        from wallet.service import WalletService

        cfg = config()
        try:
            store = WalletStore.unlock(cfg.data_dir, passphrase())
        except RugzakError as exc:
            raise fail(exc) from None
        return WalletService(cfg, store)

    def run(action: Callable[[], int | None]) -> None:
        try:
            code = action()
        except RugzakError as exc:
            raise fail(exc) from None
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise fail(
                RugzakError(f"{exc.strerror or exc}{where}.", code=ErrorCode.invalid_request)
            ) from None
        if code:
            raise typer.Exit(code)

    @cli.callback(invoke_without_command=True)
    def main(
        ctx: typer.Context,
        data_dir: Annotated[
            Path | None,
            typer.Option(
                "--data-dir",
                help="Where the wallet file lives (default: your data directory).",
                envvar="RUGZAK_WALLET_DIR",
            ),
        ] = None,
        lang: Annotated[
            str | None,
            typer.Option("--lang", help="Language: en or nl (default: from the system locale)."),
        ] = None,
    ) -> None:
        chosen = lang or detect_language()
        if chosen not in LANGUAGES:
            err.print(f"--lang must be one of: {', '.join(LANGUAGES)}")
            raise typer.Exit(EXIT_BAD_INPUT)
        cfg = base or WalletConfig()
        state["config"] = replace(
            cfg, data_dir=data_dir or (base.data_dir if base else default_data_dir()), lang=chosen
        )
        if ctx.invoked_subcommand is None:
            start_tui()

    def start_tui() -> None:
        from wallet.app import WalletApp

        WalletApp(config()).run()

    @cli.command("tui")
    def tui() -> None:
        """Start the terminal app (the same as no verb)."""
        start_tui()

    @cli.command("init")
    def init() -> None:
        """Create a new wallet with a passphrase and a fresh DID."""
        cfg = config()

        def action() -> None:
            if WalletStore.exists(cfg.data_dir):
                raise RugzakError(
                    f"There is already a wallet in {cfg.data_dir}.",
                    code=ErrorCode.already_initialized,
                )
            secret = passphrase("cli.new_passphrase", confirm=True)
            if len(secret) < MIN_PASSPHRASE:
                raise RugzakError(tr()("welcome.too_short"), code=ErrorCode.invalid_request)
            store = WalletStore.create(cfg.data_dir, secret, kdf=cfg.kdf, now=cfg.clock())
            out.print(tr()("cli.created", path=store.path), markup=False)
            out.print(tr()("cli.did", did=store.did), markup=False)
            store.close()

        run(action)

    @cli.command("did")
    def did() -> None:
        """Print your DID (the identity issuers bind badges to)."""
        svc = service()
        out.print(svc.did, markup=False)
        svc.store.close()

    @cli.command("import")
    def import_(
        source: Annotated[
            str,
            typer.Argument(
                help="An offer link (openid-credential-offer://...), an https URL or a JSON file."
            ),
        ],
        tx_code: Annotated[
            str | None,
            typer.Option("--tx-code", help="The transaction code, if the issuer gave you one."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
    ) -> None:
        """Receive badges: check each one and keep the good ones."""
        svc = service()

        def action() -> int:
            outcomes = svc.import_text(source, tx_code=tx_code)
            t = tr()
            report = []
            for item in outcomes:
                entry: dict[str, Any] = {"accepted": item.accepted, "code": item.code}
                if item.card:
                    entry.update(id=item.card.id, name=item.card.name, status=str(item.card.status))
                if item.refusal:
                    entry["message"] = t.code_sentence(str(item.refusal.code), item.refusal.message)
                    entry["detail"] = item.refusal.detail
                report.append(entry)
                if not as_json:
                    if item.card is not None:
                        out.print(
                            t(
                                "import.accepted",
                                name=item.card.name,
                                status=t.status(item.card.status),
                            )
                            + f"  [{item.card.id}]",
                            markup=False,
                        )
                    elif item.refusal is not None:
                        err.print(
                            t("import.refused", reason=t.error_text(item.refusal)), markup=False
                        )
            if as_json:
                out.print_json(json.dumps(report, default=str))
            if not outcomes:
                err.print(t("import.nothing"), markup=False)
                return EXIT_INVALID
            return EXIT_INVALID if any(not o.accepted for o in outcomes) else 0

        try:
            run(action)
        finally:
            svc.store.close()

    @cli.command("list")
    def list_(
        as_json: Annotated[bool, typer.Option("--json", help="Print the cards as JSON.")] = False,
        search: Annotated[str, typer.Option("--search", help="Only badges matching this.")] = "",
    ) -> None:
        """List your badges with their status."""
        svc = service()
        cards = [c for c in svc.cards() if c.matches(search)]
        svc.store.close()
        if as_json:
            out.print_json(json.dumps([c.to_dict() for c in cards]))
            return
        t = tr()
        if not cards:
            out.print(t("cli.no_badges"), markup=False)
            return
        table = Table(show_header=True, header_style="bold")
        for heading in (
            "id",
            t("detail.achievement"),
            t("detail.issuer"),
            t("detail.valid_from"),
            t("detail.status"),
        ):
            table.add_column(heading)
        for c in cards:
            # Names come from issuers: Text() keeps them literal (no markup, no emoji).
            table.add_row(
                *(Text(v) for v in (c.id, c.name, c.issuer_name, (c.issued or "")[:10])),
                Text(t.status(c.status)),
            )
        out.print(table)

    @cli.command("show")
    def show(
        credential: Annotated[str, typer.Argument(help="Badge id (or a unique prefix).")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the credential JSON.")] = False,
    ) -> None:
        """Show one badge (or its raw JSON)."""
        svc = service()

        def action() -> None:
            stored = svc.store.find(credential)
            if as_json:
                out.print_json(json.dumps(stored.credential))
                return
            t = tr()
            card = stored.card
            rows = [
                (t("detail.achievement"), card.name),
                (t("detail.issuer"), f"{card.issuer_name} ({card.issuer_id})"),
                (t("detail.valid_from"), card.issued or "-"),
                (t("detail.valid_until"), card.valid_until or "-"),
                (t("detail.status"), t.status(card.status)),
                (t("detail.credential_id"), card.credential_id or "-"),
                (t("detail.local_id"), card.id),
            ]
            for label, value in rows:
                out.print(f"{label}: {value}", markup=False)

        try:
            run(action)
        finally:
            svc.store.close()

    @cli.command("present")
    def present(
        credential: Annotated[
            list[str],
            typer.Option("--credential", "-c", help="Badge id to include (repeat for several)."),
        ],
        request: Annotated[
            str | None,
            typer.Option(
                "--request", "-r", help="The verifier's request (code@host or the full link)."
            ),
        ] = None,
        out_file: Annotated[
            Path | None, typer.Option("--out", help="Write the VP JSON here.")
        ] = None,
        qr_png: Annotated[
            Path | None, typer.Option("--qr-png", help="Write the QR code(s) as PNG.")
        ] = None,
        qr_svg: Annotated[
            Path | None, typer.Option("--qr-svg", help="Write the QR code(s) as SVG.")
        ] = None,
        show_qr: Annotated[bool, typer.Option("--show", help="Draw the QR code(s) here.")] = False,
        max_version: Annotated[
            int, typer.Option("--max-version", min=1, max=40, help="Largest QR version per code.")
        ] = FILE_MAX_VERSION,
    ) -> None:
        """Sign a presentation of chosen badges for a verifier's request."""
        from wallet.presenting import parse_request, save_json, save_png, save_svg, terminal_art

        svc = service()

        def action() -> None:
            t = tr()
            parsed = parse_request(request) if request else None
            result = svc.present(list(credential), parsed)
            texts = result.qr_texts(max_version)
            err.print(t("cli.presented", count=len(result.credential_ids)), markup=False)
            if parsed is None:
                err.print(t("cli.unbound"), markup=False)
            else:
                err.print(
                    t("present.for", domain=parsed.domain, code=parsed.short_code), markup=False
                )
            err.print(t("cli.parts", count=len(texts)), markup=False)
            if out_file:
                save_json(result.document, out_file)
                err.print(t("cli.written", path=out_file), markup=False)
            if qr_png:
                save_png(texts, qr_png)
                err.print(t("cli.written", path=qr_png), markup=False)
            if qr_svg:
                save_svg(texts, qr_svg)
                err.print(t("cli.written", path=qr_svg), markup=False)
            if show_qr:
                for index, text in enumerate(texts, start=1):
                    out.print(terminal_art(text), style="white on black", markup=False)
                    out.print(t("qr.part", index=index, total=len(texts)), markup=False)
            if not (out_file or qr_png or qr_svg or show_qr):
                out.print_json(json.dumps(result.document))

        try:
            run(action)
        finally:
            svc.store.close()

    @cli.command("refresh")
    def refresh() -> None:
        """Check every badge again, fetching the issuers' status lists."""
        svc = service()

        def action() -> None:
            t = tr()
            for card in svc.refresh():
                out.print(f"{card.id}  {card.name}: {t.status(card.status)}", markup=False)

        try:
            run(action)
        finally:
            svc.store.close()

    @cli.command("export")
    def export(
        credential: Annotated[str, typer.Argument(help="Badge id (or a unique prefix).")],
        path: Annotated[Path, typer.Argument(help="The JSON file to write.")],
    ) -> None:
        """Export one badge as a JSON file."""
        svc = service()

        def action() -> None:
            local = svc.export(credential, path)
            out.print(tr()("cli.exported", id=local, path=path), markup=False)

        try:
            run(action)
        finally:
            svc.store.close()

    @cli.command("backup")
    def backup(
        path: Annotated[Path, typer.Argument(help="The backup file to write.")],
    ) -> None:
        """Write an encrypted backup (key and badges), sealed with your passphrase."""
        from wallet.service import WalletService

        cfg = config()
        secret = passphrase()

        def action() -> None:
            store = WalletStore.unlock(cfg.data_dir, secret)
            try:
                count = WalletService(cfg, store).backup(path, secret)
            finally:
                store.close()
            out.print(tr()("cli.backup_done", count=count, path=path), markup=False)

        run(action)

    @cli.command("restore")
    def restore(
        path: Annotated[Path, typer.Argument(help="The backup file to read.")],
    ) -> None:
        """Restore a backup into a new wallet (the data directory must have none)."""
        from wallet.data.backup import restore_backup

        cfg = config()

        def action() -> None:
            store = restore_backup(path, passphrase(), cfg.data_dir, kdf=cfg.kdf)
            count = store.count()
            store.close()
            out.print(tr()("cli.restored", count=count, path=cfg.data_dir), markup=False)

        run(action)

    return cli


def main() -> None:
    """Entry point of ``rugzak-wallet``."""
    make_cli()()
