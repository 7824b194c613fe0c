"""The pandas materializer: Parquet (or CSV without pyarrow) with dtypes, index and column names exactly kept."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Annotated, Any

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from zenml.artifact_stores.local import LocalArtifactStore  # noqa: E402
from zenml.artifacts import ArtifactCorruptedError, load_artifact, save_artifact  # noqa: E402
from zenml.artifacts.tracking import forget_noted_hashes  # noqa: E402
from zenml.materializers.base import MaterializerError  # noqa: E402
from zenml.materializers.pandas_materializer import PandasMaterializer  # noqa: E402
from zenml.materializers.registry import materializer_registry  # noqa: E402

# Each frame is a case of the property "saved and loaded, it is identical": dtypes, index, column names.
FRAMES_SOURCE = """
import numpy as np
import pandas as pd

FRAMES = {
    "numbers": lambda: pd.DataFrame({
        "f": np.linspace(0, 1, 7) / 3, "i": np.arange(7, dtype=np.int16),
        "u": np.arange(7, dtype=np.uint8), "b": [True, False] * 3 + [True],
    }),
    "tz datetimes": lambda: pd.DataFrame({
        "berlin": pd.date_range("2024-03-30", periods=4, freq="6h", tz="Europe/Berlin"),
        "utc": pd.date_range("2024-01-01", periods=4, tz="UTC"),
        "naive": pd.to_datetime(["2024-01-01", None, "1999-12-31 23:59:59.5", "2024-02-29"], format="ISO8601"),
    }),
    "categoricals": lambda: pd.DataFrame({
        "ordered": pd.Categorical(["lo", "hi", "lo"], categories=["lo", "mid", "hi"], ordered=True),
        "ints": pd.Categorical([3, 1, None], categories=[3, 2, 1]),
        "plain": pd.Categorical(["x", None, "y"]),
    }),
    "nullable": lambda: pd.DataFrame({
        "Int64": pd.array([1, None, -3], dtype="Int64"), "UInt8": pd.array([None, 2, 255], dtype="UInt8"),
        "boolean": pd.array([True, None, False], dtype="boolean"),
        "Float32": pd.array([0.5, None, 2.25], dtype="Float32"),
    }),
    "strings": lambda: pd.DataFrame({
        "string": pd.array(["a", None, "ü, \\"quoted\\"\\nline"], dtype="string"),
        "object": pd.Series(["x", "y", "z"], dtype=object),
    }),
    "multiindex": lambda: pd.DataFrame(
        {"v": [1.5, 2.5, 3.5, 4.5]},
        index=pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1), ("b", 2)], names=["key", "n"]),
    ),
    "multiindex columns": lambda: pd.DataFrame(
        [[1, 2, 3]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y"), ("b", "x")], names=["outer", "inner"])
    ),
    "named axes": lambda: pd.DataFrame({"a": [1, 2]}, index=pd.Index([10, 20], name="id")).rename_axis(columns="f"),
    "int labels": lambda: pd.DataFrame({0: [1.0, 2.0], 7: [3.0, 4.0]}),
    "range index": lambda: pd.DataFrame({"a": [1, 2, 3]}, index=pd.RangeIndex(5, 11, 2)),
    "datetime index with freq": lambda: pd.DataFrame(
        {"a": [1, 2, 3]}, index=pd.date_range("2024-01-01", periods=3, freq="D", tz="UTC", name="day")
    ),
    "timedeltas": lambda: pd.DataFrame({"td": pd.to_timedelta([1, None, 3600], unit="s")}),
    "empty": lambda: pd.DataFrame({"a": pd.Series([], dtype="int32"), "s": pd.Series([], dtype="string")}),
    "series": lambda: pd.Series([1.0, None, 3.0], index=pd.Index(["a", "b", "c"], name="k"), name="values"),
    "unnamed series": lambda: pd.Series(pd.Categorical(["b", "a"], categories=["a", "b"], ordered=True)),
    "series with int name": lambda: pd.Series(pd.array([1, None], dtype="Int64"), name=3),
}
"""
namespace: dict[str, Any] = {}
exec(FRAMES_SOURCE, namespace)
FRAMES: dict[str, Any] = namespace["FRAMES"]


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore("test", path=str(tmp_path / "store"))


def round_trip(store: LocalArtifactStore, value: Any, data_type: type) -> Any:
    uri = f"a{len(store.listdir())}"
    info = save_artifact(value, store=store, uri=uri, materializer_cls=PandasMaterializer)
    forget_noted_hashes()  # load as another process would: the integrity check reads the files
    return load_artifact(store=store, uri=uri, materializer_cls=PandasMaterializer, data_type=data_type,
                         materializer_version=1, content_hash=info.content_hash)  # fmt: skip


def assert_identical(loaded: Any, original: Any) -> None:
    exact = {"check_exact": True, "check_index_type": True, "check_freq": True, "check_names": True}
    if isinstance(original, pd.Series):
        pd.testing.assert_series_equal(loaded, original, check_series_type=True, **exact)
    else:
        pd.testing.assert_frame_equal(loaded, original, check_column_type=True, check_frame_type=True, **exact)


@pytest.mark.parametrize("name", list(FRAMES))
def test_frames_round_trip_exactly_as_parquet(store: LocalArtifactStore, name: str) -> None:
    original = FRAMES[name]()
    loaded = round_trip(store, original, type(original))
    assert_identical(loaded, original)
    assert (Path(store.root) / f"a{len(store.listdir()) - 1}" / "df.parquet").is_file()


def test_parquet_file_is_plain_parquet(store: LocalArtifactStore) -> None:
    frame = FRAMES["nullable"]()
    save_artifact(frame, store=store, uri="p", materializer_cls=PandasMaterializer)
    pd.testing.assert_frame_equal(pd.read_parquet(Path(store.root) / "p" / "df.parquet"), frame)


def test_corrupted_parquet_is_reported(store: LocalArtifactStore) -> None:
    info = save_artifact(FRAMES["numbers"](), store=store, uri="c", materializer_cls=PandasMaterializer)
    path = Path(store.root) / "c" / "df.parquet"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    forget_noted_hashes()
    with pytest.raises(ArtifactCorruptedError, match="'c'"):
        load_artifact(store=store, uri="c", materializer_cls=PandasMaterializer, data_type=pd.DataFrame,
                      materializer_version=1, content_hash=info.content_hash)  # fmt: skip


def test_what_parquet_cannot_hold_is_a_clear_error(store: LocalArtifactStore) -> None:
    with pytest.raises(MaterializerError, match="cannot store this DataFrame as Parquet"):
        save_artifact(
            pd.DataFrame({"mixed": [1, "a", b"x"]}), store=store, uri="m", materializer_cls=PandasMaterializer
        )
    with pytest.raises(MaterializerError, match="duplicate column labels"):
        save_artifact(
            pd.DataFrame([[1, 2]], columns=["a", "a"]), store=store, uri="d", materializer_cls=PandasMaterializer
        )
    assert not (Path(store.root) / "m").exists()


def test_metadata_gives_rows_columns_dtypes_and_statistics_as_zenml_does(zen_home: Path) -> None:
    from zenml import pipeline, step
    from zenml.client import Client
    from zenml.metadata.metadata_types import DType

    frame = FRAMES["nullable"]().assign(when=pd.date_range("2024-01-01", periods=3, tz="UTC"), label="x")

    @step
    def make() -> tuple[Annotated[pd.DataFrame, "table"], Annotated[pd.Series, "column"]]:
        return frame, frame["Float32"]

    @pipeline
    def tables() -> None:
        make()

    outputs = Client().get_pipeline_run(tables().id).steps["make"].outputs
    table = outputs["table"][0].run_metadata
    assert table["shape"] == [3, 6]  # rows, columns
    assert table["dtype"] == {"Int64": "Int64", "UInt8": "UInt8", "boolean": "boolean", "Float32": "Float32",
                              "when": str(frame["when"].dtype), "label": str(frame["label"].dtype)}  # fmt: skip
    assert table["mean"] == {"Int64": -1.0, "UInt8": 128.5, "Float32": 1.375}  # numbers only, missing values skipped
    assert (table["min"]["Int64"], table["max"]["UInt8"]) == (-3.0, 255.0)
    column = outputs["column"][0].run_metadata
    assert column["shape"] == [3]
    assert column["dtype"] == "Float32"
    assert type(column["dtype"]) is DType
    assert (column["min"], column["max"]) == (0.5, 2.25)


def test_registered_lazily_for_frames_and_series() -> None:
    assert materializer_registry.get(pd.DataFrame) is PandasMaterializer
    assert materializer_registry.get(pd.Series) is PandasMaterializer


def test_pandas_is_imported_only_when_a_pandas_type_is_seen() -> None:
    code = textwrap.dedent(
        """
        import sys
        from zenml.materializers.registry import materializer_registry as r
        r.get(int); r.get(dict)
        assert "pandas" not in sys.modules and "zenml.materializers.pandas_materializer" not in sys.modules
        import pandas
        print(r.get(pandas.DataFrame).__name__)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "PandasMaterializer"


