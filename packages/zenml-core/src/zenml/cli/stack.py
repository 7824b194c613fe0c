"""``zenml init``, ``zenml stack ...`` and the component groups (artifact stores, metadata stores, orchestrators).

Flavors are checked after the installed integrations are activated, so an
integration's flavors (``gcp``) are accepted as soon as it is installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from zenml.cli.output import fail, print_json, print_table
from zenml.stack.flavors import ARTIFACT_STORE, METADATA_STORE, ORCHESTRATOR

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager

    from zenml.stack.config import StackConfig

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def _load() -> StackConfig:
    from zenml.stack.config import StackConfig, StackConfigError

    try:
        return StackConfig.load()
    except StackConfigError as error:
        fail(str(error))


def _editing() -> AbstractContextManager[StackConfig]:
    from contextlib import contextmanager

    from zenml.stack.config import StackConfigError, edit_config

    @contextmanager
    def guarded() -> Iterator[StackConfig]:
        try:
            with edit_config() as config:
                yield config
        except StackConfigError as error:
            fail(str(error))

    return guarded()


def _parse_options(options: tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` pairs; values parse as TOML (numbers, booleans, quoted strings) or stay plain strings."""
    from zenml.stack.toml_io import TOMLDecodeError, loads

    parsed: dict[str, Any] = {}
    for option in options:
        key, sep, raw = option.partition("=")
        key = key.strip()
        if not sep or not key or not key.replace("_", "").isalnum():
            fail(f"--option {option!r} must look like key=value (key: letters, digits, '_')", code=2)
        try:
            parsed[key] = loads(f"v = {raw}")["v"]
        except TOMLDecodeError:
            parsed[key] = raw
    return parsed


def _check_flavor(kind: str, name: str, table: dict[str, Any]) -> None:
    """Exit 2 on an unknown flavor or unknown, missing or unusable options; exit 1 if the component cannot be built."""
    from zenml.integrations.registry import activate_integrations
    from zenml.stack.component import InvalidOptionError, MissingOptionsError, UnknownOptionsError
    from zenml.stack.config import StackConfigError
    from zenml.stack.flavors import UnknownFlavorError, flavor_registry
    from zenml.stack.stack import build_component

    activate_integrations()
    try:
        flavor_registry.reference(kind, table["flavor"])
    except UnknownFlavorError as error:
        fail(str(error), code=2)
    try:
        build_component(kind, name, table)
    except MissingOptionsError as error:
        flags = ", ".join("`--path`" if option == "path" else f"`--option {option}=VALUE`" for option in error.missing)
        fail(f"{flags} {'is' if len(error.missing) == 1 else 'are'} required for flavor {table['flavor']}", code=2)
    except (UnknownOptionsError, InvalidOptionError) as error:
        fail(str(error), code=2)
    except (StackConfigError, ValueError) as error:
        fail(str(error))


def _absolute_local_path(path: str) -> str:
    """A local path made absolute (``~`` expanded) so it means the same from any directory; URIs unchanged."""
    import os

    if "://" in path:
        return path
    return os.path.abspath(os.path.expanduser(path))


# -- zenml init ----------------------------------------------------------------------------------


@click.command("init")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False), default=".")
def init(path: str) -> None:
    """Make the existing directory PATH (default: here) a zenml repository, with stacks in PATH/.zen/config.toml."""
    from pathlib import Path

    from zenml.stack.config import CONFIG_FILE, REPO_DIR

    repo = Path(path).resolve() / REPO_DIR
    if repo.is_dir():
        click.echo(f"{repo.parent} is already a zenml repository (config: {repo / CONFIG_FILE}).")
        return
    try:
        repo.mkdir()
    except OSError as error:
        fail(str(error))
    click.echo(f"Initialised a zenml repository in {repo.parent}; stacks will be kept in {repo / CONFIG_FILE}.")


# -- zenml stack ---------------------------------------------------------------------------------


@click.group("stack")
def stack() -> None:
    """Register, list, show and switch stacks."""


@stack.command("list")
@JSON_OPTION
def list_stacks(as_json: bool) -> None:
    """Every stack, and which one is active."""
    config = _load()
    problem = config.missing_active_stack()
    if problem is not None:
        click.echo(f"Warning: {problem}", err=True)
    records = [
        {"name": name, "active": name == config.active_stack, **parts} for name, parts in config.stacks().items()
    ]
    if as_json:
        print_json(records)
        return
    print_table(
        ["active", "name", "artifact store", "metadata store", "orchestrator"],
        [
            ["*" if r["active"] else "", r["name"], r[ARTIFACT_STORE], r[METADATA_STORE], r[ORCHESTRATOR]]
            for r in records
        ],
        title=f"Stacks ({config.path})",
    )


@stack.command("register")
@click.argument("name")
@click.option("-a", "--artifact-store", "artifact_store", required=True, help="Name of a registered artifact store.")
@click.option("-m", "--metadata-store", "metadata_store", required=True, help="Name of a registered metadata store.")
@click.option("-o", "--orchestrator", default="default", show_default=True, help="Name of a registered orchestrator.")
@click.option("--set", "make_active", is_flag=True, help="Make it the active stack.")
def register_stack(name: str, artifact_store: str, metadata_store: str, orchestrator: str, make_active: bool) -> None:
    """Register stack NAME from registered components."""
    from zenml.stack.config import StackConfigError

    parts = {ARTIFACT_STORE: artifact_store, METADATA_STORE: metadata_store, ORCHESTRATOR: orchestrator}
    with _editing() as config:
        for kind, component in parts.items():
            if component not in config.components(kind):
                from zenml.utils.suggestions import unknown_choice

                fail(unknown_choice(kind.replace("_", " "), component, config.components(kind)), code=2)
        try:
            config.add_stack(name, parts)
        except StackConfigError as error:
            fail(str(error))
        if make_active:
            config.set_active_stack(name)
    click.echo(f"Registered stack {name!r}" + (" and made it active." if make_active else "."))


