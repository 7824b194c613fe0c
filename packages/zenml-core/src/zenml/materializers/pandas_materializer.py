"""The materializer for ``pandas.DataFrame`` and ``pandas.Series``; imported only when a pandas type is first looked up.

Core registers :class:`PandasMaterializer` for ``"pandas:DataFrame"`` and
``"pandas:Series"`` by reference (:mod:`zenml.materializers.core`), so this
module, and pandas, are imported only once the user's code has imported
pandas and a frame reaches a step (ZenML's module path:
``zenml.materializers.pandas_materializer``).

Files of one artifact:

- ``df.parquet``: the frame (a Series as a one-column frame), written by
  pyarrow when it is installed (``pip install "zenml-core[pandas]"``), in
  one sequential pass through the store, so the content hash costs no
  extra read; loaded by reading the file once into memory and parsing it
  there (the integrity check rides on that read).
- ``df.csv`` instead when pyarrow is missing (as ZenML does). CSV cannot
  tell dtypes apart, so the frame is first parsed back in memory and
  compared: a frame that would not come back identical is refused with a
  message asking for pyarrow, never stored lossily.
- ``schema.json``: what Parquet or CSV do not keep by themselves: whether it
  was a Series and its name, the column labels and their dtype, each
  column's and index level's dtype, the index ``freq`` and categorical
  categories (``categories/<column>.parquet`` for Parquet).

Dtypes, index (including a ``MultiIndex``) and column names round-trip
exactly: datetimes with time zones, categoricals, nullable integers and
booleans, strings. A dtype that the installed pandas reads back differently
(a frame written by pandas 2 with object strings, read by pandas 3) is
loaded with a :class:`PandasDtypeWarning` naming the column. ``DataFrame.attrs``
and ``flags`` are not stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from zenml.materializers.base import BaseMaterializer, MaterializerError
from zenml.materializers.json_files import read_json, write_json
from zenml.materializers.pandas_schema import FORMAT_VERSION, PandasDtypeWarning, describe, restore

__all__ = ["PandasDtypeWarning", "PandasMaterializer", "parquet_available"]

if TYPE_CHECKING:
    from typing import IO

PARQUET_FILE = "df.parquet"
CSV_FILE = "df.csv"
SCHEMA_FILE = "schema.json"
SERIES_COLUMN = "series"


def parquet_available() -> bool:
    """Whether pyarrow (Parquet) can be used here."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _finite(value: Any) -> bool:
    """Whether a statistic is a finite number (metadata holds no NaN, infinity or missing value)."""
    import math

    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


