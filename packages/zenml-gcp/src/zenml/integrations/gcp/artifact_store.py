"""``GCPArtifactStore``: an artifact store in a Google Cloud Storage bucket (``gs://bucket/prefix``).

google-cloud-storage is imported on first use, never when the store is
imported, built or described. Directories are object-name prefixes; an empty
directory made by :meth:`GCPArtifactStore.makedirs` is kept alive by a
zero-byte marker object that listings hide.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager, suppress
from typing import IO, TYPE_CHECKING, ClassVar, cast

from zenml.artifact_stores.base import ArtifactNotFoundError, ArtifactStore
from zenml.integrations.gcp.connection import GCSConnection
from zenml.integrations.gcp.errors import translate_errors
from zenml.integrations.gcp.progress import TransferProgress
from zenml.integrations.gcp.streams import CHUNK_MULTIPLE, GCSReader, GCSWriter

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

    from google.cloud.storage import Blob

DEFAULT_CHUNK_SIZE_MB = 16
DIR_MARKER = ".zenml-dir"
_COPY_BUFFER = 1 << 20


def _chunk_size_bytes(chunk_size_mb: object) -> int:
    try:
        value = int(float(str(chunk_size_mb)) * 1024 * 1024)
    except ValueError:
        raise ValueError(f"chunk_size_mb must be a number of MiB, not {chunk_size_mb!r}") from None
    if value < CHUNK_MULTIPLE:
        raise ValueError(f"chunk_size_mb must be at least 0.25 (256 KiB), not {chunk_size_mb!r}")
    return value - value % CHUNK_MULTIPLE


class GCPArtifactStore(ArtifactStore):
    """Artifacts in ``gs://bucket/prefix``.

    Config: ``path`` (``gs://bucket[/prefix]``), ``project`` (default: from the
    credentials), ``credentials_file`` (a service-account key; default:
    Application Default Credentials), ``chunk_size_mb`` (resumable upload and
    ranged download chunk, default 16; memory use is about two chunks),
    ``retry_timeout`` (seconds before the client's retry policy gives up;
    default: the client's own, 120).
    ``STORAGE_EMULATOR_HOST`` selects an emulator with anonymous credentials.
    """

    FLAVOR: ClassVar[str] = "gcp"

    def __init__(
        self,
        name: str = "default",
        *,
        path: str,
        project: str | None = None,
        credentials_file: str | None = None,
        chunk_size_mb: float | str = DEFAULT_CHUNK_SIZE_MB,
        retry_timeout: float | str | None = None,
        progress: bool | None = None,
        **config: object,
    ) -> None:
        extra: dict[str, object] = {
            k: v for k, v in (("project", project), ("credentials_file", credentials_file)) if v
        }
        if chunk_size_mb != DEFAULT_CHUNK_SIZE_MB:
            extra["chunk_size_mb"] = chunk_size_mb
        if retry_timeout is not None:
            extra["retry_timeout"] = retry_timeout
        super().__init__(name=name, path=path, **extra, **config)
        self._gcs = GCSConnection(path, project=project, credentials_file=credentials_file, retry_timeout=retry_timeout)
        self.path = f"gs://{self._gcs.bucket_name}/{self._gcs.prefix}".rstrip("/")
        self.chunk_size = _chunk_size_bytes(chunk_size_mb)
        self.progress = progress  # None: a bar on a terminal only

    # -- helpers ---------------------------------------------------------------------------------------

    @property
    def bucket_name(self) -> str:
        return self._gcs.bucket_name

    def _key(self, name: str) -> str:
        return self._gcs.key(self.relative(name))

    def _dir_prefix(self, name: str) -> str:
        key = self._key(name)
        return f"{key}/" if key else ""

    def _blob(self, key: str) -> Blob:
        return self._gcs.bucket.blob(key)

    def _get_blob(self, key: str) -> Blob | None:
        with translate_errors("read", self.bucket_name, key):
            return self._gcs.bucket.get_blob(key, retry=self._gcs.retry)

    def _list(self, prefix: str, *, delimiter: str | None = None, max_results: int | None = None) -> Iterator[Blob]:
        with translate_errors("list", self.bucket_name, prefix):
            yield from self._gcs.client.list_blobs(
                self._gcs.bucket, prefix=prefix, delimiter=delimiter, max_results=max_results, retry=self._gcs.retry
            )

    def _require_file(self, name: str, action: str) -> Blob:
        key = self._key(name)
        blob = self._get_blob(key) if key else None
        if blob is None:
            if self.isdir(name):
                raise IsADirectoryError(f"cannot {action} {self._gcs.uri(key)}: it is a directory")
            raise ArtifactNotFoundError(f"cannot {action} {self._gcs.uri(key)}: no such object")
        return blob

    # -- ArtifactStore API -----------------------------------------------------------------------------

    def open(self, name: str, mode: str = "rb") -> IO[bytes]:
        """``"rb"``: stream an existing object in ranged chunks. ``"wb"``: an atomic, chunked upload.
        ``"r"``/``"w"``: the same as UTF-8 text."""
        if mode in ("r", "w"):
            return self.text(self.open(name, mode + "b"), mode)  # type: ignore[return-value]
        if mode == "rb":
            blob = self._require_file(name, "read")
            return cast(
                "IO[bytes]", GCSReader(blob, chunk_size=self.chunk_size, retry=self._gcs.retry, progress=self.progress)
            )
        if mode == "wb":
            key = self._key(name)
            if not key:
                raise IsADirectoryError(f"cannot write to the root of {self.path}")
            return cast(
                "IO[bytes]",
                GCSWriter(self._blob(key), chunk_size=self.chunk_size, retry=self._gcs.retry, progress=self.progress),
            )
        raise ValueError(f"unsupported mode {mode!r} for the GCS artifact store; use 'rb', 'wb', 'r' or 'w'")

    def exists(self, name: str) -> bool:
        key = self._key(name)
        if not key:
            return True
        return self._get_blob(key) is not None or self.isdir(name)

    def isdir(self, name: str) -> bool:
        prefix = self._dir_prefix(name)
        if not self.relative(name):
            return True
        return any(True for _ in self._list(prefix, max_results=1))

    def listdir(self, name: str = "") -> list[str]:
        """Sorted entries directly under directory ``name`` (one listing request); ``[]`` if there are none."""
        prefix = self._dir_prefix(name)
        with translate_errors("list", self.bucket_name, prefix):
            iterator = self._gcs.client.list_blobs(
                self._gcs.bucket, prefix=prefix, delimiter="/", retry=self._gcs.retry
            )
            entries = {blob.name[len(prefix) :] for blob in iterator}
            entries |= {sub[len(prefix) :].rstrip("/") for sub in iterator.prefixes}
        entries.discard(DIR_MARKER)
        entries.discard("")
        return sorted(entries)

    def makedirs(self, name: str) -> None:
        if not self.relative(name) or self.isdir(name):
            return
        marker = self._dir_prefix(name) + DIR_MARKER
        with translate_errors("create directory", self.bucket_name, marker):
            self._blob(marker).upload_from_string(b"", retry=self._gcs.retry)

    def rename(self, src: str, dst: str, *, overwrite: bool = False) -> None:
        """Move an object or a directory (a prefix) by server-side copy, then delete the source.

        Without ``overwrite`` every copy is conditional on its destination not existing
        (``ifGenerationMatch=0``), so a concurrent writer is never overwritten: the rename fails
        with :class:`FileExistsError` naming the ``gs://`` object instead. A directory is not moved
        atomically: every object is copied first and the sources are deleted only after all copies
        succeeded, so a failure part-way leaves the source complete (the copies made so far are
        removed again, best effort) and it can simply be retried.
        """
        src_key, dst_key = self._key(src), self._key(dst)
        if not src_key or not dst_key:
            raise ValueError("cannot rename the root of the artifact store")
        if src_key == dst_key:
            return
        # A cheap early answer; the real guard is the precondition on each copy (which emulators may ignore).
        if not overwrite and self.exists(dst):
            raise FileExistsError(f"cannot rename {self.uri(src)} to {self.uri(dst)}: the destination exists")
        src_blob = self._get_blob(src_key)
        if src_blob is not None:
            pairs = [(src_blob, dst_key)]
        else:
            src_prefix = self._dir_prefix(src)
            pairs = [(blob, self._dir_prefix(dst) + blob.name[len(src_prefix) :]) for blob in self._list(src_prefix)]
            if not pairs:
                raise ArtifactNotFoundError(f"cannot rename {self.uri(src)}: no such object or directory")
        copied: list[Blob] = []
        try:
            for blob, new_key in pairs:
                target = self._copy(blob, new_key, overwrite=overwrite)
                if target is not None:
                    copied.append(target)
        except BaseException:
            for target in copied:
                self._discard_copy(target)
            raise
        for blob, _ in pairs:
            self._delete(blob.name)

    def _copy(self, blob: Blob, new_key: str, *, overwrite: bool = True) -> Blob | None:
        """Server-side copy (rewrite), complete before the destination becomes visible.

        Without ``overwrite`` the copy only happens if ``new_key`` does not exist (a 412 becomes
        :class:`FileExistsError`). A precondition makes the client's retries safe. Returns the new
        object, or ``None`` if an identical object was already there (not ours to clean up).
        """
        from google.api_core import exceptions as api

        target = self._blob(new_key)
        condition: dict[str, int] = {} if overwrite else {"if_generation_match": 0}
        with translate_errors("copy to", self.bucket_name, new_key):
            try:
                token, _, _ = target.rewrite(blob, retry=self._gcs.retry, **condition)
                while token is not None:
                    token, _, _ = target.rewrite(blob, token=token, retry=self._gcs.retry, **condition)
            except api.PreconditionFailed:
                existing = self._gcs.bucket.get_blob(new_key, retry=self._gcs.retry)
                if not _same_content(existing, blob):
                    raise FileExistsError(
                        f"cannot copy {self._gcs.uri(blob.name)} to {self._gcs.uri(new_key)}: "
                        "the destination was created by another writer; pass overwrite=True to replace it"
                    ) from None
                # Most likely our own copy, answered 412 when the client retried a request that had
                # succeeded; either way the destination holds exactly the source's bytes.
                return None
        return target

    def _discard_copy(self, target: Blob) -> None:
        """Best-effort removal of a copy this store made (only that generation: never a newer object)."""
        from google.api_core import exceptions as api

        if target.generation is None:
            return
        with suppress(api.GoogleAPIError):
            target.delete(if_generation_match=target.generation, retry=self._gcs.retry)

    def _delete(self, key: str) -> None:
        from google.api_core import exceptions as api

        # NotFound: already gone (for example a retried delete that had succeeded).
        with translate_errors("delete", self.bucket_name, key), suppress(api.NotFound):
            self._blob(key).delete(retry=self._gcs.retry)

    def remove(self, name: str, *, recursive: bool = False) -> None:
        key = self._key(name)
        if key and self._get_blob(key) is not None:
            self._delete(key)
            return
        children = [blob.name for blob in self._list(self._dir_prefix(name))]
        if not children:
            if not key:
                return
            raise ArtifactNotFoundError(f"cannot remove {self.uri(name)}: no such object or directory")
        prefix = self._dir_prefix(name)
        if not recursive and any(child[len(prefix) :] != DIR_MARKER for child in children):
            raise IsADirectoryError(f"cannot remove {self.uri(name)}: it is a non-empty directory; use recursive=True")
        for child in children:
            self._delete(child)

    def size(self, name: str) -> int:
        blob = self._require_file(name, "get the size of")
        return int(blob.size or 0)

    def checksum(self, name: str) -> str:
        """``crc32c:<hex>`` (or ``md5:<hex>``) from the object's metadata, without reading its data."""
        import base64

        blob = self._require_file(name, "checksum")
        if blob.crc32c:
            return "crc32c:" + base64.b64decode(blob.crc32c).hex()
        if blob.md5_hash:
            return "md5:" + base64.b64decode(blob.md5_hash).hex()
        return super().checksum(name)

    @contextmanager
    def local_path(self, name: str, mode: str = "r") -> Iterator[str]:
        """A temporary local copy: downloaded before the block (``"r"``), uploaded after it (``"w"``).

        A directory is copied file by file; in ``"w"`` mode each file is uploaded atomically.
        """
        if mode not in ("r", "w"):
            raise ValueError(f"unsupported mode {mode!r} for local_path; use 'r' or 'w'")
        clean = self.relative(name)
        with tempfile.TemporaryDirectory(prefix="zenml-gcs-") as tmp:
            local = os.path.join(tmp, clean.rsplit("/", 1)[-1] or "root")
            if mode == "r":
                self._download(clean, local)
                yield local
                return
            yield local
            self._upload(local, clean)

    def _download(self, name: str, local: str) -> None:
        key = self._key(name)
        blob = self._get_blob(key) if key else None
        if blob is not None:
            self._download_file(name, local)
            return
        files = list(self.walk_files(name))
        if not files and not self.isdir(name):
            raise ArtifactNotFoundError(f"cannot download {self.uri(name)}: no such object or directory")
        os.makedirs(local, exist_ok=True)
        base = f"{name}/" if name else ""
        for file_name in files:
            target = os.path.join(local, *file_name[len(base) :].split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            self._download_file(file_name, target)

    def _download_file(self, name: str, local: str) -> None:
        """One streaming GET (checksum-verified, resumed by the client's retries) into a local file."""
        blob = self._require_file(name, "download")
        with (
            TransferProgress(f"download {self._gcs.uri(blob.name)}", blob.size, enabled=self.progress) as progress,
            open(local, "wb") as target,
            translate_errors("download", self.bucket_name, blob.name),
        ):
            blob.download_to_file(_CountingWriter(target, progress), retry=self._gcs.retry)

    def _upload(self, local: str, name: str) -> None:
        if os.path.isfile(local):
            self._upload_file(local, name)
        elif os.path.isdir(local):
            for root, _dirs, files in os.walk(local):
                for file_name in sorted(files):
                    path = os.path.join(root, file_name)
                    relative = os.path.relpath(path, local).replace(os.sep, "/")
                    self._upload_file(path, f"{name}/{relative}" if name else relative)
        else:
            raise FileNotFoundError(f"nothing was written to the local path for {self.uri(name)}")

    def _upload_file(self, local: str, name: str) -> None:
        with open(local, "rb") as source, self.open(name, "wb") as target:
            shutil.copyfileobj(source, target, self.chunk_size)

    def walk_files(self, name: str = "") -> Iterator[str]:
        """Every file below directory ``name`` (one listing, no per-entry requests), sorted."""
        base = self.relative(name)
        strip = len(self._gcs.prefix) + 1 if self._gcs.prefix else 0
        names = sorted(
            blob.name[strip:]
            for blob in self._list(self._dir_prefix(base))
            if blob.name.rsplit("/", 1)[-1] != DIR_MARKER
        )
        yield from names


def _same_content(existing: Blob | None, source: Blob) -> bool:
    """Whether ``existing`` holds exactly the bytes of ``source`` (by size and checksum)."""
    if existing is None or existing.size != source.size:
        return False
    if existing.crc32c and source.crc32c:
        return bool(existing.crc32c == source.crc32c)
    return bool(existing.md5_hash and existing.md5_hash == source.md5_hash)


class _CountingWriter:
    """A write-only file wrapper that reports progress (the client resumes a download with seek/truncate)."""

    def __init__(self, target: BinaryIO, progress: TransferProgress) -> None:
        self._target = target
        self._progress = progress

    def write(self, data: bytes) -> int:
        count = self._target.write(data)
        self._progress.advance(len(data))
        return count

    def __getattr__(self, name: str) -> object:
        return getattr(self._target, name)
