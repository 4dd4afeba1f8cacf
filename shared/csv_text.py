"""CSV files as spreadsheets save them: their encoding and their field separator.

Organisations make batch files and skill frameworks in Excel. Excel on a Dutch
Windows saves "CSV (gescheiden door lijstscheidingsteken)" in Windows-1252 with
semicolons, "CSV UTF-8" with a byte order mark, and other tools plain UTF-8 with
commas. Every reader of such files takes them through here, so they are read alike.
"""

from __future__ import annotations

import re

from shared.errors import ErrorCode, InvalidInput

BOM = b"\xef\xbb\xbf"
SEPARATORS = (";", ",", "\t")


def decode(data: bytes, *, code: ErrorCode, encoding: str | None = None) -> str:
    """The text of a CSV file: UTF-8 (byte order mark optional), else Windows-1252.

    Windows-1252 is taken only when the bytes read as text in it (no control
    characters but tab and line ends), so a binary or other file is refused, not
    garbled. ``encoding`` names another encoding outright. Refusals raise
    ``InvalidInput`` with ``code`` (the caller's: ``invalid_csv``,
    ``framework_encoding``).
    """
    if encoding is not None and encoding.lower().replace("-", "") not in ("utf8", "utf8sig"):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                f"the file cannot be read as {encoding}",
                code=code,
                detail={"encoding": encoding},
            ) from exc
    try:
        return data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and not any(c < " " and c not in "\t\r\n" for c in text):
        return text
    raise InvalidInput(
        "the CSV file is neither UTF-8 nor Windows-1252 text; in Excel choose "
        "'Save as' and 'CSV UTF-8 (comma delimited)'",
        code=code,
        detail={"line": data[:first_bad].count(b"\n") + 1, "byte": first_bad},
    )


def read_as_windows_1252(data: bytes) -> bool:
    """Whether ``decode`` (without a named encoding) reads ``data`` as Windows-1252:
    callers say so, since a file from another 8-bit encoding (a Mac's) would read
    without error and with the wrong accents."""
    try:
        data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


WINDOWS_1252_NOTE = (
    "read as Windows-1252 (what Excel calls 'CSV'): check the accents (ë, é) in what "
    "follows; save it as 'CSV UTF-8' to be sure"
)


def field_separator(text: str) -> str:
    """``;``, ``,`` or tab: whichever the header line holds most of, outside quotes.

    The header decides: the rows may hold anything, separators and quotes included.
    A header of one column (no separator at all) is read with commas.
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    header = re.sub(r'"[^"]*"', "", header)
    counts = {separator: header.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","
