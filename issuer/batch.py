"""Batch awards from a CSV file: one row per learner (and piece of work).

Columns (header row required, names case-insensitive, English or Dutch): ``achievement``
(``skill``, ``vaardigheid``) or ``skills`` (``vaardigheden``: ``ID=LEVEL; ID=LEVEL``,
one piece of work for several skills) and at least one of ``did`` (``recipient``,
``ontvanger``) and ``email``; optional ``name`` (``naam``), ``result`` (``level``,
``niveau``: ``value`` or ``Description=value``), ``evidence`` (``bewijs``: a URL or a
sentence), ``evidence_file`` (``bewijsbestand``: a file next to the CSV whose digests go
in the badge), ``assessor`` (``beoordelaar``: ``NAME|ROLE``), ``date`` (``datum``) and
``plain_name`` (``naam_leesbaar``: yes/ja to write the name readable).
A row with a DID gets signed credentials (all of its skills in one transaction); a row
with only an e-mail gets ONE OpenID4VCI offer that delivers all of its skills (each
skill's line in the results file carries the same offer link and code). A bad row is
reported with its line number; the rest go on.

Crash safety and re-runs: rows are committed in chunks, and a row is written to the
results file (flushed and fsynced) only after its chunk committed. Every row has an
idempotency key made from its content, so running the same file again (after a
crash, or by mistake) awards nothing twice: those rows come out as ``already_*``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from issuer.award_input import parse_award_date, read_evidence_file
from issuer.awards import (
    AwardIn,
    EvidenceIn,
    ResultIn,
    SkillLevelIn,
    idempotency_key,
    parse_assessor,
)
from issuer.offers import OfferCreated, OfferService
from issuer.service import AwardRequest, Issued, Issuer, Prepared
from shared import csv_text
from shared.errors import Conflict, ErrorCode, InvalidInput, RugzakError
from shared.runtime.files import atomic_write

_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")
MAX_ROWS = 100_000
MAX_FILE_BYTES = 50 * 1024 * 1024
RESULT_COLUMNS = [
    "line",
    "name",
    "email",
    "did",
    "achievement",
    "outcome",
    "credential_id",
    "offer_id",
    "offer_uri",
    "tx_code",
    "file",
    "error_code",
    "error_message",
]
ALIASES = {
    "recipient": "did",
    "ontvanger": "did",
    "e-mail": "email",
    "e-mailadres": "email",
    "emailadres": "email",
    "achievement_id": "achievement",
    "skill": "achievement",
    "badge": "achievement",
    "vaardigheid": "achievement",
    "prestatie": "achievement",
    "vaardigheden": "skills",
    "naam": "name",
    "level": "result",
    "niveau": "result",
    "resultaat": "result",
    "bewijs": "evidence",
    "bewijsbestand": "evidence_file",
    "beoordelaar": "assessor",
    "datum": "date",
    "naam_leesbaar": "plain_name",
}
_YES = {"yes", "ja", "true", "1", "y", "j"}
#: The columns a batch file may have (after ALIASES); a header cell left empty (a
#: trailing separator) is ignored, any other name is refused rather than dropped.
COLUMNS = frozenset(
    {"did", "email", "achievement", "skills", "name", "result", "evidence"}
    | {"evidence_file", "assessor", "date", "plain_name"}
)


@dataclass(frozen=True)
class RowDetails:
    """What the skills of one row share beside the evidence text: file, assessor, date."""

    evidence_file: EvidenceIn | None = None
    assessor: str | None = None
    date: str | None = None
    plain_name: bool = False

    def key_parts(self) -> tuple[Any, ...]:
        digest = self.evidence_file.digest_multibase if self.evidence_file else None
        return (digest, self.assessor, self.date, self.plain_name)


@dataclass(frozen=True)
class BatchRow:
    line: int
    achievement: str
    did: str | None
    email: str | None
    name: str | None
    result: str | None
    evidence: str | None
    details: RowDetails = field(default_factory=RowDetails)

    def key(self) -> str:
        who = self.did or (self.email or "").lower()
        parts: tuple[Any, ...] = ("batch", self.achievement, who, self.result, self.evidence)
        if self.details != RowDetails():
            parts += self.details.key_parts()
        return idempotency_key(*parts)

    def award(self) -> AwardIn:
        results = []
        if self.result:
            description, sep, value = self.result.partition("=")
            results.append(
                ResultIn(value=value.strip(), description=description.strip())
                if sep
                else ResultIn(value=self.result)
            )
        evidence = []
        is_url = bool(self.evidence) and str(self.evidence).startswith(("https://", "http://"))
        text = {"url": self.evidence} if is_url else {"narrative": self.evidence}
        if self.details.evidence_file is not None:
            # The file's digests go with the URL (or sentence) of this row's evidence.
            evidence.append(
                self.details.evidence_file.model_copy(update={k: v for k, v in text.items() if v})
            )
        elif self.evidence:
            evidence.append(EvidenceIn.model_validate(text))
        details = self.details
        return AwardIn(
            results=results,
            evidence=evidence,
            assessor=parse_assessor(details.assessor) if details.assessor else None,
            awarded_date=parse_award_date(details.date) if details.date else None,
            learner_name=self.name if self.did else None,
            plain_name=details.plain_name,
        )


@dataclass
class Summary:
    total: int = 0
    issued: int = 0
    offered: int = 0
    already: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Table:
    """A batch file read: its rows, its bad rows, and how it was written (so the results
    file is written the same way, and a guessed encoding is said)."""

    rows: list[BatchRow]
    bad: list[dict[str, Any]]
    delimiter: str
    windows_1252: bool


def read_rows(path: Path) -> tuple[list[BatchRow], list[dict[str, Any]]]:
    """Parse the CSV; evidence files are read relative to its folder."""
    table = read_table(path)
    return table.rows, table.bad


def read_table(path: Path) -> Table:
    """``read_rows`` and how the file was written.

    A broken file raises ``invalid_csv``; a broken row is listed.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput(
                f"the CSV file is larger than {MAX_FILE_BYTES} bytes",
                code=ErrorCode.payload_too_large,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path.name}", code=ErrorCode.invalid_csv) from exc
    text = csv_text.decode(data, code=ErrorCode.invalid_csv)
    rows, bad = parse_rows(io.StringIO(text), base=path.parent)
    return Table(rows, bad, csv_text.field_separator(text), csv_text.read_as_windows_1252(data))


