"""The official integrations, known to core before any of them is installed.

The catalog lets the CLI list and install integrations that are not
installed yet, and lets error messages name the integration that handles a
type or a flavor. Its entries are generated from each integration's
``[tool.zenml]`` table (``python3 dev.py sync`` writes ``_catalog_data.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zenml.integrations._catalog_data import OFFICIAL

if TYPE_CHECKING:
    from typing import Any


class CatalogEntry:
    """One official integration: its name, distribution, summary and what it provides."""

    __slots__ = ("commands", "default_extra", "distribution", "flavors", "name", "summary", "type_packages")

    def __init__(
        self,
        name: str,
        distribution: str,
        summary: str,
        *,
        flavors: tuple[tuple[str, str], ...] = (),
        type_packages: tuple[str, ...] = (),
        default_extra: str = "",
        commands: tuple[tuple[str, str, str], ...] = (),
    ) -> None:
        self.name = name
        self.distribution = distribution
        self.summary = summary
        self.flavors = flavors  # (component type, flavor name)
        self.type_packages = type_packages  # top-level packages whose types it materializes
        # The extra that brings the heavy library, when the distribution offers a choice
        # (zenml-tensorflow: `tensorflow` or `cpu`). It is also the import package's name:
        # the installer leaves the extra out when some distribution already provides it.
        self.default_extra = default_extra
        self.commands = commands  # (zenml subcommand, "module:command", one-line help)

    def install_requirement(self, *, with_extra: bool = True) -> str:
        """What to give pip: ``zenml-tensorflow[tensorflow]``, or the bare distribution name."""
        if with_extra and self.default_extra:
            return f"{self.distribution}[{self.default_extra}]"
        return self.distribution

    def __repr__(self) -> str:
        return f"CatalogEntry({self.name!r}, {self.distribution!r})"


CATALOG: dict[str, CatalogEntry] = {
    name: CatalogEntry(
        name, distribution, summary, flavors=flavors, type_packages=types, default_extra=extra, commands=commands
    )
    for name, distribution, summary, flavors, types, extra, commands in OFFICIAL
}


def integration_for_flavor(component_type: str, flavor: str) -> CatalogEntry | None:
    """The official integration that provides a flavor, if any."""
    for entry in CATALOG.values():
        if (component_type, flavor) in entry.flavors:
            return entry
    return None


def integration_for_type(data_type: Any) -> CatalogEntry | None:
    """The official integration that materializes ``data_type``, judged by its package."""
    for klass in getattr(data_type, "__mro__", (data_type,)):
        package = (getattr(klass, "__module__", "") or "").partition(".")[0]
        for entry in CATALOG.values():
            if package in entry.type_packages:
                return entry
    return None
