"""Errors raised when an artifact cannot be saved or loaded as recorded."""

from __future__ import annotations

from zenml.materializers.base import MaterializerError


class ArtifactError(MaterializerError):
    """An artifact could not be saved or loaded."""


class ArtifactExistsError(ArtifactError, FileExistsError):
    """The target directory of a new artifact already holds files."""


class ArtifactMissingError(ArtifactError, FileNotFoundError):
    """An artifact (or one of its files) was deleted from the artifact store."""

    def __init__(self, uri: str, detail: str = "") -> None:
        self.uri = uri
        message = f"artifact {uri!r} is missing from the artifact store"
        if detail:
            message += f" ({detail})"
        message += (
            ": it was deleted after it was recorded. Re-run the step that produced it "
            "(with caching disabled, e.g. enable_cache=False) to recreate it."
        )
        super().__init__(message)


class ArtifactCorruptedError(ArtifactError):
    """An artifact's files no longer match the content hash recorded when it was saved."""

    def __init__(self, uri: str, expected: str, actual: str) -> None:
        self.uri = uri
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"artifact {uri!r} is corrupted: its content hash is {actual}, but {expected} was recorded when it "
            "was saved (a file was modified or truncated). Re-run the step that produced it "
            "(with caching disabled, e.g. enable_cache=False) to recreate it."
        )


class MaterializerVersionError(ArtifactError):
    """An artifact was written by a different version of its materializer."""

    def __init__(self, uri: str, materializer: str, saved: int, current: int) -> None:
        self.uri = uri
        super().__init__(
            f"artifact {uri!r} was saved by {materializer} version {saved}, but the installed materializer is "
            f"version {current}, which cannot read it. Install the zenml version that wrote it, or re-run the "
            "step that produced it (with caching disabled) to write it in the current format."
        )
