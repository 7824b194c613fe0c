"""``zenml integration``: list, show, check, install and uninstall integrations.

``list`` imports no integration and none of their requirements: it reads the
activation cache (:mod:`zenml.integrations.activation_cache`), and package
metadata only when that is stale. ``show`` imports the one integration asked for (which is
light by contract) to report what it registers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from zenml.cli.output import fail, print_json

if TYPE_CHECKING:
    from collections.abc import Mapping

    from zenml.integrations.catalog import CatalogEntry
    from zenml.integrations.install_source import InstallSource
    from zenml.integrations.integration import Integration
    from zenml.integrations.registry import InstalledIntegration


def _known() -> dict[str, tuple[CatalogEntry | None, InstalledIntegration | None]]:
    from zenml.integrations.registry import integration_registry

    return integration_registry.known()


def _check_names(names: tuple[str, ...], known: Mapping[str, object]) -> None:
    """Exit 2 naming the known integrations and the closest match when a name is unknown."""
    from zenml.utils.suggestions import unknown_choice

    for name in names:
        if name not in known:
            fail(unknown_choice("integration", name, known), code=2)


def _load(name: str) -> type[Integration]:
    from zenml.exceptions import IntegrationError
    from zenml.integrations.registry import integration_registry

    try:
        return integration_registry.get(name)
    except IntegrationError as error:
        fail(str(error))


@click.group("integration")
def integration() -> None:
    """List, check, install and uninstall integrations."""


@integration.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_integrations(as_json: bool) -> None:
    """Every known integration: installed or not, its version, and whether it is usable."""
    from zenml.cli.integration_list import listing, print_listing

    print_listing(listing(), as_json=as_json)


@integration.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def show(name: str, as_json: bool) -> None:
    """Requirements and their status, entry point, and the components an integration registers."""
    known = _known()
    _check_names((name,), known)
    entry, installed = known[name]
    record: dict[str, object] = {
        "name": name,
        "distribution": installed.distribution if installed else entry.distribution if entry else None,
        "installed": installed is not None,
        "version": installed.version if installed else None,
        "summary": entry.summary if entry else "",
        "entry_point": installed.entry_point if installed else None,
        "extras": _extras_offered(entry, installed),
    }
    if installed is None:
        assert entry is not None
        record.update(
            usable=False,
            problems=[f"not installed: run `zenml integration install {name}`"],
            requirements=[{"requirement": entry.install_requirement(), "problem": "not installed"}],
            flavors=[{"component_type": kind, "flavor": flavor, "reference": None} for kind, flavor in entry.flavors],
            materializers=[{"reference": None, "types": [f"{package}:*" for package in entry.type_packages]}]
            if entry.type_packages
            else [],
        )
    else:
        cls = _load(name)
        status = cls.requirement_status()
        problems = [problem for _, problem in status if problem]
        record.update(
            usable=not problems,
            problems=problems,
            requirements=[{"requirement": text, "problem": problem} for text, problem in status],
            flavors=[
                {"component_type": kind, "flavor": flavor, "reference": reference}
                for (kind, flavor), reference in sorted(cls.FLAVORS.items())
            ],
            materializers=[
                {"reference": reference, "types": list(types)} for reference, types in sorted(cls.MATERIALIZERS.items())
            ],
        )
    if as_json:
        print_json(record)
        return
    _print_show(record)


def _print_show(record: dict[str, object]) -> None:
    lines = [f"{record['name']}: {record['summary']}".rstrip(": ")]
    version = record["version"] or "not installed"
    lines.append(f"  distribution: {record['distribution']} ({version})")
    if record["entry_point"]:
        lines.append(f"  entry point:  {record['name']} = {record['entry_point']}")
    lines.append(f"  usable:       {'yes' if record['usable'] else 'no'}")
    lines.append("  requirements:")
    for requirement in record["requirements"]:  # type: ignore[attr-defined]
        lines.append(f"    {requirement['requirement']}: {requirement['problem'] or 'ok'}")
    extras = record["extras"]
    if extras:
        lines.append(f"  extras (zenml integration install {record['name']}[EXTRA]):")
        for extra, requirements in extras.items():  # type: ignore[attr-defined]
            lines.append(f"    {extra}: {', '.join(requirements) or 'nothing more'}")
    flavors = record["flavors"]
    if flavors:
        lines.append("  flavors:")
        for flavor in flavors:  # type: ignore[attr-defined]
            target = f" -> {flavor['reference']}" if flavor["reference"] else ""
            lines.append(f"    {flavor['component_type']} {flavor['flavor']}{target}")
    materializers = record["materializers"]
    if materializers:
        lines.append("  materializers (imported when a step sees one of these types):")
        for item in materializers:  # type: ignore[attr-defined]
            target = f" -> {item['reference']}" if item["reference"] else ""
            lines.append(f"    {', '.join(item['types'])}{target}")
    click.echo("\n".join(lines))


def _extras_offered(entry: CatalogEntry | None, installed: InstalledIntegration | None) -> dict[str, list[str]]:
    """The extras an integration's distribution offers and what each installs (metadata when installed)."""
    if installed is not None:
        from importlib.metadata import PackageNotFoundError

        from zenml.integrations.requirements import extras_of_distribution

        try:
            return extras_of_distribution(installed.distribution)
        except PackageNotFoundError:  # pragma: no cover - uninstalled while running
            return {}
    return {extra: list(lines) for extra, lines in entry.extras.items()} if entry else {}


