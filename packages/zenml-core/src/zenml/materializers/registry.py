"""Which materializer handles which type: looked up along the type's MRO.

Integrations register *lazily*: "when a type defined in package ``keras``
appears, import ``zenml.integrations.tensorflow.materializers``" (which then
registers its classes). The trigger fires only for a type the user's code
has already imported, so the registry itself never imports a heavy library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from zenml.materializers.base import BaseMaterializer


class NoMaterializerError(TypeError):
    """No registered materializer handles a type."""


def type_reference(data_type: type[Any]) -> str:
    """``"module:QualName"`` of a type."""
    return f"{data_type.__module__}:{data_type.__qualname__}"


class MaterializerRegistry:
    """Type -> materializer class, with lazy registration by top-level package."""

    def __init__(self) -> None:
        self._by_type: dict[type[Any], type[BaseMaterializer]] = {}
        # top-level package name of a type ("keras") -> modules to import
        self._lazy: dict[str, list[str]] = {}
        # (predicate, materializer) for families of types without a common base (dataclasses)
        self._fallbacks: list[tuple[Callable[[type[Any]], bool], type[BaseMaterializer]]] = []
        self._builtins_loaded = False

    def register(self, materializer: type[BaseMaterializer], *types: type[Any]) -> None:
        """Register ``materializer`` for ``types`` (default: its ``ASSOCIATED_TYPES``)."""
        for data_type in types or materializer.ASSOCIATED_TYPES:
            self._by_type[data_type] = materializer

    def register_fallback(self, predicate: Callable[[type[Any]], bool], materializer: type[BaseMaterializer]) -> None:
        """Use ``materializer`` for any type for which ``predicate(type)`` holds and the MRO finds nothing."""
        self._fallbacks.append((predicate, materializer))

    def register_lazy(self, packages: tuple[str, ...] | list[str], module: str) -> None:
        """Import ``module`` the first time a type from one of ``packages`` is looked up."""
        for package in packages:
            modules = self._lazy.setdefault(package, [])
            if module not in modules:
                modules.append(module)

    def lazy_registrations(self) -> dict[str, list[str]]:
        """The pending lazy registrations, top-level package -> modules."""
        return {package: list(modules) for package, modules in self._lazy.items()}

    def _load_builtins(self) -> None:
        if not self._builtins_loaded:
            self._builtins_loaded = True
            from zenml.materializers import builtin  # registers on import

            builtin.register_builtin_materializers(self)

    def _fire_triggers(self, data_type: type[Any]) -> bool:
        """Import the modules registered for any package in ``data_type``'s MRO."""
        fired = False
        for klass in getattr(data_type, "__mro__", (data_type,)):
            package = (getattr(klass, "__module__", "") or "").partition(".")[0]
            modules = self._lazy.pop(package, None)
            if not modules:
                continue
            from importlib import import_module

            for module in modules:
                import_module(module)
            fired = True
        return fired

    def find(self, data_type: type[Any]) -> type[BaseMaterializer] | None:
        """The materializer for ``data_type`` or its nearest base, or ``None``."""
        self._load_builtins()
        for _ in range(2):
            for klass in getattr(data_type, "__mro__", (data_type,)):
                if klass in self._by_type:
                    return self._by_type[klass]
            if not self._fire_triggers(data_type):
                break
        for predicate, materializer in self._fallbacks:
            if predicate(data_type):
                return materializer
        return None

    def get(self, data_type: type[Any]) -> type[BaseMaterializer]:
        """Like :meth:`find`, but raise :class:`NoMaterializerError` naming the fix."""
        found = self.find(data_type)
        if found is None:
            raise NoMaterializerError(_no_materializer_message(data_type))
        return found

    def is_registered(self, data_type: type[Any]) -> bool:
        return self.find(data_type) is not None


def _no_materializer_message(data_type: type[Any]) -> str:
    name = type_reference(data_type).replace(":", ".")
    message = f"no materializer handles type {name}."
    from zenml.integrations.catalog import integration_for_type

    entry = integration_for_type(data_type)
    if entry is not None:
        return (
            f"{message} The {entry.name!r} integration handles it: "
            f"run `zenml integration install {entry.name}` (pip install {entry.distribution})."
        )
    return (
        f"{message} Return a supported type (builtins, dataclasses, numpy arrays), "
        "or write a materializer for it and pass it with @step(output_materializers=...)."
    )


materializer_registry = MaterializerRegistry()
