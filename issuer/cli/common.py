"""What every command shares: settings, the passphrase, opening the issuer, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import typer
from rich.console import Console
from rich.text import Text

from shared.errors import (
    EXIT_BAD_INPUT,
    AccessDenied,
    ErrorCode,
    InvalidInput,
    RugzakError,
    Unavailable,
)
from shared.strict_json import parse as parse_json

if TYPE_CHECKING:
    from issuer.service import Issuer
    from issuer.service.base import IssuerBase
    from issuer.settings import IssuerSettings

# The service and the settings (pydantic) are imported when a command opens the
# issuer: every start-up imports this module, ``--help`` too.

CONFIG_FILE = "issuer.json"
PASSPHRASE_ENV = "RUGZAK_ISSUER_PASSPHRASE"  # noqa: S105 (a variable name)
# No markup: what is printed comes from people and files (names, paths, badge texts),
# and "[/x]" in a learner's name must not end a command with a traceback, nor "[x]" in
# a file name vanish. Styling is asked for with ``styled`` instead.
out = Console(emoji=False, highlight=False, markup=False)
err = Console(stderr=True, emoji=False, highlight=False, markup=False)
T = TypeVar("T")
Ops = TypeVar("Ops", bound="IssuerBase")


@dataclass
class CliState:
    data_dir: Path | None
    database_url: str | None

    def settings(self) -> IssuerSettings:
        """Settings from the environment, overridden by command-line options, then
        the database URL recorded by ``init`` in the data directory."""
        from issuer.settings import IssuerSettings

        values: dict[str, Any] = {}
        if self.data_dir is not None:
            values["data_dir"] = self.data_dir
        if self.database_url is not None:
            values["database_url"] = self.database_url
        settings = IssuerSettings(**values)
        if settings.database_url is None:
            recorded = settings.data_dir / CONFIG_FILE
            if recorded.exists():
                stored = json.loads(recorded.read_text("utf-8")).get("database_url")
                if stored:
                    settings = settings.model_copy(update={"database_url": stored})
        return settings


def state(ctx: typer.Context) -> CliState:
    value = ctx.find_root().obj
    assert isinstance(value, CliState)
    return value


def passphrase(settings: IssuerSettings, *, confirm: bool = False) -> str:
    """From ``RUGZAK_ISSUER_PASSPHRASE``, else a hidden prompt (never echoed, never logged)."""
    if settings.passphrase is not None:
        return settings.passphrase.get_secret_value()
    if not sys.stdin.isatty():
        raise AccessDenied(
            f"no passphrase: set {PASSPHRASE_ENV} or run in a terminal",
            code=ErrorCode.passphrase_required,
        )
    value: str = typer.prompt(
        "Passphrase for the signing key", hide_input=True, confirmation_prompt=confirm
    )
    return value


def _open(ctx: typer.Context, unlock: bool, ops: type[IssuerBase] | None) -> IssuerBase:
    if ops is None:
        from issuer.service import Issuer

        ops = Issuer
    settings = state(ctx).settings()
    if settings.database_url is None and not (settings.data_dir / "issuer.db").exists():
        raise Unavailable(
            f"no issuer in {settings.data_dir}: run 'rugzak-issuer init' first",
            code=ErrorCode.not_initialized,
        )
    secret = passphrase(settings) if unlock else None
    return ops.open(settings, passphrase=secret)


@overload
def issuer_for(ctx: typer.Context, *, unlock: bool) -> AbstractContextManager[Issuer]: ...
@overload
def issuer_for(
    ctx: typer.Context, *, unlock: bool, ops: type[Ops]
) -> AbstractContextManager[Ops]: ...
def issuer_for(
    ctx: typer.Context, *, unlock: bool, ops: type[Any] | None = None
) -> AbstractContextManager[Any]:
    """The issuer over its store, closed at the end of the ``with`` block.

    ``ops``: the part of ``Issuer`` a command uses alone (``CredentialOps`` for the
    audit log and revoking, ``IssuerBase`` for the settings); without it the whole
    ``Issuer``, which imports the credential core (models, proofs, JSON-LD: about a
    second) that only awarding and signing use.
    """
    return _opened(ctx, unlock, ops)


@contextmanager
def _opened(ctx: typer.Context, unlock: bool, ops: type[IssuerBase] | None) -> Iterator[Any]:
    issuer = _open(ctx, unlock, ops)
    try:
        yield issuer
    finally:
        issuer.store.dispose()


def run(action: Callable[[], T]) -> T:
    """Run a command body; a RugzakError becomes a one-line message and exit code 2."""
    try:
        return action()
    except RugzakError as exc:
        err.print(error_line(exc.code, exc.message))
        if exc.detail is not None:
            err.print(f"  detail: {json.dumps(exc.detail, default=str)[:500]}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def read_json_object(path: Path) -> dict[str, Any]:
    """The object a ``--from-json`` file holds (strict JSON)."""
    try:
        loaded = parse_json(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"cannot read {path.name} as JSON", code=ErrorCode.invalid_json) from exc
    if not isinstance(loaded, dict):
        raise InvalidInput("the JSON file must hold an object", code=ErrorCode.invalid_json)
    return loaded


def print_json(value: Any) -> None:
    out.print_json(json.dumps(value, default=str, ensure_ascii=False))


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of literal text with styled parts: ``styled(("Warning:", "bold yellow"),
    " ", message)``. The text is never read as markup."""
    return Text.assemble(*parts)


def error_line(code: str, message: str) -> Text:
    """``error CODE: message``, as every failed command ends."""
    return styled(("error", "red"), " ", (str(code), "bold"), ": ", message)


def warning(message: str) -> Text:
    return styled(("Warning:", "bold yellow"), " ", message)


def print_table(headers: list[str], rows: list[list[str]], *, whole: tuple[str, ...]) -> None:
    """A table for a terminal of any width.

    Columns named in ``whole`` (ids typed into the next command, dates) are never cut
    or wrapped: a list whose ids end in "…" cannot be used. Other columns wrap, a
    word too long for its column folded rather than cut off. A
    column empty in every row is left out, so the rest get its width. Cells are text,
    never markup (the consoles read none).
    """
    from rich.table import Table

    kept = [i for i, header in enumerate(headers) if not rows or i == 0 or any(r[i] for r in rows)]
    table = Table()
    for i in kept:
        header = headers[i]
        if header in whole:
            width = max([len(header), *(len(r[i]) for r in rows)])
            table.add_column(header, no_wrap=True, min_width=width)
        else:
            table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(row[i] for i in kept))
    out.print(table)
