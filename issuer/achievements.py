"""Achievements (badge classes): what an organisation defines and later awards.

The input models are what the CLI and the API accept (snake_case, flat, strict);
``to_ob`` turns one into the OB 3.0 ``Achievement`` object embedded in every
credential, checked by the shared OB models so we never sign a malformed one.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shared.errors import ErrorCode, InvalidInput
from shared.ob import Achievement, known_fields
from shared.skills import to_result

IMAGE_TYPES = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
    "image/gif": b"GIF8",
    "image/webp": b"RIFF",
    "image/svg+xml": b"",
}
_DATA_URI = re.compile(r"data:(?P<mime>[a-z0-9.+/-]+);base64,(?P<data>[A-Za-z0-9+/=\s]*)", re.I)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AlignmentIn(_In):
    """A link to a node of a skills framework."""

    target_name: str = Field(min_length=1, max_length=300)
    target_url: str = Field(min_length=1, max_length=2048)
    target_framework: str | None = Field(default=None, max_length=300)
    target_code: str | None = Field(default=None, max_length=100)
    target_description: str | None = Field(default=None, max_length=2000)
    target_type: str | None = Field(default=None, max_length=100)

    @field_validator("target_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)


class RubricLevelIn(_In):
    """One level of a rubric result description (``RubricCriterionLevel``)."""

    level: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    alignments: list[AlignmentIn] = Field(default_factory=list, max_length=10)


class ResultDescriptionIn(_In):
    """A kind of result awards can carry, e.g. ``Level`` with allowed values 1..4,
    or a rubric (``RubricCriterionLevel``) whose ``levels`` say what each level means."""

    id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=200)
    result_type: str = "PerformanceLevel"
    allowed_values: list[str] | None = Field(default=None, max_length=100)
    required_value: str | None = Field(default=None, max_length=100)
    levels: list[RubricLevelIn] | None = Field(default=None, max_length=20)


class RelatedIn(_In):
    """The same achievement in another language or version (OB ``Related``)."""

    url: str = Field(min_length=1, max_length=2048)
    in_language: str | None = Field(default=None, max_length=35)
    version: str | None = Field(default=None, max_length=50)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)


class AchievementIn(_In):
    """Create an achievement."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=10_000)
    criteria_narrative: str | None = Field(default=None, max_length=20_000)
    criteria_url: str | None = Field(default=None, max_length=2048)
    image: str | None = Field(
        default=None, description="an https URL or a data: URI (base64 image)"
    )
    achievement_type: str = "Badge"
    tags: list[str] = Field(default_factory=list, max_length=50)
    alignments: list[AlignmentIn] = Field(default_factory=list, max_length=50)
    result_descriptions: list[ResultDescriptionIn] = Field(default_factory=list, max_length=20)
    valid_days: int | None = Field(default=None, ge=1, le=36_500)
    human_code: str | None = Field(default=None, max_length=100)
    field_of_study: str | None = Field(default=None, max_length=200)
    in_language: str | None = Field(default=None, max_length=35)
    version: str | None = Field(default=None, max_length=50)
    related: list[RelatedIn] = Field(default_factory=list, max_length=10)
    # A second proof, Ed25519Signature2020, for wallets that check only that suite
    # (older Learner Credential Wallet builds). None: the issuer's setting decides.
    legacy_proof: bool | None = None
    # Images inside the credentials (data URIs) rather than by URL with a digest;
    # None follows the organisation's ``embed_images`` setting.
    embed_image: bool | None = None

    @field_validator("criteria_url")
    @classmethod
    def _criteria_url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)


