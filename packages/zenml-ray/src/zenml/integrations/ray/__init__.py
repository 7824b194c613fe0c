"""The Ray integration: run pipelines on a Ray cluster, one step per Ray task.

Importing or activating this module imports nothing from Ray: the ``ray`` orchestrator flavor is
registered by reference, and ``ray`` is imported only when a stack with that orchestrator runs.
"""

from __future__ import annotations

from zenml.integrations.integration import Integration
from zenml.integrations.ray.__about__ import __version__

__all__ = ["RayIntegration", "__version__"]


class RayIntegration(Integration):
    """Run pipelines on a Ray cluster, one step per Ray task."""

    NAME = "ray"
    DISTRIBUTION = "zenml-ray"
    # The same as the distribution's dependencies, zenml-core aside (a test proves it).
    REQUIREMENTS = ["ray>=2.52"]
    FLAVORS = {("orchestrator", "ray"): "zenml.integrations.ray.orchestrator:RayOrchestrator"}