def _with_extras(
    names: tuple[str, ...], known: dict[str, tuple[CatalogEntry | None, InstalledIntegration | None]]
) -> list[tuple[str, tuple[str, ...]]]:
    """``NAME`` or ``NAME[EXTRA,...]`` arguments as (name, extras); exit 2 on an unknown name or extra."""
    import re

    parsed = []
    for argument in names:
        match = re.fullmatch(r"\s*([^\[\]\s]+)\s*(?:\[([^\[\]]*)\])?\s*", argument)
        name, listed = (match.group(1), match.group(2) or "") if match else (argument, "")
        _check_names((name,), known)
        extras = tuple(dict.fromkeys(extra.strip() for extra in listed.split(",") if extra.strip()))
        if extras:
            offered = _extras_offered(*known[name])
            unknown = [extra for extra in extras if extra not in offered]
            if unknown:
                choices = ", ".join(f"{name}[{extra}]" for extra in offered) or "none"
                fail(f"integration {name!r} has no extra {unknown[0]!r}; its extras: {choices}", code=2)
        parsed.append((name, extras))
    return parsed


def _explain_extras(name: str, offered: dict[str, list[str]], default: str) -> None:
    """Tell a person (on stderr, so that `pip install $(...)` reads only requirements) which extras there are."""
    width = max(len(f"{name}[{extra}]") for extra in offered)
    click.echo(f"# {name} offers a choice: zenml integration install {name}[EXTRA] picks one", err=True)
    for extra, lines in offered.items():
        chosen = "  (the default)" if extra == default else ""
        click.echo(f"#   {f'{name}[{extra}]':<{width}}  {', '.join(lines) or 'nothing more'}{chosen}", err=True)


@integration.command("requirements")
@click.argument("names", nargs=-1, required=True)
def requirements(names: tuple[str, ...]) -> None:
    """The requirement lines of integrations, one per line, for pip.

    For an installed integration these are its requirements; for one that is
    not installed, its distribution. NAME[EXTRA] chooses one of the extras an
    integration offers (tensorflow[cpu]: tensorflow-cpu); without one, the
    choices are listed on stderr. Example:

    \b
      pip install $(zenml integration requirements tensorflow[cpu])
    """
    known = _known()
    from zenml.integrations.registry import integration_registry
    from zenml.integrations.requirements import with_extras

    lines: list[str] = []
    for name, extras in _with_extras(names, known):
        entry, installed = known[name]
        offered = _extras_offered(entry, installed)
        if not extras:
            new = integration_registry.select_integration_requirements(name)
            if len(offered) > 1:
                _explain_extras(name, offered, entry.default_extra if entry else "")
        elif installed is None:
            assert entry is not None
            new = [entry.install_requirement(extras=extras)]
        else:
            cls = _load(name)
            chosen = [line for extra in extras for line in offered[extra]]
            new = [*with_extras(cls.get_requirements(), chosen), *cls.core_requirements()]
        lines.extend(line for line in new if line not in lines)
    click.echo("\n".join(lines))


def _install_arguments(
    wanted: list[tuple[str, tuple[str, ...]]],
    known: dict[str, tuple[CatalogEntry | None, InstalledIntegration | None]],
) -> tuple[list[str], list[tuple[str, InstallSource]]]:
    """Installer arguments for ``wanted``, and each distribution taken from a source with that source.

    An integration that is not installed comes from where zenml-core came from; an installed one
    gets its missing requirements (those of the extras asked for: tensorflow[cpu] brings tensorflow-cpu).
    """
    from zenml.integrations.install_source import source_for
    from zenml.integrations.requirements import canonical_name, find_provider, parse_requirement, requirement_problem

    arguments: list[str] = []
    origins: list[tuple[str, InstallSource]] = []
    for name, extras in wanted:
        entry, installed = known[name]
        if installed is None:
            assert entry is not None
            chosen = extras or (
                (entry.default_extra,) if entry.default_extra and not find_provider(entry.default_extra) else ()
            )
            source = source_for(entry.distribution)
            _extend(arguments, source.arguments(entry.distribution, chosen))
            origins.append((entry.install_requirement(extras=chosen, with_extra=False), source))
            continue
        if extras:
            wanted_text = f"{installed.distribution}[{','.join(extras)}]"
            if requirement_problem(wanted_text) is None:
                click.echo(f"{name}: {wanted_text} {installed.version} is installed and usable; nothing to do.")
                continue
            source = source_for(installed.distribution)
            _extend(arguments, source.arguments(installed.distribution, extras, version=installed.version))
            origins.append((wanted_text, source))
            continue
        cls = _load(name)
        missing = [text for text, problem in cls.requirement_status() if problem]
        if not missing:
            click.echo(f"{name}: {installed.distribution} {installed.version} is installed and usable; nothing to do.")
            continue
        core_ranges = list(
            dict.fromkeys(text for text in missing if canonical_name(parse_requirement(text).name) == "zenml-core")
        )
        if core_ranges:
            fail(_core_conflict(name, installed, core_ranges))
        for text in missing:
            # Upgrade the distribution that provides the package (tensorflow-cpu), not a rival one.
            requirement = parse_requirement(text)
            provider = find_provider(requirement.name)
            if provider is not None and provider.name != canonical_name(requirement.name):
                requirement.name = provider.name
            if str(requirement) not in arguments:
                arguments.append(str(requirement))
    return arguments, origins