class AchievementUpdate(_In):
    """Change some fields of an achievement; credentials already issued keep theirs."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, min_length=1, max_length=10_000)
    criteria_narrative: str | None = Field(default=None, max_length=20_000)
    criteria_url: str | None = Field(default=None, max_length=2048)
    image: str | None = None
    achievement_type: str | None = None
    tags: list[str] | None = Field(default=None, max_length=50)
    alignments: list[AlignmentIn] | None = Field(default=None, max_length=50)
    result_descriptions: list[ResultDescriptionIn] | None = Field(default=None, max_length=20)
    valid_days: int | None = Field(default=None, ge=1, le=36_500)
    human_code: str | None = None
    legacy_proof: bool | None = None
    field_of_study: str | None = None
    in_language: str | None = None
    version: str | None = None
    related: list[RelatedIn] | None = Field(default=None, max_length=10)
    embed_image: bool | None = None


def check_url(value: str) -> str:
    """An absolute http(s) URL."""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return value


def normalize(data: AchievementIn, *, max_image_bytes: int) -> AchievementIn:
    """Check what pydantic cannot: image size and type, criteria, result ids."""
    if not data.criteria_narrative and not data.criteria_url:
        raise InvalidInput(
            "an achievement needs criteria: a narrative and/or a URL",
            code=ErrorCode.invalid_request,
            detail={"field": "criteria_narrative"},
        )
    if data.image is not None:
        check_image(data.image, max_image_bytes)
    seen: set[str] = set()
    descriptions = []
    for number, rd in enumerate(data.result_descriptions, start=1):
        rid = rd.id or f"r{number}"
        while rid in seen:
            rid += "x"
        seen.add(rid)
        descriptions.append(rd.model_copy(update={"id": rid}))
    return data.model_copy(update={"result_descriptions": descriptions})


def apply_update(current: AchievementIn, change: AchievementUpdate) -> AchievementIn:
    """The achievement with the fields set in ``change`` replaced."""
    merged = current.model_dump()
    merged.update(change.model_dump(exclude_unset=True))
    return parse_input(merged)


def parse_input(data: Any) -> AchievementIn:
    """Validate raw input (CLI/JSON) into ``AchievementIn``; errors get ``invalid_request``."""
    try:
        return AchievementIn.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc) from exc


def invalid(exc: ValidationError) -> InvalidInput:
    """A pydantic error as our stable JSON error."""
    detail = [
        {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
        for err in exc.errors(include_url=False)
    ]
    return InvalidInput("invalid input", code=ErrorCode.invalid_request, detail=detail)


def to_ob(data: AchievementIn, achievement_url: str) -> dict[str, Any]:
    """The OB 3.0 Achievement JSON for this input, validated by the shared models."""
    criteria: dict[str, Any] = {}
    if data.criteria_url:
        criteria["id"] = data.criteria_url
    if data.criteria_narrative:
        criteria["narrative"] = data.criteria_narrative
    ob: dict[str, Any] = {
        "id": achievement_url,
        "type": ["Achievement"],
        "name": data.name,
        "description": data.description,
        "criteria": criteria,
        "achievementType": data.achievement_type,
    }
    if data.image:
        ob["image"] = {"id": data.image, "type": "Image"}
    if data.tags:
        ob["tag"] = list(data.tags)
    if data.alignments:
        ob["alignment"] = [
            {"type": ["Alignment"], **a.model_dump(by_alias=False, exclude_none=True)}
            for a in data.alignments
        ]
        for item in ob["alignment"]:
            _camel(item)
    if data.result_descriptions:
        ob["resultDescription"] = [
            _result_description(rd, achievement_url) for rd in data.result_descriptions
        ]
    if data.related:
        ob["related"] = [_related(r) for r in data.related]
    for key, value in (
        ("humanCode", data.human_code),
        ("fieldOfStudy", data.field_of_study),
        ("inLanguage", data.in_language),
        ("version", data.version),
    ):
        if value:
            ob[key] = value
    try:
        model = Achievement.model_validate(ob)
    except ValidationError as exc:
        raise invalid(exc) from exc
    return known_fields(model)


def result_description_url(achievement_url: str, rid: str) -> str:
    return f"{achievement_url}#result-{rid}"


def _result_description(rd: ResultDescriptionIn, achievement_url: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": result_description_url(achievement_url, rd.id or "r"),
        "type": ["ResultDescription"],
        "name": rd.name,
        "resultType": rd.result_type,
    }
    if rd.allowed_values:
        out["allowedValue"] = list(rd.allowed_values)
    if rd.required_value:
        out["requiredValue"] = rd.required_value
    if rd.levels:
        out["rubricCriterionLevel"] = [_level(level, achievement_url) for level in rd.levels]
    return out


def rubric_level_url(achievement_url: str, level: str) -> str:
    return f"{achievement_url}#level-{level}"


def _level(level: RubricLevelIn, achievement_url: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rubric_level_url(achievement_url, level.level),
        "type": ["RubricCriterionLevel"],
        "name": level.name,
        "level": level.level,
    }
    if level.description:
        out["description"] = level.description
    if level.alignments:
        out["alignment"] = [_alignment(a) for a in level.alignments]
    return out


def _alignment(item: AlignmentIn) -> dict[str, Any]:
    out = {"type": ["Alignment"], **item.model_dump(exclude_none=True)}
    _camel(out)
    return out


def _related(item: RelatedIn) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.url, "type": ["Related"]}
    if item.in_language:
        out["inLanguage"] = item.in_language
    if item.version:
        out["version"] = item.version
    return out


def rubric_result(rd: ResultDescriptionIn, achievement_url: str, value: str) -> dict[str, Any]:
    """The ``Result`` for a rubric level named by ``value`` (number, id or name)."""
    description = _result_description(rd, achievement_url)
    return to_result({"resultDescription": [description]}, value)


def _camel(item: dict[str, Any]) -> None:
    for key in list(item):
        if "_" in key:
            head, *rest = key.split("_")
            item[head + "".join(p.title() for p in rest)] = item.pop(key)


def check_image(image: str, max_bytes: int) -> None:
    """An https URL, or a data URI of a known image type within ``max_bytes``."""
    if image.startswith("data:"):
        match = _DATA_URI.fullmatch(image)
        if match is None:
            raise InvalidInput("the image must be a base64 data: URI", code=ErrorCode.invalid_image)
        mime = match["mime"].lower()
        if mime not in IMAGE_TYPES:
            raise InvalidInput(
                "the image must be PNG, JPEG, GIF, WebP or SVG",
                code=ErrorCode.invalid_image,
                detail=mime,
            )
        # 4 base64 characters hold 3 bytes: refuse before decoding a huge value.
        if len(match["data"]) * 3 // 4 > max_bytes + 3:
            raise _too_large(len(match["data"]) * 3 // 4, max_bytes)
        try:
            raw = base64.b64decode(re.sub(r"\s", "", match["data"]), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(
                "the image data is not base64", code=ErrorCode.invalid_image
            ) from exc
        if len(raw) > max_bytes:
            raise _too_large(len(raw), max_bytes)
        magic = IMAGE_TYPES[mime]
        if magic and not raw.startswith(magic):
            raise InvalidInput(
                f"the image data is not {mime}", code=ErrorCode.invalid_image, detail=mime
            )
        return
    try:
        check_url(image)
    except ValueError as exc:
        raise InvalidInput(
            "the image must be an http(s) URL or a data: URI",
            code=ErrorCode.invalid_image,
            detail=image[:100],
        ) from exc


# A badge picture larger than this is made smaller when it is read from a file: about
# twice the size wallets and pages show a badge, so it stays sharp on dense screens.
FIT_SIDE = 512
MAX_FILE_BYTES = 50 * 1024 * 1024  # an image file larger than this is not read at all
MAX_PIXELS = 40_000_000  # nor one that would unpack to more pixels (a decompression bomb)


@dataclass(frozen=True)
class ImageFile:
    """An image file as a data: URI, and what was done to fit it (None: nothing)."""

    uri: str
    fitted: str | None = None


def image_from_file(path: Path, max_bytes: int) -> ImageFile:
    """A data: URI for an image file (type from its bytes, SVG from its name).

    A PNG, JPEG, GIF or WebP file over ``max_bytes`` (a designer's 2,000-pixel PNG of
    several MB) is scaled down to fit ``FIT_SIDE`` pixels, and smaller if needed, in its
    own format (a GIF becomes a PNG), rather than refused: badges are 20-80 KB. SVG
    is text and is never changed; one over the limit is refused.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the image file {path.name}", code=ErrorCode.invalid_image
        ) from exc
    if size > MAX_FILE_BYTES:
        raise _too_large(size, max_bytes)
    raw = path.read_bytes()
    mime = next(
        (m for m, magic in IMAGE_TYPES.items() if magic and raw.startswith(magic)),
        "image/svg+xml" if path.suffix.lower() == ".svg" else None,
    )
    if mime is None:
        raise InvalidInput(
            "the image file must be PNG, JPEG, GIF, WebP or SVG",
            code=ErrorCode.invalid_image,
            detail=path.name,
        )
    fitted = None
    if len(raw) > max_bytes:
        if mime == "image/svg+xml":
            raise _too_large(len(raw), max_bytes)
        before = len(raw)
        raw, mime, fitted = _fit(raw, path.name, max_bytes)
        fitted = f"{fitted}, {size_text(before)} -> {size_text(len(raw))}"
    return ImageFile(f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}", fitted)


