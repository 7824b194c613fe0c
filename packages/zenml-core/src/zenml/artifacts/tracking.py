"""Computing artifact content hashes while the data streams through, instead of reading it twice.

:class:`TrackingStore` wraps an artifact store for the duration of one
materializer call. Files written in one sequential pass through ``open(..., "wb")``
or read to the end through ``open(..., "rb")`` get their CRC-32 and size
recorded on the way; every other file (written through ``local_path``, read
with seeks or through a file descriptor) is hashed afterwards by reading it.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

from zenml.artifact_stores.base import ArtifactStore

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager
    from types import TracebackType
    from typing import IO

HASH_ALGORITHM = "crc32"
PARALLEL_MIN = 1 << 23  # buffers from 8 MiB up are hashed on a helper thread, overlapping the I/O
SLICE = 1 << 23

_pool: Any = None


def _executor() -> Any:
    """One helper thread for CRC work (zlib releases the GIL), created on first use."""
    global _pool
    if _pool is None:
        from concurrent.futures import ThreadPoolExecutor

        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zenml-crc")
    return _pool


class FileDigest:
    """Size and CRC-32 of one file."""

    __slots__ = ("crc", "size")

    def __init__(self, size: int = 0, crc: int = 0) -> None:
        self.size = size
        self.crc = crc

    def __repr__(self) -> str:
        return f"FileDigest(size={self.size}, crc={self.crc:08x})"


def digest_file(store: ArtifactStore, name: str, chunk: int = 1 << 22) -> FileDigest:
    """Read ``name`` from ``store`` and hash it."""
    digest = FileDigest()
    with store.open(name, "rb") as handle:
        while data := handle.read(chunk):
            digest.size += len(data)
            digest.crc = zlib.crc32(data, digest.crc)
    return digest


# (store root, file name) -> (version tag, digest) of files this process hashed: a file whose
# version tag is unchanged since (same inode, size, mtime and ctime) need not be read again.
_MEMO: dict[tuple[str, str], tuple[str, FileDigest]] = {}
MEMO_SIZE = 4096


def remember(store: ArtifactStore, name: str, digest: FileDigest) -> None:
    """Note the digest of ``name`` at its current version (if the store can tag versions)."""
    tag = store.version_tag(name)
    if tag is None:
        return
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[(store.uri(), store.relative(name))] = (tag, digest)


def forget_noted_hashes() -> None:
    """Forget every noted digest, so that the next loads verify by reading (as another process would)."""
    _MEMO.clear()


def recall(store: ArtifactStore, name: str) -> FileDigest | None:
    """The digest noted for ``name`` if the file is still at the same version, else ``None``."""
    entry = _MEMO.get((store.uri(), store.relative(name)))
    if entry is None:
        return None
    tag = store.version_tag(name)
    return entry[1] if tag is not None and tag == entry[0] else None


class _Stream:
    """Common part of the hashing wrappers: delegation and invalidation."""

    def __init__(self, inner: IO[bytes], name: str, records: dict[str, FileDigest | None]) -> None:
        self._inner = inner
        self._name = name
        self._records = records
        self._digest: FileDigest | None = FileDigest()

    def _invalidate(self) -> None:
        self._digest = None

    def fileno(self) -> int:
        self._invalidate()  # whoever uses the descriptor bypasses the hash
        return self._inner.fileno()

    def seek(self, offset: int, whence: int = 0) -> int:
        self._invalidate()
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def seekable(self) -> bool:
        return self._inner.seekable()

    def flush(self) -> None:
        self._inner.flush()

    @property
    def closed(self) -> bool:
        return self._inner.closed

    def __getattr__(self, attribute: str) -> Any:
        self._invalidate()
        return getattr(self._inner, attribute)

    def __enter__(self) -> _Stream:
        return self


class HashingWriter(_Stream):
    """Forwards writes to a store's write handle, hashing the bytes on the way."""

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def write(self, data: Any) -> int:
        digest = self._digest
        if digest is None:
            return self._inner.write(data)
        view = memoryview(data)
        if view.nbytes < PARALLEL_MIN or not view.contiguous:
            digest.size += view.nbytes
            digest.crc = zlib.crc32(view, digest.crc)
            return self._inner.write(data)
        # hash slice k on the helper thread while slice k is written; the caller's buffer is
        # released only when both are done
        view = view.cast("B")
        reserve = getattr(self._inner, "reserve", None)  # a size hint for stores that preallocate
        if reserve is not None:
            reserve(view.nbytes)
        pool = _executor()
        written = 0
        for start in range(0, view.nbytes, SLICE):
            part = view[start : start + SLICE]
            future = pool.submit(zlib.crc32, part, digest.crc)
            written += self._inner.write(part) or 0
            digest.crc = future.result()
            digest.size += part.nbytes
        return written

    def close(self) -> None:
        if self._inner.closed:
            return
        self._inner.close()
        self._records[self._name] = self._digest

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._records.pop(self._name, None)
            self._inner.__exit__(exc_type, exc, tb)


