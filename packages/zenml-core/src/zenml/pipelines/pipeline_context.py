"""``get_pipeline_context()``: the configuration of the pipeline whose function is running."""

from __future__ import annotations

# Imported by ``from zenml import get_pipeline_context``: no ``typing`` at run time (mypy treats this name
# like typing.TYPE_CHECKING).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from zenml.config.pipeline_run_configuration import PipelineRunConfiguration


def get_pipeline_context() -> PipelineContext:
    """The context of the pipeline being built, inside a ``@pipeline`` function.

    Raises ``RuntimeError`` elsewhere (inside a step, use ``get_step_context()``).
    """
    from zenml.pipelines.active_graph import active_builder

    builder = active_builder()
    if builder is None or builder.context is None:
        from zenml.steps.step_context import StepContext

        if StepContext._exists():
            raise RuntimeError("Inside a step use `from zenml import get_step_context` instead.")
        raise RuntimeError(
            "No active pipeline found: get_pipeline_context() works only while a @pipeline function runs."
        )
    return builder.context


class PipelineContext:
    """What a pipeline function can read about its own configuration (as in ZenML)::

    @pipeline(extra={"models": ["a", "b"]})
    def tuning():
        for name in get_pipeline_context().extra["models"]:
            train(name, id=f"train_{name}")
    """

    def __init__(self, name: str, configuration: PipelineRunConfiguration) -> None:
        self.name = name
        self.enable_cache: bool | None = configuration.enable_cache
        self.enable_artifact_metadata: bool | None = configuration.enable_artifact_metadata
        self.enable_artifact_visualization: bool | None = configuration.enable_artifact_visualization
        self.enable_step_logs: bool | None = configuration.enable_step_logs
        self.settings: dict[str, Any] = dict(configuration.settings)
        self.extra: dict[str, Any] = dict(configuration.extra)
        self.model: Any = None  # the configured zenml.Model (its version is resolved when the run starts)
        if isinstance(configuration.model, dict):
            from zenml.model.model import Model

            self.model = Model.from_dict(configuration.model)
        self.run_name: str | None = configuration.run_name

    def __repr__(self) -> str:
        return f"<pipeline context {self.name!r}>"
