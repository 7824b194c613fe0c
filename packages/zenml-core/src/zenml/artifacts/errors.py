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
    """An artifact was written by a different version of its materializer, or records no valid version."""

    def __init__(self, uri: str, materializer: str, saved: object, current: int) -> None:
        self.uri = uri
        self.materializer = materializer
        self.saved = saved
        self.current = current
        if type(saved) is not int:
            message = (
                f"artifact {uri!r} records no valid materializer version ({saved!r}), so zenml cannot tell "
                f"whether {materializer} version {current} reads its format; the record is damaged or was not "
                "written by zenml. Re-run the step that produced it (with caching disabled) to record it again."
            )
        else:
            message = (
                f"artifact {uri!r} was saved by {materializer} version {saved}, but the installed materializer is "
                f"version {current}, which cannot read it. Install the zenml version that wrote it, or re-run the "
                "step that produced it (with caching disabled) to write it in the current format."
            )
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.uri, self.materializer, self.saved, self.current))


class UntrustedReferenceError(ArtifactError):
    """Stored data names code (a materializer or a type) that this process does not trust; nothing was imported.

    ``reference`` is the stored ``"module:name"``, ``what`` says what it was
    meant to be, ``artifact`` which artifact named it, and the message how to
    allow it explicitly.
    """

    def __init__(self, reference: object, what: str, fix: str, artifact: str = "") -> None:
        self.reference = reference
        self.what = what
        self.fix = fix
        self.artifact = artifact
        where = f"refused to load {artifact}: " if artifact else "refused to load: "
        super().__init__(
            f"{where}it names {what} {reference!r}, which this process does not trust. zenml never imports or "
            f"calls code named by stored data (a shared metadata store or artifact may be written by others); {fix}"
        )

    def for_artifact(self, artifact: str) -> UntrustedReferenceError:
        """The same error, naming the artifact it came from."""
        return type(self)(self.reference, self.what, self.fix, artifact)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.reference, self.what, self.fix, self.artifact))