def _column(header_cell: str) -> str:
    name = header_cell.strip().lower()
    return ALIASES.get(name, name)


def parse_rows(
    handle: TextIO, *, base: Path | None = None
) -> tuple[list[BatchRow], list[dict[str, Any]]]:
    delimiter = csv_text.field_separator(handle.read(4096))
    handle.seek(0)
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise InvalidInput("the CSV file is empty", code=ErrorCode.invalid_csv) from exc
    except csv.Error as exc:
        raise InvalidInput(str(exc), code=ErrorCode.invalid_csv, detail={"line": 1}) from exc
    columns = [_column(h) for h in header]
    unknown = [h.strip() for h, c in zip(header, columns, strict=True) if c and c not in COLUMNS]
    if unknown:
        names = ", ".join(f"'{h}'" for h in unknown)
        raise InvalidInput(
            f"line 1: unknown column(s) {names}; the columns are {', '.join(sorted(COLUMNS))} "
            "(or their Dutch names: naam, e-mail, ontvanger, vaardigheid, niveau, bewijs...)",
            code=ErrorCode.invalid_csv,
            detail={"line": 1, "unknown": unknown},
        )
    if not {"achievement", "skills"} & set(columns) or not {"did", "email"} & set(columns):
        raise InvalidInput(
            "the CSV header needs 'achievement' (or 'skills') and 'did' and/or 'email' columns",
            code=ErrorCode.invalid_csv,
            detail={"header": header},
        )
    rows: list[BatchRow] = []
    errors: list[dict[str, Any]] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                raise InvalidInput(
                    f"the CSV file has more than {MAX_ROWS} rows", code=ErrorCode.invalid_csv
                )
            if len(record) != len(columns):
                errors.append(
                    _row_error(
                        line,
                        ErrorCode.invalid_csv,
                        f"expected {len(columns)} columns, found {len(record)}",
                    )
                )
                continue
            values = {c: v.strip() or None for c, v in zip(columns, record, strict=True) if c}
            try:
                rows.extend(_row(line, values, base))
            except RugzakError as exc:
                errors.append(_row_error(line, exc.code, exc.message))
    except csv.Error as exc:
        raise InvalidInput(
            f"the CSV file is malformed: {exc}",
            code=ErrorCode.invalid_csv,
            detail={"line": reader.line_num},
        ) from exc
    return rows, errors


