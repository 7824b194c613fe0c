"""``zenml.Model``: the model a pipeline or step works on (ZenML's ``zenml.model.model.Model``)::

    @pipeline(model=Model(name="classifier", license="MIT"))
    def training(): ...                    # every run makes a new version: 1, 2, ...

    Model(name="classifier", version="production").load_artifact("sklearn_classifier")

``version``: ``None`` (a new version per run), a version name (made if it does not exist), a number, or a
stage (``"staging"``, ``"production"``, ``"archived"``, ``"latest"``), which must exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.metadata_stores.base import MetadataStore
    from zenml.metadata_stores.models import ModelVersionRecord
    from zenml.pipelines.runs import ArtifactView, ModelVersionView, PipelineRun
    from zenml.stack.stack import Stack

_FIELDS = ("license", "description", "audience", "use_cases", "limitations", "trade_offs", "ethics")


class Model:
    """A model of the model control plane, at one version (see the module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        tags: list[str] | None = None,
        version: Any = None,
        save_models_to_registry: bool = True,
        model_version_id: str | None = None,
        suppress_class_validation_warnings: bool = False,
    ) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"Model name must be a non-empty string, not {name!r}")
        if tags is not None and not all(isinstance(tag, str) for tag in tags):
            raise ValueError(f"Model tags must be strings, not {tags!r}")
        del suppress_class_validation_warnings
        self.name = name
        self.license = license
        self.description = description
        self.audience = audience
        self.use_cases = use_cases
        self.limitations = limitations
        self.trade_offs = trade_offs
        self.ethics = ethics
        self.tags = list(tags) if tags is not None else None
        self.version: Any = getattr(version, "value", version)
        self.save_models_to_registry = save_models_to_registry
        self.model_version_id = model_version_id
        self._number: int | None = None
        self._stack: Stack | None = None

    # -- configuration -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The configuration as recorded with a run (``model=`` on a step or pipeline)."""
        data: dict[str, Any] = {"name": self.name}
        for key in (*_FIELDS, "tags", "version", "model_version_id"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self._number is not None:
            data["number"] = self._number
        return data

    model_dump = to_dict

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        """A model from its recorded configuration (unknown keys of a newer zenml are ignored)."""
        known = {key: data[key] for key in (*_FIELDS, "tags", "version", "model_version_id") if key in data}
        model = cls(name=data["name"], **known)
        model._number = data.get("number")
        return model

    @classmethod
    def _from_config(cls, config: dict[str, Any], stack: Stack) -> Model:
        model = cls.from_dict(config)
        model._stack = stack
        return model

    @classmethod
    def _from_record(cls, record: ModelVersionRecord, stack: Stack) -> Model:
        model = cls(name=record.model_name, version=record.name, model_version_id=record.id)
        model._number = record.number
        model._stack = stack
        return model

    # -- the version in the model control plane ----------------------------------------------------

    def _store_stack(self) -> Stack:
        if self._stack is None:
            from zenml.stack.stack import get_active_stack

            self._stack = get_active_stack()
        return self._stack

    def _version_record(self) -> ModelVersionRecord:
        """This model's version: found, or made (a model that does not exist yet is made too)."""
        from zenml.model.lookup import version_by_id

        store = self._store_stack().metadata_store
        if self.model_version_id is not None:
            record = version_by_id(store, self.model_version_id)
        else:
            record = get_or_create_version(store, self)
        self.model_version_id = record.id
        self.version = record.name
        self._number = record.number
        return record

    _get_or_create_model_version = _version_record

    @property
    def id(self) -> str:
        """The model version's id (the version is made if ``version`` names one that does not exist)."""
        return self._version_record().id

    @property
    def model_id(self) -> str:
        return self.name

    @property
    def number(self) -> int:
        if self._number is None:
            self._version_record()
        assert self._number is not None
        return self._number

    def _view(self) -> ModelVersionView:
        from zenml.pipelines.runs import ModelVersionView

        return ModelVersionView(self._version_record(), self._store_stack())

    @property
    def stage(self) -> Any:
        """The version's stage (a ``ModelStages``), or ``None``."""
        return self._view().stage

    @property
    def run_metadata(self) -> dict[str, Any]:
        return self._view().run_metadata

    def log_metadata(self, metadata: dict[str, Any]) -> None:
        self._view().log_metadata(metadata)

    def set_stage(self, stage: Any, force: bool = False) -> None:
        self._view().set_stage(stage, force=force)

    def get_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        return self._view().get_artifact(name, version)

    def get_model_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        return self._view().get_model_artifact(name, version)

    def get_data_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        return self._view().get_data_artifact(name, version)

    def get_deployment_artifact(self, name: str, version: str | None = None) -> ArtifactView | None:
        return self._view().get_deployment_artifact(name, version)

    def load_artifact(self, name: str, version: str | None = None) -> Any:
        return self._view().load_artifact(name, version)

    def get_pipeline_run(self, name: str) -> PipelineRun:
        return self._view().get_pipeline_run(name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return (self.name, self.version) == (other.name, other.version)

    def __hash__(self) -> int:
        return hash(f"{self.name}::{self.version}")

    def __repr__(self) -> str:
        return f"Model(name={self.name!r}, version={self.version!r})"


def get_or_create_version(store: MetadataStore, model: Model) -> ModelVersionRecord:
    """The version ``model`` names, made when it names none (a new number) or a name that is not taken yet."""
    import os
    import time

    from zenml.metadata_stores.annotations import tag_annotations
    from zenml.metadata_stores.base import ModelNotFoundError, VersionExistsError
    from zenml.metadata_stores.models import MODEL, MODEL_VERSION, ModelRecord, ModelVersionRecord
    from zenml.model.lookup import STAGES, find_version

    now = time.time()
    fields = {key: getattr(model, key) for key in _FIELDS}
    existed = any(record.name == model.name for record in store.list_models())
    store.create_model(ModelRecord(name=model.name, created_at=now, **fields))
    if not existed and model.tags:
        store.add_annotations(tag_annotations(MODEL, model.name, model.tags))
    version = model.version
    if version is not None:
        text = str(version)
        if isinstance(version, str):
            from zenml.utils.string_utils import format_name_template

            text = format_name_template(text)
        try:
            return find_version(store, model.name, text)
        except ModelNotFoundError:
            if text.lower() in STAGES or text.isdigit():
                raise
        name = text
    else:
        name = ""
    try:
        record = store.create_model_version(
            ModelVersionRecord(
                id=os.urandom(16).hex(),
                model_name=model.name,
                name=name,
                number=0,
                created_at=now,
                description=model.description,
            )
        )
    except VersionExistsError:  # made by a concurrent run meanwhile
        return find_version(store, model.name, name)
    if model.tags:
        store.add_annotations(tag_annotations(MODEL_VERSION, record.id, model.tags))
    return record


__all__ = ["Model"]
