"""Every new materializer round-trips through a real GCS store (the emulator on 127.0.0.1) as through a local one.

Cross-package: core's pandas, Path, pydantic and cloudpickle materializers and
zenml-sklearn's, on zenml-gcp's artifact store. Each value is saved, the noted
hashes are forgotten (as in another process), and it is loaded with its
integrity check.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.artifacts import load_artifact, save_artifact
from zenml.artifacts.tracking import forget_noted_hashes
from zenml.integrations.gcp.testing import GCSEmulator

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from zenml.artifact_stores.base import ArtifactStore

pytestmark = pytest.mark.gcs


@pytest.fixture(scope="module")
def emulator() -> Iterator[GCSEmulator]:
    with GCSEmulator() as running:
        yield running


@pytest.fixture(params=["local", "gcs"])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ArtifactStore:
    if request.param == "local":
        return LocalArtifactStore("local", path=str(tmp_path / "store"))
    from zenml.integrations.gcp.artifact_store import GCPArtifactStore

    running: GCSEmulator = request.getfixturevalue("emulator")
    bucket = f"mat-{uuid.uuid4().hex[:10]}"
    running.create_bucket(bucket)
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", running.endpoint)
    return GCPArtifactStore("remote", path=f"gs://{bucket}/zen", chunk_size_mb=0.25)


def round_trip(store: ArtifactStore, value: Any, materializer: type, data_type: type) -> Any:
    uri = f"a-{uuid.uuid4().hex[:8]}"
    info = save_artifact(value, store=store, uri=uri, materializer_cls=materializer)
    forget_noted_hashes()
    return load_artifact(store=store, uri=uri, materializer_cls=materializer, data_type=data_type,
                         materializer_version=materializer.VERSION, content_hash=info.content_hash)  # fmt: skip


def test_pandas(store: ArtifactStore) -> None:
    import pandas as pd

    from zenml.materializers.pandas_materializer import PandasMaterializer

    frame = pd.DataFrame(
        {"when": pd.date_range("2024-01-01", periods=3, tz="Europe/Berlin"), "n": pd.array([1, None, 3], dtype="Int64"),
         "c": pd.Categorical(["b", "a", "b"], categories=["b", "a"], ordered=True)},
        index=pd.MultiIndex.from_tuples([("x", 1), ("x", 2), ("y", 1)], names=["k", "i"]),
    )  # fmt: skip
    pd.testing.assert_frame_equal(round_trip(store, frame, PandasMaterializer, pd.DataFrame), frame, check_exact=True)
    series = pd.Series(["a", None], dtype="string", name="s")
    pd.testing.assert_series_equal(round_trip(store, series, PandasMaterializer, pd.Series), series)


def test_path_directory_comes_back_as_a_local_copy(store: ArtifactStore, tmp_path: Path) -> None:
    from zenml.materializers.path_materializer import PathMaterializer

    source = tmp_path / "dataset"
    (source / "part").mkdir(parents=True)
    (source / "part" / "rows.csv").write_bytes(b"a,b\n" * 10_000)
    (source / "README").write_text("hi")
    (source / "link").symlink_to("part/rows.csv")
    loaded = round_trip(store, source, PathMaterializer, Path)
    assert loaded.is_dir()
    assert loaded.name == "dataset"
    assert (loaded / "part" / "rows.csv").read_bytes() == (source / "part" / "rows.csv").read_bytes()
    assert (loaded / "link").is_symlink()
    assert (loaded / "link").read_bytes() == b"a,b\n" * 10_000


def test_pydantic(store: ArtifactStore) -> None:
    import pydantic

    from zenml.materializers.pydantic_materializer import PydanticMaterializer

    class Settings(pydantic.BaseModel):
        name: str
        layers: list[int]

    value = Settings(name="net", layers=[3, 2])
    assert round_trip(store, value, PydanticMaterializer, Settings) == value


def test_cloudpickle_when_chosen(store: ArtifactStore) -> None:
    from zenml.materializers.cloudpickle_materializer import CloudpickleMaterializer, PickleLoadWarning

    square: Callable[[int], int] = lambda x: x * x  # noqa: E731 - a lambda: what only cloudpickle can store
    with pytest.warns(PickleLoadWarning):
        loaded = round_trip(store, square, CloudpickleMaterializer, object)
    assert loaded(7) == 49


def test_sklearn_pipeline(store: ArtifactStore) -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import StandardScaler

    from zenml.integrations.sklearn.materializers.sklearn_materializer import SklearnMaterializer

    features = np.random.default_rng(3).random((50, 4))
    labels = (features.sum(axis=1) > 2).astype(int)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(features, labels)
    loaded = round_trip(store, model, SklearnMaterializer, Pipeline)
    np.testing.assert_array_equal(loaded.predict_proba(features), model.predict_proba(features))
