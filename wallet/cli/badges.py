"""Receiving and reading badges: ``import``, ``list`` and ``show``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from shared.errors import EXIT_INVALID, RugzakError
from wallet.cli.common import err, out, run, service_for, state

if TYPE_CHECKING:
    from wallet.service import WalletService


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("list")(list_)
    app.command("show")(show)


def import_(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="An offer link (openid-credential-offer://...), an https URL, or a badge "
            "file: JSON, a VC-JWT, a baked PNG/SVG, an Open Badges 2.0 badge, RZ1:/VP1- text; "
            "or a folder of badge files (as export --all writes)."
        ),
    ],
    tx_code: Annotated[
        str | None,
        typer.Option("--tx-code", help="The transaction code, if the issuer gave you one."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Receive badges: check each one and keep the good ones."""
    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> int:
            outcomes = service.import_text(source, tx_code=tx_code)
            folder = any(item.source for item in outcomes)
            report = []
            for item in outcomes:
                entry: dict[str, Any] = {"accepted": item.accepted, "code": item.code}
                if item.source:
                    entry["file"] = item.source
                if item.card:
                    entry.update(id=item.card.id, name=item.card.name, status=str(item.card.status))
                if item.refusal:
                    entry["message"] = t.code_sentence(str(item.refusal.code), item.refusal.message)
                    entry["detail"] = item.refusal.detail
                report.append(entry)
                if as_json:
                    continue
                if item.card is not None:
                    accepted = t(
                        "import.accepted", name=item.card.name, status=t.status(item.card.status)
                    )
                    out.print(accepted + f"  [{item.card.id}]", markup=False)
                elif folder and item.duplicate_of is not None:
                    name = _name_of(service, item.duplicate_of, item.source or "")
                    had = t("import.already", name=name)
                    out.print(had + f"  [{item.duplicate_of}]", markup=False)
                elif item.refusal is not None:
                    reason = t.error_text(item.refusal)
                    if item.source:
                        reason = t("import.file_refused", file=item.source, reason=reason)
                    err.print(t("import.refused", reason=reason), markup=False)
            if as_json:
                out.print_json(json.dumps(report, default=str))
            if not outcomes:
                err.print(t("import.nothing"), markup=False)
                return EXIT_INVALID
            if folder:
                # badges the wallet has already are no failure: reading a folder back
                # after restoring an older backup is what it is for
                already = sum(1 for o in outcomes if o.duplicate_of is not None)
                refused = sum(1 for o in outcomes if not o.accepted) - already
                kept = len(outcomes) - already - refused
                summary = t(
                    "import.folder_done", path=source, kept=kept, already=already, refused=refused
                )
                # on stderr with --json, so stdout stays one JSON document
                (err if as_json else out).print(summary, markup=False)
                return EXIT_INVALID if refused else 0
            return EXIT_INVALID if any(not o.accepted for o in outcomes) else 0

        run(ctx, action)


def _name_of(service: WalletService, local_id: str, fallback: str) -> str:
    try:
        return service.store.get(local_id).card.name
    except RugzakError:
        return fallback


def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the cards as JSON.")] = False,
    search: Annotated[str, typer.Option("--search", help="Only badges matching this.")] = "",
) -> None:
    """List your badges with their status."""
    t = state(ctx).t
    with service_for(ctx) as service:
        service.complete_cards()  # a wallet from before cards held the badges' results
        cards = [c for c in service.cards() if c.matches(search, t.lang)]
        damaged = service.store.damaged_ids
    if damaged:
        # The rest of the wallet works; say plainly what cannot be shown.
        err.print(t("cli.damaged", count=len(damaged), ids=", ".join(damaged)), markup=False)
    if as_json:
        out.print_json(json.dumps([c.to_dict() for c in cards]))
        return
    if not cards:
        out.print(t("cli.no_badges"), markup=False)
        return
    table = Table(show_header=True, header_style="bold")
    # the id (what ``show`` and ``present`` take) and the date are never cut or wrapped
    table.add_column("id", no_wrap=True, min_width=12)
    for heading in (t("detail.achievement"), t("detail.result"), t("detail.issuer")):
        table.add_column(heading)
    table.add_column(t("detail.valid_from"), no_wrap=True, min_width=10)
    table.add_column(t("detail.status"))
    for c in cards:
        main = (c.result_lines(t.lang) or [""])[0]
        # Names come from issuers: Text() keeps them literal (no markup, no emoji).
        issued = t.date(c.issued, short=True)
        table.add_row(
            *(Text(v) for v in (c.id, c.name, main, c.issuer_name, issued)),
            Text(t.status(c.status)),
        )
    out.print(table)


def show(
    ctx: typer.Context,
    credential: Annotated[str, typer.Argument(help="Badge id (or a unique prefix).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the credential JSON.")] = False,
) -> None:
    """Show one badge: what it says, its results, evidence, issuer and status (or its JSON)."""
    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> None:
            stored = service.store.find(credential)
            if as_json:
                out.print_json(json.dumps(stored.credential))
                return
            # the detail screen's text (``wallet.badge_text``), rendered for a terminal
            from rich.markdown import Markdown

            from shared.formats import readable
            from wallet.badge_text import describe
            from wallet.data.endorsements import endorsements_of

            document = readable(stored.credential)  # a VC-JWT shows the credential inside
            endorsed = endorsements_of(document, service.endorsements())
            shown = Markdown(
                describe(document, stored.card, t, endorsements=endorsed, own=service.store.dids)
            )
            out.print(shown, soft_wrap=False)  # rich wraps it to the terminal

        run(ctx, action)
