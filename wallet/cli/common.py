"""What every verb shares: the chosen settings, the passphrase, opening the wallet,
and turning errors into one plain sentence with exit code 2 (with ``--json`` the
stable code follows it, for scripts)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from shared.errors import EXIT_BAD_INPUT, RugzakError
from wallet.config import WalletConfig
from wallet.file_problems import file_error
from wallet.i18n import Translator

if TYPE_CHECKING:
    from wallet.service import WalletService

PASSPHRASE_ENV = "RUGZAK_PASSPHRASE"  # noqa: S105 (the variable name, not a secret)

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


@dataclass(frozen=True)
class CliState:
    """The settings for this run: the base config with ``--data-dir`` and ``--lang``."""

    config: WalletConfig

    @property
    def t(self) -> Translator:
        return Translator(self.config.lang)


def state(ctx: typer.Context) -> CliState:
    value = ctx.find_root().obj
    assert isinstance(value, CliState)
    return value


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long work (``tick(done, total)``), gone when done;
    nothing at all when stderr is not a terminal (a script's log stays clean)."""
    if not err.is_terminal:
        yield lambda done, total: None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def fail(t: Translator, error: RugzakError, *, machine: bool = False) -> typer.Exit:
    """The error as a sentence on stderr, exit code 2. For ``machine`` (a verb run with
    ``--json``) the stable code follows it: a script tells failures apart by the code,
    a person needs only the sentence."""
    line = t.error_text(error)
    if machine:
        os_error = error.detail.get("os_error") if isinstance(error.detail, dict) else None
        line += f" (code: {error.code}; {os_error})" if os_error else f" (code: {error.code})"
    err.print(line, markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def for_machine(ctx: typer.Context) -> bool:
    """Whether the verb was asked for ``--json`` output."""
    return bool(ctx.params.get("as_json"))


def passphrase(t: Translator, prompt_key: str = "cli.passphrase", *, confirm: bool = False) -> str:
    """From ``RUGZAK_PASSPHRASE``, else a hidden prompt (never echoed)."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    return str(typer.prompt(t(prompt_key), hide_input=True, confirmation_prompt=confirm))


def open_service(ctx: typer.Context) -> WalletService:
    """Unlock the wallet; a wrong passphrase or a missing wallet exits with code 2."""
    # Imported here: the verification stack (JSON-LD, proofs, QR) loads only for the
    # verbs that need it, so `rugzak-wallet` alone shows the terminal app at once.
    from wallet.data.store import WalletStore
    from wallet.service import WalletService

    current = state(ctx)
    try:
        store = WalletStore.unlock(current.config.data_dir, passphrase(current.t))
    except RugzakError as exc:
        raise fail(current.t, exc, machine=for_machine(ctx)) from None
    return WalletService(current.config, store)


@contextmanager
def service_for(ctx: typer.Context) -> Iterator[WalletService]:
    """The unlocked wallet for one verb, closed afterwards whatever happens."""
    service = open_service(ctx)
    try:
        yield service
    finally:
        service.store.close()


def run(ctx: typer.Context, action: Callable[[], int | None]) -> None:
    """Run a verb's body: errors (and file errors) become a sentence and exit code 2;
    a non-zero return is the exit code."""
    t = state(ctx).t
    machine = for_machine(ctx)
    try:
        code = action()
    except RugzakError as exc:
        raise fail(t, exc, machine=machine) from None
    except OSError as exc:
        raise fail(t, file_error(exc), machine=machine) from None
    if code:
        raise typer.Exit(code)
