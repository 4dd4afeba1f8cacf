"""Every command of every CLI prints its help (help texts are rich markup: one bad
bracket turns `--help` into a traceback), written for people: no reStructuredText
or Markdown code quotes from a docstring."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from issuer.cli.app import app as issuer_app
from verifier.cli import app as verifier_app
from wallet.cli import make_cli

runner = CliRunner()


def _paths(app: typer.Typer) -> list[list[str]]:
    root = typer.main.get_command(app)
    found: list[list[str]] = [[]]

    def walk(command: object, prefix: list[str]) -> None:
        # typer vendors its own click: look for the group interface, not the class.
        commands = getattr(command, "commands", None)
        if isinstance(commands, dict):
            for name, sub in commands.items():
                found.append([*prefix, name])
                walk(sub, [*prefix, name])

    walk(root, [])
    return found


CASES = [
    (name, app, path)
    for name, app in (("issuer", issuer_app), ("wallet", make_cli()), ("verifier", verifier_app))
    for path in _paths(app)
]


@pytest.mark.parametrize(
    ("name", "app", "path"), CASES, ids=[f"{n} {' '.join(p)}" for n, _, p in CASES]
)
def test_help(name: str, app: typer.Typer, path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, (name, path, result.output, result.exception)
    assert "Usage" in result.output
    assert "`" not in result.output, (name, path)