@stack.command("set")
@click.argument("name")
def set_stack(name: str) -> None:
    """Make stack NAME the active stack."""
    with _editing() as config:
        if name not in config.stacks():
            from zenml.utils.suggestions import unknown_choice

            fail(unknown_choice("stack", name, config.stacks()), code=2)
        config.set_active_stack(name)
    click.echo(f"Active stack: {name!r}.")


@stack.command("show")
@click.argument("name", required=False)
@JSON_OPTION
def show_stack(name: str | None, as_json: bool) -> None:
    """Show stack NAME (default: the active stack) and its components."""
    config = _load()
    if name is None:
        problem = config.missing_active_stack()
        if problem is not None:
            fail(problem)
    name = name or config.active_stack
    if name not in config.stacks():
        from zenml.utils.suggestions import unknown_choice

        fail(unknown_choice("stack", name, config.stacks()), code=2)
    parts = config.stack(name)
    components = {kind: {"name": parts[kind], **config.component(kind, parts[kind])} for kind in parts}
    data = {"name": name, "active": name == config.active_stack, "config_file": str(config.path), **components}
    if as_json:
        print_json(data)
        return
    click.echo(f"Stack {name!r}{' (active)' if data['active'] else ''}, from {config.path}")
    rows = []
    for kind, table in components.items():
        options = ", ".join(f"{k}={v}" for k, v in table.items() if k not in ("name", "flavor"))
        rows.append([kind.replace("_", " "), table["name"], table["flavor"], options])
    print_table(["component", "name", "flavor", "options"], rows)


@stack.command("delete")
@click.argument("name")
def delete_stack(name: str) -> None:
    """Delete stack NAME (not the active or the default one). Its components are kept."""
    from zenml.stack.config import StackConfigError

    with _editing() as config:
        if name not in config.stacks():
            from zenml.utils.suggestions import unknown_choice

            fail(unknown_choice("stack", name, config.stacks()), code=2)
        try:
            config.remove_stack(name)
        except StackConfigError as error:
            fail(str(error))
    click.echo(f"Deleted stack {name!r}.")


# -- component groups ----------------------------------------------------------------------------


def _flavor_help(kind: str) -> str:
    """``--flavor`` help: the built-in flavors of ``kind`` and those the official integrations add."""
    from zenml.integrations.catalog import CATALOG
    from zenml.stack.flavors import FlavorRegistry

    choices = [f"{flavor} (built in)" for flavor in FlavorRegistry().flavors(kind)]
    for entry in CATALOG.values():
        choices.extend(f"{flavor} (needs {entry.distribution})" for k, flavor in entry.flavors if k == kind)
    return "Flavor: " + ", ".join(choices) + "."


def _component_group(kind: str, command_name: str, *, path_option: bool) -> click.Group:
    label = kind.replace("_", " ")

    @click.group(command_name, help=f"Register, list and delete {label}s.")
    def group() -> None:
        pass

    def register(name: str, flavor: str, options: tuple[str, ...], path: str | None = None) -> None:
        from zenml.stack.config import StackConfigError

        table: dict[str, Any] = {"flavor": flavor}
        if path is not None:
            table["path"] = path
        table.update(_parse_options(options))
        if isinstance(table.get("path"), str):
            if not table["path"].strip():
                fail("--path must not be empty: give the directory or file where it keeps its data", code=2)
            table["path"] = _absolute_local_path(table["path"])
        _check_flavor(kind, name, table)
        with _editing() as config:
            try:
                config.add_component(kind, name, table)
            except StackConfigError as error:
                fail(str(error))
        click.echo(f"Registered {label} {name!r} ({flavor}).")

    # click lists options in the reverse order of decoration: --flavor, --path, --option
    command = click.option(
        "--option", "options", multiple=True, metavar="KEY=VALUE", help="Another option (repeatable)."
    )(register)
    if path_option:  # orchestrators keep no data: no --path to offer
        command = click.option("--path", "-p", help="Where it keeps its data (a directory, file or URI).")(command)
    command = click.option("--flavor", "-f", required=True, help=_flavor_help(kind))(command)
    command = click.argument("name")(command)
    group.command("register", help=f"Register {label} NAME of the flavor given with --flavor.")(command)

    @group.command("list", help=f"Every registered {label}.")
    @JSON_OPTION
    def list_components(as_json: bool) -> None:
        config = _load()
        records = [{"name": name, **table} for name, table in config.components(kind).items()]
        if as_json:
            print_json(records)
            return
        rows = [
            [
                r["name"],
                r["flavor"],
                ", ".join(f"{k}={v}" for k, v in r.items() if k not in ("name", "flavor")),
            ]
            for r in records
        ]
        print_table(["name", "flavor", "options"], rows, title=f"{label.capitalize()}s ({config.path})")

    @group.command("delete", help=f"Delete {label} NAME (not while a stack uses it).")
    @click.argument("name")
    def delete(name: str) -> None:
        from zenml.stack.config import StackConfigError

        with _editing() as config:
            if name not in config.components(kind):
                from zenml.utils.suggestions import unknown_choice

                fail(unknown_choice(label, name, config.components(kind)), code=2)
            try:
                config.remove_component(kind, name)
            except StackConfigError as error:
                fail(str(error))
        click.echo(f"Deleted {label} {name!r}.")

    return group


artifact_store = _component_group(ARTIFACT_STORE, "artifact-store", path_option=True)
metadata_store = _component_group(METADATA_STORE, "metadata-store", path_option=True)
orchestrator = _component_group(ORCHESTRATOR, "orchestrator", path_option=False)
