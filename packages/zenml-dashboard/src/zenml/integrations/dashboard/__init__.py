"""The dashboard integration: a read-only web UI of runs (``zenml dashboard``).

Importing or activating this module imports none of the integration's requirements: its
command is declared by reference, and the web stack loads only when ``zenml dashboard`` runs.
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
    # By reference, and the same as [tool.zenml] commands (a test proves it).
    COMMANDS = {
        "dashboard": (
            "zenml.integrations.dashboard.cli:dashboard",
            "Serve a read-only web UI of runs, steps and artifacts.",
        )
    }
