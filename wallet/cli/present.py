"""``present``: answer a verifier's request over OpenID4VP, or sign for QR codes / JSON.

``--request`` takes an ``openid4vp://`` link or the short code ``CODE@verifier``:
the wallet fetches the request, shows who asks for what and sends the chosen
badges to the verifier (no scan). When the verifier cannot be reached it falls
back to QR codes bound to the short code, within the verifier's part limit.
A full ``rugzak-request:`` text, or no request, signs locally as before.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shared.errors import ErrorCode, InvalidInput, ResolutionFailed
from wallet.cli.common import err, out, run, service_for, state
from wallet.config import StapleMode
from wallet.written_files import refuse_existing

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from shared.presentation_request import PresentationRequest
    from wallet.i18n import Translator
    from wallet.presenting import Hiding, Presentation
    from wallet.service import WalletService

# The same default as wallet.presenting (a test checks), repeated so that loading the
# CLI does not load the QR stack.
FILE_MAX_VERSION = 25


class Part(StrEnum):
    """Parts of a badge a learner may hide (``shared.ob.disclosure.SELECTABLE``; a test
    checks they agree), repeated so that loading the CLI does not load the proof stack."""

    identifier = "identifier"
    evidence = "evidence"
    result = "result"
    image = "image"
    alignment = "alignment"


HIDE_HELP = (
    "Leave a part out of every badge shown (repeat for several): identifier (your name "
    "or e-mail), evidence, result, image, alignment. Needs badges their issuer signed for "
    "selective disclosure (ecdsa-sd-2023)."
)


def _hiding(every: list[Part], per_badge: list[str]) -> Hiding:
    """``--hide`` and ``--hide-in BADGE:PART`` as one ``Hiding``."""
    from wallet.presenting import Hiding

    badges: dict[str, frozenset[str]] = {}
    for given in per_badge:
        badge, _, part = given.rpartition(":")
        if not badge or part.lower() not in Part.__members__:
            raise InvalidInput(
                f"'{given}' is not BADGE:PART. Give a badge id and one of: "
                + ", ".join(Part)
                + " (for example 3f2a:evidence).",
                code=ErrorCode.invalid_request,
                detail={"hide_in": given},
            )
        badges[badge] = badges.get(badge, frozenset()) | {part.lower()}
    return Hiding(frozenset(str(p) for p in every), badges)


class QrFormat(StrEnum):
    rz1 = "rz1"
    rz1_z = "rz1-z"
    vpqr = "vpqr"


def _codec(qr_format: QrFormat) -> str:
    """The RZ1 codec: C, or Z for Rugzak verifiers from before codec C."""
    from shared import qr  # loaded only when presenting

    return qr.ZSTD_DICT_1 if qr_format is QrFormat.rz1_z else qr.DEFAULT_CODEC


def register(app: typer.Typer) -> None:
    app.command("present")(present)


def present(
    ctx: typer.Context,
    credential: Annotated[
        list[str] | None,
        typer.Option("--credential", "-c", help="Badge id to include (repeat for several)."),
    ] = None,
    request: Annotated[
        str | None,
        typer.Option(
            "--request",
            "-r",
            help="The verifier's request: an openid4vp:// link, code@host, rugzak-request:, "
            "or a picture of the verifier's QR code.",
        ),
    ] = None,
    decline: Annotated[
        bool, typer.Option("--decline", help="Tell the verifier no badges will be shared.")
    ] = False,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the VP JSON here.")] = None,
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
    qr_format: Annotated[
        QrFormat,
        typer.Option(
            "--format",
            help="QR codes: rz1 (Rugzak, in parts when needed), rz1-z (the same with "
            "codec Z, for Rugzak verifiers older than codec C) or vpqr (one VP1- code, "
            "for the Learner Credential Wallet and VerifierPlus).",
        ),
    ] = QrFormat.rz1,
    hide: Annotated[
        list[Part] | None, typer.Option("--hide", help=HIDE_HELP, case_sensitive=False)
    ] = None,
    hide_in: Annotated[
        list[str] | None,
        typer.Option(
            "--hide-in",
            metavar="BADGE:PART",
            help="Leave a part out of one badge only (repeat for several), e.g. "
            "--hide-in 3f2a:evidence; the other badges are shown whole.",
        ),
    ] = None,
    endorsements: Annotated[
        bool,
        typer.Option(
            "--endorsements/--no-endorsements",
            help="Take the endorsements the wallet keeps for these badges along (default), "
            "or leave them out.",
        ),
    ] = True,
    assertion_proof: Annotated[
        bool,
        typer.Option(
            "--assertion-proof",
            help="Sign for assertionMethod instead of authentication, for verifiers built "
            "on DCC's verifier-core (needs --request: its challenge and domain bind it).",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file that is there already.")
    ] = False,
) -> None:
    """Present chosen badges to a verifier (over the network, or as QR codes)."""
    from wallet.delivery import request_from_picture
    from wallet.oid4vp import is_oid4vp
    from wallet.presenting import parse_request, save_json, save_png, save_svg, terminal_art

    t = state(ctx).t
    chosen = list(credential or [])
    with service_for(ctx) as service:

        def action() -> None:
            hidden = _hiding(hide or [], hide_in or [])
            refuse_existing(out_file, qr_png, qr_svg, force=force)
            parsed = None
            max_parts: int | None = None
            given = request_from_picture(request) if request else None
            if chosen and not decline:
                _say_endorsements(ctx, service, chosen, endorsements)
            if given and is_oid4vp(given):
                fallback = _over_oid4vp(
                    ctx, service, given, chosen, decline, out_file, hidden, endorsements
                )
                if fallback is None:
                    return
                parsed, max_parts = fallback
            elif given:
                parsed = parse_request(given)
            purpose = "assertionMethod" if assertion_proof else "authentication"
            result = service.present(
                chosen, parsed, proof_purpose=purpose, hide=hidden, endorsements=endorsements
            )
            codec = _codec(qr_format)
            if qr_format is QrFormat.vpqr:
                texts = [result.vpqr_text()]
            elif max_parts is None:
                texts = result.qr_texts(max_version, codec=codec)
            else:
                from wallet.delivery import qr_texts_within

                texts = qr_texts_within(
                    result.payload(max_version, codec=codec), max_parts, max_version, codec=codec
                )
            err.print(t("cli.presented", count=len(result.credential_ids)), markup=False)
            if parsed is None:
                err.print(t("cli.unbound"), markup=False)
            else:
                err.print(
                    t("present.for", domain=parsed.domain, code=parsed.short_code), markup=False
                )
            if hidden:
                err.print(t("cli.hidden", parts=_hidden_text(t, hidden, service)), markup=False)
            err.print(t("cli.parts", count=len(texts)), markup=False)
            if qr_format is not QrFormat.vpqr:
                _say_staple(t, result, max_version, codec)
            if out_file:
                save_json(result.file_document, out_file)
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
                out.print_json(json.dumps(result.file_document))

        run(ctx, action)


def _say_staple(t: Callable[..., str], result: Presentation, max_version: int, codec: str) -> None:
    """Whether the issuers' status lists travel with the QR codes, in one sentence."""
    if result.staple_left_out(max_version, codec=codec):
        err.print(t("staple.left_out"), markup=False)
    elif result.status_lists and result.staple is not StapleMode.never:
        err.print(t("staple.included", count=len(result.status_lists)), markup=False)
    elif result.staple is StapleMode.always:
        err.print(t("staple.none_kept"), markup=False)


