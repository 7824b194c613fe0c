"""File objects that stream to and from one GCS object.

:class:`GCSWriter` is atomic: it keeps at most one chunk in memory, sends
small files in one request and large ones as a chunked resumable upload,
and the object appears under its name only when the upload is finalised by
:meth:`GCSWriter.close`. An error, an exception inside ``with``, or a writer
dropped without ``close()`` cancels the upload: nothing half-written becomes visible.
"""

from __future__ import annotations

import contextlib
import io
from typing import TYPE_CHECKING, Any

from zenml.integrations.gcp.errors import GCSTransferError, translate_errors
from zenml.integrations.gcp.progress import TransferProgress

if TYPE_CHECKING:
    from types import TracebackType

    from _typeshed import ReadableBuffer, WriteableBuffer
    from google.cloud.storage import Blob

CHUNK_MULTIPLE = 256 * 1024
_HANDOVER = 1024 * 1024


class GCSWriter(io.RawIOBase):
    """Write one object; see the module docstring."""

    def __init__(self, blob: Blob, *, chunk_size: int, retry: Any, progress: bool | None = None) -> None:
        super().__init__()
        if chunk_size <= 0 or chunk_size % CHUNK_MULTIPLE:
            raise ValueError(f"chunk_size must be a positive multiple of {CHUNK_MULTIPLE} bytes, not {chunk_size}")
        self._blob = blob
        self._retry = retry
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._upload: Any = None  # google.cloud.storage.fileio.BlobWriter once the data outgrows one chunk
        self._failed = False
        self._finished = False
        self._progress = TransferProgress(f"upload {self._where}", None, enabled=progress)

    @property
    def _where(self) -> str:
        return f"gs://{self._blob.bucket.name}/{self._blob.name}"

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        if self.closed or self._finished:
            raise ValueError(f"write to a closed writer of {self._where}")
        if self._failed:
            raise GCSTransferError(f"cannot upload {self._where}: an earlier write failed; the upload was cancelled")
        view = memoryview(data).cast("B")
        count = view.nbytes
        try:
            with translate_errors("upload", self._blob.bucket.name, self._blob.name):
                # Slices of at most one chunk keep the client's own buffer small for large writes.
                for start in range(0, count, self._chunk_size):
                    piece = view[start : start + self._chunk_size]
                    if self._upload is None:
                        self._buffer += piece
                        if len(self._buffer) >= self._chunk_size:
                            self._start_resumable_upload()
                    else:
                        self._upload.write(piece)
        except BaseException:
            self._abort()
            raise
        self._progress.advance(count)
        return count

    def _start_resumable_upload(self) -> None:
        from google.cloud.storage.fileio import BlobWriter

        self._upload = BlobWriter(self._blob, chunk_size=self._chunk_size, retry=self._retry)
        pending, self._buffer = self._buffer, bytearray()
        # Hand over in pieces, dropping each from the front (cheap for a bytearray), so that our buffer
        # shrinks while the client's grows: peak memory stays at about two chunks, as with the raw client.
        while pending:
            piece = bytes(pending[:_HANDOVER])
            del pending[:_HANDOVER]
            self._upload.write(piece)

    def close(self) -> None:
        """Finalise the upload: the object becomes visible now (or, on error, never)."""
        if self.closed:
            return
        if self._failed:
            super().close()
            return
        try:
            with translate_errors("upload", self._blob.bucket.name, self._blob.name):
                if self._upload is None:
                    self._blob.upload_from_file(
                        io.BytesIO(self._buffer), size=len(self._buffer), rewind=True, retry=self._retry
                    )
                else:
                    self._upload.close()
            self._finished = True
        except BaseException:
            self._abort()
            raise
        finally:
            self._buffer = bytearray()
            self._progress.close()
            super().close()

    def abort(self) -> None:
        """Cancel the upload; nothing becomes visible. Safe to call more than once."""
        self._abort()
        super().close()

    def _abort(self) -> None:
        self._failed = True
        self._buffer = bytearray()
        self._progress.close()
        upload, self._upload = self._upload, None
        if upload is not None:
            with contextlib.suppress(Exception):
                upload.terminate()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.close()

    def __del__(self) -> None:
        # io.IOBase.__del__ would call close() and publish a partial object: cancel instead.
        if not self.closed:
            self.abort()


class GCSReader(io.RawIOBase):
    """Read one object in ranged chunks of ``chunk_size`` bytes (the client's BlobReader, with retries)."""

    def __init__(self, blob: Blob, *, chunk_size: int, retry: Any, progress: bool | None = None) -> None:
        super().__init__()
        from google.cloud.storage.fileio import BlobReader

        self._blob = blob
        self._reader = BlobReader(blob, chunk_size=chunk_size, retry=retry)
        self._progress = TransferProgress(f"download gs://{blob.bucket.name}/{blob.name}", blob.size, enabled=progress)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("read from a closed reader")
        with translate_errors("read", self._blob.bucket.name, self._blob.name):
            data: bytes = self._reader.read(-1 if size is None else size)
        self._progress.advance(len(data))
        return data

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(view.nbytes)
        view[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        with translate_errors("read", self._blob.bucket.name, self._blob.name):
            return int(self._reader.seek(offset, whence))

    def tell(self) -> int:
        return int(self._reader.tell())

    def close(self) -> None:
        if not self.closed:
            self._reader.close()
            self._progress.close()
        super().close()
