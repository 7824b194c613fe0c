"""The monorepo's packages, discovered from ``packages/*/pyproject.toml`` (standard library only).

Every tool (the noxfile, ``dev.py sync`` and ``new-integration``, the CI plan, the release
script, the packaging tests) asks this module instead of keeping its own list. A package
describes itself in its own ``pyproject.toml``:

- PEP 621 ``[project]``: the distribution name (the folder's name), dependencies, and for an
  integration exactly one entry point in the group ``zenml.integrations`` (its name is the
  integration's name);
- ``[tool.hatch.version] path``: the ``__about__.py`` holding ``__version__``;
- PEP 735 ``[dependency-groups] test``: what its tests need besides the packages themselves;
- ``[tool.zenml]``: what core's catalog and extras say about an integration before it is
  installed, and how its tests run (see :class:`Package`).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the dev venv and nox sessions on 3.10 carry tomli
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
CORE = "zenml-core"
ENTRY_POINT_GROUP = "zenml.integrations"
_VERSION = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class PackageError(Exception):
    """A package's ``pyproject.toml`` does not say what the tooling needs; the message says what to fix."""


@dataclass(frozen=True)
class Package:
    """One distribution under ``packages/``, as its ``pyproject.toml`` declares it.

    ``[tool.zenml]`` keys (all optional):

    - ``summary``: one line for ``zenml integration list`` (default: ``project.description``);
    - ``flavors``: ``["artifact_store:gcp", ...]``, the stack component flavors it adds;
    - ``type-packages``: top-level packages whose types it materializes (``["tensorflow", "keras"]``);
    - ``default-extra``: the extra ``zenml integration install`` picks when the heavy library
      comes in several distributions (zenml-tensorflow: ``"tensorflow"``);
    - ``core-extras``: ``{core extra: [this package's extras]}``, the extras of zenml-core that
      install it (default ``{NAME = []}``: ``pip install "zenml-core[NAME]"``);
    - ``ci-extra``: the one of those that install checks and the release rehearsal use
      (default: the first; zenml-tensorflow: ``"tensorflow-cpu"``);
    - ``commands``: ``{name = {reference = "module:command", help = "one line"}}``, the ``zenml``
      subcommands it adds (the same as the class's ``COMMANDS``), listed by ``zenml --help``
      once it is installed, and named with the package to install before.

    ``[tool.zenml.tests]`` keys (all optional):

    - ``pythons``: the Pythons its ``tests-NAME`` sessions run on (default: all supported);
      tests marked ``e2e`` run on the main Python only, whatever this says;
    - ``ci-setup``: a script (relative to the package) that ``.ci/run`` runs before the checks,
      for what pip cannot install (a browser, say); it must be idempotent and fast when done.
    """

    distribution: str
    path: Path
    name: str  # "core", or the integration's entry-point name
    entry_point: str  # "module:Class", empty for core
    version_file: Path
    dependencies: tuple[str, ...]
    extras: tuple[str, ...]
    summary: str
    flavors: tuple[tuple[str, str], ...]
    type_packages: tuple[str, ...]
    default_extra: str
    core_extras: tuple[tuple[str, tuple[str, ...]], ...]
    ci_extra: str
    test_pythons: tuple[str, ...]
    ci_setup: Path | None
    commands: tuple[tuple[str, str, str], ...] = ()  # (zenml subcommand, "module:command", one-line help)

    @property
    def is_core(self) -> bool:
        return self.distribution == CORE

    @property
    def pyproject(self) -> Path:
        return self.path / "pyproject.toml"

    @property
    def relpath(self) -> str:
        """The folder relative to the repository root, with ``/`` (``packages/zenml-gcp``)."""
        return self.path.relative_to(self.path.parents[1]).as_posix()

    @property
    def import_path(self) -> str:
        return "zenml" if self.is_core else f"zenml.integrations.{self.name}"

    @property
    def subtree(self) -> str:
        """The package's directory inside a wheel (``zenml/integrations/gcp``)."""
        return self.import_path.replace(".", "/")

    @property
    def class_name(self) -> str:
        return self.entry_point.rpartition(":")[2]

    @property
    def version(self) -> str:
        """``__version__`` in the package's ``__about__.py``, read as text (as hatch reads it)."""
        match = _VERSION.search(self.version_file.read_text(encoding="utf-8"))
        if not match:
            raise PackageError(f'{self.version_file}: no `__version__ = "..."` line')
        return match.group(1)

    @property
    def sibling_dependencies(self) -> tuple[str, ...]:
        """The other packages of this repository that this one needs (its base dependencies only)."""
        return tuple(name for name in map(requirement_name, self.dependencies) if name.startswith("zenml-"))


def requirement_name(requirement: str) -> str:
    """The normalized distribution name of a PEP 508 requirement string (``Google_Cloud-Storage>=2`` -> ...)."""
    match = _REQUIREMENT_NAME.match(requirement)
    if not match:
        raise PackageError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PackageError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def _text(table: dict[str, Any], key: str, where: str, default: str = "") -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise PackageError(f"{where}: `{key}` must be a string")
    return value


