"""Configuration of steps, pipelines and runs (ZenML's ``zenml.config``); names load on first access."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.config.pipeline_run_configuration import PipelineRunConfiguration
    from zenml.config.retry_config import StepRetryConfig
    from zenml.config.step_configurations import StepConfiguration, StepConfigurationUpdate

_LAZY = {
    "StepRetryConfig": ("zenml.config.retry_config", "StepRetryConfig"),
    "StepConfiguration": ("zenml.config.step_configurations", "StepConfiguration"),
    "StepConfigurationUpdate": ("zenml.config.step_configurations", "StepConfigurationUpdate"),
    "PipelineRunConfiguration": ("zenml.config.pipeline_run_configuration", "PipelineRunConfiguration"),
}

__all__ = ["PipelineRunConfiguration", "StepConfiguration", "StepConfigurationUpdate", "StepRetryConfig"]


def __getattr__(name: str) -> object:
    from zenml._lazy import attribute

    return attribute(globals(), name, _LAZY)
