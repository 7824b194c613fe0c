"""``get_step_context()``: what a running step (or its hooks) can know about its run and its outputs.

The context exists while a step's function and its hooks run, in the step's own thread (a
:class:`contextvars.ContextVar`), so concurrent steps never see each other's. This module is
imported by ``from zenml import get_step_context``: it imports only ``contextvars`` (no
``typing``, no ``functools``) so that the import stays as cheap as ``from zenml import step``.
"""

from __future__ import annotations

from contextvars import ContextVar

from zenml.exceptions import StepContextError

# ``typing`` itself is not imported at run time: mypy treats this name like typing.TYPE_CHECKING.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from zenml.materializers.base import BaseMaterializer
    from zenml.metadata_stores.models import ArtifactRecord
    from zenml.model.model import Model
    from zenml.orchestrators.deployment import Deployment, StepPlan
    from zenml.pipelines.runs import ArtifactVersions, ModelVersionView, PipelineRun, PipelineView, StepRunView
    from zenml.stack.stack import Stack

_CURRENT: ContextVar[StepContext | None] = ContextVar("zenml_step_context", default=None)


def get_step_context() -> StepContext:
    """The context of the step that is running (inside a step function or one of its hooks)."""
    context = _CURRENT.get()
    if context is None:
        raise RuntimeError(
            "The step context is only available inside a step function (or a hook of a step): call "
            "get_step_context() while the step runs, not when the module is imported or the pipeline is built."
        )
    return context


class StepContextOutput:
    """One output of the running step: its materializer (``None`` until the value is known), URI, metadata."""

    __slots__ = ("artifact_uri", "materializer_class", "run_metadata", "store_name", "tags")

    def __init__(self, materializer_class: type[BaseMaterializer] | None, store_name: str, artifact_uri: str) -> None:
        self.materializer_class = materializer_class
        self.store_name = store_name  # the artifact's directory name inside the artifact store
        self.artifact_uri = artifact_uri  # the same, as a full URI
        self.run_metadata: dict[str, Any] = {}
        self.tags: list[str] = []


