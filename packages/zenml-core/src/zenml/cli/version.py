"""``zenml version``: the version of zenml, as ZenML's command prints it (``version: X.Y.Z``)."""

from __future__ import annotations

import click

from zenml.cli.commands import version_line


@click.command("version")
def version() -> None:
    """Show the version of zenml (`zenml --version` prints it too)."""
    click.echo(version_line())
