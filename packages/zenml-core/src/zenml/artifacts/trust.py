"""Stored references are data: turn them into code only through what this process already trusts.

An artifact record names the materializer that wrote it and the type of the
value as ``"module:name"`` strings, and a dataclass artifact names its class
inside its file. Anyone who can write the metadata store or the artifact
store can write those strings, so they are never imported:

- a materializer reference is honoured only when it names a materializer this
  process knows
  (:meth:`~zenml.materializers.registry.MaterializerRegistry.known_materializer`:
  classes defined in this process, references registered by core, installed
  integrations or the user) and whose loading runs no code from the store: a
  pickle materializer (``EXECUTES_CODE_ON_LOAD``) loads only when the caller
  names it (``load(materializer=...)``) or the pipeline code declared it for
  that output;
- a type reference resolves only to a type the materializer declares, a type
  this process produced, or a class defined in a module already imported
  (:func:`~zenml.utils.imports.imported_type`), and it must be a type that
  the materializer handles.

Anything else raises :class:`~zenml.artifacts.errors.UntrustedReferenceError`
before anything is imported, saying how to allow it explicitly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml.artifacts.errors import UntrustedReferenceError

if TYPE_CHECKING:
    from zenml.materializers.base import BaseMaterializer
    from zenml.metadata_stores.models import ArtifactRecord

# Types whose values this process saved (or that are not reachable by name, like ``NoneType``),
# so that their artifacts load again here even if the type is defined in a function.
_PRODUCED: dict[str, type[Any]] = {"builtins:NoneType": type(None)}


def remember_type(data_type: type[Any]) -> str:
    """The reference to record for a value of ``data_type``; the type then resolves in this process."""
    from zenml.materializers.registry import type_reference

    reference = type_reference(data_type)
    _PRODUCED[reference] = data_type
    return reference


def describe(record: ArtifactRecord) -> str:
    """``output 'o' of step 's' (run 'id')``, or for a version saved or registered outside a step
    ``artifact 'name' version 'v' (id 'id')``, for messages."""
    if record.step_name is None:
        return f"artifact {record.artifact_name!r} version {record.version!r} (id {record.id!r})"
    return f"output {record.output_name!r} of step {record.step_name!r} (run {record.run_id!r})"


def _module_of(reference: object) -> str:
    return reference.partition(":")[0] if isinstance(reference, str) and ":" in reference else ""


def trusted_type(reference: object, declared: tuple[type, ...] = ()) -> type[Any] | None:
    """The type a stored ``reference`` names, if trusted, else ``None``; imports nothing.

    Trusted are a type in ``declared`` (a materializer's ``ASSOCIATED_TYPES``),
    a type whose values this process saved, and a class defined in a module
    already imported.
    """
    if not isinstance(reference, str):
        return None
    for data_type in declared:
        if isinstance(data_type, type) and f"{data_type.__module__}:{data_type.__qualname__}" == reference:
            return data_type
    produced = _PRODUCED.get(reference)
    if produced is not None:
        return produced
    from zenml.utils.imports import imported_type

    return imported_type(reference)


def untrusted_type(
    reference: object, what: str = "data type", artifact: str = "", *, can_pass: bool = True
) -> UntrustedReferenceError:
    """The error for a type reference that :func:`trusted_type` refused (``can_pass``: ``load(data_type=)`` helps)."""
    module = _module_of(reference)
    how = f"import the module that defines it (`import {module}`) before loading" if module else "correct the record"
    passing = ", or pass the type yourself: `.load(data_type=...)`" if can_pass else ""
    return UntrustedReferenceError(reference, what, f"if you trust it, {how}{passing}.", artifact)


def executes_code(materializer: type[BaseMaterializer]) -> bool:
    """Whether loading with ``materializer`` runs code from the store (pickle): then only an explicit choice loads."""
    return bool(getattr(materializer, "EXECUTES_CODE_ON_LOAD", False))


def record_materializer(record: ArtifactRecord) -> type[BaseMaterializer]:
    """The materializer class a record names, if this process knows it; else :class:`UntrustedReferenceError`.

    Installed integrations are activated first if the reference is not known
    yet. Only a materializer registered by reference is imported (by the
    registry); nothing else is.
    """
    from zenml.materializers.registry import materializer_registry

    found = materializer_registry.known_materializer(record.materializer)
    if found is None:  # installed integrations are trusted: make sure theirs are registered
        from zenml.integrations.registry import activate_integrations

        activate_integrations()
        found = materializer_registry.known_materializer(record.materializer)
    if found is not None and executes_code(found):
        raise UntrustedReferenceError(
            record.materializer,
            "materializer",
            f"{found.__name__} unpickles, which executes code from the artifact store, so a record naming it is "
            "not enough (this is stricter than ZenML); if you trust everyone who can write this store, choose it "
            f"yourself for this load: `.load(materializer={found.__name__})` "
            f"(`from {found.__module__} import {found.__name__}`).",
            describe(record),
        )
    if found is not None:
        return found
    reference = record.materializer
    module = _module_of(reference)
    allow = (
        f"import the module that defines it (`import {module}`: materializer classes defined in this process are "
        "known) or register it (`materializer_registry.register(...)`)"
        if module
        else "correct the record"
    )
    fix = f"if you trust it, {allow}, or pass the class yourself: `.load(materializer=...)`."
    raise UntrustedReferenceError(reference, "materializer", fix, describe(record))


def record_data_type(record: ArtifactRecord, materializer: type[BaseMaterializer]) -> type[Any]:
    """The data type a record names, resolved as :func:`trusted_type` says and handled by ``materializer``."""
    from zenml.materializers.registry import materializer_registry

    found = trusted_type(record.data_type, materializer.ASSOCIATED_TYPES)
    if found is None:
        raise untrusted_type(record.data_type, artifact=describe(record))
    if found not in materializer.ASSOCIATED_TYPES and not materializer_registry.handles(materializer, found):
        raise UntrustedReferenceError(
            record.data_type,
            "data type",
            f"{materializer.reference()} does not handle it; if this is what you want, pass the type yourself: "
            "`.load(data_type=...)`.",
            describe(record),
        )
    return found
