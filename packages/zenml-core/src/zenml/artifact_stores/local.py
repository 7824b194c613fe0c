"""The default artifact store: a directory on the local filesystem.

Every write is atomic: data goes to a temporary file in the hidden directory
``.zenml-tmp/`` at the store's root (same file system, so the rename is
atomic), named ``<pid>.<start token>-<random>-<name>`` (keeping the name's
extension for libraries that check it), which is flushed (and fsynced, with
``fsync=True``) and ``os.replace()``-d into place when it is closed without
error, and deleted otherwise. Readers therefore see either the old file or
the complete new one, and a crashed writer leaves no partial file under the
final name. Its temporary file carries its owner in its name, so the next
write to the store deletes the temporary files of writers that are provably
gone (killed, crashed: see :mod:`zenml.utils.processes`). A target on another
file system than the root (a mount inside the store) gets its temporary file
beside it instead (``.zenml-tmp-<owner>-...``), hidden as well.

Every name is validated with :func:`~zenml.artifact_stores.base.validate_name`
and its real path (symlinks resolved) must stay below the store's root.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
from typing import TYPE_CHECKING, Any, ClassVar

from zenml.artifact_stores.base import (
    ArtifactNotFoundError,
    ArtifactStore,
    InvalidArtifactNameError,
    fingerprint_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager
    from types import TracebackType
    from typing import IO

TEMP_DIR = ".zenml-tmp"  # at the root: temporary files of writes in flight, named <pid>.<token>-<random>-<name>
TEMP_PREFIX = ".zenml-tmp-"  # a temporary file beside its target (another file system; older zenml versions)


def _is_temp(entry: str) -> bool:
    return entry == TEMP_DIR or entry.startswith(TEMP_PREFIX)


def _temp_name(final_path: str) -> str:
    """A unique name that records its owner and ends like ``final_path`` (``model.keras`` stays ``*.keras``)."""
    from zenml.utils.processes import this_process

    base = os.path.basename(final_path)[-150:]  # within NAME_MAX with the rest; the end (extension) matters
    return f"{this_process().tag}-{os.urandom(6).hex()}-{base}"


_fallocate: Any = None
RESERVE_MIN = 1 << 23  # writes from 8 MiB up reserve their disk space first, as numpy's tofile() does


def _reserve(fd: int, offset: int, length: int) -> None:
    """Best effort ``fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length)`` (Linux): large writes go faster."""
    global _fallocate
    if _fallocate is None:
        _fallocate = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                function = ctypes.CDLL(None, use_errno=True).fallocate
                function.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
                _fallocate = function
            except (OSError, AttributeError):  # pragma: no cover - no libc fallocate
                pass
    if _fallocate:
        _fallocate(fd, 1, offset, length)  # 1 = FALLOC_FL_KEEP_SIZE; failures are harmless


def _fsync_dir(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


class AtomicFileWriter(io.BufferedWriter):
    """A real buffered file (``numpy.save`` and friends take their fast path) that commits on ``close()``.

    Closing without error renames the temporary file to its final name;
    leaving a ``with`` block by an exception, calling :meth:`discard`, or
    being garbage collected without ``close()`` deletes it instead.
    """

    def __init__(self, temp_path: str, final_path: str, *, fsync: bool = False) -> None:
        fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        super().__init__(io.FileIO(fd, "wb", closefd=True), buffer_size=1 << 20)
        self.temp_path = temp_path
        self.final_path = final_path
        self._fsync = fsync
        self._reserved = 0
        self._done = False

    @property
    def name(self) -> str:
        return self.final_path

    def reserve(self, nbytes: int) -> None:
        """Hint that ``nbytes`` more bytes follow: preallocate them on disk (best effort)."""
        start = self.tell()
        if start + nbytes > self._reserved:
            _reserve(self.fileno(), start, nbytes)
            self._reserved = start + nbytes

    def write(self, data: Any) -> int:
        """Write ``data``; a large write reserves its disk space first."""
        nbytes = memoryview(data).nbytes
        if nbytes >= RESERVE_MIN:
            self.reserve(nbytes)
        return super().write(data)

    def close(self) -> None:
        """Flush (and fsync if configured), then rename into place; a no-op if already closed."""
        if self._done:
            return
        self._done = True
        try:
            self.flush()
            if self._fsync:
                os.fsync(self.fileno())
            super().close()
            os.replace(self.temp_path, self.final_path)
        except BaseException:
            self._abort()
            raise
        if self._fsync:
            _fsync_dir(os.path.dirname(self.final_path))

    def discard(self) -> None:
        """Close and delete the temporary file; the final name is left untouched."""
        if getattr(self, "_done", True):
            return
        self._done = True
        self._abort()

    def _abort(self) -> None:
        with contextlib.suppress(OSError):  # closing a broken file
            super().close()
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.temp_path)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()

    def __del__(self) -> None:
        # Never commit a half-written file by accident.
        self.discard()


class _LocalPathForWrite:
    """Context manager behind ``local_path(name, "w")``."""

    def __init__(self, store: LocalArtifactStore, final_path: str) -> None:
        self.store = store
        self.final_path = final_path
        self.temp_path = ""

    def __enter__(self) -> str:
        self.temp_path = self.store._temp_path(self.final_path)
        return self.temp_path

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            _remove_any(self.temp_path)
            return
        if os.path.isdir(self.temp_path):
            self._commit_dir()
        elif os.path.exists(self.temp_path):
            if self.store.fsync:
                fd = os.open(self.temp_path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            try:
                os.replace(self.temp_path, self.final_path)
            except IsADirectoryError:
                _remove_any(self.final_path)
                os.replace(self.temp_path, self.final_path)
        else:
            raise FileNotFoundError(
                f"nothing was written to the local path of artifact file {self.final_path!r}; "
                "write a file or directory at the path the context manager yields"
            )
        if self.store.fsync:
            _fsync_dir(os.path.dirname(self.final_path))

    def _commit_dir(self) -> None:
        if not os.path.lexists(self.final_path):
            os.replace(self.temp_path, self.final_path)
            return
        old = self.store._temp_path(self.final_path)
        os.replace(self.final_path, old)
        os.replace(self.temp_path, self.final_path)
        _remove_any(old)


def _remove_any(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


class LocalArtifactStore(ArtifactStore):
    """Artifacts in a local directory ``path`` (created on first write).

    Options: ``fsync`` (default ``False``): also fsync each file and its
    directory when a write commits, so that a committed artifact survives a
    power cut, at the cost of waiting for the disk (about 0.3 s per GiB here).
    Without it, writes are still atomic for every reader and process crash,
    and a file torn by a power cut is caught by the content hash on load.
    """

    FLAVOR: ClassVar[str] = "local"
    IS_LOCAL: ClassVar[bool] = True  # a directory on this machine

    def __init__(self, name: str = "default", *, path: str, fsync: bool = False, **config: object) -> None:
        from zenml.stack.local_paths import check_local_path
        from zenml.stack.options import boolean_option

        check_local_path(path, flavor="local artifact store")
        super().__init__(name, path=path, **config)
        self.fsync = boolean_option("fsync", fsync)
        if self.fsync:
            self.config["fsync"] = True
        self.root = os.path.realpath(os.path.abspath(os.path.expanduser(path)))
        self._root_device: int | None = None

    # -- paths -----------------------------------------------------------------

    def _path(self, name: str) -> str:
        """The real local path of ``name`` (a name or a full URI below the root); raises if it (or a symlink on
        the way) leaves the root.

        The root is real already, so only the parts below it are looked at: one ``lstat`` each, and a
        full ``realpath`` only when one of them is a symbolic link.
        """
        clean = self.relative(name)
        if not clean:
            return self.root
        parts = clean.split("/")
        joined = os.path.join(self.root, *parts)
        path = self.root
        for part in parts:
            path = os.path.join(path, part)
            try:
                if stat.S_ISLNK(os.lstat(path).st_mode):
                    break
            except (FileNotFoundError, NotADirectoryError):  # nothing below a missing part can be a link
                return joined
        else:
            return joined
        real = os.path.realpath(joined)
        if real != self.root and not real.startswith(self.root.rstrip(os.sep) + os.sep):
            raise InvalidArtifactNameError(
                f"artifact name {name!r} resolves to {real!r}, outside the artifact store's root {self.root!r} "
                "(through a symbolic link); names must stay inside the root"
            )
        return real

    def _temp_path(self, final_path: str) -> str:
        """A new temporary path for a write to ``final_path``, whose directory it creates (see the module docstring).

        Deletes the temporary files of writers that are gone first: every write cleans up after crashed ones.
        """
        from zenml.utils.processes import remove_files_of_gone_owners

        temp_dir = os.path.join(self.root, TEMP_DIR)
        temp_dir_exists = remove_files_of_gone_owners(temp_dir) is not None
        directory = os.path.dirname(final_path)
        self._makedirs(directory)
        if self._root_device is None:
            self._root_device = os.stat(self.root).st_dev
        if os.stat(directory).st_dev != self._root_device:  # a mount inside the root: rename only works beside it
            return os.path.join(directory, TEMP_PREFIX + _temp_name(final_path))
        if not temp_dir_exists:
            self._makedirs(temp_dir)
        return os.path.join(temp_dir, _temp_name(final_path))

    def _makedirs(self, path: str) -> None:
        """``os.makedirs``; a failure names this store and its ``path`` option (a root under /proc, read-only...)."""
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as error:
            where = f" ({error.filename})" if error.filename and os.fsdecode(error.filename) != self.root else ""
            raise type(error)(
                f"local artifact store {self.name!r} cannot create directories below {self.root!r} (its `path` "
                f"option): {error.strerror or error}{where}. Point `path` at a directory you can write"
            ) from error

    def _missing(self, name: str) -> ArtifactNotFoundError:
        return ArtifactNotFoundError(f"no file {name!r} in artifact store {self.name!r} ({self.uri(name)})")

    def root_uri(self) -> str:
        return self.root

    def uri(self, name: str = "") -> str:
        clean = self.relative(name)
        return os.path.join(self.root, *clean.split("/")) if clean else self.root

    # -- the filesystem API ----------------------------------------------------

    def open(self, name: str, mode: str = "rb") -> IO[bytes]:
        """``"rb"``: a plain read-only file. ``"wb"``: an :class:`AtomicFileWriter`. ``"r"``/``"w"``: the same as
        UTF-8 text."""
        if mode in ("r", "w"):
            return self.text(self.open(name, mode + "b"), mode)  # type: ignore[return-value]
        path = self._path(name)
        if mode == "rb":
            try:
                return open(path, "rb")
            except FileNotFoundError:
                raise self._missing(name) from None
        if mode == "wb":
            if path == self.root:
                raise InvalidArtifactNameError("cannot open the artifact store's root for writing; name a file")
            return AtomicFileWriter(self._temp_path(path), path, fsync=self.fsync)
        raise ValueError(f"unsupported mode {mode!r} for artifact store files; use 'rb', 'wb', 'r' or 'w'")

    def exists(self, name: str) -> bool:
        return os.path.exists(self._path(name))

    def isdir(self, name: str) -> bool:
        return os.path.isdir(self._path(name))

    def listdir(self, name: str = "") -> list[str]:
        """Sorted entries of a directory, without in-flight temporary files; ``[]`` if it does not exist."""
        try:
            entries = os.listdir(self._path(name))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(entry for entry in entries if not _is_temp(entry))

    def walk_files(self, name: str = "") -> Iterator[str]:
        base = self.relative(name)
        top = self._path(base)
        found: list[str] = []
        for directory, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if not _is_temp(d)]
            rel = os.path.relpath(directory, top)
            prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
            if base:
                prefix = f"{base}/{prefix}"
            found.extend(prefix + f for f in filenames if not _is_temp(f))
        yield from sorted(found)

    def makedirs(self, name: str) -> None:
        self._makedirs(self._path(name))

    def rename(self, src: str, dst: str, *, overwrite: bool = False) -> None:
        src_path, dst_path = self._path(src), self._path(dst)
        if not os.path.lexists(src_path):
            raise self._missing(src)
        if self.root in (dst_path, src_path):
            raise InvalidArtifactNameError("cannot rename the artifact store's root")
        os.makedirs(os.path.dirname(dst_path), exist_ok=True)
        if os.path.isdir(src_path):
            if os.path.lexists(dst_path):
                if not overwrite:
                    raise FileExistsError(f"cannot rename {src!r} to {dst!r}: {dst!r} exists (pass overwrite=True)")
                _remove_any(dst_path)
            os.replace(src_path, dst_path)
            return
        if overwrite:
            os.replace(src_path, dst_path)
            return
        try:  # link + unlink: an atomic "rename unless the target exists"
            os.link(src_path, dst_path)
        except FileExistsError:
            raise FileExistsError(f"cannot rename {src!r} to {dst!r}: {dst!r} exists (pass overwrite=True)") from None
        except OSError:  # no hard links on this filesystem
            if os.path.lexists(dst_path):
                raise FileExistsError(
                    f"cannot rename {src!r} to {dst!r}: {dst!r} exists (pass overwrite=True)"
                ) from None
            os.replace(src_path, dst_path)
            return
        os.remove(src_path)

    def remove(self, name: str, *, recursive: bool = False) -> None:
        path = self._path(name)
        if path == self.root:
            raise InvalidArtifactNameError("refusing to remove the artifact store's root; name a file or directory")
        if os.path.isdir(path) and not os.path.islink(path):
            if recursive:
                import shutil

                shutil.rmtree(path)
            else:
                try:
                    os.rmdir(path)
                except OSError as error:
                    raise OSError(f"cannot remove directory {name!r}: it is not empty (pass recursive=True)") from error
            return
        try:
            os.remove(path)
        except FileNotFoundError:
            raise self._missing(name) from None

    def size(self, name: str) -> int:
        try:
            return os.path.getsize(self._path(name))
        except FileNotFoundError:
            raise self._missing(name) from None

    def version_tag(self, name: str) -> str | None:
        """``dev:inode:size:mtime_ns:ctime_ns`` (the kernel sets ctime on every change), or ``None`` if missing."""
        try:
            st = os.stat(self._path(name))
        except FileNotFoundError:
            return None
        return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"

    def fingerprint(self, name: str) -> str | None:
        """Device, inode, size, mtime and ctime (as :meth:`version_tag`) of each file, by ``lstat``: one walk.

        A file replaced by a symbolic link has another inode, so a fingerprint taken when the
        artifact was written never matches it; a directory replaced by a link out of the root is refused.
        """
        top = self._path(name)
        try:
            device = os.stat(top).st_dev
        except (FileNotFoundError, NotADirectoryError):
            raise self._missing(name) from None
        entries: list[tuple[str, str]] = []

        def scan(directory: str, prefix: str) -> None:
            with os.scandir(directory) as found:
                for entry in found:
                    if _is_temp(entry.name):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        scan(entry.path, f"{prefix}{entry.name}/")
                        continue
                    st = entry.stat(follow_symlinks=False)
                    tag = f"{device}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"
                    entries.append((prefix + entry.name, tag))

        try:
            scan(top, "")
        except NotADirectoryError:
            raise self._missing(name) from None
        return fingerprint_of(entries)

    def local_path(self, name: str, mode: str = "r") -> AbstractContextManager[str]:
        """``"r"``: the real path itself. ``"w"``: a temporary sibling path, renamed into place at the end."""
        path = self._path(name)
        if mode == "r":
            if not os.path.exists(path):
                raise self._missing(name)
            return contextlib.nullcontext(path)
        if mode == "w":
            if path == self.root:
                raise InvalidArtifactNameError("cannot write the artifact store's root; name a file or directory")
            return _LocalPathForWrite(self, path)
        raise ValueError(f"unsupported local_path mode {mode!r}; use 'r' or 'w'")
