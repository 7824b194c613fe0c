"""Loading an artifact from its metadata record, with the materializer and data type the record names.

Shared by the step entrypoint (a step's inputs) and the run views
(``artifact.load()``). The references a record names are honoured only as
:mod:`zenml.artifacts.trust` allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore
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
    from zenml.artifacts.trust import describe, record_data_type, record_materializer

    try:
        chosen = materializer or record_materializer(record)
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