def _extend(arguments: list[str], new: list[str]) -> None:
    """Add installer arguments, leaving out a ``--find-links DIR`` that is there already."""
    if new[:1] == ["--find-links"] and any(arguments[i : i + 2] == new[:2] for i in range(len(arguments))):
        new = new[2:]
    arguments.extend(new)


def _core_conflict(name: str, installed: InstalledIntegration, core_ranges: list[str]) -> str:
    """Why an installed integration that needs another zenml-core cannot be fixed here, and the ways out."""
    from importlib.metadata import version

    core = version("zenml-core")
    wanted = " and ".join(core_ranges)
    return (
        f"{name}: {installed.distribution} {installed.version} supports {wanted}, but zenml-core {core} is "
        "installed, and `zenml integration install` never changes zenml-core. Either install the newest "
        f"{installed.distribution} that supports zenml-core {core}: "
        f'pip install "{installed.distribution}" "zenml-core=={core}" (or the same with `uv pip install`), '
        f'or move zenml-core into that range once such a release exists: pip install "{core_ranges[0]}".'
    )


@integration.command("install")
@click.argument("names", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Only show what would change.")
def install(names: tuple[str, ...], yes: bool, dry_run: bool) -> None:
    """Install integrations (and their requirements) into this interpreter's environment.

    An integration comes from where zenml-core came from: the same checkout (editable if
    zenml-core is), the same wheel directory, the same git commit, or the package index.
    NAME[EXTRA] picks one of its extras: `zenml integration install tensorflow[cpu]`.
    """
    from zenml.integrations.index_settings import index_description
    from zenml.integrations.installer import Installer, InstallerError

    known = _known()
    wanted = _with_extras(names, known)
    arguments, origins = _install_arguments(wanted, known)
    if not arguments:
        return
    try:
        installer = Installer()
        index = index_description(installer.tool, installer.python)
        for requirement, source in origins:  # where zenml-core came from: say where that is
            click.echo(f"Installing {requirement} from {source.describe(index)}")
        click.echo(f"Resolving: {installer.describe('install', arguments)}")
        changes = installer.preview_install(arguments)
    except InstallerError as error:
        fail(str(error))
    click.echo("Would change:" if changes else "Nothing to change: the requirements are already met.")
    for line in changes:
        click.echo(f"  {line}")
    if dry_run or not changes:
        return
    if not yes and not click.confirm("Proceed?", default=False):
        fail("aborted; nothing was changed.")
    try:
        installer.install(arguments)
        conflicts = installer.check()
    except InstallerError as error:
        fail(str(error))
    if conflicts:
        fail("installed, but the environment now has dependency conflicts:\n  " + "\n  ".join(conflicts))
    click.echo(f"Installed: {', '.join(names)}.")


@integration.command("uninstall")
@click.argument("names", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def uninstall(names: tuple[str, ...], yes: bool) -> None:
    """Uninstall integrations' distributions (their requirements, such as tensorflow, stay installed)."""
    from zenml.integrations.installer import Installer, InstallerError

    known = _known()
    _check_names(names, known)
    targets = []
    for name in names:
        installed = known[name][1]
        if installed is None:
            click.echo(f"{name}: not installed; nothing to do.")
        elif installed.distribution not in targets:
            targets.append(installed.distribution)
    if not targets:
        return
    click.echo("Would uninstall:")
    for name in names:
        installed = known[name][1]
        if installed is not None:
            click.echo(f"  - {installed.distribution}=={installed.version}")
    if not yes and not click.confirm("Proceed?", default=False):
        fail("aborted; nothing was changed.")
    try:
        Installer().uninstall(targets)
    except InstallerError as error:
        fail(str(error))
    click.echo(f"Uninstalled: {', '.join(targets)}.")
