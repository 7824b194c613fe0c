"""Reusable pytest contract suites for artifact stores and metadata stores (and :func:`exited_owner`).

Subclass a contract in a test module and provide a ``store`` fixture that
returns a fresh, empty store; every test of the contract then runs against
it::

    from zenml.testing import ArtifactStoreContract


    class TestMyStore(ArtifactStoreContract):
        @pytest.fixture
        def store(self, tmp_path):
            return MyStore("test", path=...)

The contracts need pytest; importing :mod:`zenml.testing` itself does not
import it (the classes load on first access).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zenml.testing.artifact_store_contract import ArtifactStoreContract
    from zenml.testing.metadata_store_contract import MetadataStoreContract
    from zenml.testing.processes import exited_owner

__all__ = ["ArtifactStoreContract", "MetadataStoreContract", "exited_owner"]

_LAZY = {
    "ArtifactStoreContract": ("zenml.testing.artifact_store_contract", "ArtifactStoreContract"),
    "MetadataStoreContract": ("zenml.testing.metadata_store_contract", "MetadataStoreContract"),
    "exited_owner": ("zenml.testing.processes", "exited_owner"),
}


def __getattr__(name: str) -> object:
    from zenml._lazy import attribute

    return attribute(globals(), name, _LAZY)
