"""The ``credentialStatus`` entry that points a credential at one index of a list."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from shared.errors import ErrorCode, InvalidInput
from shared.status_list.bits import MAX_STATUS_SIZE, _check_int

_INDEX_TEXT = re.compile(r"[0-9]{1,20}")
# ``\s`` in a str pattern is exactly ``str.isspace`` (both are Py_UNICODE_ISSPACE; tested
# over every code point), one C scan instead of a Python loop per character.
_SPACE = re.compile(r"\s")
_ENTRY_TYPES = frozenset({"BitstringStatusListEntry", "StatusList2021Entry"})
_PLAIN_KEYS = frozenset({"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"})


def is_absolute_url(value: str) -> bool:
    """Whether ``value`` is what ``statusListCredential`` must be: a scheme, a host or
    a path, and no white space anywhere."""
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path)) and not _SPACE.search(value)


class StatusMessage(BaseModel):
    """One ``statusMessage`` item: a hex status value and what it means."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    status: str = Field(pattern=r"^0x[0-9a-fA-F]+$")
    message: str


class StatusListEntry(BaseModel):
    """A ``credentialStatus`` of type BitstringStatusListEntry (or StatusList2021Entry).

    ``statusListIndex`` is read from a base-10 string (W3C) or a JSON integer (1EdTech
    fixtures) and always written back as a string.
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    id: str | None = None
    type: Literal["BitstringStatusListEntry", "StatusList2021Entry"] = "BitstringStatusListEntry"
    status_purpose: str = Field(alias="statusPurpose", min_length=1)
    status_list_index: int = Field(alias="statusListIndex", ge=0)
    status_list_credential: str = Field(alias="statusListCredential")
    status_size: int = Field(default=1, alias="statusSize", ge=1, le=MAX_STATUS_SIZE, strict=True)
    status_message: tuple[StatusMessage, ...] | None = Field(default=None, alias="statusMessage")
    status_reference: str | list[str] | None = Field(default=None, alias="statusReference")

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> StatusListEntry:
        """Validate a ``credentialStatus`` object; bad shape -> ``malformed_status_entry``."""
        if not isinstance(data, Mapping):
            raise InvalidInput(
                "credentialStatus must be an object", code=ErrorCode.malformed_status_entry
            )
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            problems = [
                f"{'.'.join(str(part) for part in err['loc']) or 'entry'}: {err['msg']}"
                for err in exc.errors(include_url=False)
            ]
            raise InvalidInput(
                "credentialStatus is not a valid status list entry",
                code=ErrorCode.malformed_status_entry,
                detail=problems,
            ) from None

    @field_validator("type", mode="before")
    @classmethod
    def _one_type(cls, value: object) -> object:
        if isinstance(value, list) and len(value) == 1:
            return value[0]
        return value

    @field_validator("status_list_index", mode="before")
    @classmethod
    def _index(cls, value: object) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INDEX_TEXT.fullmatch(value):
            return int(value)
        raise ValueError("statusListIndex must be a base-10 integer string")

    @field_validator("status_list_credential")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if not is_absolute_url(value):
            raise ValueError("statusListCredential must be an absolute URL")
        return value

    @field_serializer("status_list_index")
    def _index_text(self, value: int) -> str:
        return str(value)

    @model_validator(mode="after")
    def _consistent(self) -> StatusListEntry:
        if self.type == "StatusList2021Entry" and self.status_size != 1:
            raise ValueError("StatusList2021Entry has no statusSize")
        if self.status_size > 1 and self.status_message is None:
            raise ValueError("statusMessage is required when statusSize is greater than 1")
        if self.status_message is not None and len(self.status_message) != 1 << self.status_size:
            raise ValueError(f"statusMessage must list {1 << self.status_size} status values")
        return self

    def message_for(self, value: int) -> str | None:
        """The ``statusMessage`` text for a status value, if the entry gives one."""
        for item in self.status_message or ():
            if int(item.status, 16) == value:
                return item.message
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: camelCase, index as a string, defaults and empty fields left out."""
        out = self.model_dump(by_alias=True, exclude_none=True, mode="json")
        if out.get("statusSize") == 1:
            del out["statusSize"]
        return out


def entry_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """``StatusListEntry.parse(data).to_dict()``, made directly for the plain form an
    issuer writes (exactly ``id``, ``type``, ``statusPurpose``, an integer
    ``statusListIndex`` and ``statusListCredential``, all valid); anything else goes
    through :meth:`StatusListEntry.parse` (same result, same errors; tested)."""
    if type(data) is dict and data.keys() == _PLAIN_KEYS:
        entry_id, kind = data["id"], data["type"]
        purpose, index, url = (
            data["statusPurpose"],
            data["statusListIndex"],
            data["statusListCredential"],
        )
        if (
            type(entry_id) is str
            and type(kind) is str
            and kind in _ENTRY_TYPES
            and type(purpose) is str
            and purpose
            and type(index) is int
            and index >= 0
            and type(url) is str
            and is_absolute_url(url)
        ):
            return {
                "id": entry_id,
                "type": kind,
                "statusPurpose": purpose,
                "statusListIndex": str(index),
                "statusListCredential": url,
            }
    return StatusListEntry.parse(data).to_dict()


def build_status_entry(
    list_url: str,
    index: int,
    purpose: str,
    *,
    status_size: int = 1,
    status_message: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The ``credentialStatus`` object for an index we allocated in the list at ``list_url``."""
    _check_int(index, "index")
    return StatusListEntry.parse(
        {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index,
            "statusListCredential": list_url,
            "statusSize": status_size,
            "statusMessage": status_message,
        }
    ).to_dict()