def _row(line: int, values: dict[str, str | None], base: Path | None) -> list[BatchRow]:
    """One CSV row: a BatchRow per skill (all with the row's line number)."""
    if not (values.get("achievement") or values.get("skills")) or not (
        values.get("did") or values.get("email")
    ):
        raise InvalidInput(
            "a row needs an achievement (or skills) and a DID or e-mail",
            code=ErrorCode.invalid_csv,
        )
    skills: list[tuple[str, str | None]] = []
    if values.get("achievement"):
        skills.append((str(values["achievement"]), values.get("result")))
    for item in (values.get("skills") or "").split(";"):
        if not item.strip():
            continue
        achievement, sep, level = item.partition("=")
        if not sep or not achievement.strip() or not level.strip():
            raise InvalidInput(f"'{item.strip()}' is not SKILL=LEVEL", code=ErrorCode.invalid_csv)
        skills.append((achievement.strip(), level.strip()))
    if len({a for a, _ in skills}) != len(skills):
        raise InvalidInput("a skill is named twice in one row", code=ErrorCode.invalid_csv)
    details = RowDetails(
        evidence_file=_evidence_file(values.get("evidence_file"), base),
        assessor=values.get("assessor"),
        date=values.get("date"),
        plain_name=(values.get("plain_name") or "").lower() in _YES,
    )
    if details.date:
        parse_award_date(details.date)  # a bad date fails the row now, with its line
    return [
        BatchRow(
            line=line,
            achievement=achievement,
            did=values.get("did"),
            email=values.get("email"),
            name=values.get("name"),
            result=level,
            evidence=values.get("evidence"),
            details=details,
        )
        for achievement, level in skills
    ]


def _evidence_file(name: str | None, base: Path | None) -> EvidenceIn | None:
    """The digests of an evidence file named in a row (relative to the CSV's folder)."""
    if not name:
        return None
    if base is None:
        raise InvalidInput(
            "evidence files can only be read from a CSV file on disk",
            code=ErrorCode.invalid_csv,
        )
    path = Path(name)
    return read_evidence_file(path if path.is_absolute() else base / path)


def _row_error(line: int, code: ErrorCode | str, message: str) -> dict[str, Any]:
    return {"line": line, "error_code": str(code), "error_message": message, "outcome": "error"}


