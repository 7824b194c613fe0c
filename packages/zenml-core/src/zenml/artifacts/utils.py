"""``save_artifact``, ``load_artifact``, ``register_artifact`` and ``log_artifact_metadata`` (ZenML's
``zenml.artifacts.utils``).

Saved artifacts are versions of their name like step outputs (numbered 1, 2, ... unless ``version`` is
given). Inside a step, a saved or registered version is also an output of the step and is linked to the
step's model version. Loading goes through the same checks as loading a step output: the content hash, the
materializer version, and (with the trust rules) only materializers and types this process trusts.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore
    from zenml.materializers.base import BaseMaterializer
    from zenml.metadata_stores.models import AnnotationRecord, ArtifactRecord
    from zenml.pipelines.runs import ArtifactView
    from zenml.stack.stack import Stack
    from zenml.steps.step_context import StepContext


def _context() -> StepContext | None:
    from zenml.steps.step_context import _CURRENT

    return _CURRENT.get()


def _stack() -> Stack:
    context = _context()
    if context is not None:
        return context._stack
    from zenml.stack.stack import get_active_stack

    return get_active_stack()


def _materializer(materializer: Any, data: Any) -> type[BaseMaterializer]:
    if materializer is None:
        from zenml.materializers.registry import materializer_registry

        found: type[BaseMaterializer] = materializer_registry.get(type(data))
        return found
    if isinstance(materializer, str):
        from zenml.utils.imports import import_reference

        materializer = import_reference(materializer)
    from zenml.materializers.base import BaseMaterializer

    if not (isinstance(materializer, type) and issubclass(materializer, BaseMaterializer)):
        raise TypeError(f"materializer must be a BaseMaterializer subclass or 'module:Class', not {materializer!r}")
    return materializer


def _record(stack: Stack, record: ArtifactRecord, annotations: list[AnnotationRecord]) -> ArtifactView:
    """Record a version made outside a step's return values; inside a step it becomes an output of the step too."""
    from dataclasses import replace

    from zenml.pipelines.runs import ArtifactView

    context = _context()
    if context is not None:
        record = replace(record, run_id=context._deployment.run_id, step_name=context.step_name,
                         output_name=record.artifact_name)  # fmt: skip
    recorded = stack.metadata_store.create_artifact_version(record, annotations)
    if context is not None:
        context._saved.append(recorded)
    return ArtifactView(recorded, stack)


def _annotations(artifact_id: str, metadata: dict[str, Any], tags: list[str] | None) -> list[AnnotationRecord]:
    from zenml.metadata_stores.annotations import metadata_annotations, tag_annotations
    from zenml.metadata_stores.models import ARTIFACT_VERSION

    return metadata_annotations(ARTIFACT_VERSION, artifact_id, metadata) + tag_annotations(
        ARTIFACT_VERSION, artifact_id, tags or []
    )


def _store_name(store: ArtifactStore, uri: str) -> str:
    """A location given by the user as a name in the store or a full URI below its root."""
    try:
        return store.relative(uri)
    except ValueError:
        raise FileNotFoundError(
            f"{uri!r} is outside the artifact store {store.name!r} (root {store.root_uri()!r}): artifacts live in "
            "the active stack's artifact store"
        ) from None


def save_artifact(
    data: Any,
    name: str,
    *,
    version: int | str | None = None,
    artifact_type: Any = None,
    tags: list[str] | None = None,
    extract_metadata: bool = True,
    include_visualizations: bool = True,
    user_metadata: dict[str, Any] | None = None,
    materializer: Any = None,
    uri: str | None = None,
    artifact_store: ArtifactStore | None = None,
    **unsupported: Any,
) -> ArtifactView:
    """Save ``data`` as a new version of artifact ``name`` in the artifact store; return the version.

    ``uri`` (a name in the store or a full URI below its root; default ``custom_artifacts/<name>/<id>``)
    must not hold files yet.
    """
    from zenml.artifacts.io import save_artifact as save_files
    from zenml.artifacts.recorded import new_version_record
    from zenml.enums import ArtifactSaveType
    from zenml.orchestrators.entrypoint import _new_id

    save_type = str(unsupported.pop("save_type", ArtifactSaveType.MANUAL))
    unsupported.pop("has_custom_name", None)
    if unsupported:
        raise TypeError(f"save_artifact() got unexpected argument(s): {', '.join(sorted(unsupported))}")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"an artifact needs a non-empty name, not {name!r}")
    stack = _stack()
    store = artifact_store or stack.artifact_store
    artifact_id = _new_id()
    target = _store_name(store, uri) if uri else f"custom_artifacts/{name}/{artifact_id}"
    materializer_cls = _materializer(materializer, data)
    info = save_files(data, store=store, uri=target, materializer_cls=materializer_cls,
                      extract_metadata=extract_metadata, visualizations=include_visualizations)  # fmt: skip
    record = new_version_record(
        artifact_id,
        data,
        info,
        store=store,
        uri=target,
        materializer=materializer_cls,
        name=name,
        version=version,
        artifact_type=artifact_type,
        save_type=save_type,
    )
    return _record(stack, record, _annotations(artifact_id, {**info.metadata, **(user_metadata or {})}, tags))


