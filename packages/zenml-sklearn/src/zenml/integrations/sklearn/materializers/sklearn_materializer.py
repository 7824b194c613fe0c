"""The scikit-learn materializer: estimators, pipelines and transformers in skops' secure format, never pickled.

ZenML's module path (``zenml.integrations.sklearn.materializers.sklearn_materializer``).
The integration registers :class:`SklearnMaterializer` by reference for
scikit-learn's estimator base class and mixins, so this module (with
scikit-learn and skops) is imported only when such a type reaches a step.

Files: ``model.skops`` (``skops.io.dump``; written in one pass through the
store, so the content hash costs no extra read) and ``metadata.json`` (the
estimator class, its parameters as text, and the scikit-learn and skops
versions). Loading reads the file once, checks the types it names
(:mod:`zenml.integrations.sklearn.trust`) and only then calls
``skops.io.load`` with exactly those types trusted. A model saved with
another scikit-learn version loads with an :class:`SklearnVersionWarning`
naming both versions.
"""

from __future__ import annotations

from typing import Any, ClassVar

import skops
import skops.io as sio

import sklearn
from sklearn.base import (
    BaseEstimator,
    BiclusterMixin,
    ClassifierMixin,
    ClusterMixin,
    DensityMixin,
    MetaEstimatorMixin,
    MultiOutputMixin,
    OutlierMixin,
    RegressorMixin,
    TransformerMixin,
)
from zenml.integrations.sklearn.trust import refusal, untrusted
from zenml.materializers.base import BaseMaterializer, MaterializerError
from zenml.materializers.json_files import read_json, write_json

MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"


class SklearnVersionWarning(UserWarning):
    """A model is loaded with another scikit-learn version than the one that saved it."""


def _parameters(model: Any) -> dict[str, str]:
    try:
        return {name: repr(value) for name, value in model.get_params(deep=False).items()}
    except Exception:  # not every object with sklearn mixins implements get_params
        return {}


def _describe(model: Any) -> dict[str, Any]:
    kind = type(model)
    return {
        "estimator": f"{kind.__module__}.{kind.__qualname__}",
        "parameters": _parameters(model),
        "sklearn_version": sklearn.__version__,
    }


class SklearnMaterializer(BaseMaterializer):
    """scikit-learn estimators, pipelines and transformers, saved with ``skops.io.dump`` (no pickle)."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (
        BaseEstimator,
        ClassifierMixin,
        ClusterMixin,
        BiclusterMixin,
        OutlierMixin,
        RegressorMixin,
        MetaEstimatorMixin,
        MultiOutputMixin,
        DensityMixin,
        TransformerMixin,
    )
    VERSION: ClassVar[int] = 1
    TRUSTED_TYPES: ClassVar[tuple[str, ...]] = ()
    """Types (``"package.module.Class"``) that this materializer trusts in every file it loads, besides sklearn's."""

    def save(self, data: Any) -> None:
        kind = type(data)
        try:
            with self.artifact_store.open(self.path(MODEL_FILE), "wb") as handle:
                sio.dump(data, handle)
        except (TypeError, ValueError, AttributeError) as error:
            raise MaterializerError(
                f"cannot save {kind.__module__}.{kind.__qualname__} with skops: {type(error).__name__}: {error}"
            ) from error
        write_json(self, {**_describe(data), "skops_version": skops.__version__}, METADATA_FILE)

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        """``estimator`` (its class, ``module.Class``), ``parameters`` (``get_params(deep=False)``, as text) and
        ``sklearn_version``, as ``metadata.json`` records them."""
        return _describe(data)

    def load(self, data_type: type[Any]) -> Any:
        where = f"artifact {self.uri!r}"
        metadata = read_json(self, METADATA_FILE)
        saved = metadata.get("sklearn_version") if isinstance(metadata, dict) else None
        with self.artifact_store.open(self.path(MODEL_FILE), "rb") as handle:
            raw = handle.read()  # one pass to the end: the content hash is checked on the way
        try:
            found = sio.get_untrusted_types(data=raw)
        except Exception as error:  # a truncated or foreign file
            raise MaterializerError(f"{where}: {MODEL_FILE} is not a skops file: {error}") from error
        refused = untrusted(found, self.TRUSTED_TYPES)
        if refused:
            raise refusal(refused, where)
        if saved != sklearn.__version__:
            import warnings

            warnings.warn(
                f"{where} was saved with scikit-learn {saved} and is loaded with scikit-learn "
                f"{sklearn.__version__}; predictions may differ, retrain or pin scikit-learn=={saved}",
                SklearnVersionWarning,
                stacklevel=2,
            )
        return sio.loads(raw, trusted=list(found))
