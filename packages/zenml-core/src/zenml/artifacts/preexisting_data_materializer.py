"""``PreexistingDataMaterializer``: loads files registered with ``register_artifact`` as a local path."""

from __future__ import annotations

import pathlib
from typing import Any, ClassVar

from zenml.materializers.base import BaseMaterializer


class PreexistingDataMaterializer(BaseMaterializer):
    """Files that were in the artifact store before they were registered; ``load`` returns a local path.

    On a local store that is the files' own path; on any other store they are copied to a new temporary
    directory first (which the caller owns). It never writes: ``save`` is an error. As in ZenML, it is
    never chosen by type (``SKIP_REGISTRATION``): ``pathlib.Path`` outputs are not registered files.
    """

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (pathlib.Path,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[str] = "DataArtifact"
    VERSION: ClassVar[int] = 1
    SKIP_REGISTRATION: ClassVar[bool] = True

    def load(self, data_type: type[Any]) -> Any:
        import os

        store = self.artifact_store
        name = store.relative(self.uri)
        root = store.root_uri()
        if "://" not in root and os.path.exists(os.path.join(root, *name.split("/"))):
            return pathlib.Path(os.path.join(root, *name.split("/")))
        import shutil
        import tempfile

        target = tempfile.mkdtemp(prefix="zenml-artifact-")
        files = list(store.walk_files(name)) if store.isdir(name) else [name]
        for item in files:
            relative = item[len(name) + 1 :] if item != name else os.path.basename(name)
            local = os.path.join(target, *relative.split("/"))
            os.makedirs(os.path.dirname(local), exist_ok=True)
            with store.open(item, "rb") as reader, open(local, "wb") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
        if not store.isdir(name):
            return pathlib.Path(target) / os.path.basename(name)
        return pathlib.Path(target)

    def save(self, data: Any) -> None:
        raise TypeError("registered artifacts are read-only: save new data with zenml.save_artifact")
