"""Flavors: which class implements each kind of stack component, by reference.

Integrations register their flavors as ``"module:Class"`` strings when they
are activated, so that nothing is imported until a stack actually uses one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager

    from zenml.stack.component import StackComponent

ARTIFACT_STORE = "artifact_store"
METADATA_STORE = "metadata_store"
ORCHESTRATOR = "orchestrator"
COMPONENT_TYPES = (ARTIFACT_STORE, METADATA_STORE, ORCHESTRATOR)


class UnknownFlavorError(LookupError):
    """A stack names a flavor that no installed integration provides."""


class FlavorRegistry:
    """Maps (component type, flavor name) to a ``"module:Class"`` reference."""

    def __init__(self) -> None:
        self._flavors: dict[tuple[str, str], str] = {
            (ARTIFACT_STORE, "local"): "zenml.artifact_stores.local:LocalArtifactStore",
            (METADATA_STORE, "sqlite"): "zenml.metadata_stores.sqlite:SQLiteMetadataStore",
            (ORCHESTRATOR, "local"): "zenml.orchestrators.local:LocalOrchestrator",
        }
        self._owners: dict[tuple[str, str], str] = {}

    def register(self, component_type: str, flavor: str, reference: str, *, owner: str = "") -> None:
        """Register ``reference`` (``"package.module:Class"``) as a flavor; nothing is imported."""
        if component_type not in COMPONENT_TYPES:
            raise ValueError(f"unknown component type {component_type!r}; expected one of {', '.join(COMPONENT_TYPES)}")
        if ":" not in reference:
            raise ValueError(f"flavor reference {reference!r} must look like 'package.module:Class'")
        self._flavors[(component_type, flavor)] = reference
        if owner:
            self._owners[(component_type, flavor)] = owner

    def scope(self) -> AbstractContextManager[FlavorRegistry]:
        """A ``with`` block whose registrations are forgotten when it ends (for tests)."""
        from contextlib import contextmanager

        @contextmanager
        def scoped() -> Iterator[FlavorRegistry]:
            saved = dict(self._flavors), dict(self._owners)
            try:
                yield self
            finally:
                self._flavors, self._owners = saved

        return scoped()

    def flavors(self, component_type: str) -> dict[str, str]:
        """The registered flavors of one component type, name -> reference."""
        return {name: ref for (kind, name), ref in sorted(self._flavors.items()) if kind == component_type}

    def reference(self, component_type: str, flavor: str) -> str:
        """The ``"module:Class"`` reference of a flavor, or :class:`UnknownFlavorError`."""
        try:
            return self._flavors[(component_type, flavor)]
        except KeyError:
            known = ", ".join(self.flavors(component_type)) or "none"
            hint = _flavor_hint(component_type, flavor)
            raise UnknownFlavorError(
                f"unknown {component_type.replace('_', ' ')} flavor {flavor!r} (known: {known}).{hint}"
            ) from None

    def load(self, component_type: str, flavor: str) -> type[StackComponent]:
        """Import and return the class that implements a flavor."""
        from zenml.stack.component import StackComponent
        from zenml.utils.imports import import_reference

        reference = self.reference(component_type, flavor)
        cls = import_reference(reference)
        from zenml.stack.flavor import Flavor

        if isinstance(cls, type) and issubclass(cls, Flavor):  # registered through Integration.flavors()
            cls = cls().implementation_class
        if not (isinstance(cls, type) and issubclass(cls, StackComponent)):
            raise TypeError(f"flavor {flavor!r} points at {reference!r}, which is not a StackComponent class")
        return cls


def _flavor_hint(component_type: str, flavor: str) -> str:
    """Name the official integration that provides ``flavor``, if there is one."""
    try:
        from zenml.integrations.catalog import integration_for_flavor
    except ImportError:  # pragma: no cover - catalog is part of core
        return ""
    entry = integration_for_flavor(component_type, flavor)
    if entry is None:
        return ""
    return f" It is provided by the {entry.name!r} integration: run `zenml integration install {entry.name}`."


flavor_registry = FlavorRegistry()
