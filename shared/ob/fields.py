"""Field types and bases shared by the OB 3.0 models.

Reading follows the wire (JSON-LD compaction writes a one-item array as the item,
other issuers add fields); writing follows Rugzak's one form (UTC seconds, no
extensions when :func:`known_fields` is used).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    field_validator,
)
from pydantic.alias_generators import to_camel

from shared.dates import format_datetime, parse_date, parse_datetime
from shared.ob.vocab import (
    AchievementType,
    AlignmentTargetType,
    IdentifierType,
    ResultType,
    check_extensible,
)

T = TypeVar("T")


def _as_datetime(value: object) -> datetime:
    # Only RFC 3339 text or a datetime: pydantic alone would take Unix timestamps.
    if isinstance(value, str):
        return parse_datetime(value)
    if isinstance(value, datetime):
        return value
    raise ValueError("a date-time must be an RFC 3339 string")


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("date-time must carry a timezone")
    return value


def _as_date(value: object) -> date:
    if isinstance(value, str):
        return parse_date(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise ValueError("a date must be an RFC 3339 full-date string")


def _as_list(value: object) -> object:
    # JSON-LD compaction writes a one-item array as the item itself.
    return [value] if value is not None and not isinstance(value, list) else value


DateTime = Annotated[
    datetime,
    BeforeValidator(_as_datetime),
    AfterValidator(_aware),
    PlainSerializer(format_datetime, return_type=str, when_used="json"),
]
"""An aware datetime, read from RFC 3339 and written as ``YYYY-MM-DDTHH:MM:SSZ``."""

Date = Annotated[date, BeforeValidator(_as_date)]
ListOf = Annotated[list[T], BeforeValidator(_as_list)]
TypeList = Annotated[list[str], BeforeValidator(_as_list)]

AchievementTypeName = Annotated[str, AfterValidator(lambda v: check_extensible(AchievementType, v))]
ResultTypeName = Annotated[str, AfterValidator(lambda v: check_extensible(ResultType, v))]
IdentifierTypeName = Annotated[str, AfterValidator(lambda v: check_extensible(IdentifierType, v))]
AlignmentTargetTypeName = Annotated[
    str, AfterValidator(lambda v: check_extensible(AlignmentTargetType, v))
]


class OBModel(BaseModel):
    """Base: camelCase aliases, extensions kept on read."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
    )


class Typed(OBModel):
    """A class whose ``type`` array must contain its class name (``class_name``)."""

    class_name: ClassVar[str]

    @field_validator("type", check_fields=False)
    @classmethod
    def _type_contains_class(cls, value: list[str]) -> list[str]:
        if cls.class_name not in value:
            raise ValueError(f"type must contain {cls.class_name!r}")
        return value


def known_fields(model: BaseModel) -> dict[str, Any]:
    """Spec JSON of ``model`` without any extension field, at any depth.

    Builders use this so what Rugzak signs is exactly what the models define.
    """
    dumped: dict[str, Any] = model.model_dump(
        by_alias=True, exclude_none=True, mode="json", exclude=_extras(model)
    )
    return dumped


def _extras(model: BaseModel) -> dict[Any, Any]:
    exclude: dict[Any, Any] = dict.fromkeys(model.model_extra or {}, True)
    fields = type(model).model_fields
    # A field left unset whose default is None holds None: nothing to look into.
    for name in _with_defaults(type(model)) | (model.model_fields_set & fields.keys()):
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            nested = _extras(value)
            if nested:
                exclude[name] = nested
        elif isinstance(value, list):
            per_item = {
                i: _extras(item) for i, item in enumerate(value) if isinstance(item, BaseModel)
            }
            per_item = {i: nested for i, nested in per_item.items() if nested}
            if per_item:
                exclude[name] = per_item
    return exclude


@cache
def _with_defaults(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` whose default is not None (looked into even when unset)."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if info.default_factory is not None or info.default is not None
    )
