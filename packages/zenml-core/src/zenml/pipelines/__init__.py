"""Pipelines: graphs of steps built by calling steps inside a ``@pipeline`` function.

``from zenml.pipelines import pipeline, Pipeline, get_pipeline_context`` work as in ZenML;
the names load on first access.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.pipelines.decorator import pipeline
    from zenml.pipelines.pipeline_context import PipelineContext, get_pipeline_context
    from zenml.pipelines.pipeline_definition import Pipeline

_LAZY = {
    "pipeline": ("zenml.pipelines.decorator", "pipeline"),
    "Pipeline": ("zenml.pipelines.pipeline_definition", "Pipeline"),
    "get_pipeline_context": ("zenml.pipelines.pipeline_context", "get_pipeline_context"),
    "PipelineContext": ("zenml.pipelines.pipeline_context", "PipelineContext"),
}

__all__ = ["Pipeline", "PipelineContext", "get_pipeline_context", "pipeline"]


def __getattr__(name: str) -> object:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(target[0]), target[1])
    globals()[name] = value
    return value
