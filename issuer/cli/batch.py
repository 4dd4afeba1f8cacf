"""``rugzak-issuer batch FILE.csv``: award many learners, with progress and a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from issuer import batch as batch_core
from issuer.cli.common import err, issuer_for, out, run
from shared.errors import EXIT_BAD_INPUT


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)


def batch(
    ctx: typer.Context,
    csv_file: Annotated[
        Path, typer.Argument(help="CSV: name,email,did,achievement,result,evidence")
    ],
    results: Annotated[
        Path | None, typer.Option(help="Results CSV (default: FILE.results.csv).")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(help="Write each signed credential here (default: FILE.credentials/)."),
    ] = None,
    tx_code: Annotated[bool, typer.Option("--tx-code", help="Offers need a 6-digit code.")] = False,
    chunk: Annotated[int, typer.Option(min=1, max=5000, help="Rows per transaction.")] = 200,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Issue credentials (rows with a DID) or offers (rows with only an e-mail).

    Re-running the same file awards nothing twice; bad rows are reported by line.
    """

    def act() -> None:
        rows, bad = batch_core.read_rows(csv_file)
        results_path = results or csv_file.with_suffix(".results.csv")
        credentials_dir = out_dir or csv_file.with_suffix(".credentials")
        writer = batch_core.ResultsWriter(results_path)
        try:
            for row in bad:
                writer.write(row)
            writer.sync()
            with (
                issuer_for(ctx, unlock=any(r.did for r in rows)) as issuer,
                Progress(
                    TextColumn("[progress.description]{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                    disable=quiet,
                    console=err,
                ) as progress,
            ):
                task = progress.add_task("awarding", total=len(rows))
                summary = batch_core.run(
                    issuer,
                    rows,
                    results=writer,
                    out_dir=credentials_dir,
                    actor="cli:batch",
                    chunk_size=chunk,
                    progress=lambda n: progress.advance(task, n),
                    tx_code=tx_code,
                )
        finally:
            writer.close()
        failed = summary.failed + len(bad)
        out.print(
            f"{summary.total + len(bad)} rows: {summary.issued} issued, {summary.offered} offered, "
            f"{summary.already} already done, {failed} failed",
            highlight=False,
        )
        for error in [
            *(
                {"line": b["line"], "code": b["error_code"], "message": b["error_message"]}
                for b in bad
            ),
            *summary.errors,
        ]:
            err.print(
                f"  line {error['line']}: [{error['code']}] {error['message']}",
                highlight=False,
                markup=False,
            )
        out.print(f"results: {results_path}", highlight=False)
        if failed:
            raise typer.Exit(EXIT_BAD_INPUT)

    run(act)
