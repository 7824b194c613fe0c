"""Check requirement strings against the installed distributions and say, in words, what is wrong.

A requirement names a *distribution*, but several distributions can ship the
same import package: ``tensorflow-cpu``, ``tensorflow-macos`` and
``tensorflow-intel`` all install ``import tensorflow``. A requirement on
``tensorflow`` is therefore met by any installed distribution that provides
the ``tensorflow`` import package, and its version is checked against that
distribution's version.

Only :mod:`importlib.metadata` and :mod:`packaging` are used; nothing that a
requirement names is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from packaging.requirements import Requirement

# import package -> other distributions known to ship it (a fast path: any
# other distribution that ships the package is still found, more slowly).
IMPORT_PACKAGE_PROVIDERS: dict[str, tuple[str, ...]] = {
    "tensorflow": (
        "tensorflow-cpu",
        "tensorflow-macos",
        "tensorflow-intel",
        "tensorflow-gpu",
        "tensorflow-rocm",
        "tensorflow-aarch64",
        "intel-tensorflow",
        "tf-nightly",
        "tf-nightly-cpu",
    ),
}

_packages_distributions: Mapping[str, list[str]] | None = None


class Provider:
    """An installed distribution that meets a requirement: its name and version."""

    __slots__ = ("name", "version")

    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version

    def __repr__(self) -> str:
        return f"Provider({self.name!r}, {self.version!r})"


def canonical_name(name: str) -> str:
    """The normalized form of a distribution name (PEP 503): ``Tensorflow_CPU`` -> ``tensorflow-cpu``."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def _installed(name: str) -> Provider | None:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution(name)
    except PackageNotFoundError:
        return None
    metadata = dist.metadata  # parsed once: `.version` would parse it again
    return Provider(canonical_name(metadata["Name"] or name), metadata["Version"])


def _all_providers_of(import_package: str) -> list[str]:
    """Every installed distribution that ships ``import_package`` (scans all distributions once)."""
    global _packages_distributions
    if _packages_distributions is None:
        from importlib.metadata import packages_distributions

        _packages_distributions = packages_distributions()
    return list(_packages_distributions.get(import_package, []))


def clear_cache() -> None:
    """Forget the import package -> distributions map (after installing or uninstalling)."""
    global _packages_distributions
    _packages_distributions = None


def find_provider(name: str) -> Provider | None:
    """The installed distribution that meets a requirement on ``name``, or ``None``.

    That is the distribution ``name`` itself, else one that ships the import
    package of the same name (``tensorflow-cpu`` for ``tensorflow``).
    """
    found = _installed(name)
    if found is not None:
        return found
    key = canonical_name(name)
    for alias in IMPORT_PACKAGE_PROVIDERS.get(key, ()):
        found = _installed(alias)
        if found is not None:
            return found
    for other in _all_providers_of(key.replace("-", "_")):
        found = _installed(other)
        if found is not None:
            return found
    return None


def import_package_of(distribution: str) -> str | None:
    """The import package ``distribution`` is a known provider of (``tensorflow-cpu`` -> ``tensorflow``)."""
    key = canonical_name(distribution)
    for package, aliases in IMPORT_PACKAGE_PROVIDERS.items():
        if key == package or key in aliases:
            return package
    return None


