"""token create, list, revoke: named API tokens (``issuer.api_tokens``). Each opens only
the issuer's core (``IssuerBase``): no awarding, proofs or JSON-LD."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from issuer.cli.common import issuer_for, out, passphrase, print_json, print_table, run, state

app = typer.Typer(no_args_is_help=True)

NameArg = Annotated[
    str, typer.Argument(help="Who or what uses it, e.g. 'Joost de Vries' or 'LMS-koppeling'.")
]


@app.command("create")
def create(
    ctx: typer.Context,
    name: NameArg,
    scope: Annotated[
        str,
        typer.Option(
            help="issue: award only (issue, award, offers, and read what that needs); "
            "admin: everything.",
        ),
    ] = "issue",
) -> None:
    """Make an API token for NAME (needs the passphrase); it is printed once."""
    from issuer.api_tokens import create_token
    from issuer.service.base import IssuerBase

    def act() -> None:
        passphrase(state(ctx).settings())  # only the key holder hands out tokens
        with issuer_for(ctx, unlock=True, ops=IssuerBase) as issuer:
            made, token = create_token(issuer.store, name, scope, now=datetime.now(UTC))
        out.print(f"Token '{made.name}' (scope {made.scope}); the audit log names it {made.actor}.",
                  highlight=False, markup=False)  # fmt: skip
        out.print("Token (shown once; store it safely):", highlight=False)
        out.print(token, highlight=False, soft_wrap=True)

    run(act)


@app.command("list")
def list_tokens(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The API tokens: name, scope, state, made, last used (never the token itself)."""
    from issuer.api_tokens import list_tokens as listed
    from issuer.service.base import IssuerBase

    def act() -> None:
        with issuer_for(ctx, unlock=False, ops=IssuerBase) as issuer:
            tokens = listed(issuer.store)
        if as_json:
            print_json([t.to_dict() for t in tokens])
            return
        # A revoked token says when in its state, so the table fits 80 columns; --json
        # has every field apart.
        rows = [
            [
                t.name,
                str(t.scope),
                f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active",
                f"{t.created_at:%Y-%m-%d}",
                f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never",
            ]
            for t in tokens
        ]
        headers = ["name", "scope", "state", "created", "last used (UTC)"]
        print_table(headers, rows, whole=tuple(headers[1:]))

    run(act)


@app.command("revoke")
def revoke(ctx: typer.Context, name: NameArg) -> None:
    """Revoke NAME's token: refused from its next request on; it stays in the list."""
    from issuer.api_tokens import revoke_token
    from issuer.service.base import IssuerBase

    def act() -> None:
        with issuer_for(ctx, unlock=False, ops=IssuerBase) as issuer:
            gone = revoke_token(issuer.store, name, now=datetime.now(UTC))
        out.print(f"Token '{gone.name}' revoked.", highlight=False, markup=False)

    run(act)
