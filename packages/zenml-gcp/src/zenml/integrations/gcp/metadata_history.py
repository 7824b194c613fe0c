"""The GCS metadata store's artifact versions, annotations and models (mixed into the store class).

Layout below ``<prefix>/`` (each path part URL-quoted):

- ``versions/<artifact name>/n-<number>.json`` (``number`` zero-padded) or ``s-<version>.json``: one immutable
  object per artifact version, holding its record. It is created with ``ifGenerationMatch=0``, so exactly one
  writer gets each number: two processes saving a version of one name at once both try ``max + 1``, one
  succeeds and the other gets "precondition failed", lists again and takes the next number. A writer whose
  retried upload met its own earlier success recognises its record (the artifact id) and keeps it.
- ``index/artifact-ids/<artifact id>.json``: which version object holds an artifact id.
- ``annotations/<resource type>/<resource id>/<time>-<uuid>.json``: immutable batches of annotations.
- ``models/<model>/model.json`` (first writer wins), ``models/<model>/versions/<number>.json`` (numbered
  like artifact versions) and ``models/<model>/names/<version name>.json`` (a claimed version name).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from zenml.integrations.gcp.errors import translate_errors
from zenml.metadata_stores.base import ModelNotFoundError, VersionExistsError
from zenml.metadata_stores.models import AnnotationRecord, ArtifactRecord, ModelRecord, ModelVersionRecord

if TYPE_CHECKING:
    import threading
    from collections import OrderedDict
    from collections.abc import Iterable, Sequence

    from zenml.integrations.gcp.connection import GCSConnection
    from zenml.metadata_stores.models import RunRecord, StepRecord

_CLAIM_ATTEMPTS = 1000


def _q(part: str) -> str:
    return quote(part, safe="")


class GCPHistory:
    """Artifact versions, annotations and models of :class:`GCPMetadataStore`."""

    if TYPE_CHECKING:  # what the store class provides
        path: str
        _gcs: GCSConnection
        _cache: OrderedDict[str, dict[str, Any]]
        _cache_lock: threading.Lock

        def _names(self, prefix: str) -> list[str]: ...
        def _put(self, key: str, data: dict[str, Any], action: str) -> None: ...
        def _read_event(self, key: str) -> dict[str, Any]: ...
        def _remember(self, key: str, event: dict[str, Any]) -> None: ...
        def _cached(self, key: str) -> dict[str, Any] | None: ...
        def _runs_prefix(self, run_id: str | None = None) -> str: ...
        def _index_prefix(self, kind: str, *parts: str) -> str: ...
        def _index_keys(self, run_id: str) -> list[str]: ...
        def _name_key(self, run_name: str, run_id: str) -> str: ...
        def get_run(self, name_or_id: str) -> RunRecord: ...
        def list_steps(self, run_id: str) -> list[StepRecord]: ...

    # -- exclusive objects ----------------------------------------------------------------------------

    def _create(self, key: str, data: dict[str, Any], owner: tuple[str, Any]) -> bool:
        """Create ``key`` unless it exists (``ifGenerationMatch=0``); whether this call owns it now.

        ``owner`` is a ``(field, value)`` that only our record has: a 412 after a retried upload whose
        first attempt succeeded finds our own record there, which counts as created.
        """
        from google.api_core import exceptions as api

        blob = self._gcs.bucket.blob(key)
        payload = json.dumps(data, sort_keys=True).encode()
        with translate_errors("write metadata", self._gcs.bucket_name, key):
            try:
                blob.upload_from_string(
                    payload, content_type="application/json", if_generation_match=0, retry=self._gcs.retry
                )
            except api.PreconditionFailed:
                existing = self._read_event(key)
                return bool(existing.get(owner[0]) == owner[1])
        self._remember(key, data)
        return True

    def _read_cached(self, key: str) -> dict[str, Any]:
        data = self._cached(key)
        if data is None:
            data = self._read_event(key)
            if data:
                self._remember(key, data)
        return data

    # -- artifact versions ----------------------------------------------------------------------------

    def _versions_prefix(self, name: str | None = None) -> str:
        base = self._gcs.key("versions")
        return f"{base}/{_q(name)}/" if name is not None else f"{base}/"

    def _claim_version(self, artifact: ArtifactRecord) -> ArtifactRecord:
        if not artifact.artifact_name:
            raise ValueError(f"artifact {artifact.id!r} has no name")
        prefix = self._versions_prefix(artifact.artifact_name)
        owner = ("id", artifact.id)
        if artifact.version == "":
            for _ in range(_CLAIM_ATTEMPTS):
                taken = [
                    int(key[len(prefix) + 2 : -5]) for key in self._names(prefix) if key[len(prefix) :][:2] == "n-"
                ]
                number = max(taken, default=0) + 1
                record = replace(artifact, version=str(number), version_number=number)
                key = f"{prefix}n-{number:012d}.json"
                if self._create(key, record.to_dict(), owner):
                    break
            else:  # pragma: no cover - a thousand writers racing for one name
                raise RuntimeError(f"could not claim a version number for artifact {artifact.artifact_name!r}")
        else:
            version = str(artifact.version)
            numeric = version.isdigit()
            record = replace(artifact, version=version, version_number=int(version) if numeric else None)
            key = f"{prefix}n-{int(version):012d}.json" if numeric else f"{prefix}s-{_q(version)}.json"
            if not self._create(key, record.to_dict(), owner):
                raise VersionExistsError(
                    f"artifact {artifact.artifact_name!r} already has a version {version!r}: give another version "
                    "(or none, for the next number)"
                )
        index = self._gcs.key(f"index/artifact-ids/{_q(record.id)}.json")
        self._put(index, {"key": key}, "write metadata index")
        return record

    def create_artifact_version(
        self, artifact: ArtifactRecord, annotations: Sequence[AnnotationRecord] = ()
    ) -> ArtifactRecord:
        self._write_annotations(annotations)
        return self._claim_version(artifact)

    def _version_records(self, keys: Iterable[str]) -> list[ArtifactRecord]:
        from zenml.integrations.gcp.metadata_store import _known

        records = []
        for key in keys:
            data = self._read_cached(key)
            if data:
                records.append(ArtifactRecord(**_known(ArtifactRecord, data)))
        return sorted(records, key=lambda record: (record.created_at, record.version_number or 0, record.version))

    def list_artifact_versions(self, name: str | None = None) -> list[ArtifactRecord]:
        return self._version_records(self._names(self._versions_prefix(name)))

    def _artifact_by_id(self, artifact_id: str) -> ArtifactRecord | None:
        from zenml.integrations.gcp.metadata_store import _known

        pointer = self._read_cached(self._gcs.key(f"index/artifact-ids/{_q(artifact_id)}.json"))
        key = pointer.get("key") if pointer else None
        data = self._read_cached(key) if isinstance(key, str) else {}
        return ArtifactRecord(**_known(ArtifactRecord, data)) if data else None

    def artifact_names(self) -> list[str]:
        from urllib.parse import unquote

        prefix = self._versions_prefix()
        return sorted({unquote(key[len(prefix) :].split("/", 1)[0]) for key in self._names(prefix)})

    # -- annotations ----------------------------------------------------------------------------------

    def _annotations_prefix(self, resource_type: str, resource_id: str | None = None) -> str:
        base = self._gcs.key(f"annotations/{_q(resource_type)}")
        return f"{base}/{_q(resource_id)}/" if resource_id is not None else f"{base}/"

    def _write_annotations(self, annotations: Sequence[AnnotationRecord]) -> None:
        from zenml.integrations.gcp.metadata_store import event_name

        grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for annotation in annotations:
            grouped.setdefault((annotation.resource_type, annotation.resource_id), []).append(annotation.to_dict())
        for (resource_type, resource_id), items in grouped.items():
            key = self._annotations_prefix(resource_type, resource_id) + event_name()
            try:
                json.dumps(items, allow_nan=False)
            except (TypeError, ValueError) as error:
                raise TypeError(
                    f"annotations of {resource_type} {resource_id!r} must be JSON-serialisable ({error})"
                ) from None
            self._put(key, {"annotations": items}, "write metadata")
            self._remember(key, {"annotations": items})

    def add_annotations(self, annotations: Sequence[AnnotationRecord]) -> None:
        self._write_annotations(annotations)

    def list_annotations(self, resource_type: str, resource_ids: Iterable[str] | None = None) -> list[AnnotationRecord]:
        from zenml.integrations.gcp.metadata_store import _known

        if resource_ids is None:
            keys = self._names(self._annotations_prefix(resource_type))
        else:
            keys = [
                key
                for rid in sorted(set(resource_ids))
                for key in self._names(self._annotations_prefix(resource_type, rid))
            ]
        found: list[tuple[str, int, AnnotationRecord]] = []
        for key in keys:
            for index, item in enumerate(self._read_cached(key).get("annotations", [])):
                try:
                    found.append((key.rsplit("/", 1)[-1], index, AnnotationRecord(**_known(AnnotationRecord, item))))
                except TypeError:
                    continue
        return [annotation for _, _, annotation in sorted(found, key=lambda item: (item[0], item[1]))]

    # -- runs -----------------------------------------------------------------------------------------

    def delete_run(self, run_id: str) -> None:
        from zenml.metadata_stores.models import PIPELINE_RUN, STEP_RUN, step_id

        run = self.get_run(run_id)
        steps = self.list_steps(run.id)
        index = self._index_keys(run.id)
        keys = self._names(self._runs_prefix(run.id))  # the events first: a stop halfway leaves only dangling hints
        keys.append(self._name_key(run.name, run.id))
        keys += index
        keys += self._names(self._annotations_prefix(PIPELINE_RUN, run.id))
        for step in steps:
            keys += self._names(self._annotations_prefix(STEP_RUN, step_id(run.id, step.name)))
        from google.api_core import exceptions as api

        for key in keys:
            with translate_errors("delete metadata", self._gcs.bucket_name, key), contextlib.suppress(api.NotFound):
                self._gcs.bucket.blob(key).delete(retry=self._gcs.retry)
        with self._cache_lock:
            for key in keys:
                self._cache.pop(key, None)

    # -- models ---------------------------------------------------------------------------------------

    def _model_prefix(self, name: str | None = None) -> str:
        base = self._gcs.key("models")
        return f"{base}/{_q(name)}/" if name is not None else f"{base}/"

    def create_model(self, model: ModelRecord) -> ModelRecord:
        self._create(self._model_prefix(model.name) + "model.json", model.to_dict(), ("created_at", model.created_at))
        return self.get_model(model.name)

    def get_model(self, name: str) -> ModelRecord:
        from zenml.integrations.gcp.metadata_store import _known

        data = self._read_cached(self._model_prefix(name) + "model.json")
        if not data:
            raise ModelNotFoundError(f"no model named {name!r} in {self.path}; see `zenml model list`")
        return ModelRecord(**_known(ModelRecord, data))

    def list_models(self) -> list[ModelRecord]:
        from zenml.integrations.gcp.metadata_store import _known

        models = []
        for key in self._names(self._model_prefix()):
            if key.endswith("/model.json"):
                data = self._read_cached(key)
                if data:
                    models.append(ModelRecord(**_known(ModelRecord, data)))
        return sorted(models, key=lambda model: model.name)

    def create_model_version(self, version: ModelVersionRecord) -> ModelVersionRecord:
        self.get_model(version.model_name)
        prefix = self._model_prefix(version.model_name)
        owner = ("id", version.id)
        if version.name and not self._create(f"{prefix}names/{_q(version.name)}.json", {"id": version.id}, owner):
            raise VersionExistsError(f"model {version.model_name!r} already has a version named {version.name!r}")
        for _ in range(_CLAIM_ATTEMPTS):
            numbers = [int(key.rsplit("/", 1)[-1][:-5]) for key in self._names(prefix + "versions/")]
            number = max(numbers, default=0) + 1
            record = replace(version, number=number, name=version.name or str(number))
            if self._create(f"{prefix}versions/{number:012d}.json", record.to_dict(), owner):
                return record
        raise RuntimeError(f"could not claim a version number for model {version.model_name!r}")  # pragma: no cover

    def list_model_versions(self, model_name: str | None = None) -> list[ModelVersionRecord]:
        from zenml.integrations.gcp.metadata_store import _known

        prefix = self._model_prefix(model_name)
        versions = []
        for key in self._names(prefix):
            if "/versions/" in key[len(self._model_prefix()) :]:
                data = self._read_cached(key)
                if data:
                    versions.append(ModelVersionRecord(**_known(ModelVersionRecord, data)))
        return sorted(versions, key=lambda record: (record.model_name, record.number))
