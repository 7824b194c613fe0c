"""The base class of every materializer, and the metaclass that registers its subclasses (as in ZenML)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from zenml.exceptions import PicklableError

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore
    from zenml.enums import ArtifactType, VisualizationType


class MaterializerError(PicklableError, Exception):
    """An object could not be saved or an artifact could not be loaded."""


class BaseMaterializerMeta(type):
    """Registers every :class:`BaseMaterializer` subclass when it is defined, as ZenML's metaclass does.

    The class becomes a materializer this process knows (artifacts recorded
    with it can be loaded), and it is registered for each of its
    ``ASSOCIATED_TYPES`` unless a materializer is registered for that type
    already or core or an installed integration handles it (ZenML's
    ``register_materializer_type``). A class that sets
    ``SKIP_REGISTRATION = True`` itself (a base class) is known but registered
    for no type.
    """

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        super().__init__(name, bases, namespace)
        if not bases:
            return
        from zenml.materializers.registry import materializer_defined, materializer_registry

        materializer_defined(cls)  # type: ignore[arg-type]
        if namespace.get("SKIP_REGISTRATION", False):
            return
        for data_type in cls.ASSOCIATED_TYPES:  # type: ignore[attr-defined]
            materializer_registry.register_materializer_type(data_type, cls)  # type: ignore[arg-type]


class BaseMaterializer(metaclass=BaseMaterializerMeta):
    """Saves objects of ``ASSOCIATED_TYPES`` under one artifact directory and loads them back.

    ``uri`` is the artifact's directory name inside ``artifact_store``; a
    materializer writes and reads only files below it, through the store's
    API (``self.artifact_store.open(f"{self.uri}/data.json", "wb")``), so it
    works on every store. Bump ``VERSION`` whenever the on-disk format
    changes: it is part of the cache key, and an artifact is loaded only by
    the version that wrote it.

    Defining a subclass registers it for its ``ASSOCIATED_TYPES`` (see
    :class:`BaseMaterializerMeta`); set ``SKIP_REGISTRATION = True`` on a
    class that should not be chosen by type.
    """

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = ()
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType | str] = "BaseArtifact"
    """What the artifacts hold (a ``zenml.enums.ArtifactType``, e.g. ``ArtifactType.MODEL``)."""
    VERSION: ClassVar[int] = 1
    SKIP_REGISTRATION: ClassVar[bool] = False

    def __init__(self, uri: str, artifact_store: ArtifactStore | None = None) -> None:
        self.uri = uri
        if artifact_store is None:  # the store in use (of a running step or materializer call)
            from zenml.artifact_stores.current import current_store

            artifact_store = current_store()
            if artifact_store is None:
                raise ValueError(
                    f"{type(self).__name__}({uri!r}): no artifact store is in use here (outside a step), so pass "
                    "one: artifact_store=Client().active_stack.artifact_store (ZenML defaults to the active stack's; "
                    "this zenml does not look it up from inside a materializer)"
                )
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

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        """Metadata to record with the artifact (JSON values, ``Uri``, ``Path``, ``DType``, ``StorageSize``)."""
        return {}

    def save_visualizations(self, data: Any) -> dict[str, VisualizationType | str]:
        """Write visualizations of ``data`` below ``self.uri``; return ``{uri of each: VisualizationType}``."""
        return {}

    @classmethod
    def reference(cls) -> str:
        """``"module:Class"``, as recorded in the metadata store."""
        return f"{cls.__module__}:{cls.__qualname__}"
