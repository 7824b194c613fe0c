"""Which materializer handles which type, and which materializers this process knows (and so trusts).

Materializers are registered **by reference**, the way flavors are:
``materializer_registry.register("pkg.module:Class", "keras:Model")``. A type
is a class, or a reference to a public path of it (``"keras:Model"``,
``"tensorflow:data.Dataset"``, ``"numpy:ndarray"``). Nothing is imported to
register, nor to look a type up: a type reference is resolved only once its
top-level package is among the packages the looked-up type's MRO comes from
(so the user's code has imported it already), and only from modules already
imported; the materializer's module is imported when it is the one chosen.

Core's materializers, numpy's (lazily), the dataclass fallback and every
integration's ``MATERIALIZERS`` are registered this way. A
:class:`~zenml.materializers.base.BaseMaterializer` subclass with
``ASSOCIATED_TYPES`` registers itself when it is defined, as in ZenML: for a
type that has no materializer yet and that neither core nor an installed
integration handles (in ZenML those are registered first, whatever the order
of imports and activation here); :meth:`MaterializerRegistry.register` and
``register_and_overwrite_type`` replace.

The same registrations are the list of trusted materializers: a materializer
reference read from stored data is honoured only by
:meth:`MaterializerRegistry.known_materializer`, which knows the classes
defined in this process and the references registered here, and imports
nothing else.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

from zenml.exceptions import PicklableError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

    from zenml.materializers.base import BaseMaterializer

    Target = type[BaseMaterializer] | str


class NoMaterializerError(PicklableError, TypeError):
    """No registered materializer handles a type."""


class MaterializerImportError(NoMaterializerError):
    """A materializer registered by reference could not be imported."""

    def __init__(self, reference: str, package: str, error: BaseException | str) -> None:
        self.reference = reference
        self.package = package
        self.cause = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        handles = f"the materializer for types from package {package!r} is" if package else "materializer"
        super().__init__(
            f"{handles} {reference!r}, and importing it raised {self.cause}. "
            f"Fix or reinstall the integration (or module) that provides {reference.partition(':')[0]!r}."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reference, self.package, self.cause))


def type_reference(data_type: type[Any]) -> str:
    """``"module:QualName"`` of a type."""
    return f"{data_type.__module__}:{data_type.__qualname__}"


def _package(data_type: object) -> str:
    return (getattr(data_type, "__module__", "") or "").partition(".")[0]


# Every materializer class defined in this process, by its own reference: a fact about the process
# (its code defined them), so it is not part of any registry's (scoped) registrations.
_DEFINED: dict[str, type[BaseMaterializer]] = {}
_DEFINED_CLASSES: set[type[BaseMaterializer]] = set()


class MaterializerRegistry:
    """Type -> materializer, registered by class or by reference; looked up along the type's MRO.

    ``MaterializerRegistry()`` starts with core's registrations (builtins,
    bytes, numpy arrays, dataclasses); ``MaterializerRegistry(core=False)``
    starts empty.
    """

    def __init__(self, *, core: bool = True) -> None:
        # Resolved types -> materializer class, or its reference until it is first used.
        self._by_type: dict[Any, Target] = {}
        # Types bound only by a defined subclass (``register_materializer_type``): any other registration wins.
        self._auto: set[Any] = set()
        # Top-level package -> (type reference, materializer, replace) not resolved yet, in registration order.
        self._pending: dict[str, list[tuple[str, Target, bool]]] = {}
        # Every materializer registered by reference -> its class once imported.
        self._references: dict[str, type[BaseMaterializer] | None] = {}
        # (predicate, materializer) for families of types without a common base (dataclasses)
        self._fallbacks: list[tuple[Callable[[Any], bool], Target]] = []
        # reference -> the error importing it raised, reported on each lookup
        self._failed: dict[str, Exception] = {}
        # Held while a materializer is imported, so that each is imported once even when steps run in
        # threads. Registration takes no lock: it runs while a materializer's module is being imported,
        # possibly in another thread than a lookup that holds the lock and waits for that import.
        self._lock = threading.RLock()
        if core:
            from zenml.materializers.core import register_core_materializers

            register_core_materializers(self)

    # -- registration --------------------------------------------------------------------------------

    def register(self, materializer: Target, *types: type[Any] | str, replace: bool = True) -> None:
        """Register ``materializer`` (a class, or ``"module:Class"``) for ``types``.

        Each type is a class or a reference to it (``"keras:Model"``); for a
        class, ``types`` defaults to its ``ASSOCIATED_TYPES``. A reference with
        no types is still *known*: records that name it can be loaded, but no
        type chooses it by default. ``replace=False`` keeps an existing
        registration of a type (what an integration does). Nothing is imported.
        """
        if isinstance(materializer, str):
            from zenml.utils.imports import split_reference

            split_reference(materializer)
            self._references.setdefault(materializer, None)
        else:
            materializer_defined(materializer)
            types = types or materializer.ASSOCIATED_TYPES
        for data_type in types:
            if isinstance(data_type, str):
                from zenml.utils.imports import split_reference

                package = split_reference(data_type)[0].partition(".")[0]
                self._pending.setdefault(package, []).append((data_type, materializer, replace))
            else:
                self._resolve_pending(_package(data_type))  # earlier registrations by reference come first
                self._set(data_type, materializer, replace)

    def register_materializer_type(self, key: type[Any], type_: type[BaseMaterializer]) -> None:
        """ZenML's API (and what defining a subclass does): use ``type_`` for ``key`` unless ``key`` has a
        materializer already, or core or an integration registers one (in ZenML those come first)."""
        materializer_defined(type_)
        self._resolve_pending(_package(key))
        self._set(key, type_, replace=False, auto=True)

    def register_and_overwrite_type(self, key: type[Any], type_: type[BaseMaterializer]) -> None:
        """ZenML's API: use ``type_`` for ``key``, replacing any earlier registration."""
        self.register(type_, key)

    def register_fallback(self, predicate: Callable[[Any], bool], materializer: Target) -> None:
        """Use ``materializer`` for any type for which ``predicate(type)`` holds and the MRO finds nothing."""
        if isinstance(materializer, str):
            self._references.setdefault(materializer, None)
        self._fallbacks.append((predicate, materializer))

    def _set(self, data_type: Any, materializer: Target, replace: bool, *, auto: bool = False) -> None:
        if replace or data_type not in self._by_type or (data_type in self._auto and not auto):
            self._by_type[data_type] = materializer
            if auto:
                self._auto.add(data_type)
            else:
                self._auto.discard(data_type)

    def _resolve_pending(self, package: str) -> None:
        """Bind the type references of ``package`` that now resolve (``package`` is imported); import nothing."""
        entries = self._pending.get(package)
        if not entries or package not in sys.modules:
            return
        from zenml.utils.imports import imported_type

        unresolved = []
        for reference, materializer, replace in list(entries):
            found = imported_type(reference)
            if found is None:
                unresolved.append((reference, materializer, replace))
            else:
                self._set(found, materializer, replace)
        if unresolved:
            self._pending[package] = unresolved
        else:
            self._pending.pop(package, None)

    def _resolve_pending_of(self, mro: tuple[Any, ...]) -> None:
        """Bind the pending type references of the packages an MRO comes from (and only those)."""
        if self._pending:
            for klass in mro:
                package = _package(klass)
                if package in self._pending:
                    self._resolve_pending(package)

    # -- lookup --------------------------------------------------------------------------------------

    def find(self, data_type: type[Any]) -> type[BaseMaterializer] | None:
        """The materializer for ``data_type`` or its nearest base, or ``None``.

        Only registrations whose type comes from a package in ``data_type``'s
        MRO are considered; the chosen materializer's module is imported if it
        is not yet. Raises :class:`MaterializerImportError` when that import fails.
        """
        mro = getattr(data_type, "__mro__", None) or (data_type,)
        with self._lock:
            self._resolve_pending_of(mro)
            for klass in mro:
                target = self._by_type.get(klass)
                if target is not None:
                    return self._materializer(target, _package(klass))
            for predicate, target in self._fallbacks:
                if predicate(data_type):
                    return self._materializer(target, "")
            return None

    def get(self, data_type: type[Any]) -> type[BaseMaterializer]:
        """Like :meth:`find`, but raise :class:`NoMaterializerError` naming the fix."""
        found = self.find(data_type)
        if found is None:
            raise NoMaterializerError(_no_materializer_message(data_type))
        return found

    def is_registered(self, data_type: type[Any]) -> bool:
        return self.find(data_type) is not None

    def handles(self, materializer: type[BaseMaterializer], data_type: type[Any]) -> bool:
        """Whether ``materializer`` is meant for ``data_type``; nothing is imported.

        It is when ``data_type`` is a subclass of one of its ``ASSOCIATED_TYPES``,
        when it is registered here for ``data_type`` or one of its bases, or when
        a fallback predicate registered for it holds. A materializer with none of
        these (one that is only ever passed explicitly) handles every type.
        """
        if any(issubclass(data_type, base) for base in materializer.ASSOCIATED_TYPES if isinstance(base, type)):
            return True
        mine = (materializer, materializer.reference())
        mro = getattr(data_type, "__mro__", ())
        with self._lock:
            self._resolve_pending_of(mro)
            if any(self._by_type.get(klass) in mine for klass in mro):
                return True
            predicates = [predicate for predicate, target in self._fallbacks if target in mine]
            registered = any(target in mine for target in self._by_type.values()) or any(
                target in mine for entries in self._pending.values() for _, target, _ in entries
            )
        if any(predicate(data_type) for predicate in predicates):
            return True
        return not materializer.ASSOCIATED_TYPES and not predicates and not registered

    # -- trust ---------------------------------------------------------------------------------------

    def known_materializer(self, reference: object) -> type[BaseMaterializer] | None:
        """The materializer ``reference`` (read from stored data) names, if this process knows it; else ``None``.

        Known are the materializer classes defined in this process (core's,
        an integration's, the user's) and the references registered here. Only
        a registered reference is imported; nothing else ever is.
        """
        if not isinstance(reference, str):
            return None
        defined = _DEFINED.get(reference)
        if defined is not None:
            return defined
        if reference not in self._references:
            return None
        with self._lock:
            return self._materializer(reference, "")

    def _materializer(self, target: Target, package: str) -> type[BaseMaterializer]:
        """The class of a registration, importing a registered reference the first time (under the lock)."""
        if not isinstance(target, str):
            return target
        imported = self._references.get(target)
        if imported is None:
            imported = self._import(target, package)
            self._references[target] = imported
            for data_type, bound in list(self._by_type.items()):
                if bound == target:
                    self._by_type[data_type] = imported
        return imported

    def _import(self, reference: str, package: str) -> type[BaseMaterializer]:
        """Import a registered reference; a failure is remembered and raised on every later attempt."""
        error = self._failed.get(reference)
        if error is None:
            from zenml.utils.imports import import_reference

            try:
                value = import_reference(reference)
                for defined in _DEFINED_CLASSES:
                    if value is defined:
                        return defined
                raise TypeError(f"{reference!r} is {value!r}, not a BaseMaterializer subclass")
            except Exception as raised:
                self._failed[reference] = error = raised
        raise MaterializerImportError(reference, package, error) from error

    # -- introspection and tests ---------------------------------------------------------------------

    def lazy_registrations(self) -> dict[str, list[str]]:
        """Materializers registered by reference and not imported yet, by the top-level package of their types."""
        pending: dict[str, list[str]] = {}

        def add(package: str, target: Target) -> None:
            if isinstance(target, str) and self._references.get(target) is None:
                references = pending.setdefault(package, [])
                if target not in references:
                    references.append(target)

        for package, entries in self._pending.items():
            for _, target, _ in entries:
                add(package, target)
        for data_type, target in self._by_type.items():
            add(_package(data_type), target)
        return pending

    def scope(self) -> AbstractContextManager[MaterializerRegistry]:
        """A ``with`` block whose registrations are forgotten when it ends (for tests).

        ``with materializer_registry.scope(): ...`` restores every registration
        as it was before the block; classes defined inside stay known (they exist).
        """
        from contextlib import contextmanager

        @contextmanager
        def scoped() -> Iterator[MaterializerRegistry]:
            with self._lock:
                saved = (
                    dict(self._by_type),
                    set(self._auto),
                    {package: list(entries) for package, entries in self._pending.items()},
                    dict(self._references),
                    list(self._fallbacks),
                    dict(self._failed),
                )
            try:
                yield self
            finally:
                with self._lock:
                    self._by_type, self._auto, self._pending, self._references, self._fallbacks, self._failed = saved

        return scoped()


