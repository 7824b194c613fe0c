"""What the artifacts and models pages show: named artifacts and their versions, models and their versions.

Each page costs a fixed number of reads of the metadata store, whatever it lists: the versions (or model
versions) in one read, and their tags and stages in one read of their annotations, as
:class:`~zenml.client.Client` computes them. A model version's own page reads it through the Client
(``ModelVersionView``), links included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zenml.integrations.dashboard.history import Paged
from zenml.metadata_stores.base import ArtifactRecordNotFoundError, RunNotFoundError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from zenml.metadata_stores.models import ArtifactRecord, ModelRecord, ModelVersionRecord, RunRecord
    from zenml.pipelines.runs import ModelVersionView
    from zenml.stack.stack import Stack

VERSIONS_SHOWN = 5  # the models list shows each model's newest versions up to this many


@dataclass(frozen=True)
class ArtifactEntry:
    """An artifact name in the artifacts list: its newest version, how many it has and their tags."""

    name: str
    latest: ArtifactRecord
    versions: int
    tags: list[str]


@dataclass(frozen=True)
class ArtifactVersions:
    """A page of an artifact's versions, newest first, with their tags and the runs that made them
    (a run id is missing from ``runs`` when that run was deleted: its versions stay)."""

    name: str
    page: Paged[ArtifactRecord]
    total: int
    tags: dict[str, list[str]]
    runs: dict[str, RunRecord]


@dataclass(frozen=True)
class ModelEntry:
    """A model with its versions (newest first), their stages (``"none"`` when never set) and its tags."""

    model: ModelRecord
    versions: list[ModelVersionRecord]
    stages: dict[str, str]
    tags: list[str]


@dataclass(frozen=True)
class ModelVersions:
    """A model and a page of its versions, newest first, with their stages and tags."""

    entry: ModelEntry
    page: Paged[ModelVersionRecord]
    version_tags: dict[str, list[str]]


class Catalog:
    """Read-only access to one stack's named artifacts and models for the pages."""

    def __init__(self, stack: Stack) -> None:
        from zenml.client import Client

        self.store = stack.metadata_store
        self.client = Client(stack)

    def artifacts_page(self, *, page: int, size: int) -> Paged[ArtifactEntry]:
        """Page ``page`` of the artifact names, the one with the newest version first. Versions saved or
        registered outside any run are artifact versions like the others."""
        from zenml.metadata_stores.models import ARTIFACT_VERSION

        by_name: dict[str, list[ArtifactRecord]] = {}
        for record in reversed(self.store.list_artifact_versions()):  # newest first, so names come in that order
            by_name.setdefault(record.artifact_name, []).append(record)
        names = Paged.of(list(by_name), page, size)
        ids = [record.id for name in names.items for record in by_name[name]]
        tags = self.tags(ARTIFACT_VERSION, ids)
        entries = [
            ArtifactEntry(name, by_name[name][0], len(by_name[name]),
                          sorted({tag for record in by_name[name] for tag in tags.get(record.id, [])}))
            for name in names.items
        ]  # fmt: skip
        return Paged(entries, names.page, names.size, names.has_next)

    def artifact_versions(self, name: str, *, page: int, size: int) -> ArtifactVersions:
        """Page ``page`` of the versions of artifact ``name``, newest first; ``ArtifactRecordNotFoundError``
        if it has none. (The store's exact-name read: a name is never taken for a filter like
        ``startswith:...``, as ``Client.list_artifact_versions(name=...)`` would take it.)"""
        from zenml.metadata_stores.models import ARTIFACT_VERSION

        records = self.store.list_artifact_versions(name)
        if not records:
            raise ArtifactRecordNotFoundError(f"no artifact named {name!r}; the artifacts page lists every one")
        shown = Paged.of(records[::-1], page, size)
        runs: dict[str, RunRecord] = {}
        for run_id in dict.fromkeys(record.run_id for record in shown.items if record.run_id is not None):
            try:
                runs[run_id] = self.client.get_run(run_id).record
            except RunNotFoundError:
                continue
        tags = self.tags(ARTIFACT_VERSION, [record.id for record in shown.items])
        return ArtifactVersions(name, shown, len(records), tags, runs)

    def models_page(self, *, page: int, size: int) -> Paged[ModelEntry]:
        """Page ``page`` of the models, the one made or given a version most recently first."""
        from zenml.metadata_stores.models import MODEL
        from zenml.model.lookup import stages

        versions: dict[str, list[ModelVersionRecord]] = {}
        for version in reversed(self.store.list_model_versions()):
            versions.setdefault(version.model_name, []).append(version)
        models = [(model, versions.get(model.name, [])) for model in self.store.list_models()]
        # ordered by when the model or its newest version was made
        models.sort(key=lambda item: max([item[0].created_at, *(v.created_at for v in item[1][:1])]), reverse=True)
        shown = Paged.of(models, page, size)
        listed = [version for _, found in shown.items for version in found[:VERSIONS_SHOWN]]
        stage = stages(self.store, listed)
        tags = self.tags(MODEL, [model.name for model, _ in shown.items])
        entries = [ModelEntry(model, found, stage, tags.get(model.name, [])) for model, found in shown.items]
        return Paged(entries, shown.page, shown.size, shown.has_next)

    def model_versions(self, name: str, *, page: int, size: int) -> ModelVersions:
        """Model ``name`` (``ModelNotFoundError`` if there is none) and page ``page`` of its versions."""
        from zenml.metadata_stores.models import MODEL, MODEL_VERSION
        from zenml.model.lookup import stages

        model = self.client.get_model(name).record
        versions = self.store.list_model_versions(name)[::-1]
        shown = Paged.of(versions, page, size)
        entry = ModelEntry(model, versions, stages(self.store, shown.items), self.tags(MODEL, [name]).get(name, []))
        return ModelVersions(entry, shown, self.tags(MODEL_VERSION, [version.id for version in shown.items]))

    def model_version(self, version_id: str) -> ModelVersionView:
        """A model version by id, as the Client reads it (``ModelNotFoundError`` if there is none)."""
        return self.client.get_model_version(None, version_id)

    def tags(self, resource_type: str, ids: Iterable[str]) -> dict[str, list[str]]:
        """Resource id -> its tags, for resources of one type, in one read."""
        from zenml.metadata_stores.annotations import tags_of

        wanted = list(ids)
        return tags_of(self.store.list_annotations(resource_type, wanted)) if wanted else {}
