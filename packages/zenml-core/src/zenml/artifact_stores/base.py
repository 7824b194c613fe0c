"""The filesystem interface every artifact store implements.

Names passed to an artifact store are relative POSIX paths inside the store
(``"runs/<run id>/trainer/model/data.keras"``); :func:`validate_name` rejects
anything that could escape the store's root. Stores are built cheaply and
connect on first use.
"""

from __future__ import annotations

import io
from abc import abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from zenml.stack.component import StackComponent
from zenml.stack.flavors import ARTIFACT_STORE

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager
    from typing import IO


class InvalidArtifactNameError(ValueError):
    """An artifact name is absolute, empty or climbs out of the store with ``..``."""


class ArtifactNotFoundError(FileNotFoundError):
    """A name that should exist in the artifact store does not."""


def validate_name(name: str) -> str:
    """Return ``name`` normalised to ``a/b/c`` form, or raise :class:`InvalidArtifactNameError`.

    The empty name ``""`` stands for the store's root and is allowed.
    """
    if not isinstance(name, str):
        raise InvalidArtifactNameError(f"artifact name must be a string, not {type(name).__name__}")
    if "\x00" in name:
        raise InvalidArtifactNameError(f"artifact name {name!r} contains a NUL byte")
    cleaned = name.replace("\\", "/")
    if cleaned.startswith("/") or (len(cleaned) > 1 and cleaned[1] == ":"):
        raise InvalidArtifactNameError(
            f"artifact name {name!r} is absolute; use a path relative to the artifact store's root"
        )
    parts = [part for part in cleaned.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise InvalidArtifactNameError(
            f"artifact name {name!r} contains '..'; names must stay inside the artifact store's root"
        )
    return "/".join(parts)


class _TextFile(io.TextIOWrapper):
    """A text wrapper whose ``with`` block, left by an exception, hands the exception to the binary file (an
    atomic writer then discards what was written instead of committing it)."""

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc_type is None:
            self.close()
            return
        buffer = self.detach()
        exit_ = getattr(buffer, "__exit__", None)
        if exit_ is not None:
            exit_(exc_type, exc, tb)
        else:
            buffer.close()


class ArtifactStore(StackComponent):
    """A place to keep artifacts: a root ``path`` (``/data/zen``, ``gs://bucket/prefix``) and a filesystem API.

    Writes are atomic: a file opened for writing becomes visible under its
    name only when it is closed without error.
    """

    TYPE: ClassVar[str] = ARTIFACT_STORE

    def __init__(self, name: str = "default", *, path: str, **config: object) -> None:
        super().__init__(name=name, path=path, **config)
        self.path = path

    @abstractmethod
    def open(self, name: str, mode: str = "rb") -> IO[bytes]:
        """Open a file. ``"rb"`` streams an existing file; ``"wb"`` writes atomically."""

    @abstractmethod
    def exists(self, name: str) -> bool:
        """Whether a file or directory of that name exists."""

    @abstractmethod
    def isdir(self, name: str) -> bool:
        """Whether ``name`` is a directory (for object stores: a prefix with children)."""

    @abstractmethod
    def listdir(self, name: str = "") -> list[str]:
        """The sorted entry names (not paths) directly under directory ``name``."""

    @abstractmethod
    def makedirs(self, name: str) -> None:
        """Create directory ``name`` and its parents; no error if it exists."""

    @abstractmethod
    def rename(self, src: str, dst: str, *, overwrite: bool = False) -> None:
        """Move a file; ``FileExistsError`` if ``dst`` exists and not ``overwrite``."""

    @abstractmethod
    def remove(self, name: str, *, recursive: bool = False) -> None:
        """Delete a file, or a directory tree with ``recursive=True``."""

    @abstractmethod
    def size(self, name: str) -> int:
        """The size in bytes of a file."""

    @abstractmethod
    def local_path(self, name: str, mode: str = "r") -> AbstractContextManager[str]:
        """A real local path for libraries that need one.

        ``mode="r"``: the path holds the file's (or directory's) contents for
        the duration of the block. ``mode="w"``: write to the given path; at
        the end of the block it is stored atomically under ``name``.
        """

    def root_uri(self) -> str:
        """The full URI of the store's root, which :meth:`uri` prefixes to names."""
        return self.path.rstrip("/")

    def relative(self, name: str) -> str:
        """``name`` as a validated name inside the store.

        Every method takes either a name relative to the root (``runs/...``) or, as in ZenML, a full URI
        below the root (``/data/zen/runs/...``, ``gs://bucket/prefix/runs/...``, what :meth:`uri` and a
        materializer's ``self.uri`` give).
        """
        import os

        text: Any = name
        if not isinstance(text, str) and hasattr(text, "__fspath__"):
            text = os.fspath(text)
        if isinstance(text, str):
            root = self.root_uri().rstrip("/")
            if text == root:
                return ""
            if root and text.startswith(root + "/"):
                text = text[len(root) + 1 :]
        return validate_name(text)

    @staticmethod
    def text(handle: IO[bytes], mode: str) -> IO[str]:
        """A UTF-8 text file over a binary one (``"r"``/``"w"`` modes, as in ZenML); leaving a ``with`` block by
        an exception still discards a write."""
        return _TextFile(handle, encoding="utf-8")

    def uri(self, name: str = "") -> str:
        """The full URI of ``name`` (``path`` joined with the validated name)."""
        clean = self.relative(name)
        return f"{self.path.rstrip('/')}/{clean}" if clean else self.path

    def walk_files(self, name: str = "") -> Iterator[str]:
        """Every file name below directory ``name``, recursively, sorted."""
        base = self.relative(name)
        for entry in self.listdir(base):
            child = f"{base}/{entry}" if base else entry
            if self.isdir(child):
                yield from self.walk_files(child)
            else:
                yield child

    def checksum(self, name: str) -> str:
        """A content fingerprint of one file (``"crc32:<hex>"``).

        Stores that know a checksum without reading the data (object stores)
        override this.
        """
        from zlib import crc32

        value = 0
        with self.open(name, "rb") as handle:
            while chunk := handle.read(1 << 22):
                value = crc32(chunk, value)
        return f"crc32:{value:08x}"

    def version_tag(self, name: str) -> str | None:
        """A cheap identity of the current version of one file, or ``None`` if the store has none.

        It must change whenever the file's content may have changed (local
        files: inode, size, mtime and ctime; object stores: the object's
        generation). Integrity checks use it to skip re-hashing a file this
        process has already hashed. The default, ``None``, always re-hashes.
        """
        return None
