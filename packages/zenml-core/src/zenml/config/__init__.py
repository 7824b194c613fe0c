"""Configuration of steps, pipelines and runs (ZenML's ``zenml.config``); names load on first access."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.config.pipeline_run_configuration import PipelineRunConfiguration
    from zenml.config.retry_config import StepRetryConfig
    from zenml.config.step_configurations import StepConfiguration, StepConfigurationUpdate

_LAZY = {
    "StepRetryConfig": "zenml.config.retry_config",
    "StepConfiguration": "zenml.config.step_configurations",
    "StepConfigurationUpdate": "zenml.config.step_configurations",
    "PipelineRunConfiguration": "zenml.config.pipeline_run_configuration",
}

__all__ = ["PipelineRunConfiguration", "StepConfiguration", "StepConfigurationUpdate", "StepRetryConfig"]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'zenml.config' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
