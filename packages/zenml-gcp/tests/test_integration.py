"""GcpIntegration declares its flavors by reference, and the references resolve to the right classes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zenml.artifact_stores.base import ArtifactStore
from zenml.integrations.gcp import GcpIntegration
from zenml.metadata_stores.base import MetadataStore
from zenml.utils.imports import import_reference

if TYPE_CHECKING:
    from zenml.stack.component import StackComponent


def test_flavors_resolve_to_gcp_components() -> None:
    bases: dict[str, type[StackComponent]] = {"artifact_store": ArtifactStore, "metadata_store": MetadataStore}
    assert set(GcpIntegration.FLAVORS) == {("artifact_store", "gcp"), ("metadata_store", "gcp")}
    for (kind, flavor), reference in GcpIntegration.FLAVORS.items():
        cls = import_reference(reference)
        assert isinstance(cls, type)
        assert issubclass(cls, bases[kind])
        assert (kind, flavor) == (cls.TYPE, cls.FLAVOR)