def materializer_defined(materializer: type[BaseMaterializer]) -> None:
    """Note a materializer class that this process defined (its metaclass calls this): it is trusted."""
    if materializer not in _DEFINED_CLASSES:
        _DEFINED_CLASSES.add(materializer)
        _DEFINED[materializer.reference()] = materializer


def _no_materializer_message(data_type: type[Any]) -> str:
    name = type_reference(data_type).replace(":", ".")
    message = f"no materializer handles type {name}."
    from zenml.integrations.catalog import integration_for_type

    entry = integration_for_type(data_type)
    if entry is not None:
        first = (
            f"{message} The {entry.name!r} integration handles it: "
            f"run `zenml integration install {entry.name}` (pip install {entry.distribution})."
        )
    else:
        first = (
            f"{message} Return a supported type (builtins, dataclasses, numpy arrays, pandas frames, pathlib.Path, "
            "pydantic models), or write a materializer for it and pass it with @step(output_materializers=...)."
        )
    return (
        f"{first} Last resort: zenml does not pickle by default (ZenML does); if everyone who can write your "
        "artifact store is trusted, choose pickle for this output: "
        "@step(output_materializers=CloudpickleMaterializer) "
        "(from zenml.materializers.cloudpickle_materializer; loading it executes code from the store)."
    )


materializer_registry = MaterializerRegistry()
