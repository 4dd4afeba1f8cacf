"""Reading badges in every form other tools make, and baking them into images.

Public API::

    read_any(data: bytes | str) -> Parsed          what it is (sniffed, not trusted)
    verify_any(parsed, options, *, challenge, domain, ...) -> VerificationResult
    verify_vc_jwt(token, options, ...) -> VerificationResult   OB 3.0 VC-JWT
    verify_ob2(assertion | jws | url, *, fetcher, documents, now) -> VerificationResult
    extract(image) -> Baked | None; bake_png(image, text); bake_svg(image, text)
"""

from __future__ import annotations

from shared.formats.baking import Baked, bake_png, bake_svg, extract
from shared.formats.ob2 import verify_ob2
from shared.formats.read import (
    Parsed,
    is_ob2_document,
    ob2_enveloped,
    read_any,
    verify_any,
    verify_stored,
    verify_vc_jwt,
)
from shared.formats.vcjwt import enveloped, readable

__all__ = [
    "Baked",
    "Parsed",
    "bake_png",
    "bake_svg",
    "enveloped",
    "extract",
    "is_ob2_document",
    "ob2_enveloped",
    "read_any",
    "readable",
    "verify_any",
    "verify_ob2",
    "verify_stored",
    "verify_vc_jwt",
]