def register_artifact(
    folder_or_file_uri: str,
    name: str,
    *,
    version: int | str | None = None,
    artifact_type: Any = None,
    tags: list[str] | None = None,
    has_custom_name: bool = True,
    artifact_metadata: dict[str, Any] | None = None,
) -> ArtifactView:
    """Register files already in the artifact store as a new version of artifact ``name``.

    ``.load()`` gives a local path to them (the files themselves on a local store, a downloaded copy
    otherwise), as ZenML's ``PreexistingDataMaterializer`` does.
    """
    import pathlib

    from zenml.artifacts.io import compute_content_hash
    from zenml.artifacts.preexisting_data_materializer import PreexistingDataMaterializer
    from zenml.enums import ArtifactSaveType, ArtifactType
    from zenml.materializers.registry import type_reference
    from zenml.metadata_stores.models import ArtifactRecord
    from zenml.orchestrators.entrypoint import _new_id

    del has_custom_name
    stack = _stack()
    store = stack.artifact_store
    target = _store_name(store, folder_or_file_uri)
    if not target or not store.exists(target):
        raise FileNotFoundError(f"nothing to register at {store.uri(target)!r}: write the files first")
    known = stack.metadata_store.list_artifact_versions()
    for record in known:
        if record.uri == target and record.artifact_store_path == store.path:
            raise RuntimeError(
                f"Cannot create new artifact {name} version with URI {store.uri(target)} because the URI is already "
                f"used by artifact {record.artifact_name} (version {record.version})."
            )
    files = list(store.walk_files(target)) if store.isdir(target) else [target]
    record = ArtifactRecord(
        id=_new_id(),
        run_id=None,
        step_name=None,
        output_name=None,
        uri=target,
        artifact_store_path=store.path,
        data_type=type_reference(pathlib.Path),
        materializer=PreexistingDataMaterializer.reference(),
        materializer_version=PreexistingDataMaterializer.VERSION,
        size=sum(store.size(item) for item in files),
        content_hash=compute_content_hash(store, target),
        created_at=time.time(),
        artifact_name=name,
        version="" if version is None else str(version),
        artifact_type=str(artifact_type or ArtifactType.DATA),
        save_type=str(ArtifactSaveType.PREEXISTING),
    )
    return _record(stack, record, _annotations(record.id, dict(artifact_metadata or {}), tags))


def load_artifact(name_or_id: str, version: str | int | None = None) -> Any:
    """Load an artifact version: the newest of name ``name_or_id`` (or ``version`` of it), or the one with that id."""
    from zenml.client import Client

    return Client(_stack()).get_artifact_version(str(name_or_id), version).load()


def log_artifact_metadata(
    metadata: dict[str, Any], artifact_name: str | None = None, artifact_version: str | None = None
) -> None:
    """Deprecated (as in ZenML): use ``log_metadata(metadata=..., infer_artifact=True)`` or
    ``log_metadata(metadata=..., artifact_name=..., artifact_version=...)``."""
    import warnings

    warnings.warn(
        "log_artifact_metadata is deprecated (as in ZenML): use log_metadata(metadata={...}, infer_artifact=True) "
        "inside a step, or log_metadata(metadata={...}, artifact_name=..., artifact_version=...)",
        DeprecationWarning,
        stacklevel=2,
    )
    from zenml.utils.metadata_utils import log_metadata

    context = _context()
    if artifact_name and artifact_version:
        log_metadata(metadata=metadata, artifact_name=artifact_name, artifact_version=artifact_version)
    elif context is not None and (
        artifact_name in context._outputs or (not artifact_name and len(context._outputs) == 1)
    ):
        log_metadata(metadata=metadata, artifact_name=artifact_name, infer_artifact=True)
    elif artifact_name:
        log_metadata(
            metadata=metadata, artifact_version_id=_stack().metadata_store.get_artifact_version(artifact_name).id
        )
    else:
        raise ValueError(
            "You need to call `log_artifact_metadata` either within a step (potentially with an artifact name) or "
            "outside of a step with an artifact name (and/or version)."
        )


def upload_external(external: Any, stack: Stack) -> str:
    """The artifact version id an ``ExternalArtifact`` input stands for (its value saved first, if it has one)."""
    from zenml.enums import ArtifactSaveType

    if external.id is not None:
        return str(stack.metadata_store.get_artifact(str(external.id)).id)
    if external.name is not None:
        version = None if external.version is None else str(external.version)
        return str(stack.metadata_store.get_artifact_version(external.name, version).id)
    view = save_artifact(
        external.value,
        name=f"external_{os.urandom(16).hex()}",
        materializer=external.materializer,
        extract_metadata=external.store_artifact_metadata,
        include_visualizations=external.store_artifact_visualizations,
        save_type=ArtifactSaveType.EXTERNAL,
    )
    artifact_id: str = view.record.id
    external.id = artifact_id  # as ZenML: later runs of the same object reuse the upload
    external.value = None
    return artifact_id


__all__ = ["load_artifact", "log_artifact_metadata", "register_artifact", "save_artifact"]
