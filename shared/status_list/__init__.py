"""Bitstring Status List v1.0 (and StatusList2021): the bits, the entry, the list credential.

Revocation and suspension are one bit each in a large, gzipped, signed list; holders hide
in the crowd because the list is big (>= 131,072 entries) and indexes are drawn at random.
Pure: no clock, no network. ``check_status`` reads a list credential whose proof the
caller has already verified (status is checked only after the proof passes).
"""

from shared.dates import format_datetime
from shared.status_list.bits import (
    GZIP_LEVEL,
    MAX_LIST_BYTES,
    MAX_STATUS_SIZE,
    MIN_ENTRIES,
    VERIFY_MIN_ENTRIES,
    BitstringStatusList,
    random_free_index,
)
from shared.status_list.check import (
    LIST_CREDENTIAL_TYPES,
    LIST_SUBJECT_TYPES,
    StatusOutcome,
    check_status,
)
from shared.status_list.credential import build_status_list_credential
from shared.status_list.entry import StatusListEntry, StatusMessage, build_status_entry

__all__ = [
    "GZIP_LEVEL",
    "LIST_CREDENTIAL_TYPES",
    "LIST_SUBJECT_TYPES",
    "MAX_LIST_BYTES",
    "MAX_STATUS_SIZE",
    "MIN_ENTRIES",
    "VERIFY_MIN_ENTRIES",
    "BitstringStatusList",
    "StatusListEntry",
    "StatusMessage",
    "StatusOutcome",
    "build_status_entry",
    "build_status_list_credential",
    "check_status",
    "format_datetime",
    "random_free_index",
]
