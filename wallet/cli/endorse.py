"""``endorse``: a person endorses a badge, an achievement or an issuer with the wallet's key.

The endorsement is an OB 3.0 EndorsementCredential issued by the learner's own DID
(``shared.ob.endorsement``), so anyone verifies it like any other credential.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated

import typer

from shared.runtime.files import atomic_write
from wallet.cli.common import out, run, service_for, state


def register(app: typer.Typer) -> None:
    app.command("endorse")(endorse)


def endorse(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="What you endorse: a badge's, achievement's or issuer's id.")
    ],
    comment: Annotated[str, typer.Option(help="What you say about it.")],
    out_file: Annotated[Path, typer.Option("--out", help="Write the signed endorsement here.")],
    signer_name: Annotated[
        str | None, typer.Option("--as", help="Your name as the endorser (shown to others).")
    ] = None,
) -> None:
    """Endorse something, signed with this wallet's key (your DID)."""
    from shared.credentials import issue_credential
    from shared.ob.endorsement import build_endorsement

    current = state(ctx)

    def act() -> None:
        with service_for(ctx) as service:
            key = service.store.holder
            now = current.config.clock()
            unsigned = build_endorsement(
                endorser_id=key.did,
                endorser_name=signer_name,
                target_id=target,
                comment=comment,
                credential_id=f"urn:uuid:{uuid.uuid4()}",
                valid_from=now,
            )
            signed = issue_credential(unsigned, key, created=now)
        atomic_write(out_file, json.dumps(signed, indent=2).encode("utf-8"), make_dirs=True)
        out.print(
            current.t("cli.endorsed", target=target, did=key.did, path=out_file), markup=False
        )

    run(ctx, act)
