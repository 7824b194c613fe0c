"""Loading an artifact from its metadata record, with the materializer and data type the record names, and
the record of a newly saved artifact version.

Every load of a recorded artifact goes through :func:`load_record`: a step's
inputs (the step entrypoint) and ``ArtifactView.load()``, which
``load_artifact(name_or_id)``, registered artifacts and
``model_version.load_artifact(name)`` use. The references a record names are
honoured only as :mod:`zenml.artifacts.trust` allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore
    from zenml.artifacts.io import ArtifactInfo
    from zenml.materializers.base import BaseMaterializer
    from zenml.metadata_stores.models import ArtifactRecord


def load_record(
    record: ArtifactRecord,
    store: ArtifactStore,
    *,
    materializer: type[BaseMaterializer] | None = None,
    data_type: type[Any] | None = None,
) -> Any:
    """Load one recorded artifact from ``store``, checking its content hash and materializer version.

    The record's materializer and data type are stored data: they are used
    only when this process trusts them (:mod:`zenml.artifacts.trust`);
    otherwise :class:`~zenml.artifacts.UntrustedReferenceError` names the
    artifact and how to allow them, and nothing is imported. ``materializer``
    and ``data_type`` override the recorded ones; the materializer must read
    the same format (the recorded version is checked against it).
    """
    from zenml.artifacts import UntrustedReferenceError, load_artifact
    from zenml.artifacts.trust import describe, executes_code, record_data_type, record_materializer

    try:
        chosen = materializer or record_materializer(record)
        if data_type is None and executes_code(chosen):
            data_type = object  # the caller chose a pickle: the file names its own classes anyway
        return load_artifact(
            store=store,
            uri=record.uri,
            materializer_cls=chosen,
            data_type=data_type or record_data_type(record, chosen),
            materializer_version=record.materializer_version,
            content_hash=record.content_hash,
        )
    except UntrustedReferenceError as error:  # raised inside a materializer (a dataclass type in the file)
        if error.artifact:
            raise
        raise error.for_artifact(describe(record)) from None


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

    from zenml.artifacts.trust import remember_type
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
