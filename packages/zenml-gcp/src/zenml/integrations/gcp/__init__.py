"""The Google Cloud integration: GCS artifact store and shared GCS metadata store.

Importing this module imports nothing from Google Cloud: the flavors are
registered by reference and load on first use.
"""

from __future__ import annotations

from zenml.integrations.gcp.__about__ import __version__
from zenml.integrations.integration import Integration

__all__ = ["GcpIntegration", "__version__"]


class GcpIntegration(Integration):
    """Adds the ``gcp`` flavor of artifact store and of metadata store."""

    NAME = "gcp"
    DISTRIBUTION = "zenml-gcp"
    REQUIREMENTS = ["google-cloud-storage>=3.0,<4"]
    FLAVORS = {
        ("artifact_store", "gcp"): "zenml.integrations.gcp.artifact_store:GCPArtifactStore",
        ("metadata_store", "gcp"): "zenml.integrations.gcp.metadata_store:GCPMetadataStore",
    }