class _Counting:
    """A write-only file for pyarrow over a store's handle, with ``tell()`` (object-store writers lack it)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._written = 0
        self.closed = False

    def write(self, data: Any) -> int:
        self._handle.write(data)
        self._written += memoryview(data).nbytes
        return memoryview(data).nbytes

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        pass

    def close(self) -> None:  # the store's handle is closed by its own `with` block
        self.closed = True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False


class PandasMaterializer(BaseMaterializer):
    """``pandas.DataFrame`` and ``pandas.Series`` as Parquet (pyarrow) or, without pyarrow, CSV; never pickled."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (pd.DataFrame, pd.Series)
    VERSION: ClassVar[int] = 1

    def save(self, data: Any) -> None:
        if isinstance(data, pd.Series):
            frame, kind, name = data.to_frame(name=SERIES_COLUMN), "Series", data.name
        elif isinstance(data, pd.DataFrame):
            frame, kind, name = data, "DataFrame", None
        else:
            raise MaterializerError(f"PandasMaterializer saves DataFrame and Series, not {type(data).__name__}")
        if not frame.columns.is_unique:
            duplicated = sorted({repr(label) for label in frame.columns[frame.columns.duplicated()]})
            raise MaterializerError(f"cannot store a DataFrame with duplicate column labels ({', '.join(duplicated)})")
        if parquet_available():
            schema = describe(frame, kind=kind, name=name, file_format="parquet")
            self._save_parquet(frame, schema)
        else:
            from zenml.materializers.pandas_csv import to_csv

            schema = describe(frame, kind=kind, name=name, file_format="csv")
            text = to_csv(frame, schema, f"artifact {self.uri!r}")
            with self.artifact_store.open(self.path(CSV_FILE), "wb") as handle:
                handle.write(text.encode("utf-8"))
        write_json(self, schema, SCHEMA_FILE)

    def _save_parquet(self, frame: pd.DataFrame, schema: dict[str, Any]) -> None:
        try:
            with self.artifact_store.open(self.path(PARQUET_FILE), "wb") as handle:
                frame.to_parquet(_Counting(handle), engine="pyarrow")
        except (TypeError, ValueError, ImportError) as error:  # pyarrow's ArrowTypeError/ArrowInvalid are these
            raise MaterializerError(
                f"cannot store this DataFrame as Parquet: {type(error).__name__}: {error}; "
                "convert the offending column (e.g. mixed Python objects) to one type"
            ) from error
        for position, _ in schema["categorical"]:
            categories = frame.dtypes.iloc[position].categories
            with self.artifact_store.open(self.path(f"categories/{position}.parquet"), "wb") as handle:
                pd.DataFrame({"categories": categories}).to_parquet(_Counting(handle), engine="pyarrow")

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        """What ZenML records for a frame: ``shape`` (``[rows, columns]``; a Series: ``[rows]``), ``dtype``
        (column label -> ``DType``; a Series: its ``DType``), and ``mean``, ``std``, ``min``, ``max`` of the numeric
        columns (per column; a Series: its own), finite values only."""
        from zenml.metadata.metadata_types import DType

        series = isinstance(data, pd.Series)
        frame = data.to_frame(name=SERIES_COLUMN) if series else data
        dtypes = {str(label): DType(str(dtype)) for label, dtype in frame.dtypes.items()}
        found: dict[str, Any] = {"shape": list(data.shape), "dtype": dtypes[SERIES_COLUMN] if series else dtypes}
        numeric = frame.select_dtypes(include="number").select_dtypes(exclude="complex")
        for name in ("mean", "std", "min", "max"):
            values = getattr(numeric, name)()
            finite = {str(label): float(value) for label, value in values.items() if _finite(value)}
            if finite:
                found[name] = finite[SERIES_COLUMN] if series else finite
        return found

    def load(self, data_type: type[Any]) -> Any:
        from zenml.materializers.json_codec import decode

        schema = decode(read_json(self, SCHEMA_FILE))
        if not isinstance(schema, dict) or schema.get("version") != FORMAT_VERSION:
            raise MaterializerError(f"artifact {self.uri!r}: {SCHEMA_FILE} is not a pandas schema this zenml wrote")
        where = f"artifact {self.uri!r}"
        if schema["format"] == "parquet":
            frame = self._load_parquet(schema)
        else:
            from zenml.materializers.pandas_csv import from_csv

            with self.artifact_store.open(self.path(CSV_FILE), "rb") as handle:
                frame = from_csv(handle.read().decode("utf-8"), schema)
        frame = restore(frame, schema, where)
        if schema["kind"] == "Series":
            series = frame.iloc[:, 0]
            series.name = schema["name"]
            return series
        return frame

    def _read_parquet(self, name: str) -> pd.DataFrame:
        """Read one Parquet file in one sequential pass (hashed on the way), then parse it in memory."""
        if not parquet_available():
            raise MaterializerError(
                f"artifact {self.uri!r} is stored as Parquet, which needs pyarrow: "
                'pip install "zenml-core[pandas]" (or pip install pyarrow)'
            )
        import numpy as np
        import pyarrow as pa

        size = self.artifact_store.size(name)
        buffer = np.empty(size, dtype=np.uint8)
        view = buffer.data  # a memoryview of the array: filled without copies
        filled = 0
        with self.artifact_store.open(name, "rb") as handle:
            readinto = handle.readinto  # type: ignore[attr-defined]
            while filled < size:
                count = readinto(view[filled:])
                if not count:
                    raise MaterializerError(f"artifact file {name!r} is truncated: {filled} of {size} bytes")
                filled += count
            if handle.read(1):
                raise MaterializerError(f"artifact file {name!r} grew while it was read")
        try:
            return pd.read_parquet(pa.BufferReader(pa.py_buffer(buffer)), engine="pyarrow")
        except (OSError, ValueError) as error:  # ArrowInvalid is a ValueError
            raise MaterializerError(f"artifact file {name!r} is not valid Parquet: {error}") from error

    def _load_parquet(self, schema: dict[str, Any]) -> pd.DataFrame:
        frame = self._read_parquet(self.path(PARQUET_FILE))
        for position, ordered in schema["categorical"]:
            # Parquet keeps string categories only: others come back as their values
            stored = self._read_parquet(self.path(f"categories/{position}.parquet"))["categories"]
            categories = pd.Index(stored).rename(None)
            expected = pd.CategoricalDtype(categories, ordered=ordered)
            column = frame.iloc[:, position]
            if column.dtype != expected:
                frame.isetitem(position, column.astype(expected))
        return frame
