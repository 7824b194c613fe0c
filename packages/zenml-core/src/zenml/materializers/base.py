"""The base class of every materializer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from zenml.utils.errors import PicklableError

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore


class MaterializerError(PicklableError, Exception):
    """An object could not be saved or an artifact could not be loaded."""


class BaseMaterializer:
    """Saves objects of ``ASSOCIATED_TYPES`` under one artifact directory and loads them back.

    ``uri`` is the artifact's directory name inside ``artifact_store``; a
    materializer writes and reads only files below it, through the store's
    API (``self.artifact_store.open(f"{self.uri}/data.json", "wb")``), so it
    works on every store. Bump ``VERSION`` whenever the on-disk format
    changes: it is part of the cache key.
    """

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = ()
    VERSION: ClassVar[int] = 1

    def __init__(self, uri: str, artifact_store: ArtifactStore) -> None:
        self.uri = uri
        self.artifact_store = artifact_store

    def path(self, filename: str) -> str:
        """The store name of a file inside this artifact's directory."""
        return f"{self.uri}/{filename}" if self.uri else filename

    def save(self, data: Any) -> None:
        """Write ``data`` below ``self.uri``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement save()")

    def load(self, data_type: type[Any]) -> Any:
        """Read an object of ``data_type`` back from ``self.uri``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement load()")

    @classmethod
    def reference(cls) -> str:
        """``"module:Class"``, as recorded in the metadata store."""
        return f"{cls.__module__}:{cls.__qualname__}"
