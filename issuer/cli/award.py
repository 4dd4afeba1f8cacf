"""award: one piece of work as evidence for several skill levels, in one command."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from issuer.cli.common import issuer_for, out, run, styled
from shared.errors import ErrorCode, InvalidInput
from shared.runtime.files import atomic_write

if TYPE_CHECKING:
    from issuer.awards import AwardIn, SkillLevelIn


def register(app: typer.Typer) -> None:
    app.command("award")(award)
    app.command("endorse")(endorse)


def endorse(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="What is endorsed: a badge's, achievement's or issuer's id.")
    ],
    comment: Annotated[str, typer.Option(help="The endorsement (endorsementComment).")],
    out_file: Annotated[Path, typer.Option("--out", help="Write the signed endorsement here.")],
    name: Annotated[str | None, typer.Option(help="The endorsement's name.")] = None,
) -> None:
    """Endorse a badge, an achievement or an issuer, signed with this issuer's DID."""

    def act() -> None:
        with issuer_for(ctx, unlock=True) as issuer:
            signed = issuer.endorse(target, comment, actor="cli", name=name)
        atomic_write(out_file, json.dumps(signed, indent=2).encode("utf-8"), make_dirs=True)
        out.print(f"Endorsed {target}: {signed['id']} -> {out_file}", highlight=False)

    run(act)


def parse_skill(text: str) -> SkillLevelIn:
    """``ACHIEVEMENT=LEVEL`` (e.g. ``levensvaardigheden-creativiteit=2``)."""
    from issuer.awards import SkillLevelIn

    achievement, sep, level = text.partition("=")
    if not sep or not achievement.strip() or not level.strip():
        raise InvalidInput(
            "a skill is ACHIEVEMENT=LEVEL, e.g. levensvaardigheden-creativiteit=2",
            code=ErrorCode.invalid_request,
            detail=text,
        )
    return SkillLevelIn(achievement_id=achievement, level=level)


def award_details(
    *,
    evidence: list[str] | None = None,
    files: list[Path] | None = None,
    file_url: list[str] | None = None,
    narrative: str | None = None,
    assessor: str | None = None,
    date: str | None = None,
    name: str | None = None,
    plain_name: bool = False,
) -> AwardIn:
    """What the levels of one award share, from the command's options."""
    from pydantic import ValidationError

    from issuer.achievements import invalid
    from issuer.award_input import parse_award_date, read_evidence_file
    from issuer.awards import AwardIn, EvidenceIn, parse_assessor

    try:
        items = [
            EvidenceIn(url=e) if e.startswith(("https://", "http://")) else EvidenceIn(narrative=e)
            for e in evidence or []
        ]
        urls = list(file_url or [])
        if len(urls) > len(files or []):
            raise InvalidInput(
                "--evidence-file-url without its --evidence-file", code=ErrorCode.invalid_request
            )
        for i, path in enumerate(files or []):
            url = urls[i] if i < len(urls) else None
            items.append(read_evidence_file(path, url=url, narrative=narrative))
        if narrative and not files:
            items.append(EvidenceIn(narrative=narrative))
        return AwardIn(
            evidence=items,
            assessor=parse_assessor(assessor) if assessor else None,
            awarded_date=parse_award_date(date) if date else None,
            learner_name=name,
            plain_name=plain_name,
        )
    except ValidationError as exc:
        raise invalid(exc) from exc


