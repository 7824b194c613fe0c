"""Loading an artifact from its metadata record, with the materializer and data type the record names.

Shared by the step entrypoint (a step's inputs) and the run views
(``artifact.load()``). References are imported once per process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore
    from zenml.artifacts.io import ArtifactInfo
    from zenml.materializers.base import BaseMaterializer
    from zenml.metadata_stores.models import ArtifactRecord

_REFERENCES: dict[str, Any] = {"builtins:NoneType": type(None)}


def resolve_reference(reference: str) -> Any:
    """Import ``"module:attr"`` once per process (types and materializers are looked up for every artifact)."""
    try:
        return _REFERENCES[reference]
    except KeyError:
        from zenml.utils.imports import import_reference

        value = _REFERENCES[reference] = import_reference(reference)
        return value


def remember_type(data_type: type[Any]) -> str:
    """The reference of ``data_type``, remembered so that it resolves in this process even if not importable."""
    reference = f"{data_type.__module__}:{data_type.__qualname__}"
    _REFERENCES.setdefault(reference, data_type)
    return reference


def load_record(
    record: ArtifactRecord, store: ArtifactStore, *, materializer: type[BaseMaterializer] | None = None
) -> Any:
    """Load one recorded artifact from ``store``, checking its content hash.

    ``materializer`` overrides the recorded one; it must read the same format
    (the recorded version is checked against it).
    """
    from zenml.artifacts import load_artifact

    return load_artifact(
        store=store,
        uri=record.uri,
        materializer_cls=materializer or resolve_reference(record.materializer),
        data_type=resolve_reference(record.data_type),
        content_hash=record.content_hash,
        materializer_version=record.materializer_version,
    )


def new_version_record(
    artifact_id: str,
    data: Any,
    info: ArtifactInfo,
    *,
    store: ArtifactStore,
    uri: str,
    materializer: type[BaseMaterializer],
    name: str,
    version: Any,
    artifact_type: Any,
    **producer: Any,
) -> ArtifactRecord:
    """The record of a new artifact version that :func:`zenml.artifacts.io.save_artifact` just saved (numbered by
    the store unless ``version`` is given); ``producer``: ``run_id``, ``step_name``, ``output_name``, ``save_type``."""
    import time

    from zenml.metadata_stores.models import ArtifactRecord

    return ArtifactRecord(
        id=artifact_id,
        run_id=producer.pop("run_id", None),
        step_name=producer.pop("step_name", None),
        output_name=producer.pop("output_name", None),
        uri=uri,
        artifact_store_path=store.path,
        data_type=remember_type(type(data)),
        materializer=materializer.reference(),
        materializer_version=materializer.VERSION,
        size=info.size,
        content_hash=info.content_hash,
        created_at=time.time(),
        artifact_name=name,
        version="" if version is None else str(version),
        artifact_type=str(artifact_type or materializer.ASSOCIATED_ARTIFACT_TYPE),
        visualizations=info.visualizations,
        **producer,
    )
