"""``zenml integration``: list, show, check, install and uninstall integrations.

``list`` reads package metadata only: it imports no integration and none of
their requirements. ``show`` imports the one integration asked for (which is
light by contract) to report what it registers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from zenml.cli.output import fail, print_json, print_table

if TYPE_CHECKING:
    from collections.abc import Mapping

    from zenml.integrations.catalog import CatalogEntry
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
    records = []
    for name, (entry, installed) in _known().items():
        problems = installed.problems() if installed is not None else []
        records.append(
            {
                "name": name,
                "distribution": installed.distribution if installed else entry.distribution if entry else None,
                "installed": installed is not None,
                "version": installed.version if installed else None,
                "usable": installed is not None and not problems,
                "problems": problems,
                "summary": entry.summary if entry else "",
                "entry_point": installed.entry_point if installed else None,
            }
        )
    if as_json:
        print_json(records)
        return
    rows = []
    for record in records:
        if not record["installed"]:
            status = f"not installed: zenml integration install {record['name']}"
        elif record["problems"]:
            status = "not usable: " + "; ".join(record["problems"])  # type: ignore[arg-type]
        else:
            status = "usable"
        rows.append((record["name"], record["distribution"], record["version"] or "-", status))
    print_table(("integration", "distribution", "version", "status"), rows)


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


@integration.command("requirements")
@click.argument("names", nargs=-1, required=True)
def requirements(names: tuple[str, ...]) -> None:
    """The requirement lines of integrations, one per line, for pip.

    For an installed integration these are its requirements; for one that is
    not installed, its distribution. Example:

    \b
      pip install $(zenml integration requirements tensorflow)
    """
    known = _known()
    _check_names(names, known)
    from zenml.integrations.registry import integration_registry

    lines: list[str] = []
    for name in names:
        new = integration_registry.select_integration_requirements(name)
        lines.extend(line for line in new if line not in lines)
    click.echo("\n".join(lines))


def _install_targets(
    names: tuple[str, ...], known: dict[str, tuple[CatalogEntry | None, InstalledIntegration | None]]
) -> list[str]:
    """What to install for ``names``: missing requirements of installed ones, distributions of the others."""
    from zenml.integrations.installer import local_source
    from zenml.integrations.requirements import canonical_name, find_provider, parse_requirement

    targets: list[str] = []
    for name in names:
        entry, installed = known[name]
        if installed is None:
            assert entry is not None
            with_extra = not (entry.default_extra and find_provider(entry.default_extra))
            source = local_source(entry.distribution)
            if source is not None:
                extra = f"[{entry.default_extra}]" if with_extra and entry.default_extra else ""
                targets.append(f"{source}{extra}")
            else:
                targets.append(entry.install_requirement(with_extra=with_extra))
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
            if str(requirement) not in targets:
                targets.append(str(requirement))
    return targets


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
    """Install integrations (and their requirements) into this interpreter's environment."""
    from zenml.integrations.installer import Installer, InstallerError

    known = _known()
    _check_names(names, known)
    targets = _install_targets(names, known)
    if not targets:
        return
    try:
        installer = Installer()
        click.echo(f"Resolving: {installer.describe('install', targets)}")
        changes = installer.preview_install(targets)
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
        installer.install(targets)
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
