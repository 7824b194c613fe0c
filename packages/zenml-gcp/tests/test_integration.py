"""GcpIntegration declares its flavors by reference, and the references resolve to the right classes."""

from __future__ import annotations

from zenml.artifact_stores.base import ArtifactStore
from zenml.integrations.gcp import GcpIntegration
from zenml.metadata_stores.base import MetadataStore
from zenml.utils.imports import import_reference


def test_flavors_resolve_to_gcp_components() -> None:
    bases = {"artifact_store": ArtifactStore, "metadata_store": MetadataStore}
    assert set(GcpIntegration.FLAVORS) == {("artifact_store", "gcp"), ("metadata_store", "gcp")}
    for (kind, flavor), reference in GcpIntegration.FLAVORS.items():
        cls = import_reference(reference)
        assert issubclass(cls, bases[kind])
        assert (cls.TYPE, cls.FLAVOR) == (kind, flavor)


def test_requirement_matches_the_distribution() -> None:
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    declared = {Requirement(req) for req in requires("zenml-gcp") or [] if not req.startswith("zenml-core")}
    assert declared == {Requirement(req) for req in GcpIntegration.REQUIREMENTS}
