"""The materializer for ``numpy.ndarray``; imported only when an array type is first looked up.

Core registers :class:`NumpyMaterializer` for ``"numpy:ndarray"`` by reference
(:mod:`zenml.materializers.core`), so this module (and numpy) is imported
only once the user's code has imported numpy and an array reaches a step.

Arrays are stored as ``data.npy`` in the ``np.save`` format (``allow_pickle``
is never used: object arrays are refused), so ``np.load`` reads the files
directly. Contiguous arrays are written and read without intermediate
copies: the header through :mod:`numpy.lib.format`, then the array's own
memory in chunks straight to (and from) the store's file object.

Memory-mapped loading: use :class:`MemmapNumpyMaterializer` (same format and
version; ``MMAP_MODE = "r"``) to load an artifact as a read-only
``numpy.memmap`` instead of reading it into memory, e.g.
``load_artifact(..., materializer_cls=MemmapNumpyMaterializer, data_type=np.ndarray, materializer_version=1)``
or ``@step(output_materializers={"out": MemmapNumpyMaterializer})`` for the
consumers of a step's output. Subclass and set ``MMAP_MODE`` to ``"r+"`` or
``"c"`` for the other ``np.load`` modes. On a remote store the file is first
downloaded to a temporary local path (see ``ArtifactStore.local_path``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.lib import format as npy_format

from zenml.materializers.base import BaseMaterializer, MaterializerError

if TYPE_CHECKING:
    from typing import IO

NPY_FILE = "data.npy"


def _raw_bytes(array: np.ndarray[Any, Any]) -> memoryview | None:
    """A zero-copy byte view of a contiguous array's data, in the order ``np.save`` writes it."""
    if array.flags.c_contiguous:
        source = array
    elif array.flags.f_contiguous:
        source = array.T  # np.save writes Fortran arrays as their transposed C buffer
    else:
        return None
    try:
        return memoryview(source.reshape(-1).view(np.uint8))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _write_header(handle: IO[bytes], array: np.ndarray[Any, Any]) -> None:
    header = npy_format.header_data_from_array_1_0(array)
    try:
        npy_format.write_array_header_1_0(handle, header)
    except ValueError:  # header longer than 64 KiB: version 2.0
        npy_format.write_array_header_2_0(handle, header)


class NumpyMaterializer(BaseMaterializer):
    """``numpy.ndarray`` as ``data.npy`` (``np.save`` format, never pickled)."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (np.ndarray,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[str] = "DataArtifact"
    VERSION: ClassVar[int] = 1
    MMAP_MODE: ClassVar[str | None] = None
    """``None``: read into memory. ``"r"``, ``"r+"``, ``"c"``: ``np.load(..., mmap_mode=...)``."""

    def save(self, data: Any) -> None:
        if not isinstance(data, np.ndarray):
            raise MaterializerError(f"NumpyMaterializer saves numpy.ndarray, not {type(data).__name__}")
        if type(data) is not np.ndarray and not isinstance(data, np.memmap):
            kind = type(data)
            raise MaterializerError(
                f"NumpyMaterializer saves plain numpy arrays; {kind.__module__}.{kind.__qualname__} would lose what "
                "its subclass adds (a mask, matrix semantics): save np.asarray(value) and the extra parts separately, "
                "or write a materializer for it"
            )
        array = np.asarray(data)  # a memmap is saved as a plain array
        if array.dtype.hasobject:
            raise MaterializerError(
                f"cannot save a numpy array of dtype {array.dtype} without pickle; "
                "convert it to a numeric or string dtype, or use a materializer for its contents"
            )
        with self.artifact_store.open(self.path(NPY_FILE), "wb") as handle:
            raw = _raw_bytes(array)
            if raw is None:
                npy_format.write_array(handle, array, allow_pickle=False)
                return
            _write_header(handle, array)
            handle.write(raw)  # one call: the store's file (or hashing wrapper) streams it in slices

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        """``shape`` and ``dtype``, and for numbers ``mean``, ``std``, ``min`` and ``max`` (as ZenML records)."""
        from zenml.metadata.metadata_types import DType

        array = np.asarray(data)
        found: dict[str, Any] = {"shape": list(array.shape), "dtype": DType(str(array.dtype))}
        if array.size and np.issubdtype(array.dtype, np.number) and not np.issubdtype(array.dtype, np.complexfloating):
            with np.errstate(all="ignore"):
                stats = {"mean": array.mean(), "std": array.std(), "min": array.min(), "max": array.max()}
            found.update({key: float(value) for key, value in stats.items() if np.isfinite(value)})
        return found

    def load(self, data_type: type[Any]) -> Any:
        if self.MMAP_MODE is not None:
            with self.artifact_store.local_path(self.path(NPY_FILE), "r") as local:
                return np.load(local, mmap_mode=self.MMAP_MODE, allow_pickle=False)  # type: ignore[arg-type]
        with self.artifact_store.open(self.path(NPY_FILE), "rb") as handle:
            return self._read(handle)

    def _read(self, handle: IO[bytes]) -> np.ndarray[Any, Any]:
        try:
            version = npy_format.read_magic(handle)
            if version == (1, 0):
                shape, fortran_order, dtype = npy_format.read_array_header_1_0(handle)
            elif version == (2, 0):
                shape, fortran_order, dtype = npy_format.read_array_header_2_0(handle)
            else:  # other versions: let numpy read the whole file
                handle.seek(0)
                return np.load(handle, allow_pickle=False)  # type: ignore[no-any-return]
        except ValueError as error:
            raise MaterializerError(
                f"artifact file {self.path(NPY_FILE)!r} is not a valid .npy file: {error}"
            ) from error
        if dtype.hasobject:
            raise MaterializerError(f"artifact file {self.path(NPY_FILE)!r} holds an object array, which needs pickle")
        array = np.empty(shape, dtype=dtype, order="F" if fortran_order else "C")
        raw = _raw_bytes(array)
        if raw is None:  # pragma: no cover - a fresh array is always contiguous
            raise MaterializerError(f"cannot read dtype {dtype} without copying")
        filled = 0
        readinto = handle.readinto  # type: ignore[attr-defined]
        while filled < len(raw):
            count = readinto(raw[filled:])
            if not count:
                raise MaterializerError(
                    f"artifact file {self.path(NPY_FILE)!r} is truncated: {filled} of {len(raw)} data bytes present"
                )
            filled += count
        if handle.read(1):
            raise MaterializerError(f"artifact file {self.path(NPY_FILE)!r} has trailing data after the array")
        return array


class MemmapNumpyMaterializer(NumpyMaterializer):
    """Loads ``data.npy`` memory-mapped read-only (``np.load(..., mmap_mode="r")``); saves like its base."""

    MMAP_MODE: ClassVar[str | None] = "r"
