"""Batch CSV: credentials and offers, bad rows by line, re-runs award nothing twice."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from issuer import batch
from issuer.service import Issuer
from shared.errors import ErrorCode, InvalidInput
from shared.keys import SigningKey
from tests.issuer.helpers import status_source, verify

LEARNERS = [SigningKey.from_seed(bytes([i]) * 32) for i in range(1, 6)]


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "learners.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _results(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _run(issuer: Issuer, source: Path, tmp_path: Path, **kw: object) -> tuple[batch.Summary, Path]:
    rows, bad = batch.read_rows(source)
    writer = batch.ResultsWriter.fresh(tmp_path / "results.csv")
    results_path = writer.path
    for row in bad:
        writer.write(row)
    seen: list[int] = []
    summary = batch.run(
        issuer,
        rows,
        results=writer,
        out_dir=tmp_path / "out",
        actor="test",
        progress=seen.append,
        chunk_size=2,
        **kw,  # type: ignore[arg-type]
    )
    writer.close()
    assert sum(seen) == batch.line_count(rows)
    summary.failed += len(bad)
    return summary, results_path


def test_batch_issues_offers_and_reports_bad_rows(
    issuer: Issuer, achievement_id: str, tmp_path: Path
) -> None:
    text = (
        "name,email,did,achievement,result,evidence\n"
        f"Ann,ann@example.org,{LEARNERS[0].did},{achievement_id},2,https://e.example/1\n"
        f"Bob,,{LEARNERS[1].did},{achievement_id},Level=4,Ran the kitchen for a week\n"
        f"Cas,cas@example.org,,{achievement_id},,\n"
        f"Dee,,did:example:nope,{achievement_id},,\n"
        f"Eve,,{LEARNERS[2].did},unknown-badge,,\n"
        f"Fay,,{LEARNERS[3].did},{achievement_id},9,\n"
        "Gus,too,many,columns,here,x,y\n"
        f"Hal,,,{achievement_id},,\n"
        "\n"
        f"Ivy,,{LEARNERS[4].did},{achievement_id},,\n"
    )
    summary, results_path = _run(issuer, _csv(tmp_path, text), tmp_path)
    assert (summary.issued, summary.offered, summary.failed) == (3, 1, 5)
    results = {int(r["line"]): r for r in _results(results_path)}
    assert {n: r["outcome"] for n, r in results.items()} == {
        2: "issued",
        3: "issued",
        4: "offered",
        5: "error",
        6: "error",
        7: "error",
        8: "error",
        9: "error",
        11: "issued",
    }
    assert results[5]["error_code"] == "unsupported_did_method"
    assert results[6]["error_code"] == "achievement_not_found"
    assert results[7]["error_code"] == "invalid_request"
    assert results[8]["error_code"] == "invalid_csv"
    assert results[4]["offer_uri"].startswith("openid-credential-offer://")
    credential = json.loads(Path(results[3]["file"]).read_text())
    assert credential["credentialSubject"]["result"][0]["value"] == "4"
    assert credential["evidence"][0]["narrative"] == "Ran the kitchen for a week"
    assert verify(credential, status_source(issuer), issuer.now()).verified


def test_rerun_awards_nothing_twice(issuer: Issuer, achievement_id: str, tmp_path: Path) -> None:
    text = (
        "did,email,achievement\n"
        + "".join(f"{k.did},,{achievement_id}\n" for k in LEARNERS)
        + f",new@example.org,{achievement_id}\n"
    )
    source = _csv(tmp_path, text)
    first, _ = _run(issuer, source, tmp_path)
    assert (first.issued, first.offered) == (5, 1)
    for path in (tmp_path / "out").iterdir():
        path.unlink()  # files can be re-made from the store
    second, results_path = _run(issuer, source, tmp_path)
    assert (second.issued, second.offered, second.already) == (0, 0, 6)
    outcomes = sorted(r["outcome"] for r in _results(results_path))
    assert outcomes == ["already_issued"] * 5 + ["already_offered"]
    assert len(list((tmp_path / "out").iterdir())) == 5
    with issuer.store.begin() as conn:
        assert issuer.store.count_credentials(conn) == 5


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", ErrorCode.invalid_csv),
        (b"name,email\nAnn,ann@example.org\n", ErrorCode.invalid_csv),
        (b"did,achievement\n\xff\xfe\x00bad\n", ErrorCode.invalid_csv),
    ],
)
def test_malformed_csv_files_are_refused_whole(
    tmp_path: Path, content: bytes, code: ErrorCode
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as info:
        batch.read_rows(path)
    assert info.value.code == code


def test_unterminated_quote_is_a_bad_row_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b'did,achievement\n"unterminated,x\n')
    rows, errors = batch.read_rows(path)
    assert rows == []
    assert [(e["line"], e["error_code"]) for e in errors] == [(2, "invalid_csv")]


def test_semicolon_csv_with_bom_and_aliases(tmp_path: Path) -> None:
    text = "\ufeffName;E-mail;Recipient;Achievement_ID\nAnn;ann@example.org;did:key:z6Mk;a\n"
    rows, errors = batch.parse_rows(io.StringIO(text.lstrip("\ufeff")))
    assert errors == []
    assert (rows[0].name, rows[0].email, rows[0].did, rows[0].achievement) == (
        "Ann",
        "ann@example.org",
        "did:key:z6Mk",
        "a",
    )


def test_results_are_never_overwritten_and_come_in_input_order(
    issuer: Issuer, achievement_id: str, tmp_path: Path
) -> None:
    text = (
        "did,email,achievement\n"
        f",first@example.org,{achievement_id}\n"
        f"{LEARNERS[0].did},,{achievement_id}\n"
        f",second@example.org,{achievement_id}\n"
        f"{LEARNERS[1].did},,{achievement_id}\n"
    )
    source = _csv(tmp_path, text)
    _first, first_path = _run(issuer, source, tmp_path)
    kept = first_path.read_bytes()
    assert [int(r["line"]) for r in _results(first_path)] == [2, 3, 4, 5]
    links = [r["offer_uri"] for r in _results(first_path) if r["offer_uri"]]
    assert len(links) == 2
    _again, second_path = _run(issuer, source, tmp_path)  # the re-run the docs advise
    assert second_path == tmp_path / "results-2.csv"
    assert first_path.read_bytes() == kept  # the only copy of the offer links
    assert [r["outcome"] for r in _results(second_path)] == [
        "already_offered",
        "already_issued",
    ] * 2


@pytest.mark.parametrize("header", ["klas", "Voornaam", "achternaam"])
def test_an_unknown_column_is_refused_with_its_name(tmp_path: Path, header: str) -> None:
    path = _csv(tmp_path, f"naam,e-mail,vaardigheid,{header}\nFleur,f@example.org,a,3B\n")
    with pytest.raises(InvalidInput) as info:
        batch.read_rows(path)
    assert info.value.code == ErrorCode.invalid_csv
    assert info.value.detail == {"line": 1, "unknown": [header]}
    assert f"'{header}'" in info.value.message


def test_dutch_headers_and_a_trailing_separator_are_read(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "naam;e-mail;vaardigheid;niveau;\nFleur van der Berg-Özdemir;f@example.org;a;3;\n",
    )
    rows, errors = batch.read_rows(path)
    assert errors == []
    assert (rows[0].name, rows[0].email, rows[0].achievement, rows[0].result) == (
        "Fleur van der Berg-Özdemir",
        "f@example.org",
        "a",
        "3",
    )


def test_the_headers_a_dutch_office_writes_are_read(tmp_path: Path) -> None:
    """An HR sheet says "Badge" (or "Prestatie") and "E-mailadres", as people write them."""
    for header in ("Naam;E-mailadres;Badge;Niveau", "naam;Emailadres;Prestatie;niveau"):
        path = _csv(tmp_path, f"{header}\r\nJosé Müller;jose@example.nl;samenwerken;2\r\n")
        rows, errors = batch.read_rows(path)
        assert errors == []
        assert (rows[0].email, rows[0].achievement, rows[0].result) == (
            "jose@example.nl",
            "samenwerken",
            "2",
        )


def test_an_excel_windows_1252_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "naam;e-mail;vaardigheid\r\nFleur van der Berg-Özdemir;f@example.org;a\r\n".encode("cp1252")
    )
    rows, errors = batch.read_rows(path)
    assert errors == []
    assert rows[0].name == "Fleur van der Berg-Özdemir"


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / ".1234.json.0a1b2c3d.tmp").write_text("{")
    (folder / "1234.json").write_text("{}")
    (folder / ".notes.tmp").write_text("mine")  # not one of ours: left alone
    assert batch.remove_stale_temporaries(folder) == 1
    assert sorted(p.name for p in folder.iterdir()) == [".notes.tmp", "1234.json"]
