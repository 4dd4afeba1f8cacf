"""Getting a presentation to the verifier: over OpenID4VP, else as QR codes.

``deliver`` sends the chosen badges (``wallet.oid4vp``); when the verifier cannot
be reached it signs for the QR transport instead, bound to the request's short
code. ``qr_texts_within`` keeps to the verifier's part limit
(``rugzak_max_qr_parts``). ``request_from_picture`` reads a request from a photo
or screenshot of the verifier's QR code.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared import qr
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed
from wallet.config import StapleMode
from wallet.oid4vp import Answered, Ask, VerifierUnreachable, answer, fetch_ask
from wallet.presenting import Hiding, Presentation

if TYPE_CHECKING:
    from wallet.service import WalletService

QR_VERSIONS = (25, 30, 35, 40)


def request_from_picture(text: str) -> str:
    """A picture's request: the ``openid4vp://`` or ``rugzak-request:`` QR code in it.

    Any other text is returned as it is, so callers pass whatever the learner gave.
    """
    from wallet.images import is_image_path, qr_texts, read_image_file

    value = text.strip()
    if not is_image_path(value):
        return value
    found = qr_texts(read_image_file(Path(value)))
    for prefix in ("openid4vp:", "rugzak-request:"):
        for item in found:
            if item.lower().startswith(prefix):
                return item
    raise InvalidInput(
        "This picture holds no QR code of a verifier's request.",
        code=ErrorCode.invalid_image,
        detail={"found": len(found)},
    )


@dataclass(frozen=True)
class Delivered:
    """Sent over the network: what was asked and what the verifier answered."""

    ask: Ask
    answered: Answered


def deliver(
    service: WalletService,
    text: str,
    chosen: Sequence[str],
    hide: Collection[str] | Hiding = (),
    *,
    endorsements: bool = True,
) -> Delivered | Presentation:
    """Send the chosen badges over OpenID4VP; offline, a presentation for QR codes instead.
    The endorsements kept for them go too (both ways), unless ``endorsements`` is False.

    Raises:
        InvalidInput: the request is unacceptable or the verifier refused the answer.
        ResolutionFailed: the verifier cannot be reached and the link offers no
            offline binding.
    """
    now = service.config.clock()
    try:
        ask = fetch_ask(text, service.store, service.network)
        answered = answer(
            ask,
            chosen,
            service.store,
            service.network,
            now,
            hide,
            staple=service.config.staple is not StapleMode.never,
            endorsements=endorsements,
        )
    except VerifierUnreachable as exc:
        if exc.fallback is None:
            raise ResolutionFailed(
                "Could not reach the verifier, and the link has no code for showing QR "
                "codes instead. Connect to a network and try again.",
                code=ErrorCode.fetch_failed,
            ) from None
        presentation = service.present(
            list(chosen), exc.fallback, hide=hide, endorsements=endorsements
        )
        return replace(presentation, max_parts=exc.max_parts)
    if not answered.accepted:
        raise InvalidInput(
            "The verifier did not accept the answer: "
            + (answered.error_description or f"HTTP {answered.status}"),
            code=ErrorCode.invalid_request,
            detail={"status": answered.status},
        )
    return Delivered(ask, answered)


def qr_texts_within(
    document: dict[str, Any],
    max_parts: int,
    max_version: int,
    *,
    codec: str = qr.DEFAULT_CODEC,
) -> list[str]:
    """QR texts for the offline fallback, never more than ``max_parts`` codes.

    Tries ``max_version`` first, then larger symbols; a plain ``payload_too_large``
    sentence when even version 40 needs too many codes.
    """
    for version in (max_version, *(v for v in QR_VERSIONS if v > max_version)):
        try:
            texts = qr.encode(document, max_version=version, codec=codec)
        except InvalidInput:
            continue
        if len(texts) <= max_parts:
            return texts
    raise InvalidInput(
        f"These badges are too large for the verifier's QR limit ({max_parts} codes). "
        "Present fewer badges, or connect to a network and try again.",
        code=ErrorCode.payload_too_large,
        detail={"max_parts": max_parts},
    )
