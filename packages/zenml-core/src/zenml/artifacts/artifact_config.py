"""``ArtifactConfig``: the name, version, tags, metadata and type of a step output (ZenML's
``zenml.artifacts.artifact_config``)::

    @step
    def trainer() -> Annotated[dict, ArtifactConfig(name="model", version="v1", tags=["prod"])]: ...
"""

from __future__ import annotations

import warnings
from typing import Any


class ArtifactConfig:
    """How one step output is stored as an artifact version.

    ``name``: the artifact's name (default ``<pipeline>::<step>::<output>``); it may hold ``{date}``,
    ``{time}`` and the step's ``substitutions``. ``version``: a version of your choosing (default: the next
    number). ``tags``, ``run_metadata``: attached to the version. ``artifact_type``: a
    ``zenml.enums.ArtifactType`` (default: the materializer's ``ASSOCIATED_ARTIFACT_TYPE``).
    """

    def __init__(
        self,
        name: str | None = None,
        version: str | int | None = None,
        tags: list[str] | None = None,
        run_metadata: dict[str, Any] | None = None,
        artifact_type: Any = None,
        **deprecated: Any,
    ) -> None:
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise ValueError(f"ArtifactConfig name must be a non-empty string, not {name!r}")
        if version is not None and (
            isinstance(version, bool) or not isinstance(version, (str, int)) or str(version) == ""
        ):
            raise ValueError(f"ArtifactConfig version must be a non-empty string or an int, not {version!r}")
        if tags is not None and (not isinstance(tags, (list, tuple)) or not all(isinstance(t, str) for t in tags)):
            raise ValueError(f"ArtifactConfig tags must be a list of strings, not {tags!r}")
        if run_metadata is not None:
            from zenml.metadata.metadata_types import validate_metadata

            validate_metadata(run_metadata)
        unknown = set(deprecated) - {"is_model_artifact", "is_deployment_artifact", "model_name", "model_version"}
        if unknown:
            raise TypeError(f"ArtifactConfig got unexpected argument(s): {', '.join(sorted(unknown))}")
        from zenml.enums import ArtifactType

        if deprecated.get("is_model_artifact") and deprecated.get("is_deployment_artifact"):
            raise ValueError("An artifact can only be a model artifact or deployment artifact.")
        if deprecated.get("is_model_artifact"):
            warnings.warn("ArtifactConfig(is_model_artifact=True) is deprecated (as in ZenML): use "
                          "artifact_type=ArtifactType.MODEL", DeprecationWarning, stacklevel=2)  # fmt: skip
            artifact_type = artifact_type or ArtifactType.MODEL
        if deprecated.get("is_deployment_artifact"):
            warnings.warn("ArtifactConfig(is_deployment_artifact=True) is deprecated (as in ZenML): use "
                          "artifact_type=ArtifactType.SERVICE", DeprecationWarning, stacklevel=2)  # fmt: skip
            artifact_type = artifact_type or ArtifactType.SERVICE
        if deprecated.get("model_name") or deprecated.get("model_version"):
            warnings.warn("ArtifactConfig(model_name=, model_version=) is not supported any more (as in ZenML): "
                          "configure model= on the step or pipeline", DeprecationWarning, stacklevel=2)  # fmt: skip
        self.name = name
        self.version = version
        self.tags = list(tags) if tags is not None else None
        self.run_metadata = dict(run_metadata) if run_metadata is not None else None
        self.artifact_type = ArtifactType(artifact_type) if artifact_type is not None else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArtifactConfig) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((self.name, self.version))

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in vars(self).items() if value is not None)
        return f"ArtifactConfig({fields})"


__all__ = ["ArtifactConfig"]
