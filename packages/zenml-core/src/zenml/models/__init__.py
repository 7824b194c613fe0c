"""ZenML's response types and ``Page``, by their ZenML names (``from zenml.models import Page``).

Here they are read-only views of recorded history: a ``PipelineRunResponse`` is a
:class:`~zenml.pipelines.runs.PipelineRun`, an ``ArtifactVersionResponse`` an
:class:`~zenml.pipelines.runs.ArtifactView`, and so on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zenml.models.page_model import Page

if TYPE_CHECKING:
    from zenml.pipelines.runs import ArtifactSummary as ArtifactResponse
    from zenml.pipelines.runs import ArtifactView as ArtifactVersionResponse
    from zenml.pipelines.runs import ModelVersionView as ModelVersionResponse
    from zenml.pipelines.runs import ModelView as ModelResponse
    from zenml.pipelines.runs import PipelineRun as PipelineRunResponse
    from zenml.pipelines.runs import PipelineView as PipelineResponse
    from zenml.pipelines.runs import StepRunView as StepRunResponse

_LAZY = {
    "ArtifactResponse": ("zenml.pipelines.runs", "ArtifactSummary"),
    "ArtifactVersionResponse": ("zenml.pipelines.runs", "ArtifactView"),
    "PipelineRunResponse": ("zenml.pipelines.runs", "PipelineRun"),
    "PipelineResponse": ("zenml.pipelines.runs", "PipelineView"),
    "StepRunResponse": ("zenml.pipelines.runs", "StepRunView"),
    "ModelResponse": ("zenml.pipelines.runs", "ModelView"),
    "ModelVersionResponse": ("zenml.pipelines.runs", "ModelVersionView"),
}

__all__ = [
    "ArtifactResponse",
    "ArtifactVersionResponse",
    "ModelResponse",
    "ModelVersionResponse",
    "Page",
    "PipelineResponse",
    "PipelineRunResponse",
    "StepRunResponse",
]


def __getattr__(name: str) -> object:
    from zenml._lazy import attribute

    return attribute(globals(), name, _LAZY)