def parse_toml(text: str, where: Path) -> dict[str, Any]:
    """TOML ``text`` (read from ``where``) as a dict; :class:`PackageError` when it does not parse."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PackageError(f"{where}: {error}") from error


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's content; :class:`PackageError` when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PackageError(f"{path}: {error}") from error
    return parse_toml(text, path)


def load(path: Path) -> Package:
    """Read one package folder's ``pyproject.toml``; raise :class:`PackageError` saying what is wrong."""
    pyproject = path / "pyproject.toml"
    data = read_toml(pyproject)
    project = data.get("project", {})
    distribution = _text(project, "name", f"{pyproject} [project]")
    if distribution != path.name:
        raise PackageError(
            f"{pyproject}: [project] name is {distribution!r}; it must be the folder's name {path.name!r}"
        )
    tool = data.get("tool", {})
    zenml = tool.get("zenml", {})
    tests = zenml.get("tests", {})
    where = f"{pyproject} [tool.zenml]"
    points = project.get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
    if distribution == CORE:
        name, entry_point = "core", ""
    elif len(points) != 1:
        raise PackageError(
            f"{pyproject}: an integration declares exactly one entry point in "
            f'[project.entry-points."{ENTRY_POINT_GROUP}"], found {sorted(points)}'
        )
    else:
        ((name, entry_point),) = points.items()
    version_path = tool.get("hatch", {}).get("version", {}).get("path")
    if not isinstance(version_path, str):
        raise PackageError(f"{pyproject}: [tool.hatch.version] path (the __about__.py) is missing")
    flavors = []
    for flavor in _strings(zenml, "flavors", where):
        component, _, flavor_name = flavor.partition(":")
        if not component or not flavor_name:
            raise PackageError(f"{where}: flavor {flavor!r} must read 'component_type:flavor'")
        flavors.append((component, flavor_name))
    core_extras = zenml.get("core-extras", {name: []} if distribution != CORE else {})
    if not isinstance(core_extras, dict):
        raise PackageError(f"{where}: `core-extras` must be a table {{core extra = [extras of this package]}}")
    ci_extra = _text(zenml, "ci-extra", where, next(iter(core_extras), ""))
    if ci_extra and ci_extra not in core_extras:
        raise PackageError(f"{where}: ci-extra {ci_extra!r} is not one of core-extras {sorted(core_extras)}")
    pythons = _strings(tests, "pythons", f"{where}.tests") or PYTHONS
    unknown = sorted(set(pythons) - set(PYTHONS))
    if unknown:
        raise PackageError(f"{where}.tests: pythons {unknown} are not supported ({', '.join(PYTHONS)})")
    setup = _text(tests, "ci-setup", f"{where}.tests")
    commands = _commands(zenml.get("commands", {}), f"{where}.commands", f"zenml.integrations.{name}")
    return Package(
        distribution=distribution,
        path=path,
        name=name,
        entry_point=entry_point,
        version_file=path / version_path,
        dependencies=_strings(project, "dependencies", f"{pyproject} [project]"),
        extras=tuple(project.get("optional-dependencies", {})),
        summary=_text(zenml, "summary", where, _text(project, "description", f"{pyproject} [project]")),
        flavors=tuple(flavors),
        type_packages=_strings(zenml, "type-packages", where),
        default_extra=_text(zenml, "default-extra", where),
        core_extras=tuple((extra, _strings(core_extras, extra, f"{where} core-extras")) for extra in core_extras),
        ci_extra=ci_extra,
        test_pythons=tuple(version for version in PYTHONS if version in pythons),
        ci_setup=path / setup if setup else None,
        commands=commands,
    )


_COMMAND = re.compile(r"[a-z][a-z0-9-]*")


def _commands(table: object, where: str, module: str) -> tuple[tuple[str, str, str], ...]:
    """``[tool.zenml.commands]`` as (name, reference, help); each reference lies in the integration's package."""
    if not isinstance(table, dict):
        raise PackageError(f"{where} must be a table {{name = {{reference = ..., help = ...}}}}")
    commands = []
    for name, spec in table.items():
        if not _COMMAND.fullmatch(name):
            raise PackageError(f"{where}: command name {name!r} must be lowercase letters, digits and '-'")
        if not isinstance(spec, dict) or set(spec) != {"reference", "help"}:
            raise PackageError(f'{where}.{name} must be {{reference = "module:command", help = "one line"}}')
        reference, help_text = _text(spec, "reference", f"{where}.{name}"), _text(spec, "help", f"{where}.{name}")
        if not reference.startswith(f"{module}.") or ":" not in reference:
            raise PackageError(f"{where}.{name}: reference {reference!r} must be '{module}.<module>:<command>'")
        if not help_text.strip() or "\n" in help_text:
            raise PackageError(f"{where}.{name}: help must be one non-empty line")
        commands.append((name, reference, help_text))
    return tuple(commands)


def discover(root: Path = ROOT) -> list[Package]:
    """Every package under ``root/packages``, zenml-core first, then by name."""
    folders = sorted(path.parent for path in (root / "packages").glob("*/pyproject.toml"))
    packages = [load(folder) for folder in folders]
    if not any(package.is_core for package in packages):
        raise PackageError(f"{root / 'packages'}: no zenml-core package found")
    names = [package.name for package in packages]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise PackageError(f"several packages declare the integration name(s) {duplicates}")
    return sorted(packages, key=lambda package: (not package.is_core, package.name))


def by_name(packages: list[Package]) -> dict[str, Package]:
    """Short name (``core``, ``gcp``) -> package."""
    return {package.name: package for package in packages}


def dependents(packages: list[Package], changed: set[str]) -> set[str]:
    """The short names in ``changed`` plus every package that depends on one of them, transitively."""
    by_distribution = {package.distribution: package.name for package in packages}
    result = set(changed)
    grew = True
    while grew:
        grew = False
        for package in packages:
            needs = {by_distribution.get(name) for name in package.sibling_dependencies}
            if package.name not in result and needs & result:
                result.add(package.name)
                grew = True
    return result