def _fit(raw: bytes, name: str, max_bytes: int) -> tuple[bytes, str, str]:
    """``raw`` scaled down until it is at most ``max_bytes``: (bytes, media type, what
    was done, in words)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as opened:
            width, height = opened.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(
                    f"the image {name} is too large to read ({width} x {height} pixels)",
                    code=ErrorCode.image_too_large,
                    detail={"width": width, "height": height},
                )
            source_format = opened.format
            animated = getattr(opened, "n_frames", 1) > 1
            opened.seek(0)
            # A phone photo stands as it was taken; its metadata (place, camera) goes.
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput(
            f"the image file {name} cannot be read", code=ErrorCode.invalid_image
        ) from exc
    fmt = {"JPEG": "JPEG", "WEBP": "WEBP"}.get(source_format or "", "PNG")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif fmt == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    side = FIT_SIDE
    while True:
        copy = image.copy()
        copy.thumbnail((side, side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if fmt == "JPEG":
            copy.save(buffer, "JPEG", quality=85, optimize=True)
        elif fmt == "WEBP":
            copy.save(buffer, "WEBP", quality=85)
        else:
            copy.save(buffer, "PNG", optimize=True)
        data = buffer.getvalue()
        if len(data) <= max_bytes:
            break
        if side <= 128:
            raise _too_large(len(raw), max_bytes)
        side = side * 3 // 4
    mime = {"JPEG": "image/jpeg", "WEBP": "image/webp"}.get(fmt, "image/png")
    what = f"made smaller: {width} x {height} -> {copy.width} x {copy.height} pixels"
    if source_format == "GIF":
        what += ", as PNG" + (" (only its first frame: the animation is gone)" if animated else "")
    return data, mime, what


def size_text(size: int) -> str:
    """A byte count as people read it: "216 KB", "4.8 MB"."""
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{-(-size // 1024)} KB"


def _too_large(size: int, limit: int) -> InvalidInput:
    return InvalidInput(
        f"the image is too large ({size_text(size)}; the limit is {size_text(limit)})",
        code=ErrorCode.image_too_large,
        detail={"bytes": size, "limit": limit},
    )