NO_PYARROW = """
import sys


class NoPyarrow:  # an environment without pyarrow: importing or finding it fails as when it is not installed
    def find_spec(self, name, path=None, target=None):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoPyarrow())  # (sys.modules["pyarrow"] = None fools pandas 2, which then calls into None)
"""
CSV_CHECK = """
import json, tempfile
import pandas as pd
from zenml.artifact_stores.local import LocalArtifactStore
from zenml.artifacts import load_artifact, save_artifact
from zenml.materializers.base import MaterializerError
from zenml.materializers.pandas_materializer import PandasMaterializer, parquet_available
assert not parquet_available()
store = LocalArtifactStore("t", path=tempfile.mkdtemp())
results = {}
for name, make in FRAMES.items():
    original = make()
    try:
        info = save_artifact(original, store=store, uri=name.replace(" ", "_"), materializer_cls=PandasMaterializer)
    except MaterializerError as error:
        results[name] = "refused: " + str(error)
        continue
    loaded = load_artifact(store=store, uri=name.replace(" ", "_"), materializer_cls=PandasMaterializer,
                           data_type=type(original), materializer_version=1,
                           content_hash=info.content_hash)
    check = pd.testing.assert_series_equal if isinstance(original, pd.Series) else pd.testing.assert_frame_equal
    try:
        check(loaded, original, check_exact=True, check_index_type=True, check_freq=True)
        results[name] = "identical"
    except AssertionError as error:
        results[name] = "DIFFERENT: " + str(error)
print("@@" + json.dumps(results))
"""


def test_without_pyarrow_frames_are_csv_and_come_back_identical_or_are_refused() -> None:
    program = NO_PYARROW + FRAMES_SOURCE + CSV_CHECK
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout.rpartition("@@")[2])
    assert not [name for name, outcome in results.items() if outcome.startswith("DIFFERENT")], results
    refused = {name: outcome for name, outcome in results.items() if outcome.startswith("refused")}
    assert all('install it (pip install "zenml-core[pandas]")' in outcome for outcome in refused.values()), refused
    # what users return most often is stored as CSV, not refused
    for name in ("numbers", "tz datetimes", "nullable", "multiindex", "named axes", "series", "categoricals"):
        assert results[name] == "identical", (name, results[name])