def parse_requirement(text: str) -> Requirement:
    """Parse a PEP 508 requirement; :class:`ValueError` with the reason when it does not parse."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(text)
    except InvalidRequirement as error:
        reason = str(error).splitlines()[0]
        raise ValueError(f"requirement {text!r} does not parse: {reason}") from None


def requirement_problem(text: str, *, _seen: set[str] | None = None) -> str | None:
    """What is wrong with one requirement in this environment, in words; ``None`` when it is met.

    A requirement whose environment marker does not apply here (``; sys_platform == 'win32'`` on
    Linux) is met. The requirements of requested extras (``name[extra]``) are checked too, each
    extra once (extras that require each other do not recurse forever).
    """
    seen: set[str] = set() if _seen is None else _seen
    try:
        requirement = parse_requirement(text)
    except ValueError as error:
        return str(error)
    if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
        return None
    provider = find_provider(requirement.name)
    if provider is None:
        return f"{requirement} wanted, {requirement.name} is not installed"
    origin = "" if provider.name == canonical_name(requirement.name) else f" (from {provider.name})"
    if requirement.specifier and not _version_matches(requirement, provider.version):
        return f"{requirement} wanted, {provider.version} installed{origin}"
    problems = [
        problem
        for extra_requirement in _extra_requirements(provider.name, requirement.extras, seen)
        if (problem := requirement_problem(extra_requirement, _seen=seen)) is not None
    ]
    return "; ".join(problems) or None


def _version_matches(requirement: Requirement, version: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    return requirement.specifier.contains(parsed, prereleases=True)


def _extra_requirements(distribution: str, extras: Iterable[str], seen: set[str]) -> list[str]:
    """The requirements that ``distribution[extras]`` adds, for the extras not in ``seen`` (which it extends)."""
    extras = sorted(extras)
    if not extras:
        return []
    from importlib.metadata import PackageNotFoundError, requires

    wanted = [extra for extra in extras if f"{distribution}[{extra}]" not in seen]
    if not wanted:
        return []
    seen.update(f"{distribution}[{extra}]" for extra in wanted)
    try:
        declared = requires(distribution) or []
    except PackageNotFoundError:
        return []
    result = []
    for line in declared:
        requirement = parse_requirement(line)
        marker = requirement.marker
        if marker is None or not any(marker.evaluate({"extra": extra}) for extra in wanted):
            continue
        requirement.marker = None
        result.append(str(requirement))
    return result


def extras_of_distribution(distribution: str) -> dict[str, list[str]]:
    """Each extra an installed ``distribution`` offers (``Provides-Extra``) and the requirements it adds."""
    from importlib.metadata import metadata

    extras = metadata(distribution).get_all("Provides-Extra") or []
    return {extra: _extra_requirements(distribution, [extra], set()) for extra in extras}


def with_extras(requirements: Iterable[str], extra_requirements: Iterable[str]) -> list[str]:
    """``requirements`` with the requirements of chosen extras in place of those they provide.

    A chosen extra that installs another distribution of an import package replaces the
    requirement on that package: ``tensorflow>=2.16`` becomes ``tensorflow-cpu>=2.16`` for
    zenml-tensorflow's ``cpu`` extra.
    """
    chosen = list(dict.fromkeys(extra_requirements))
    provided = set()
    for line in chosen:
        name = canonical_name(parse_requirement(line).name)
        provided |= {name, import_package_of(name) or name}
    kept = [line for line in requirements if canonical_name(parse_requirement(line).name) not in provided]
    return [*chosen, *(line for line in kept if line not in chosen)]


def check_requirements(requirements: Iterable[str]) -> list[str]:
    """Each problem with ``requirements`` in this environment, one sentence each; empty when all are met.

    Problems are: a requirement that does not parse, a distribution that is not
    installed, an installed version outside the wanted range (naming the
    distribution that provides it when that is another one, such as
    ``tensorflow-cpu`` for ``tensorflow``). Requirements whose marker does not
    apply here are skipped.
    """
    return [problem for text in requirements if (problem := requirement_problem(text)) is not None]


def requirements_of_distribution(distribution: str, *, exclude: Iterable[str] = ()) -> list[str]:
    """The requirements ``distribution`` declares (``Requires-Dist``), as an integration states them.

    Unconditional requirements are kept (with their environment markers).
    Requirements behind extras are optional, except where extras offer
    alternative distributions of one import package (``zenml-tensorflow``'s
    ``tensorflow`` and ``cpu`` extras: ``tensorflow`` or ``tensorflow-cpu``):
    those collapse into one requirement on the import package's own name
    (``tensorflow>=2.16``), which :func:`find_provider` meets with any of them.
    Distributions in ``exclude`` are left out. Raises
    :class:`importlib.metadata.PackageNotFoundError` when ``distribution`` is not installed.
    """
    from importlib.metadata import requires

    return declared_requirements(requires(distribution) or [], exclude=exclude)


def declared_requirements(requires_dist: Iterable[str], *, exclude: Iterable[str] = ()) -> list[str]:
    """:func:`requirements_of_distribution` for ``Requires-Dist`` lines already read from metadata."""
    excluded = {canonical_name(name) for name in exclude}
    result: list[str] = []
    alternatives: dict[str, str] = {}
    for line in requires_dist:
        requirement = parse_requirement(line)
        if canonical_name(requirement.name) in excluded:
            continue
        marker = requirement.marker
        if marker is None or "extra" not in str(marker):
            result.append(str(requirement))
            continue
        package = import_package_of(requirement.name)
        if package is None:
            continue
        requirement.name = package
        requirement.marker = None
        alternatives.setdefault(package, str(requirement))
    result.extend(alternatives.values())
    return result


def core_requirements_of(requires_dist: Iterable[str]) -> list[str]:
    """The ``zenml-core`` requirements among ``Requires-Dist`` lines: those not behind an extra.

    Lines that do not parse are skipped here (:func:`declared_requirements` reports them).
    """
    result = []
    for line in requires_dist:
        try:
            requirement = parse_requirement(line)
        except ValueError:
            continue
        marker = requirement.marker
        if canonical_name(requirement.name) == "zenml-core" and (marker is None or "extra" not in str(marker)):
            result.append(str(requirement))
    return result
