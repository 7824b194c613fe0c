"""Saving and loading step outputs through a materializer, with an integrity check.

:func:`save_artifact` writes an object below a directory of an artifact
store and returns its size and content hash; :func:`load_artifact` reads it
back and verifies that nothing was deleted or altered in between.
"""

from __future__ import annotations

from zenml.artifacts.errors import (
    ArtifactCorruptedError,
    ArtifactError,
    ArtifactExistsError,
    ArtifactMissingError,
    MaterializerVersionError,
    UntrustedReferenceError,
)
from zenml.artifacts.io import ArtifactInfo, compute_content_hash, load_artifact, save_artifact

__all__ = [
    "ArtifactCorruptedError",
    "ArtifactError",
    "ArtifactExistsError",
    "ArtifactInfo",
    "ArtifactMissingError",
    "MaterializerVersionError",
    "UntrustedReferenceError",
    "compute_content_hash",
    "load_artifact",
    "save_artifact",
]
