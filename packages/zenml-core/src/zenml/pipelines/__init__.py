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
    from zenml._lazy import attribute

    return attribute(globals(), name, _LAZY)
