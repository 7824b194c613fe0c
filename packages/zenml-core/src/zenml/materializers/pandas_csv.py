"""CSV for frames when pyarrow is missing: one header row for people, dtypes from the schema, verified before storing.

CSV keeps text only, so :func:`from_csv` rebuilds every column and index
level from the dtype the schema recorded (``schema.json``, see
:mod:`zenml.materializers.pandas_materializer`). :func:`to_csv` parses its
own output back in memory and refuses a frame that would not come back
identical (object columns holding non-strings, an empty string next to a
missing value, integers beyond float precision next to missing values,
categories that are not plain values): such a frame needs Parquet.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from zenml.materializers.base import MaterializerError
from zenml.materializers.pandas_schema import restore

_BOOLEANS = {"True": True, "False": False}


def _text(label: Any) -> str:
    return "/".join(map(str, label)) if isinstance(label, tuple) else str(label)


def to_csv(frame: pd.DataFrame, schema: dict[str, Any], where: str) -> str:
    """``frame`` as CSV text, after proving that :func:`from_csv` rebuilds it exactly."""
    from zenml.materializers.json_codec import EncodeError, encode

    categories: dict[str, Any] = {}
    for position, ordered in schema["categorical"]:
        values = frame.dtypes.iloc[position].categories
        try:
            categories[str(position)] = {
                "values": encode(values.tolist()),
                "dtype": str(values.dtype),
                "ordered": ordered,
            }
        except EncodeError:
            raise MaterializerError(
                _needs_parquet(where, f"the categories of column {frame.columns[position]!r}")
            ) from None
    schema["csv_categories"] = categories
    text: str = frame.to_csv(
        header=[_text(label) for label in frame.columns],
        index_label=[_text(name) if name is not None else "" for name in frame.index.names],
        lineterminator="\n",
    )
    try:
        rebuilt = restore(from_csv(text, schema), schema, where)
        pd.testing.assert_frame_equal(
            rebuilt, frame, check_exact=True, check_index_type=True, check_column_type=True, check_freq=True
        )
    except (AssertionError, ValueError, TypeError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise MaterializerError(_needs_parquet(where, f"this frame ({first})")) from None
    return text


def _needs_parquet(where: str, what: str) -> str:
    return (
        f"{where}: {what} would not come back identical from CSV, which zenml uses because pyarrow is not "
        'installed; install it (pip install "zenml-core[pandas]") to store the frame as Parquet'
    )


def from_csv(text: str, schema: dict[str, Any]) -> pd.DataFrame:
    """The frame :func:`to_csv` wrote, each column and index level converted to its recorded dtype."""
    levels = len(schema["index_dtypes"])
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], index_col=None, header=0)
    index_columns = [raw.iloc[:, level] for level in range(levels)]
    index_values = [
        _convert(column, dtype, None) for column, dtype in zip(index_columns, schema["index_dtypes"], strict=True)
    ]
    names = schema["index_names"]
    if levels == 1:
        index = pd.Index(index_values[0]).rename(names[0])
    else:
        index = pd.MultiIndex.from_arrays(index_values, names=names)
    categories = schema.get("csv_categories", {})
    columns = {
        position: _convert(raw.iloc[:, levels + position], dtype, categories.get(str(position)))
        for position, dtype in enumerate(schema["dtypes"])
    }
    frame = pd.DataFrame({position: column.reset_index(drop=True) for position, column in columns.items()})
    if not columns:
        frame = pd.DataFrame(index=range(len(raw)))
    frame.index = index
    return frame


def _convert(values: pd.Series, dtype: str, categories: dict[str, Any] | None) -> pd.Series:
    """Text values (missing ones NaN) as ``dtype``."""
    if dtype == "category":
        from zenml.materializers.json_codec import decode

        if categories is None:
            raise ValueError("categorical column without recorded categories")
        chosen = pd.Index(decode(categories["values"]), dtype=categories["dtype"])
        present = values.notna().to_numpy()
        codes = chosen.get_indexer(_convert(values[present], categories["dtype"], None))
        if (codes < 0).any():
            raise ValueError("a categorical value is not among its recorded categories")
        every = pd.Series(-1, index=values.index, dtype="int64")
        every[present] = codes
        dtype = pd.CategoricalDtype(chosen, ordered=categories["ordered"])
        return pd.Series(pd.Categorical.from_codes(every.to_numpy(), dtype=dtype), index=values.index)
    target = pd.api.types.pandas_dtype(dtype)
    if isinstance(target, pd.DatetimeTZDtype):
        return pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_convert(target.tz).astype(target)
    if target.kind == "M":
        return pd.to_datetime(values, format="ISO8601").astype(target)
    if target.kind == "m":
        return pd.to_timedelta(values).astype(target)
    if target.kind == "b":
        return values.map(_BOOLEANS).astype(target)
    if target.kind in "iufc":
        return pd.to_numeric(values).astype(target) if values.isna().any() else values.astype(target)
    return values.astype(target)
