"""Entry point of the ``zenml`` command: a click group whose subcommands load lazily.

``zenml --help`` lists the commands of :mod:`zenml.cli.commands` without importing
any of them; a subcommand's module is imported only when it is invoked or
its own ``--help`` is asked for. ``zenml --help`` and ``zenml --version``
are answered here without importing click (which alone costs about three
times the interpreter's start-up), in exactly the text click would print
(a test compares them); anything else goes to the click group in
:mod:`zenml.cli.group`, also reachable as ``zenml.cli.main.cli``.
"""

from __future__ import annotations

import os
import sys

from zenml.cli.commands import COMMANDS, HELP

_OPTIONS = (("-V, --version", "Show the version and exit."), ("-h, --help", "Show this message and exit."))


def __getattr__(name: str) -> object:
    if name in {"cli", "LazyGroup"}:
        from zenml.cli import group

        return getattr(group, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _help_width() -> int:
    """The width click's help formatter uses: the terminal's (as ``shutil.get_terminal_size``), at most 80, less 2."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    if columns <= 0:
        columns = 80
    return max(min(columns, 80) - 2, 50)


def _rows(rows: list[tuple[str, str]], width: int) -> list[str] | None:
    """Click's two-column definition list, or None when a row would need wrapping."""
    first = max(len(name) for name, _ in rows)
    if first > 30 or any(len(text) > max(width - first - 4, 10) for _, text in rows):
        return None
    return [f"  {name:<{first}}  {text}" for name, text in rows]


def render_help() -> str | None:
    """The text of ``zenml --help`` as click prints it, or None when the terminal is too narrow to skip click."""
    width = _help_width()
    options = _rows(list(_OPTIONS), width)
    from zenml.cli.integration_commands import installed_commands

    table = installed_commands(COMMANDS)
    commands = _rows([(name, table[name][1]) for name in sorted(table)], width)
    if options is None or commands is None or len(HELP) + 2 > width:
        return None
    lines = ["Usage: zenml [OPTIONS] COMMAND [ARGS]...", "", f"  {HELP}", "", "Options:", *options, "", "Commands:"]
    return "\n".join([*lines, *commands]) + "\n"


def _answer_without_click(args: list[str]) -> bool:
    """Print the answer to ``zenml --help`` or ``zenml --version`` and return True; False for anything else."""
    if len(args) != 1:
        return False
    if args[0] in {"--version", "-V"}:
        from zenml.__about__ import __version__

        sys.stdout.write(f"zenml {__version__}\n")
        return True
    if args[0] in {"--help", "-h"}:
        text = render_help()
        if text is not None:
            sys.stdout.write(text)
            return True
    return False


def main() -> None:
    """Run the CLI (the ``zenml`` console script)."""
    try:
        try:
            if not _answer_without_click(sys.argv[1:]):
                from zenml.cli.group import cli

                cli(prog_name="zenml")
        finally:
            sys.stdout.flush()  # here, not at interpreter exit, so that a closed pipe is caught below
    except BrokenPipeError:
        from zenml.cli.broken_pipe import exit_on_broken_pipe

        exit_on_broken_pipe()
