"""The core contract suites, run against the GCS stores on a real emulator."""

from __future__ import annotations

import pytest

from zenml.integrations.gcp.artifact_store import GCPArtifactStore
from zenml.integrations.gcp.metadata_store import GCPMetadataStore
from zenml.testing import ArtifactStoreContract, MetadataStoreContract

pytestmark = pytest.mark.gcs


class TestGCPArtifactStoreContract(ArtifactStoreContract):
    @pytest.fixture
    def store(self, gcs_bucket: str) -> GCPArtifactStore:
        # Small chunks so that the contract's ~1 MiB files go through chunked resumable uploads.
        return GCPArtifactStore("contract", path=f"gs://{gcs_bucket}/artifacts", chunk_size_mb=0.25)


class TestGCPArtifactStoreAtBucketRootContract(ArtifactStoreContract):
    @pytest.fixture
    def store(self, gcs_bucket: str) -> GCPArtifactStore:
        return GCPArtifactStore("contract", path=f"gs://{gcs_bucket}")


class TestGCPMetadataStoreContract(MetadataStoreContract):
    @pytest.fixture
    def store(self, gcs_bucket: str) -> GCPMetadataStore:
        return GCPMetadataStore("contract", path=f"gs://{gcs_bucket}/meta")
