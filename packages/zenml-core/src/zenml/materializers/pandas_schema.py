"""What Parquet and CSV do not keep of a frame (``schema.json``), and putting it back after loading.

Written by :mod:`zenml.materializers.pandas_materializer` next to the data:
whether it was a Series and its name, the column labels and their dtype
(a ``RangeIndex`` as such), each column's and index level's dtype, the
index ``freq``, and which columns are categorical (and ordered).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from zenml.materializers.base import MaterializerError

FORMAT_VERSION = 1


class PandasDtypeWarning(UserWarning):
    """A column or index level came back with another dtype than it was saved with."""


def _label(value: Any, what: str) -> Any:
    """A label (column, index or Series name) as exact JSON; a clear error if it cannot be."""
    from zenml.materializers.json_codec import EncodeError, encode

    if hasattr(value, "item") and type(value).__module__ == "numpy":  # numpy scalars: their Python value
        value = value.item()
    try:
        encode(value)
    except EncodeError as error:
        raise MaterializerError(
            f"cannot store the {what} {value!r}: labels must be None, str, int, float, bool or tuples of those "
            f"({error}); rename it"
        ) from None
    return value


def _range(index: pd.Index) -> list[int] | None:
    return [index.start, index.stop, index.step] if isinstance(index, pd.RangeIndex) else None


def _as_range(index: pd.Index, bounds: list[int] | None) -> pd.Index:
    """``index`` as the ``RangeIndex`` it was saved as (formats store its values only)."""
    if bounds is None or isinstance(index, pd.RangeIndex):
        return index
    chosen = pd.RangeIndex(*bounds, name=index.name)
    return chosen if len(chosen) == len(index) and (chosen == index).all() else index


def describe(frame: pd.DataFrame, *, kind: str, name: Any, file_format: str) -> dict[str, Any]:
    """The schema of ``frame`` (the Series of ``kind == "Series"`` as a one-column frame)."""
    columns = frame.columns
    index = frame.index
    schema: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "format": file_format,
        "kind": kind,
        "name": _label(name, "Series name"),
        "columns": [_label(label, "column label") for label in columns],
        "column_names": [_label(level, "column index name") for level in columns.names],
        "column_dtype": str(columns.dtype) if columns.nlevels == 1 else None,
        "dtypes": [str(dtype) for dtype in frame.dtypes],
        "index_names": [_label(level, "index name") for level in index.names],
        "index_dtypes": [str(index.get_level_values(i).dtype) for i in range(index.nlevels)],
        "index_freq": getattr(index, "freqstr", None),
        "index_range": _range(index),
        "column_range": _range(columns),
        "categorical": [  # [position, ordered] of each categorical column
            [position, bool(dtype.ordered)]
            for position, dtype in enumerate(frame.dtypes)
            if isinstance(dtype, pd.CategoricalDtype)
        ],
    }
    return schema


def restore(frame: pd.DataFrame, schema: dict[str, Any], where: str) -> pd.DataFrame:
    """Put back what the file format did not keep: column labels, index ``freq``; warn on other dtypes."""
    labels = schema["columns"]
    names = schema["column_names"]
    if len(labels) != frame.shape[1]:
        raise MaterializerError(f"{where}: the file holds {frame.shape[1]} columns, its schema {len(labels)}")
    if len(names) > 1:
        frame.columns = pd.MultiIndex.from_tuples([tuple(label) for label in labels], names=names)
    else:
        frame.columns = pd.Index(labels, dtype=schema["column_dtype"], name=names[0], tupleize_cols=False)
    frame.columns = _as_range(frame.columns, schema.get("column_range"))
    frame.index = _as_range(frame.index, schema.get("index_range"))
    freq = schema.get("index_freq")
    if freq and isinstance(frame.index, (pd.DatetimeIndex, pd.TimedeltaIndex)) and frame.index.freq is None:
        frame.index = type(frame.index)(frame.index, freq=freq)
    for position, (expected, actual) in enumerate(zip(schema["dtypes"], frame.dtypes, strict=True)):
        if expected == "object" and isinstance(actual, pd.StringDtype):  # pandas 3 infers str for object strings
            frame.isetitem(position, frame.iloc[:, position].astype(object))
        elif expected != str(actual):
            _warn(where, f"column {labels[position]!r}", expected, actual)
    for level, expected in enumerate(schema["index_dtypes"]):
        actual = frame.index.get_level_values(level).dtype
        if expected != str(actual):
            _warn(where, f"index level {level}", expected, actual)
    return frame


def _warn(where: str, what: str, expected: str, actual: Any) -> None:
    import warnings

    warnings.warn(
        f"{where}: {what} was saved as {expected} and loads as {actual} with pandas {pd.__version__}",
        PandasDtypeWarning,
        stacklevel=4,
    )
