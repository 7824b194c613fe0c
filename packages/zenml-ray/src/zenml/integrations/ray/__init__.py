"""The ray integration: Run pipelines on a Ray cluster, one step per Ray task.

Importing or activating this module imports none of the integration's requirements:
flavors and materializers are registered by reference and load on first use.
"""

from __future__ import annotations

from zenml.integrations.ray.__about__ import __version__
from zenml.integrations.integration import Integration

__all__ = ["RayIntegration", "__version__"]


class RayIntegration(Integration):
    """Run pipelines on a Ray cluster, one step per Ray task."""

    NAME = "ray"
    DISTRIBUTION = "zenml-ray"
    # The same as the distribution's dependencies, zenml-core aside (a test proves it).
    REQUIREMENTS = ["ray>=2.52"]
    # Declare what it adds by reference, never by import, and list the same in [tool.zenml]:
    # FLAVORS = {("artifact_store", "ray"): "zenml.integrations.ray.artifact_store:ArtifactStoreClass"}
    #   -> flavors = ["artifact_store:ray"]
    # MATERIALIZERS = {"zenml.integrations.ray.materializers": ("top_level_package",)}
    #   -> type-packages = ["top_level_package"]
