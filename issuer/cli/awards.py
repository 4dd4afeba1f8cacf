"""issue, offer, revoke, suspend, unsuspend, credentials."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from issuer.cli.award import award_details
from issuer.cli.common import issuer_for, out, print_json, print_table, run, styled
from shared.runtime.files import atomic_write

if TYPE_CHECKING:
    from issuer.awards import AwardIn
    from issuer.service.credentials import CredentialOps

AchievementOpt = Annotated[str, typer.Option("--achievement", "-a", help="Achievement id.")]
ResultOpt = Annotated[
    list[str] | None,
    typer.Option("--result", help="A result 'VALUE' or 'DESCRIPTION=VALUE' (repeatable)."),
]
EvidenceOpt = Annotated[
    list[str] | None, typer.Option("--evidence", help="Evidence URL or sentence (repeatable).")
]
EmailOpt = Annotated[
    str | None, typer.Option(help="Learner e-mail (stored hashed in the credential).")
]

credentials_app = typer.Typer(no_args_is_help=True)
offers_app = typer.Typer(no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("issue")(issue)
    app.command("offer")(offer)
    app.command("revoke")(revoke)
    app.command("suspend")(suspend)
    app.command("unsuspend")(unsuspend)
    app.add_typer(credentials_app, name="credentials", help="Issued credentials.")
    app.add_typer(offers_app, name="offers", help="Credential offers and their state.")


def award_from(result: list[str] | None, evidence: list[str] | None) -> AwardIn:
    from issuer.awards import AwardIn, EvidenceIn, ResultIn

    results = []
    for text in result or []:
        description, sep, value = text.partition("=")
        results.append(
            ResultIn(value=value.strip(), description=description.strip())
            if sep
            else ResultIn(value=text)
        )
    items = [
        EvidenceIn(url=e) if e.startswith(("https://", "http://")) else EvidenceIn(narrative=e)
        for e in evidence or []
    ]
    return AwardIn(results=results, evidence=items)


def issue(
    ctx: typer.Context,
    achievement: AchievementOpt,
    recipient: Annotated[str, typer.Option(help="The learner's DID (did:key or did:web).")],
    out_file: Annotated[Path, typer.Option("--out", help="Write the signed credential here.")],
    result: ResultOpt = None,
    evidence: EvidenceOpt = None,
    email: EmailOpt = None,
) -> None:
    """Sign a credential for a learner whose DID you know."""
    from issuer.service import AwardRequest

    def act() -> None:
        award = _award(result, evidence)
        with issuer_for(ctx, unlock=True) as issuer:
            issued = issuer.issue(
                AwardRequest(achievement, recipient, award, email=email), actor="cli"
            )
        atomic_write(
            out_file, json.dumps(issued.credential, indent=2).encode("utf-8"), make_dirs=True
        )
        out.print(f"Issued {issued.credential['id']} -> {out_file}", highlight=False)

    run(act)


def _award(result: list[str] | None, evidence: list[str] | None) -> AwardIn:
    from pydantic import ValidationError

    from issuer.achievements import invalid

    try:
        return award_from(result, evidence)
    except ValidationError as exc:
        raise invalid(exc) from exc


def offer(
    ctx: typer.Context,
    achievement: AchievementOpt,
    name: Annotated[
        str | None, typer.Option(help="Learner name (in the badge, hashed unless --plain-name).")
    ] = None,
    email: EmailOpt = None,
    result: ResultOpt = None,
    evidence: EvidenceOpt = None,
    tx_code: Annotated[
        bool, typer.Option("--tx-code", help="Require a 6-digit code (give it separately).")
    ] = False,
    expires_in: Annotated[
        float | None, typer.Option(help="Hours until the offer expires (default 72).")
    ] = None,
    qr: Annotated[Path | None, typer.Option(help="Also write the offer as a QR code PNG.")] = None,
    show_qr: Annotated[bool, typer.Option("--show-qr", help="Draw the QR code here.")] = False,
    evidence_file: Annotated[
        list[Path] | None,
        typer.Option(help="An evidence file: its digests go in the badge (with --evidence URL)."),
    ] = None,
    assessor: Annotated[
        str | None, typer.Option(help="Who judged the work: 'NAME' or 'NAME|ROLE'.")
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="When it was judged (YYYY-MM-DD); default redemption.")
    ] = None,
    plain_name: Annotated[
        bool, typer.Option("--plain-name", help="Write --name readable, not hashed.")
    ] = False,
    by_reference: Annotated[
        bool,
        typer.Option(
            "--by-reference",
            help="Print and encode the short link (the wallet fetches the offer from the "
            "issuer's public URL): a much smaller QR code.",
        ),
    ] = False,
) -> None:
    """Create an OpenID4VCI credential offer and print its link for the wallet."""
    from issuer.offers import OfferService
    from shared.qr import render_png, render_terminal

    def act() -> None:
        urls = [e for e in evidence or [] if e.startswith(("https://", "http://"))]
        details = award_details(
            evidence=[e for e in evidence or [] if e not in urls] if evidence_file else evidence,
            files=evidence_file,
            file_url=urls if evidence_file else None,
            assessor=assessor,
            date=date,
            plain_name=plain_name,
        )
        award = details.model_copy(update={"results": _award(result, None).results})
        with issuer_for(ctx, unlock=False) as issuer:
            created = OfferService(issuer).create(
                achievement,
                actor="cli",
                name=name,
                email=email,
                award=award,
                tx_code=tx_code,
                expires_in=timedelta(hours=expires_in) if expires_in else None,
            )
        link = created.reference_link if by_reference else created.link
        out.print(link, highlight=False, soft_wrap=True)
        out.print(
            f"offer {created.id}, expires {created.expires_at:%Y-%m-%d %H:%M} UTC", highlight=False
        )
        if created.tx_code:
            out.print(styled("transaction code: ", (created.tx_code, "bold")))
        if qr is not None:
            atomic_write(qr, render_png(link), make_dirs=True)
            out.print(f"QR code: {qr}", highlight=False)
        if show_qr:
            out.print(render_terminal(link), highlight=False)

    run(act)


def _credentials(ctx: typer.Context) -> AbstractContextManager[CredentialOps]:
    """The issuer's issued-credentials part alone: reading, revoking and suspending
    sign nothing (a status list is signed when it is served or exported), so they
    need neither the awarding nor the credential core."""
    from issuer.service.credentials import CredentialOps

    return issuer_for(ctx, unlock=False, ops=CredentialOps)


def _status_command(action: str) -> Any:
    def command(
        ctx: typer.Context,
        credential_id: Annotated[str, typer.Argument(help="Credential id (urn:uuid:...).")],
        reason: Annotated[str | None, typer.Option(help="Why (kept in the audit log).")] = None,
    ) -> None:
        def act() -> None:
            with _credentials(ctx) as issuer:
                method = {
                    "revoke": issuer.revoke,
                    "suspend": issuer.suspend,
                    "unsuspend": issuer.unsuspend,
                }[action]
                view = method(credential_id, actor="cli", reason=reason)
            note = "" if view["changed"] else " (no change)"
            out.print(f"{credential_id}: {view['state']}{note}", highlight=False)

        run(act)

    command.__doc__ = {
        "revoke": "Revoke a credential for good (its status bit is set).",
        "suspend": "Suspend a credential (reversible).",
        "unsuspend": "Lift a suspension.",
    }[action]
    return command


revoke = _status_command("revoke")
suspend = _status_command("suspend")
unsuspend = _status_command("unsuspend")


@credentials_app.command("list")
def list_credentials(
    ctx: typer.Context,
    achievement: Annotated[str | None, typer.Option("--achievement", "-a")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List issued credentials."""

    def act() -> None:
        with _credentials(ctx) as issuer:
            views = issuer.credentials(achievement_id=achievement, limit=limit)
        if as_json:
            print_json(views)
            return
        rows = [
            [
                v["id"],
                v["achievement_id"],
                v["subject_id"],
                v["state"],
                f"{v['issued_at']:%Y-%m-%d %H:%M}",
            ]
            for v in views
        ]
        headers = ["id", "achievement", "recipient", "state", "issued"]
        print_table(headers, rows, whole=("id", "issued"))

    run(act)