class HashingReader(_Stream):
    """Forwards reads from a store's read handle, hashing the bytes; the digest counts once EOF was seen."""

    def __init__(self, inner: IO[bytes], name: str, records: dict[str, FileDigest | None]) -> None:
        super().__init__(inner, name, records)
        self._eof = False

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def _account(self, data: Any, requested: int) -> None:
        if self._digest is None:
            return
        view = memoryview(data)
        self._digest.size += view.nbytes
        self._digest.crc = zlib.crc32(view, self._digest.crc)
        if requested < 0 or view.nbytes < requested:
            self._eof = True

    def read(self, size: int | None = -1) -> bytes:
        requested = -1 if size is None else size
        data = self._inner.read(requested)
        self._account(data, requested)
        return data

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        readinto = self._inner.readinto  # type: ignore[attr-defined]
        if self._digest is None or view.nbytes < PARALLEL_MIN:
            count: int = readinto(view)
            self._account(view[:count], view.nbytes)
            return count
        # read slice k+1 while the helper thread hashes slice k
        digest = self._digest
        pool = _executor()
        future = None
        filled = 0
        while filled < view.nbytes:
            part = view[filled : filled + SLICE]
            got = readinto(part) or 0
            if future is not None:
                digest.crc = future.result()
            if not got:
                future = None
                self._eof = True
                break
            future = pool.submit(zlib.crc32, part[:got], digest.crc)
            digest.size += got
            filled += got
        if future is not None:
            digest.crc = future.result()
        return filled

    def close(self) -> None:
        if self._inner.closed:
            return
        self._inner.close()
        if self._eof and self._digest is not None:
            self._records[self._name] = self._digest

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class TrackingStore(ArtifactStore):
    """An artifact store proxy that records the digest of every file streamed through it."""

    def __init__(self, inner: ArtifactStore) -> None:
        super().__init__(inner.name, path=inner.path)
        self.inner = inner
        self.records: dict[str, FileDigest | None] = {}

    def _forget(self, name: str) -> None:
        prefix = self.inner.relative(name)
        for key in list(self.records):
            if key == prefix or key.startswith(prefix + "/") or not prefix:
                self.records[key] = None

    def root_uri(self) -> str:
        return self.inner.root_uri()

    def relative(self, name: str) -> str:
        return self.inner.relative(name)

    def open(self, name: str, mode: str = "rb") -> IO[bytes]:
        if mode in ("r", "w"):
            return self.text(self.open(name, mode + "b"), mode)  # type: ignore[return-value]
        clean = self.inner.relative(name)
        handle = self.inner.open(name, mode)
        if mode == "wb":
            self.records[clean] = None  # until closed successfully
            return HashingWriter(handle, clean, self.records)  # type: ignore[return-value]
        return HashingReader(handle, clean, self.records)  # type: ignore[return-value]

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def isdir(self, name: str) -> bool:
        return self.inner.isdir(name)

    def listdir(self, name: str = "") -> list[str]:
        return self.inner.listdir(name)

    def walk_files(self, name: str = "") -> Iterator[str]:
        return self.inner.walk_files(name)

    def makedirs(self, name: str) -> None:
        self.inner.makedirs(name)

    def rename(self, src: str, dst: str, *, overwrite: bool = False) -> None:
        self._forget(src)
        self._forget(dst)
        self.inner.rename(src, dst, overwrite=overwrite)

    def remove(self, name: str, *, recursive: bool = False) -> None:
        self._forget(name)
        self.inner.remove(name, recursive=recursive)

    def size(self, name: str) -> int:
        return self.inner.size(name)

    def local_path(self, name: str, mode: str = "r") -> AbstractContextManager[str]:
        if mode == "w":
            self._forget(name)
        return self.inner.local_path(name, mode)

    def uri(self, name: str = "") -> str:
        return self.inner.uri(name)

    def checksum(self, name: str) -> str:
        return self.inner.checksum(name)

    def version_tag(self, name: str) -> str | None:
        return self.inner.version_tag(name)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)

    def digest(self, name: str) -> FileDigest:
        """The digest of a file: recorded on the way if possible, else by reading it now."""
        recorded = self.records.get(self.inner.relative(name))
        return recorded if recorded is not None else digest_file(self.inner, name)