def _say_endorsements(
    ctx: typer.Context, service: WalletService, chosen: list[str], endorsements: bool
) -> None:
    """Tell the learner which endorsements go with the badges, or were left out."""
    t = state(ctx).t
    kept = service.endorsements_for(chosen)
    if not kept:
        return
    names = ", ".join(dict.fromkeys(e.endorser for e in kept))
    key = "cli.endorsements" if endorsements else "cli.endorsements_left_out"
    err.print(t(key, count=len(kept), names=names), markup=False)


def _over_oid4vp(
    ctx: typer.Context,
    service: WalletService,
    request: str,
    chosen: list[str],
    decline: bool,
    out_file: Path | None,
    hidden: Hiding,
    endorsements: bool,
) -> tuple[PresentationRequest, int] | None:
    """Answer over OpenID4VP; returns the offline binding and part limit to fall back to."""
    from wallet.oid4vp import VerifierUnreachable, answer, fetch_ask
    from wallet.oid4vp import decline as send_decline

    t = state(ctx).t
    clock = service.config.clock
    try:
        ask = fetch_ask(request, service.store, service.network)
        err.print(t("oid4vp.asks", verifier=ask.verifier), markup=False)
        for line in ask.wanted():
            err.print("  " + line, markup=False)
        err.print(t("oid4vp.client", client_id=ask.request.client_id), markup=False)
        if decline:
            send_decline(ask, service.network)
            err.print(t("oid4vp.declined", verifier=ask.verifier), markup=False)
            return None
        if not chosen:
            candidates = ask.candidates()
            if not candidates:
                raise InvalidInput(t("oid4vp.no_candidates"), code=ErrorCode.invalid_request)
            err.print(t("oid4vp.candidates"), markup=False)
            for item in candidates:
                out.print(f"{item.id}  {item.card.name}", markup=False)
            raise InvalidInput(t("present.none_picked"), code=ErrorCode.invalid_request)
        answered = answer(
            ask,
            chosen,
            service.store,
            service.network,
            clock(),
            hidden,
            staple=service.config.staple is not StapleMode.never,
            endorsements=endorsements,
        )
    except VerifierUnreachable as exc:
        if exc.fallback is None:
            raise ResolutionFailed(t("oid4vp.no_fallback"), code=ErrorCode.fetch_failed) from None
        err.print(t("oid4vp.offline", reason=exc.message, max=exc.max_parts), markup=False)
        return exc.fallback, exc.max_parts
    if not answered.accepted:
        reason = answered.error_description or f"HTTP {answered.status}"
        raise InvalidInput(
            t("oid4vp.refused", reason=reason),
            code=ErrorCode.invalid_request,
            detail={"status": answered.status},
        )
    count = sum(len(v) for v in answered.vp_token.values())
    err.print(t("oid4vp.sent", count=count, verifier=ask.verifier), markup=False)
    if hidden:
        err.print(t("cli.hidden", parts=_hidden_text(t, hidden, service)), markup=False)
    if answered.verdict:
        err.print(t("oid4vp.verdict", verdict=answered.verdict), markup=False)
    if answered.redirect_uri:
        err.print(t("oid4vp.continue", url=answered.redirect_uri), markup=False)
    if out_file:
        from wallet.presenting import save_json

        save_json(answered.vp_token, out_file)
        err.print(t("cli.written", path=out_file), markup=False)
    return None


def _parts_text(t: Translator, parts: Collection[str]) -> str:
    """The hidden parts in the learner's language, in the order of ``Part``."""
    return ", ".join(t("part." + part) for part in Part if part in parts)


def _hidden_text(t: Translator, hidden: Hiding, service: WalletService) -> str:
    """Of every badge, then of single badges by name."""
    said = [_parts_text(t, hidden.every)] if hidden.every else []
    for reference, parts in hidden.badges.items():
        name = service.store.find(reference).card.name
        said.append(t("present.hidden_of", badge=name, parts=_parts_text(t, parts)))
    return "; ".join(said)