class StepContext:
    """Information about the running step, its run and its outputs (as ZenML's ``StepContext``)::

    @step
    def trainer(data: list[float]) -> float:
        context = get_step_context()
        print(context.pipeline.name, context.pipeline_run.name, context.step_run.name)
        context.add_output_metadata({"rows": len(data)})
        return sum(data)
    """

    def __init__(
        self,
        *,
        deployment: Deployment,
        plan: StepPlan,
        stack: Stack,
        inputs: dict[str, ArtifactRecord | list[ArtifactRecord]],
        outputs: dict[str, StepContextOutput],
        started_at: float,
    ) -> None:
        self._deployment = deployment
        self._plan = plan
        self._stack = stack
        self._input_records = inputs
        self._outputs = outputs
        self._started_at = started_at
        self.step_name: str = plan.id
        self._pipeline_run: PipelineRun | None = None
        self._step_run: StepRunView | None = None
        self._saved: list[ArtifactRecord] = []  # versions save_artifact() made inside the step: outputs too

    @classmethod
    def _exists(cls) -> bool:
        return _CURRENT.get() is not None

    def _activate(self) -> Iterator[None]:
        from zenml.artifact_stores.current import using_store

        token = _CURRENT.set(self)
        try:
            with using_store(self._stack.artifact_store):
                yield
        finally:
            _CURRENT.reset(token)

    # -- the run ---------------------------------------------------------------------------------------

    @property
    def pipeline_run(self) -> PipelineRun:
        """The running pipeline run (``.name``, ``.id``, ``.config``, ``.steps`` so far)."""
        if self._pipeline_run is None:
            from zenml.pipelines.runs import PipelineRun

            self._pipeline_run = PipelineRun(self._stack.metadata_store.get_run(self._deployment.run_id), self._stack)
        return self._pipeline_run

    @property
    def pipeline(self) -> PipelineView:
        """The pipeline this run belongs to (``.name``, ``.runs``, ``.last_run``)."""
        from zenml.pipelines.runs import PipelineView

        return PipelineView(self._deployment.pipeline_name, self._stack)

    @property
    def step_run(self) -> StepRunView:
        """The running step (``.name``, ``.status`` running, ``.config.parameters``, ``.inputs``)."""
        if self._step_run is None:
            self._step_run = self._new_step_run()
        return self._step_run

    def _new_step_run(self) -> StepRunView:
        from zenml.metadata_stores.models import RUNNING, StepRecord
        from zenml.pipelines.runs import StepRunView

        record = StepRecord(
            run_id=self._deployment.run_id,
            name=self._plan.id,
            status=RUNNING,
            started_at=self._started_at,
            inputs={
                name: [item.id for item in value] if isinstance(value, list) else value.id
                for name, value in self._input_records.items()
            },
            parameters=dict(self._plan.parameters),
            config=dict(self._plan.config),
        )
        return StepRunView(record, self.pipeline_run)

    @property
    def inputs(self) -> dict[str, ArtifactVersions]:
        """Input name -> the artifact versions the step reads (a one-element list for a single artifact)."""
        return self.step_run.inputs

    @property
    def model(self) -> Model:
        """The model of this step (or its pipeline), at the model version this run uses (a ``zenml.Model``)."""
        config = self._plan.config.get("model")
        if config is None:
            raise StepContextError(
                f"Unable to get Model in step {self.step_name!r} of pipeline run {self._deployment.run_name!r}: "
                "no model has been specified for the step or the pipeline (`model=` on @step or @pipeline)."
            )
        from zenml.model.model import Model

        return Model._from_config(config, self._stack)

    @property
    def model_version(self) -> ModelVersionView:
        """The model version this step's run uses (ZenML's ``ModelVersionResponse``)."""
        from zenml.pipelines.runs import ModelVersionView

        model = self.model
        return ModelVersionView(model._version_record(), self._stack)

    def saved_artifacts(self) -> list[ArtifactRecord]:
        """The artifact versions ``save_artifact()`` made inside this step (recorded as its outputs too)."""
        return list(self._saved)

    # -- the outputs -----------------------------------------------------------------------------------

    def _get_output(self, output_name: str | None = None) -> StepContextOutput:
        if not self._outputs:
            raise StepContextError(f"Unable to get step output for step {self.step_name!r}: it has no outputs.")
        if output_name is None:
            if len(self._outputs) > 1:
                raise StepContextError(
                    f"Unable to get step output for step {self.step_name!r}: it has several outputs "
                    f"({', '.join(self._outputs)}); pass output_name=."
                )
            return next(iter(self._outputs.values()))
        found = self._outputs.get(output_name)
        if found is None:
            raise StepContextError(
                f"Unable to get step output {output_name!r} for step {self.step_name!r}: it has no output of that "
                f"name; its outputs are: {', '.join(self._outputs)}."
            )
        return found

    def get_output_artifact_uri(self, output_name: str | None = None) -> str:
        """Where an output will be stored (a full URI in the artifact store)."""
        return self._get_output(output_name).artifact_uri

    def get_output_materializer(
        self,
        output_name: str | None = None,
        custom_materializer_class: type[BaseMaterializer] | None = None,
        data_type: type[Any] | None = None,
    ) -> BaseMaterializer:
        """A materializer for an output, set up on its URI in the artifact store.

        For an unannotated output the materializer depends on the value: pass ``data_type``
        (or ``custom_materializer_class``).
        """
        output = self._get_output(output_name)
        materializer = custom_materializer_class or output.materializer_class
        if materializer is None or (data_type is not None and custom_materializer_class is None):
            if data_type is None:
                raise StepContextError(
                    f"output {output_name or next(iter(self._outputs))!r} of step {self.step_name!r} has no type "
                    "annotation, so its materializer is chosen from the returned value: pass data_type= (or "
                    "custom_materializer_class=), or annotate the output"
                )
            from zenml.materializers.registry import materializer_registry

            materializer = materializer_registry.get(data_type)
        return materializer(output.artifact_uri, self._stack.artifact_store)

    def add_output_metadata(self, metadata: dict[str, Any], output_name: str | None = None) -> None:
        """Attach metadata to an output; it is stored with the artifact version (``artifact.run_metadata``).

        Values are JSON values or ``Uri``, ``Path``, ``DType``, ``StorageSize``.
        """
        from zenml.metadata.metadata_types import validate_metadata

        validate_metadata(metadata)
        self._get_output(output_name).run_metadata.update(metadata)

    def add_output_tags(self, tags: list[str], output_name: str | None = None) -> None:
        """Tag an output's artifact version (on top of its ``ArtifactConfig`` tags)."""
        output = self._get_output(output_name)
        output.tags.extend(tag for tag in tags if tag not in output.tags)

    def get_output_tags(self, output_name: str | None = None) -> list[str]:
        """The tags added to an output so far."""
        return list(self._get_output(output_name).tags)

    def remove_output_tags(self, tags: list[str], output_name: str | None = None) -> None:
        """Take tags added with :meth:`add_output_tags` off an output."""
        output = self._get_output(output_name)
        output.tags[:] = [tag for tag in output.tags if tag not in tags]

    def get_output_metadata(self, output_name: str | None = None) -> dict[str, Any]:
        """The metadata added to an output so far."""
        return dict(self._get_output(output_name).run_metadata)

    def __repr__(self) -> str:
        return f"<step context {self.step_name!r} of run {self._deployment.run_name!r}>"


def activate(context: StepContext) -> Any:
    """A context manager that makes ``context`` the current step context."""
    from contextlib import contextmanager

    return contextmanager(context._activate)()


__all__ = ["StepContext", "StepContextError", "StepContextOutput", "get_step_context"]
