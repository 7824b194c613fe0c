"""Which materializer handles which type: looked up along the type's MRO.

Integrations register *lazily*: "when a type defined in package ``keras``
appears, import ``zenml.integrations.tensorflow.materializers``" (which then
registers its classes). The trigger fires only for a type the user's code
has already imported, so the registry itself never imports a heavy library.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from zenml.utils.errors import PicklableError

if TYPE_CHECKING:
    from collections.abc import Callable

    from zenml.materializers.base import BaseMaterializer


class NoMaterializerError(PicklableError, TypeError):
    """No registered materializer handles a type."""


class MaterializerImportError(NoMaterializerError):
    """The module an integration registered for a type's package (lazily) failed to import."""

    def __init__(self, module: str, package: str, error: BaseException) -> None:
        self.module = module
        self.package = package
        self.cause = f"{type(error).__name__}: {error}"
        super().__init__(
            f"the materializers for types from package {package!r} are in module {module!r}, "
            f"and importing it raised {self.cause}. Fix or reinstall the integration that provides {module!r}."
        )


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
        # module -> the error its import raised (lazy triggers that failed), reported on each lookup
        self._failed: dict[str, Exception] = {}
        self._builtins_loaded = False
        # Held while lazy triggers fire, so that each fires once even when steps run in threads.
        # register() and register_lazy() take no lock: they run while a triggered module is imported.
        self._lock = threading.RLock()

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
        """Import the modules registered for any package in ``data_type``'s MRO; whether any was imported.

        A module is forgotten only once imported; one that fails to import raises
        :class:`MaterializerImportError` now and on every later lookup of its package.
        """
        fired = False
        for klass in getattr(data_type, "__mro__", (data_type,)):
            package = (getattr(klass, "__module__", "") or "").partition(".")[0]
            modules = self._lazy.get(package)
            if not modules:
                continue
            from importlib import import_module

            for module in list(modules):
                error = self._failed.get(module)
                if error is None:
                    try:
                        import_module(module)
                    except Exception as raised:
                        self._failed[module] = error = raised
                if error is not None:
                    raise MaterializerImportError(module, package, error) from error
                modules.remove(module)
                fired = True
            if not modules:
                self._lazy.pop(package, None)
        return fired

    def find(self, data_type: type[Any]) -> type[BaseMaterializer] | None:
        """The materializer for ``data_type`` or its nearest base, or ``None``.

        Raises :class:`MaterializerImportError` when the module an integration
        registered for the type's package fails to import.
        """
        with self._lock:
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
