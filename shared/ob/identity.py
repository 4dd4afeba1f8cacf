"""Checking a learner's name against the ``IdentityObject`` a credential carries.

OB 3.0 (``IdentityObject``) hashes ``identity + salt`` with SHA-256 and writes
``sha256$`` + hex. A verifier is told a name by the person in front of it and must
arrive at the same string the issuer hashed, so both sides normalise a name the same
way before hashing: Unicode NFC, outer white space trimmed, inner runs of white space
made one space, case folded. "  Sanne  de Vries" and "sanne de vries" are one name.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from shared.ob.models import IDENTITY_HASH_PREFIX, hash_identity

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """The form of a person's name that is hashed and compared (see the module docstring)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name).strip()).casefold()


def hash_name(name: str, salt: str) -> str:
    """``sha256$`` + hex(SHA-256(normalised name + salt)): what the issuer writes."""
    return hash_identity(normalise_name(name), salt)


def name_matches(identity: Mapping[str, Any], typed: str) -> bool:
    """Whether ``typed`` is the name this ``IdentityObject`` (as JSON) holds.

    A hashed identity is compared in constant time; a plain one after normalising
    both sides. Anything that is not a name identity never matches.
    """
    stored = identity.get("identityHash")
    if not isinstance(stored, str) or not typed.strip():
        return False
    if identity.get("hashed") is True:
        salt = identity.get("salt")
        if not stored.startswith(IDENTITY_HASH_PREFIX):
            return False
        expected = hash_name(typed, salt if isinstance(salt, str) else "")
        return hmac.compare_digest(expected.encode("utf-8"), stored.encode("utf-8"))
    return normalise_name(stored) == normalise_name(typed)
