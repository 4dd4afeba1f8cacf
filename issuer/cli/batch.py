"""``rugzak-issuer batch FILE.csv``: award many learners, with progress and a summary."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

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
        Path | None,
        typer.Option(
            help="Results CSV (default: FILE.results.csv). Never overwritten: if it exists, "
            "FILE.results-2.csv, -3... is written."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(help="Write each signed credential here (default: FILE.credentials/)."),
    ] = None,
    tx_code: Annotated[bool, typer.Option("--tx-code", help="Offers need a 6-digit code.")] = False,
    expires_in: Annotated[
        float | None,
        typer.Option(min=0.1, help="Hours until the offers expire (default 72)."),
    ] = None,
    chunk: Annotated[int, typer.Option(min=1, max=5000, help="Rows per transaction.")] = 200,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Issue credentials (rows with a DID) or offers (rows with only an e-mail).

    Re-running the same file awards nothing twice; bad rows are reported by line.
    """
    from issuer import batch as batch_core
    from shared.csv_text import WINDOWS_1252_NOTE

    def act() -> None:
        table = batch_core.read_table(csv_file)
        rows, bad = table.rows, table.bad
        if table.windows_1252:
            err.print(f"{csv_file.name}: {WINDOWS_1252_NOTE}.", highlight=False)
        credentials_dir = out_dir or csv_file.with_suffix(".credentials")
        batch_core.remove_stale_temporaries(credentials_dir)  # left by a killed run
        lines = batch_core.line_count(rows) + len(bad)
        # Unlock first: a wrong passphrase must not leave (or touch) a results file.
        with issuer_for(ctx, unlock=any(r.did for r in rows)) as issuer:
            writer = batch_core.ResultsWriter.fresh(
                results or csv_file.with_suffix(".results.csv"), delimiter=table.delimiter
            )
            try:
                for row in bad:
                    writer.write(row)
                writer.sync()
                with Progress(
                    TextColumn("[progress.description]{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                    disable=quiet,
                    console=err,
                ) as progress:
                    task = progress.add_task("awarding", total=lines, completed=len(bad))
                    summary = batch_core.run(
                        issuer,
                        rows,
                        results=writer,
                        out_dir=credentials_dir,
                        actor="cli:batch",
                        chunk_size=chunk,
                        progress=lambda n: progress.advance(task, n),
                        tx_code=tx_code,
                        expires_in=timedelta(hours=expires_in) if expires_in else None,
                    )
            finally:
                writer.close()
        results_path = writer.path
        failed = summary.failed + len(bad)
        out.print(
            f"{lines} lines: {summary.issued} issued, {summary.offered} offered, "
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
