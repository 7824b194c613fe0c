"""The ``zenml`` click group: subcommands are imported only when they are used.

Kept apart from :mod:`zenml.cli.main` so that ``zenml --help`` and
``zenml --version`` can answer without importing click at all; both read the
command table from :mod:`zenml.cli.commands`.
"""

from __future__ import annotations

from typing import Any

import click

from zenml.cli.commands import COMMANDS, HELP


class LazyGroup(click.Group):
    """A click group that imports a subcommand only when it is used."""

    def __init__(self, *args: Any, lazy_commands: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        spec = self.lazy_commands.get(cmd_name) or self._contributed(cmd_name)
        if spec is None:
            return None
        from zenml.utils.imports import import_reference

        command = import_reference(spec[0])
        if not isinstance(command, click.Command):
            raise TypeError(f"{spec[0]} is not a click command")
        self.add_command(command, cmd_name)
        return command

    @staticmethod
    def _contributed(cmd_name: str) -> tuple[str, str] | None:
        """A command that an activated integration's class declares (one outside core's catalog)."""
        from zenml.cli.integration_commands import activated_commands

        return activated_commands().get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.lazy_commands[name][1]) for name in sorted(self.lazy_commands)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a failure the user must fix becomes ``Error: ...`` and exit status 1."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # the reader of stdout left (`| head -1`): not an error, and nothing to print
            from zenml.cli.broken_pipe import exit_on_broken_pipe

            exit_on_broken_pipe()
        except Exception as error:
            from zenml.cli.user_errors import user_error_message

            message = user_error_message(error)
            if message is None:
                raise
            raise click.ClickException(message) from error

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the group's own options; ``zenml --help | head -1`` also ends quietly (see :meth:`invoke`)."""
        try:
            return super().parse_args(ctx, args)
        except BrokenPipeError:
            from zenml.cli.broken_pipe import exit_on_broken_pipe

            exit_on_broken_pipe()

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = click.utils.make_str(args[0]) if args else ""
        if name and not name.startswith("-") and name not in self.lazy_commands and name not in self.commands:
            from zenml.cli.integration_commands import install_hint, not_installed

            entry = not_installed(name)
            if entry is not None:
                raise click.UsageError(install_hint(name, entry), ctx)
            if self._contributed(name) is None:
                from zenml.utils.suggestions import unknown_choice

                raise click.UsageError(unknown_choice("command", name, self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)


def _version() -> str:
    from zenml.__about__ import __version__

    return __version__


def _commands() -> dict[str, tuple[str, str]]:
    from zenml.cli.integration_commands import installed_commands

    return installed_commands(COMMANDS)


@click.group(
    cls=LazyGroup,
    lazy_commands=_commands(),
    help=HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(_version(), "--version", "-V", prog_name="zenml", message="%(prog)s %(version)s")
def cli() -> None:
    """The ``zenml`` command (its help text is ``HELP``, shared with the click-free fast path)."""
