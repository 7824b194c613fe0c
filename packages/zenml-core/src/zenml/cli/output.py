"""Printing tables and JSON for CLI commands.

Tables are drawn with rich only when stdout is a terminal; otherwise (pipes,
scripts, tests) a plain aligned text table is printed, which avoids rich's
import cost where nobody sees the colours. ``--json`` output goes through
:func:`print_json` and is always plain JSON.
"""

from __future__ import annotations

import sys

# Not ``typing.TYPE_CHECKING``: `zenml integration list` prints through here without importing typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn


def print_json(data: object) -> None:
    """Print ``data`` as indented JSON."""
    import json

    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def print_table(columns: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None) -> None:
    """Print rows under upper-case column headings: a rich table on a terminal, plain text elsewhere.

    Nothing is truncated: long cells wrap (fold) on a terminal and are printed whole elsewhere.
    """
    cells = [["" if value is None else str(value) for value in row] for row in rows]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column.upper(), overflow="fold")  # fold: a URI is copied whole, never cut with "…"
        for row in cells:
            table.add_row(*row)
        Console().print(table)
        return
    widths = [len(column) for column in columns]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(value))
    lines = []
    if title:
        lines.append(title)
    lines.append("  ".join(column.upper().ljust(width) for column, width in zip(columns, widths, strict=True)).rstrip())
    lines.extend(
        "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip() for row in cells
    )
    sys.stdout.write("\n".join(lines) + "\n")


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Print ``Error: message`` to stderr and exit with ``code`` (1: failure, 2: usage error)."""
    import click

    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)
