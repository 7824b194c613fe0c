"""The dashboard integration: A read-only web UI of runs: DAGs, steps, logs and artifact previews.

Importing or activating this module imports none of the integration's requirements:
flavors and materializers are registered by reference and load on first use.
"""

from __future__ import annotations

from zenml.integrations.dashboard.__about__ import __version__
from zenml.integrations.integration import Integration

__all__ = ["DashboardIntegration", "__version__"]


class DashboardIntegration(Integration):
    """A read-only web UI of runs: DAGs, steps, logs and artifact previews."""

    NAME = "dashboard"
    DISTRIBUTION = "zenml-dashboard"
    # The same as the distribution's dependencies, zenml-core aside (a test proves it).
    REQUIREMENTS = [
        "starlette>=0.40",
        "uvicorn>=0.30",
        "jinja2>=3.1",
        "igraph>=1.0",
        "pillow>=9.1",
    ]
    # Declare what it adds by reference, never by import, and list the same in [tool.zenml]:
    # FLAVORS = {("artifact_store", "dashboard"): "zenml.integrations.dashboard.artifact_store:ArtifactStoreClass"}
    #   -> flavors = ["artifact_store:dashboard"]
    # MATERIALIZERS = {"zenml.integrations.dashboard.materializers": ("top_level_package",)}
    #   -> type-packages = ["top_level_package"]