def award(
    ctx: typer.Context,
    skill: Annotated[
        list[str],
        typer.Option(
            "--skill", "-s", help="ACHIEVEMENT=LEVEL, repeatable: one credential per skill level."
        ),
    ],
    recipient: Annotated[
        str | None,
        typer.Option(
            help="The learner's DID (did:key or did:web): sign now. Without it: ONE "
            "OpenID4VCI offer that delivers every level to the learner's wallet."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", help="Write the signed credentials here.")
    ] = None,
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="Evidence URL or sentence.")
    ] = None,
    evidence_file_opt: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence-file",
            help="An evidence file: its digests (digestMultibase, digestSRI) go in the badge.",
        ),
    ] = None,
    evidence_file_url: Annotated[
        list[str] | None,
        typer.Option(help="Where the matching --evidence-file is published (in order)."),
    ] = None,
    narrative: Annotated[
        str | None, typer.Option(help="What the learner did (the evidence narrative).")
    ] = None,
    assessor: Annotated[
        str | None, typer.Option(help="Who judged the work: 'NAME' or 'NAME|ROLE'.")
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="When it was judged (YYYY-MM-DD); default now.")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="The learner's name (salted and hashed in the badge).")
    ] = None,
    plain_name: Annotated[
        bool, typer.Option("--plain-name", help="Write the name readable (learner's choice).")
    ] = False,
    email: Annotated[str | None, typer.Option(help="Learner e-mail (stored hashed).")] = None,
    tx_code: Annotated[
        bool, typer.Option("--tx-code", help="Offer: require a 6-digit code (give it separately).")
    ] = False,
    expires_in: Annotated[
        float | None, typer.Option(help="Offer: hours until it expires (default 72).")
    ] = None,
    qr: Annotated[Path | None, typer.Option(help="Offer: also write its QR code as PNG.")] = None,
    by_reference: Annotated[
        bool,
        typer.Option("--by-reference", help="Offer: print and encode the short link."),
    ] = False,
) -> None:
    """Award several skill levels for one piece of work: all credentials or none.

    With --recipient the credentials are signed now (--out-dir); without it the
    learner gets ONE offer (OpenID4VCI) that delivers every level in one go.
    """
    from pydantic import ValidationError

    from issuer.achievements import invalid

    def act() -> None:
        try:
            skills = [parse_skill(s) for s in skill]
        except ValidationError as exc:
            raise invalid(exc) from exc
        details = award_details(
            evidence=evidence,
            files=evidence_file_opt,
            file_url=evidence_file_url,
            narrative=narrative,
            assessor=assessor,
            date=date,
            name=name,
            plain_name=plain_name,
        )
        if recipient is None:
            _offer_skills(ctx, skills, details, email, tx_code, expires_in, qr, by_reference)
            return
        if out_dir is None:
            raise InvalidInput(
                "--recipient signs the credentials now: say where with --out-dir",
                code=ErrorCode.invalid_request,
            )
        with issuer_for(ctx, unlock=True) as issuer:
            issued = issuer.award_skills(recipient, skills, details, actor="cli", email=email)
        for skill_level, item in zip(skills, issued, strict=True):
            credential = item.credential
            path = out_dir / f"{credential['id'].rsplit(':', 1)[-1]}.json"
            atomic_write(path, json.dumps(credential, indent=2).encode("utf-8"), make_dirs=True)
            out.print(
                f"Issued {skill_level.achievement_id} level {skill_level.level}: "
                f"{credential['id']} -> {path}",
                highlight=False,
            )

    run(act)


def _offer_skills(
    ctx: typer.Context,
    skills: list[SkillLevelIn],
    details: AwardIn,
    email: str | None,
    tx_code: bool,
    expires_in: float | None,
    qr: Path | None,
    by_reference: bool,
) -> None:
    """One offer for every skill level of the award (nothing is signed until redeemed)."""
    from issuer.offers import OfferService
    from shared.qr import render_png

    with issuer_for(ctx, unlock=False) as issuer:
        created = OfferService(issuer).create(
            None,
            skills=skills,
            actor="cli",
            email=email,
            award=details,
            tx_code=tx_code,
            expires_in=timedelta(hours=expires_in) if expires_in else None,
        )
    link = created.reference_link if by_reference else created.link
    out.print(link, highlight=False, soft_wrap=True)
    out.print(f"offer {created.id} for {len(skills)} credentials:", highlight=False)
    for skill in skills:
        out.print(f"  {skill.achievement_id} level {skill.level}", highlight=False)
    out.print(f"expires {created.expires_at:%Y-%m-%d %H:%M} UTC", highlight=False)
    if created.tx_code:
        out.print(styled("transaction code: ", (created.tx_code, "bold")))
    if qr is not None:
        atomic_write(qr, render_png(link), make_dirs=True)
        out.print(f"QR code: {qr}", highlight=False)