@credentials_app.command("show")
def show_credential(
    ctx: typer.Context, credential_id: Annotated[str, typer.Argument(help="Credential id.")]
) -> None:
    """Show one credential with its status entries."""

    def act() -> None:
        with _credentials(ctx) as issuer:
            print_json(issuer.credential(credential_id))

    run(act)


@credentials_app.command("bake")
def bake_credential(
    ctx: typer.Context,
    credential_id: Annotated[str, typer.Argument(help="Credential id.")],
    out_file: Annotated[Path, typer.Option("--out", help="The .png or .svg to write.")],
) -> None:
    """Bake the credential into its badge picture (OB 3.0 baking) for the learner."""

    def act() -> None:
        with _credentials(ctx) as issuer:
            data, media_type = issuer.baked(credential_id)
        atomic_write(out_file, data, mode=0o644)
        out.print(f"{out_file} ({media_type}, {len(data)} bytes)", highlight=False)

    run(act)


@offers_app.command("list")
def list_offers(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List offers: open, token_issued, redeemed or expired."""
    from issuer.offers import OfferService

    def act() -> None:
        with issuer_for(ctx, unlock=False) as issuer:
            views = OfferService(issuer).list(limit=limit)
        if as_json:
            print_json(views)
            return
        rows = [
            [
                v["id"],
                v["achievement_id"],
                v["recipient_email"] or v["recipient_name"] or "",
                v["state"],
                f"{v['expires_at']:%Y-%m-%d %H:%M}",
                v["credential_id"] or "",
            ]
            for v in views
        ]
        headers = ["id", "achievement", "recipient", "state", "expires", "credential"]
        print_table(headers, rows, whole=("id", "expires"))

    run(act)
