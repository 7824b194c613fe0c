"""``ExternalArtifact``: a value (or an existing artifact version) passed to a step as an input (ZenML's
``zenml.artifacts.external_artifact``)::

    @pipeline
    def training():
        trainer(data=ExternalArtifact(value=np.array([1, 2, 3])))

The value is saved as an artifact version (``save_type`` ``external``) when the run starts, and the step
reads it like any input. ``id=``, or ``name=`` (with ``version=``), reference an existing version instead
(deprecated in ZenML in favour of ``Client().get_artifact_version(...)``).
"""

from __future__ import annotations

from typing import Any


class ExternalArtifact:
    """A step input from outside the pipeline (see the module docstring)."""

    ZENML_EXTERNAL_ARTIFACT = True

    def __init__(
        self,
        value: Any = None,
        *,
        materializer: Any = None,
        store_artifact_metadata: bool = True,
        store_artifact_visualizations: bool = True,
        id: str | None = None,
        name: str | None = None,
        version: str | None = None,
        model: Any = None,
    ) -> None:
        given = [option for option, set_ in (("value", value is not None), ("id", id is not None),
                                             ("name", name is not None)) if set_]  # fmt: skip
        if len(given) > 1:
            raise ValueError("Only one of `value`, `id`, or `name` can be provided when creating an external artifact.")
        if not given:
            raise ValueError("Either `value`, `id`, or `name` must be provided when creating an external artifact.")
        if model is not None:
            raise ValueError(
                "ExternalArtifact(model=...) is not supported (deprecated in ZenML): use "
                "Client().get_model_version(<model>, <version>).get_artifact(<name>) and pass its value"
            )
        self.value = value
        self.materializer = materializer
        self.store_artifact_metadata = store_artifact_metadata
        self.store_artifact_visualizations = store_artifact_visualizations
        self.id = id
        self.name = name
        self.version = version

    def __repr__(self) -> str:
        if self.id is not None:
            return f"ExternalArtifact(id={self.id!r})"
        if self.name is not None:
            return f"ExternalArtifact(name={self.name!r}, version={self.version!r})"
        return f"ExternalArtifact(value={type(self.value).__name__})"


__all__ = ["ExternalArtifact"]
