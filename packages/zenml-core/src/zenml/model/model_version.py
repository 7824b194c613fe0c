"""Models and model versions as recorded: read-only views (ZenML's ``ModelResponse``/``ModelVersionResponse``)
and the rules that find a version by name, number or stage.

A model version's stage, tags, metadata and links (to the artifact versions its steps produced and to its runs)
are annotations of the metadata store; nothing here loads an artifact until ``load_artifact``.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from zenml.metadata_stores.base import ModelNotFoundError

if TYPE_CHECKING:
    from datetime import datetime

    from zenml.metadata_stores.base import MetadataStore
    from zenml.metadata_stores.models import ModelRecord, ModelVersionRecord
    from zenml.model.model import Model
    from zenml.pipelines.runs import ArtifactView, PipelineRun
    from zenml.stack.stack import Stack

STAGES = ("none", "staging", "production", "archived", "latest")
SETTABLE_STAGES = ("none", "staging", "production", "archived")


def stages(store: MetadataStore, versions: list[ModelVersionRecord]) -> dict[str, str]:
    """Version id -> its current stage (``"none"`` when never set)."""
    from zenml.metadata_stores.annotations import stages_of
    from zenml.metadata_stores.models import MODEL_VERSION

    found = stages_of(store.list_annotations(MODEL_VERSION, [version.id for version in versions]))
    return {version.id: found.get(version.id, "none") for version in versions}


def find_version(store: MetadataStore, model_name: str, version: Any) -> ModelVersionRecord:
    """Version ``version`` of a model: a stage (``"production"``, ``ModelStages.LATEST``), a number (``3``,
    ``"3"``), a version name, or a version id; :class:`ModelNotFoundError` naming what exists otherwise."""
    versions = store.list_model_versions(model_name)
    if not versions:
        store.get_model(model_name)  # a clear error for an unknown model
        raise ModelNotFoundError(f"model {model_name!r} has no versions yet; a pipeline run with model= creates one")
    text = str(getattr(version, "value", version)) if version is not None else "latest"
    if text == "latest":
        return versions[-1]
    if text in STAGES:
        current = stages(store, versions)
        matching = [record for record in versions if current[record.id] == text]
        if not matching:
            raise ModelNotFoundError(
                f"no version of model {model_name!r} is in stage {text!r}; set one with "
                f"Client().get_model_version({model_name!r}, <version>).set_stage({text!r})"
            )
        return matching[-1]
    for record in versions:
        if (text.isdigit() and record.number == int(text)) or text in (record.name, record.id):
            return record
    names = ", ".join(record.name for record in versions[-5:])
    raise ModelNotFoundError(f"model {model_name!r} has no version {text!r} (newest versions: {names})")


def version_by_id(store: MetadataStore, version_id: str) -> ModelVersionRecord:
    for record in store.list_model_versions():
        if record.id == version_id:
            return record
    raise ModelNotFoundError(f"no model version with id {version_id!r} in metadata store {store.name!r}")


def _datetime(timestamp: float) -> datetime:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


class ModelView:
    """A recorded model (ZenML's ``ModelResponse``): ``name``, ``license``, ``description``, ``tags``, ``versions``."""

    def __init__(self, record: ModelRecord, stack: Stack) -> None:
        self.record = record
        self._stack = stack

    name = property(lambda self: self.record.name)
    id = property(lambda self: self.record.name)
    license = property(lambda self: self.record.license)
    description = property(lambda self: self.record.description)
    audience = property(lambda self: self.record.audience)
    use_cases = property(lambda self: self.record.use_cases)
    limitations = property(lambda self: self.record.limitations)
    trade_offs = property(lambda self: self.record.trade_offs)
    ethics = property(lambda self: self.record.ethics)

    @property
    def created(self) -> datetime:
        return _datetime(self.record.created_at)

    @property
    def tags(self) -> list[str]:
        from zenml.metadata_stores.annotations import tags_of
        from zenml.metadata_stores.models import MODEL

        return tags_of(self._stack.metadata_store.list_annotations(MODEL, [self.name])).get(self.name, [])

    @cached_property
    def versions(self) -> list[ModelVersionView]:
        """Every version, oldest first."""
        return [
            ModelVersionView(record, self._stack)
            for record in self._stack.metadata_store.list_model_versions(self.name)
        ]

    @property
    def latest_version_name(self) -> str | None:
        return self.versions[-1].name if self.versions else None

    @property
    def latest_version_id(self) -> str | None:
        return self.versions[-1].id if self.versions else None

    def get_model_version(self, version: Any = None) -> ModelVersionView:
        """A version by name, number or stage (the latest without one)."""
        return ModelVersionView(find_version(self._stack.metadata_store, self.name, version), self._stack)

    def to_dict(self) -> dict[str, Any]:
        return {**self.record.to_dict(), "tags": self.tags, "versions": [v.name for v in self.versions]}

    def __repr__(self) -> str:
        return f"<model {self.name!r}>"


class ModelVersionView:
    """One version of a model (ZenML's ``ModelVersionResponse``)."""

    def __init__(self, record: ModelVersionRecord, stack: Stack) -> None:
        self.record = record
        self._stack = stack

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.name)
    number = property(lambda self: self.record.number)
    description = property(lambda self: self.record.description)

    @property
    def created(self) -> datetime:
        return _datetime(self.record.created_at)

    @property
    def model(self) -> ModelView:
        return ModelView(self._stack.metadata_store.get_model(self.record.model_name), self._stack)

    @cached_property
    def _annotations(self) -> list[Any]:
        from zenml.metadata_stores.models import MODEL_VERSION

        return self._stack.metadata_store.list_annotations(MODEL_VERSION, [self.id])

    @property
    def stage(self) -> str | None:
        """The current stage (a ``ModelStages`` value), or ``None``."""
        from zenml.metadata_stores.annotations import stages_of

        found = stages_of(self._annotations).get(self.id)
        if found in (None, "none"):
            return None
        from zenml.enums import ModelStages

        return ModelStages(found)

    @property
    def tags(self) -> list[str]:
        from zenml.metadata_stores.annotations import tags_of

        return tags_of(self._annotations).get(self.id, [])

    @property
    def run_metadata(self) -> dict[str, Any]:
        from zenml.metadata_stores.annotations import metadata_of

        return metadata_of(self._annotations).get(self.id, {})

    def _linked(self, target_type: str) -> list[str]:
        from zenml.metadata_stores.annotations import links_of

        return links_of(self._annotations, target_type).get(self.id, [])

    @cached_property
    def artifact_versions(self) -> list[ArtifactView]:
        """Every artifact version linked to this model version (made by its runs' steps), oldest first."""
        from zenml.metadata_stores.base import ArtifactRecordNotFoundError
        from zenml.metadata_stores.models import ARTIFACT_VERSION
        from zenml.pipelines.runs import ArtifactView

        views = []
        for artifact_id in self._linked(ARTIFACT_VERSION):
            try:
                views.append(ArtifactView(self._stack.metadata_store.get_artifact(artifact_id), self._stack))
            except ArtifactRecordNotFoundError:
                continue
        return sorted(views, key=lambda view: view.record.created_at)

    def _by_type(self, *types: str) -> dict[str, dict[str, ArtifactView]]:
        found: dict[str, dict[str, ArtifactView]] = {}
        for view in self.artifact_versions:
            if not types or view.record.artifact_type in types:
                found.setdefault(view.name, {})[view.version] = view
        return found

    @property
    def data_artifacts(self) -> dict[str, dict[str, ArtifactView]]:
        """Artifact name -> version -> artifact, for artifacts that are not models or services."""
        special = ("ModelArtifact", "ServiceArtifact")
        return {
            name: versions
            for name, versions in self._by_type().items()
            if not any(view.record.artifact_type in special for view in versions.values())
        }

    @property
    def model_artifacts(self) -> dict[str, dict[str, ArtifactView]]:
        return self._by_type("ModelArtifact")

    @property
    def deployment_artifacts(self) -> dict[str, dict[str, ArtifactView]]:
        return self._by_type("ServiceArtifact")

    def get_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        """The linked artifact version of that name (the newest, unless ``version`` is given), or ``None``."""
        versions = self._by_type().get(name, {})
        if version is not None:
            return versions.get(str(version))
        return list(versions.values())[-1] if versions else None

    def get_model_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        found = self.get_artifact(name, version)
        return found if found is not None and found.record.artifact_type == "ModelArtifact" else None

    def get_data_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        found = self.get_artifact(name, version)
        return (
            found
            if found is not None and found.record.artifact_type not in ("ModelArtifact", "ServiceArtifact")
            else None
        )

    def get_deployment_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        found = self.get_artifact(name, version)
        return found if found is not None and found.record.artifact_type == "ServiceArtifact" else None

    def load_artifact(self, name: str, version: str | None = None) -> Any:
        """Load the linked artifact version of that name (the newest, unless ``version`` is given)."""
        found = self.get_artifact(name, version)
        if found is None:
            linked = ", ".join(sorted(self._by_type())) or "none"
            raise ValueError(
                f"Version {self.name} of model {self.record.model_name} does not have an artifact with name {name}"
                f"{f' and version {version}' if version is not None else ''} (linked artifacts: {linked})."
            )
        return found.load()

    @property
    def pipeline_runs(self) -> dict[str, PipelineRun]:
        """Run name -> run, for the runs that used this model version."""
        from zenml.metadata_stores.base import RunNotFoundError
        from zenml.metadata_stores.models import PIPELINE_RUN
        from zenml.pipelines.runs import PipelineRun

        runs = {}
        for run_id in self._linked(PIPELINE_RUN):
            try:
                record = self._stack.metadata_store.get_run(run_id)
            except RunNotFoundError:
                continue
            runs[record.name] = PipelineRun(record, self._stack)
        return runs

    def get_pipeline_run(self, name: str) -> PipelineRun:
        return self.pipeline_runs[name]

    def set_stage(self, stage: Any, force: bool = False) -> None:
        """Move this version to ``stage`` (``staging``, ``production``, ``archived``, ``none``).

        Another version already in that stage is an error unless ``force=True``, which archives it (as ZenML).
        """
        from zenml.metadata_stores.annotations import stage_annotation
        from zenml.metadata_stores.models import MODEL_VERSION

        text = str(getattr(stage, "value", stage)).lower()
        if text not in SETTABLE_STAGES:
            raise ValueError(
                f"{stage!r} is not a stage a version can be set to; use one of {', '.join(SETTABLE_STAGES)}"
            )
        store = self._stack.metadata_store
        versions = store.list_model_versions(self.record.model_name)
        current = stages(store, versions)
        holders = [record for record in versions if current[record.id] == text and record.id != self.id]
        if holders and text not in ("none", "archived"):
            if not force:
                raise RuntimeError(
                    f"version {holders[-1].name!r} of model {self.record.model_name!r} is already in stage {text!r}: "
                    "pass force=True to move it to 'archived' and this version in"
                )
        else:
            holders = []
        store.add_annotations(
            [stage_annotation(MODEL_VERSION, record.id, "archived") for record in holders]
            + [stage_annotation(MODEL_VERSION, self.id, text)]
        )
        self.__dict__.pop("_annotations", None)

    def log_metadata(self, metadata: dict[str, Any]) -> None:
        from zenml.metadata_stores.annotations import metadata_annotations
        from zenml.metadata_stores.models import MODEL_VERSION

        self._stack.metadata_store.add_annotations(metadata_annotations(MODEL_VERSION, self.id, metadata))
        self.__dict__.pop("_annotations", None)

    def to_model_class(self) -> Model:
        """This version as a ``zenml.Model`` (to pass to ``model=``)."""
        from zenml.model.model import Model

        return Model._from_record(self.record, self._stack)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.record.to_dict(),
            "stage": str(self.stage) if self.stage else None,
            "tags": self.tags,
            "run_metadata": self.run_metadata,
            "artifacts": {view.name: view.version for view in self.artifact_versions},
        }

    def __repr__(self) -> str:
        return f"<model version {self.record.model_name}::{self.name} (#{self.number})>"
