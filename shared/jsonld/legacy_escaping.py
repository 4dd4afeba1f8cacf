"""The N-Quads escaping before RDFC-1.0, so that signatures made over it still verify.

pyld 3.3, and Rugzak until 2026-11-28, wrote URDNA2015's escaping: in literals only
backslash, tab, LF, CR and '"' escaped, every other control character raw; IRIs raw.
RDFC-1.0 also writes ``\\b``, ``\\f`` and UCHARs (``\\u000B``) in literals and escapes
U+0000-U+0020 and <>"{}|^`\\ in IRIs (``shared.jsonld.rdfc``). Badges are lifelong:
when a signature over the RDFC-1.0 form fails, the same check runs over the older form.

That accepts nothing else, for texts: both forms are injective (each dataset has one
text), and the older text of one dataset never equals the RDFC-1.0 text of another,
since RDFC-1.0 text holds no raw control character and the older text holds one exactly
where its dataset does. For IRIs it does not hold: the older form wrote them raw,
backslashes and all, so an IRI holding the six characters "\\u007B" would read as
another IRI's RDFC-1.0 escape of "{". A dataset whose IRIs need escaping therefore gets
no second form (``applies``). Signing uses RDFC-1.0 only.
"""

from __future__ import annotations

import re

# A run of backslashes, then b, f or u: an escape RDFC-1.0 writes and the older form
# does not when the run is odd (an even run is escaped backslashes, then the letter).
# Written to start with one literal backslash, which the regex engine scans for fast.
_BACKSLASHES_THEN_BFU = re.compile(r"\\\\*[bfu]")
# A literal in canonical N-Quads (its quotes and backslashes are escaped), and an IRI
# holding an escape.
_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
_ESCAPED_IRI = re.compile(r"<[^>]*\\")
# Every escape in an RDFC-1.0 term, scanned from the left: UCHAR, \b, \f, or
# one the older form writes too (kept).
_ESCAPE = re.compile(r"\\(?:u([0-9A-F]{4})|([bf])|.)")
_ECHARS = {"b": "\b", "f": "\f"}


def differs(form: str) -> bool:
    """Whether RDFC-1.0 canonical N-Quads text reads otherwise in the older form.

    Its backslashes come in escapes, so a run of them before a letter escapes the
    letter when the run is odd.
    """
    if "\\" not in form:
        return False
    return any((m.end() - m.start()) % 2 == 0 for m in _BACKSLASHES_THEN_BFU.finditer(form))


def escaped_iri(form: str) -> bool:
    """Whether an IRI of this canonical N-Quads text holds an escape (literals left out)."""
    return _ESCAPED_IRI.search(_LITERAL.sub('""', form)) is not None


def applies(*forms: str) -> bool:
    """Whether a signature that failed over these RDFC-1.0 texts (proof options, document)
    is to be checked over their older form: one of them differs, in literals only."""
    return any(map(differs, forms)) and not any(map(escaped_iri, forms))


def _raw(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return chr(int(match.group(1), 16))
    if match.group(2) is not None:
        return _ECHARS[match.group(2)]
    return match.group(0)


def older_term(term: str) -> str:
    """A serialized RDFC-1.0 term (``rdfc.literal``, ``rdfc.iri``) as the older form wrote it.

    UCHARs and ``\\b``, ``\\f`` become the characters they stand for; the escapes both
    forms write stay. Selective disclosure relabels and signs quad by quad, so it needs
    the older form of each term rather than of a whole text (``canonize_legacy``).
    """
    if "\\" not in term:
        return term
    return _ESCAPE.sub(_raw, term)