class ResultsWriter:
    """The results CSV: a NEW file, appended row by row and fsynced after each committed
    chunk; on close rewritten (atomically) with its rows in input order.

    It never overwrites: the results file holds the only copy of offer links and
    transaction codes. ``fresh(path)`` takes ``path`` or, when that exists, the first
    free ``<stem>-2<suffix>``, ``-3``...

    It is written for the spreadsheet the input came from: UTF-8 with a byte order mark
    (without one, Excel reads "Joël" as "JoÃ«l") and the input's field separator (Excel
    in a Dutch locale splits on semicolons and shows a comma file as one column).
    """

    def __init__(self, path: Path, *, delimiter: str = ",") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.delimiter = delimiter
        # "x": never an old file; utf-8-sig writes the byte order mark first.
        self._handle = path.open("x", newline="", encoding="utf-8-sig")
        self._writer = self._dict_writer(self._handle)
        self._writer.writeheader()
        self._rows: list[dict[str, Any]] = []
        self.sync()

    def _dict_writer(self, handle: TextIO) -> csv.DictWriter[str]:
        return csv.DictWriter(
            handle, RESULT_COLUMNS, delimiter=self.delimiter, extrasaction="ignore"
        )

    @classmethod
    def fresh(cls, path: Path, *, delimiter: str = ",") -> ResultsWriter:
        """A writer on ``path``, or on the first numbered name that does not exist yet."""
        for n in range(1, 10_000):
            candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
            try:
                return cls(candidate, delimiter=delimiter)
            except FileExistsError:
                continue
        raise Conflict(f"no free results file name next to {path}", code=ErrorCode.conflict)

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow(_spreadsheet_safe(row))
        self._rows.append(row)

    def sync(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self.sync()
        self._handle.close()
        # Credentials commit before offers and bad rows are known first: put the
        # finished file in the order of the input lines (stable within a line).
        ordered = sorted(self._rows, key=lambda row: int(row.get("line") or 0))
        if ordered != self._rows:
            text = io.StringIO(newline="")
            writer = self._dict_writer(text)
            writer.writeheader()
            writer.writerows(_spreadsheet_safe(row) for row in ordered)
            atomic_write(self.path, text.getvalue().encode("utf-8-sig"), mode=0o600)


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every text that a spreadsheet would run as a formula quoted by a
    leading apostrophe: names and e-mail addresses may come from a sign-up form, and
    ``=HYPERLINK(...)`` in a learner's name must not become a live link or command when
    the results are opened in Excel. Our own values (ids, links, codes) never start so."""
    return {
        key: f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value
        for key, value in row.items()
    }


def remove_stale_temporaries(folder: Path) -> int:
    """Remove the ``.<name>.<8 hex>.tmp`` files ``atomic_write`` left when a run was
    killed (SIGKILL runs no clean-up); returns how many."""
    removed = 0
    if folder.is_dir():
        for path in folder.glob(".*.tmp"):
            if _TEMPORARY.fullmatch(path.name):
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def run(
    issuer: Issuer,
    rows: list[BatchRow],
    *,
    results: ResultsWriter,
    out_dir: Path | None,
    actor: str,
    chunk_size: int = 200,
    progress: Callable[[int], None] = lambda _n: None,
    tx_code: bool = False,
    expires_in: timedelta | None = None,
) -> Summary:
    """Award every row; returns the counts. ``progress(n)`` after n more CSV lines are
    done (a line with several skills is one line); offers expire after ``expires_in``
    (default: the issuer's offer lifetime)."""
    summary = Summary(total=len(rows))
    offers = OfferService(issuer)
    credential_rows = [r for r in rows if r.did]
    offer_rows = [r for r in rows if not r.did]
    for chunk in _chunks(credential_rows, chunk_size):
        _credential_chunk(issuer, chunk, summary, results, out_dir, actor)
        results.sync()
        progress(_lines(chunk))
    for group in _groups(offer_rows):
        outs = [_base(row) for row in group]
        try:
            created = _offer(offers, group, actor=actor, tx_code=tx_code, expires_in=expires_in)
        except (RugzakError, ValueError) as exc:
            for out in outs:
                _fail(summary, out, exc)
        else:
            for out in outs:
                if created.created:
                    summary.offered += 1
                    out |= {
                        "outcome": "offered",
                        "offer_uri": created.link,
                        "tx_code": created.tx_code,
                    }
                else:
                    summary.already += 1
                    out["outcome"] = "already_offered"
                out["offer_id"] = created.id
        for out in outs:
            results.write(out)
        results.sync()
        progress(1)
    return summary


def line_count(rows: list[BatchRow]) -> int:
    """How many CSV lines ``rows`` came from (a line with several skills is one)."""
    return len({row.line for row in rows})


def _lines(chunk: list[BatchRow]) -> int:
    return line_count(chunk)  # chunks never split the skills of one line


def _offer(
    offers: OfferService,
    group: list[BatchRow],
    *,
    actor: str,
    tx_code: bool,
    expires_in: timedelta | None,
) -> OfferCreated:
    """One offer per CSV line: of its achievement, or of all its skills (the learner's
    wallet receives every level of the piece of work in one go)."""
    first = group[0]
    if len(group) == 1:
        return offers.create(
            first.achievement,
            actor=actor,
            name=first.name,
            email=first.email,
            award=first.award(),
            tx_code=tx_code,
            expires_in=expires_in,
            idempotency=first.key(),
        )
    missing = [row.achievement for row in group if not row.result]
    if missing:
        raise InvalidInput(
            "each skill of a row needs its level (ID=LEVEL)",
            code=ErrorCode.invalid_csv,
            detail=missing,
        )
    return offers.create(
        None,
        skills=[SkillLevelIn(achievement_id=r.achievement, level=str(r.result)) for r in group],
        actor=actor,
        name=first.name,
        email=first.email,
        award=first.award().model_copy(update={"results": []}),
        tx_code=tx_code,
        expires_in=expires_in,
        idempotency=idempotency_key("batch-offer", *(row.key() for row in group)),
    )


def _credential_chunk(
    issuer: Issuer,
    chunk: list[BatchRow],
    summary: Summary,
    results: ResultsWriter,
    out_dir: Path | None,
    actor: str,
) -> None:
    """Issue a chunk of rows in one transaction; a row's skills stand or fall together."""
    groups: list[list[tuple[BatchRow, Prepared]]] = []
    for group in _groups(chunk):
        requests: list[tuple[BatchRow, Prepared]] = []
        try:
            for row in group:
                request = AwardRequest(
                    achievement_id=row.achievement,
                    subject_id=str(row.did),
                    award=row.award(),
                    email=row.email,
                    idempotency_key=row.key(),
                )
                # checked once: issued as prepared (not prepared again)
                requests.append((row, issuer.prepare(request)))
        except (RugzakError, ValueError) as exc:
            _fail_group(summary, results, group, exc)
            continue
        groups.append(requests)
    if not groups:
        return
    outcomes: list[list[Issued] | RugzakError]
    try:
        flat = issuer.issue_prepared([p for g in groups for _, p in g], actor=actor)
        outcomes = []
        for g in groups:
            outcomes.append(flat[: len(g)])
            flat = flat[len(g) :]
    except RugzakError:
        # Something failed inside the chunk's transaction (nothing of it stays):
        # redo the rows one by one so one bad row cannot sink the others.
        outcomes = []
        for g in groups:
            try:
                outcomes.append(issuer.issue_prepared([p for _, p in g], actor=actor))
            except RugzakError as exc:
                outcomes.append(exc)
    # Committed: only now may anything be reported as done.
    for g, outcome in zip(groups, outcomes, strict=True):
        if isinstance(outcome, RugzakError):
            _fail_group(summary, results, [row for row, _ in g], outcome)
            continue
        for (row, _), issued in zip(g, outcome, strict=True):
            _report_issued(row, issued, summary, results, out_dir)


def _report_issued(
    row: BatchRow,
    issued: Issued,
    summary: Summary,
    results: ResultsWriter,
    out_dir: Path | None,
) -> None:
    out = _base(row) | {"credential_id": issued.credential["id"]}
    if issued.created:
        summary.issued += 1
        out["outcome"] = "issued"
    else:
        summary.already += 1
        out["outcome"] = "already_issued"
    if out_dir is not None:
        path = out_dir / f"{_file_stem(issued.credential['id'])}.json"
        if issued.created or not path.exists():
            atomic_write(
                path, json.dumps(issued.credential, indent=2).encode("utf-8"), make_dirs=True
            )
        out["file"] = str(path)
    results.write(out)


def _fail_group(
    summary: Summary, results: ResultsWriter, group: list[BatchRow], exc: Exception
) -> None:
    """Every skill of a failed row is reported failed (none of them was issued)."""
    for row in group:
        out = _base(row)
        _fail(summary, out, exc)
        results.write(out)


def _groups(rows: list[BatchRow]) -> Iterator[list[BatchRow]]:
    """Consecutive rows of one CSV line (the skills of one piece of work)."""
    group: list[BatchRow] = []
    for row in rows:
        if group and group[0].line != row.line:
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def _file_stem(credential_id: str) -> str:
    return credential_id.rsplit(":", 1)[-1]


def _base(row: BatchRow) -> dict[str, Any]:
    return {
        "line": row.line,
        "name": row.name,
        "email": row.email,
        "did": row.did,
        "achievement": row.achievement,
    }


def _fail(summary: Summary, out: dict[str, Any], exc: Exception) -> None:
    summary.failed += 1
    code = str(exc.code) if isinstance(exc, RugzakError) else str(ErrorCode.invalid_request)
    message = exc.message if isinstance(exc, RugzakError) else str(exc).splitlines()[0]
    out |= {"outcome": "error", "error_code": code, "error_message": message}
    summary.errors.append({"line": out["line"], "code": code, "message": message})


def _chunks(rows: list[BatchRow], size: int) -> Iterator[list[BatchRow]]:
    """Chunks of about ``size`` rows that never split the skills of one CSV line."""
    chunk: list[BatchRow] = []
    for group in _groups(rows):
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk
