"""Batch awards from a CSV file: one row per learner.

Columns (header row required, names case-insensitive): ``achievement`` and at least
one of ``did`` (or ``recipient``) and ``email``; optional ``name``, ``result``
(``value`` or ``Description=value``), ``evidence`` (a URL or a sentence).
A row with a DID gets a signed credential; a row with only an e-mail gets an
OpenID4VCI offer. A bad row is reported with its line number; the rest go on.

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from issuer.awards import AwardIn, EvidenceIn, ResultIn, idempotency_key
from issuer.offers import OfferService
from issuer.service import AwardRequest, Issued, Issuer
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.runtime.files import atomic_write

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
ALIASES = {"recipient": "did", "e-mail": "email", "achievement_id": "achievement"}


@dataclass(frozen=True)
class BatchRow:
    line: int
    achievement: str
    did: str | None
    email: str | None
    name: str | None
    result: str | None
    evidence: str | None

    def key(self) -> str:
        who = self.did or (self.email or "").lower()
        return idempotency_key("batch", self.achievement, who, self.result, self.evidence)

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
        if self.evidence:
            is_url = self.evidence.startswith(("https://", "http://"))
            evidence.append(
                EvidenceIn(url=self.evidence) if is_url else EvidenceIn(narrative=self.evidence)
            )
        return AwardIn(results=results, evidence=evidence)


@dataclass
class Summary:
    total: int = 0
    issued: int = 0
    offered: int = 0
    already: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def read_rows(path: Path) -> tuple[list[BatchRow], list[dict[str, Any]]]:
    """Parse the CSV; a broken file raises ``invalid_csv``, a broken row is listed."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput(
                f"the CSV file is larger than {MAX_FILE_BYTES} bytes",
                code=ErrorCode.payload_too_large,
            )
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path.name}", code=ErrorCode.invalid_csv) from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "the CSV file is not UTF-8", code=ErrorCode.invalid_csv, detail={"byte": exc.start}
        ) from exc
    return parse_rows(io.StringIO(text))


def parse_rows(handle: TextIO) -> tuple[list[BatchRow], list[dict[str, Any]]]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            handle.read(4096), delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    handle.seek(0)
    reader = csv.reader(handle, dialect)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise InvalidInput("the CSV file is empty", code=ErrorCode.invalid_csv) from exc
    except csv.Error as exc:
        raise InvalidInput(str(exc), code=ErrorCode.invalid_csv, detail={"line": 1}) from exc
    columns = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    if "achievement" not in columns or not {"did", "email"} & set(columns):
        raise InvalidInput(
            "the CSV header needs 'achievement' and 'did' and/or 'email' columns",
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
            values = {c: v.strip() or None for c, v in zip(columns, record, strict=True)}
            if not values.get("achievement") or not (values.get("did") or values.get("email")):
                errors.append(
                    _row_error(
                        line,
                        ErrorCode.invalid_csv,
                        "a row needs an achievement and a DID or e-mail",
                    )
                )
                continue
            rows.append(
                BatchRow(
                    line=line,
                    achievement=str(values["achievement"]),
                    did=values.get("did"),
                    email=values.get("email"),
                    name=values.get("name"),
                    result=values.get("result"),
                    evidence=values.get("evidence"),
                )
            )
    except csv.Error as exc:
        raise InvalidInput(
            f"the CSV file is malformed: {exc}",
            code=ErrorCode.invalid_csv,
            detail={"line": reader.line_num},
        ) from exc
    return rows, errors


def _row_error(line: int, code: ErrorCode | str, message: str) -> dict[str, Any]:
    return {"line": line, "error_code": str(code), "error_message": message, "outcome": "error"}


class ResultsWriter:
    """The results CSV, appended row by row and fsynced after each committed chunk."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.DictWriter(self._handle, RESULT_COLUMNS, extrasaction="ignore")
        self._writer.writeheader()
        self.sync()

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow(row)

    def sync(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self.sync()
        self._handle.close()


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
) -> Summary:
    """Award every row; returns the counts. ``progress(n)`` after n rows are done."""
    summary = Summary(total=len(rows))
    offers = OfferService(issuer)
    credential_rows = [r for r in rows if r.did]
    offer_rows = [r for r in rows if not r.did]
    for chunk in _chunks(credential_rows, chunk_size):
        _credential_chunk(issuer, chunk, summary, results, out_dir, actor)
        results.sync()
        progress(len(chunk))
    for row in offer_rows:
        out = _base(row)
        try:
            created = offers.create(
                row.achievement,
                actor=actor,
                name=row.name,
                email=row.email,
                award=row.award(),
                tx_code=tx_code,
                idempotency=row.key(),
            )
        except (RugzakError, ValueError) as exc:
            _fail(summary, out, exc)
        else:
            if created.created:
                summary.offered += 1
                out |= {"outcome": "offered", "offer_uri": created.link, "tx_code": created.tx_code}
            else:
                summary.already += 1
                out["outcome"] = "already_offered"
            out["offer_id"] = created.id
        results.write(out)
        results.sync()
        progress(1)
    return summary


def _credential_chunk(
    issuer: Issuer,
    chunk: list[BatchRow],
    summary: Summary,
    results: ResultsWriter,
    out_dir: Path | None,
    actor: str,
) -> None:
    requests: list[tuple[BatchRow, AwardRequest]] = []
    for row in chunk:
        try:
            request = AwardRequest(
                achievement_id=row.achievement,
                subject_id=str(row.did),
                award=row.award(),
                email=row.email,
                idempotency_key=row.key(),
            )
            issuer.prepare(request)
        except (RugzakError, ValueError) as exc:
            out = _base(row)
            _fail(summary, out, exc)
            results.write(out)
            continue
        requests.append((row, request))
    if not requests:
        return
    try:
        issued: list[Issued | RugzakError] = list(
            issuer.issue_many([r for _, r in requests], actor=actor)
        )
    except RugzakError:
        # Something failed inside the chunk's transaction (nothing of it stays):
        # redo the rows one by one so one bad row cannot sink the others.
        issued = []
        for _, request in requests:
            try:
                issued.append(issuer.issue(request, actor=actor))
            except RugzakError as exc:
                issued.append(exc)
    # Committed: only now may anything be reported as done.
    for (row, _), outcome in zip(requests, issued, strict=True):
        if isinstance(outcome, RugzakError):
            out = _base(row)
            _fail(summary, out, outcome)
            results.write(out)
            continue
        out = _base(row) | {"credential_id": outcome.credential["id"]}
        if outcome.created:
            summary.issued += 1
            out["outcome"] = "issued"
        else:
            summary.already += 1
            out["outcome"] = "already_issued"
        if out_dir is not None:
            path = out_dir / f"{_file_stem(outcome.credential['id'])}.json"
            if outcome.created or not path.exists():
                atomic_write(
                    path, json.dumps(outcome.credential, indent=2).encode("utf-8"), make_dirs=True
                )
            out["file"] = str(path)
        results.write(out)


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
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
