"""GCPMetadataStore passes the behaviour every metadata store must show (against a real GCS emulator)."""

from __future__ import annotations

import pytest

from zenml.integrations.gcp.metadata_store import GCPMetadataStore
from zenml.testing import MetadataStoreContract

pytestmark = pytest.mark.gcs


class TestGCPMetadataStoreContract(MetadataStoreContract):
    @pytest.fixture
    def store(self, gcs_bucket: str) -> GCPMetadataStore:
        return GCPMetadataStore("contract", path=f"gs://{gcs_bucket}/meta")
