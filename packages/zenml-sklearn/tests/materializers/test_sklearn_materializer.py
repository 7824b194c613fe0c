"""SklearnMaterializer: skops files, only scikit-learn/numpy/scipy types trusted, version warnings, no pickle."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.artifacts import load_artifact, save_artifact
from zenml.artifacts.tracking import forget_noted_hashes
from zenml.integrations.sklearn import trusted_types
from zenml.integrations.sklearn.materializers.sklearn_materializer import SklearnMaterializer, SklearnVersionWarning
from zenml.integrations.sklearn.trust import UntrustedTypeError
from zenml.materializers.base import MaterializerError
from zenml.materializers.registry import materializer_registry

RNG = np.random.default_rng(0)
X = RNG.random((60, 3))
Y = (X[:, 0] + X[:, 1] > 1).astype(int)


class Clip(TransformerMixin, BaseEstimator):
    """A user's own transformer: not part of scikit-learn, numpy or scipy."""

    def fit(self, x: Any, y: Any = None) -> Clip:
        return self

    def transform(self, x: Any) -> Any:
        return np.clip(x, 0.1, 0.9)


MODELS = {
    "svc": lambda: SVC(gamma=0.01).fit(X, Y),
    "pipeline": lambda: make_pipeline(StandardScaler(), LogisticRegression()).fit(X, Y),
    "random forest": lambda: RandomForestClassifier(n_estimators=3, random_state=0).fit(X, Y),
    "transformer": lambda: StandardScaler().fit(X),
    "column transformer": lambda: ColumnTransformer(
        [("num", StandardScaler(), [0, 1]), ("cat", OneHotEncoder(), [2])]
    ).fit(np.round(X * 2)),
    "numpy function": lambda: FunctionTransformer(np.log1p).fit(X),
}


def round_trip(store: LocalArtifactStore, model: Any, materializer: type = SklearnMaterializer) -> Any:
    uri = f"m{len(store.listdir())}"
    info = save_artifact(model, store=store, uri=uri, materializer_cls=materializer)
    forget_noted_hashes()
    return load_artifact(store=store, uri=uri, materializer_cls=materializer, data_type=type(model),
                         materializer_version=1, content_hash=info.content_hash)  # fmt: skip


@pytest.mark.parametrize("name", list(MODELS))
def test_models_round_trip_and_predict_the_same(store: LocalArtifactStore, name: str) -> None:
    model = MODELS[name]()
    loaded = round_trip(store, model)
    assert type(loaded) is type(model)
    assert loaded.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    data = np.round(X * 2) if name == "column transformer" else X
    method = "predict" if hasattr(model, "predict") else "transform"
    np.testing.assert_array_equal(getattr(loaded, method)(data), getattr(model, method)(data))


def test_files_are_skops_and_metadata_not_pickle(store: LocalArtifactStore) -> None:
    import sklearn
    import skops.io as sio

    save_artifact(SVC(C=2.0).fit(X, Y), store=store, uri="s", materializer_cls=SklearnMaterializer)
    folder = Path(store.root) / "s"
    assert sorted(path.name for path in folder.iterdir()) == ["metadata.json", "model.skops"]
    assert isinstance(sio.load(folder / "model.skops", trusted=[]), SVC)
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["estimator"] == "sklearn.svm._classes.SVC"
    assert metadata["parameters"]["C"] == "2.0"
    assert metadata["sklearn_version"] == sklearn.__version__
    with pytest.raises(pickle.UnpicklingError):
        pickle.loads((folder / "model.skops").read_bytes())


def test_a_users_type_is_refused_by_name_then_trusted_for_a_block(store: LocalArtifactStore) -> None:
    model = make_pipeline(Clip(), LogisticRegression()).fit(X, Y)
    info = save_artifact(model, store=store, uri="u", materializer_cls=SklearnMaterializer)
    kwargs: dict[str, Any] = {"store": store, "uri": "u", "materializer_cls": SklearnMaterializer,
                              "data_type": type(model), "materializer_version": 1,
                              "content_hash": info.content_hash}  # fmt: skip
    name = f"{__name__}.Clip"
    with pytest.raises(UntrustedTypeError, match=rf"'{name}'.*with trusted_types\(\"{name}\"\)"):
        load_artifact(**kwargs)
    with trusted_types(name):
        loaded = load_artifact(**kwargs)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    with pytest.raises(UntrustedTypeError):  # the block is over
        load_artifact(**kwargs)


def test_a_materializer_subclass_can_trust_types_for_every_load(store: LocalArtifactStore) -> None:
    class ClipMaterializer(SklearnMaterializer):
        TRUSTED_TYPES = (f"{__name__}.Clip",)
        SKIP_REGISTRATION = True

    loaded = round_trip(store, make_pipeline(Clip()).fit(X), ClipMaterializer)
    assert isinstance(loaded.steps[0][1], Clip)


def test_another_sklearn_version_warns_naming_both(store: LocalArtifactStore) -> None:
    import sklearn

    save_artifact(SVC().fit(X, Y), store=store, uri="v", materializer_cls=SklearnMaterializer)
    path = Path(store.root) / "v" / "metadata.json"
    metadata = json.loads(path.read_text())
    metadata["sklearn_version"] = "0.24.2"
    path.write_text(json.dumps(metadata))
    with pytest.warns(
        SklearnVersionWarning, match=rf"scikit-learn 0\.24\.2 and is loaded with scikit-learn {sklearn.__version__}"
    ):
        load_artifact(store=store, uri="v", materializer_cls=SklearnMaterializer, data_type=SVC, materializer_version=1)


def test_a_file_that_is_not_skops_is_an_error(store: LocalArtifactStore) -> None:
    save_artifact(SVC().fit(X, Y), store=store, uri="p", materializer_cls=SklearnMaterializer)
    (Path(store.root) / "p" / "model.skops").write_bytes(pickle.dumps(SVC()))
    with pytest.raises(MaterializerError, match="is not a skops file"):
        load_artifact(store=store, uri="p", materializer_cls=SklearnMaterializer, data_type=SVC, materializer_version=1)


def test_registered_for_estimators_and_the_mixins_users_annotate_with() -> None:
    from zenml.integrations.registry import activate_integrations

    activate_integrations()
    for kind in (SVC, ClassifierMixin, TransformerMixin, BaseEstimator, type(make_pipeline(StandardScaler()))):
        assert materializer_registry.get(kind) is SklearnMaterializer, kind


def test_trusted_types_wants_full_names() -> None:
    with pytest.raises(ValueError, match="full type names"), trusted_types("Clip"):
        pass
