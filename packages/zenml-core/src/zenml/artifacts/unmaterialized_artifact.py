"""``UnmaterializedArtifact``: annotate a step input with it to get the artifact version itself (its ``uri``,
``data_type``, ``run_metadata``, ...) instead of its loaded value (ZenML's
``zenml.artifacts.unmaterialized_artifact``)::

    @step
    def inspect(data: UnmaterializedArtifact) -> int:
        return len(os.listdir(data.uri))
"""

from __future__ import annotations

from zenml.pipelines.runs import ArtifactView


class UnmaterializedArtifact(ArtifactView):
    """An artifact version given to a step without loading it (``.load()`` still loads it on demand)."""

    ZENML_UNMATERIALIZED = True


__all__ = ["UnmaterializedArtifact"]
