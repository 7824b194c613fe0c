"""The sklearn integration: scikit-learn estimators, pipelines and transformers, saved with skops (no pickle).

Importing or activating this module imports neither scikit-learn nor skops:
the materializer is registered by reference for scikit-learn's estimator
base class and mixins, and is imported when such a type reaches a step.
Loading trusts the types that scikit-learn, numpy and scipy ship; trust
others for a block with :func:`trusted_types` (see
:mod:`zenml.integrations.sklearn.trust`).
"""

from __future__ import annotations

from zenml.integrations.integration import Integration
from zenml.integrations.sklearn.__about__ import __version__

__all__ = ["SklearnIntegration", "__version__", "trusted_types"]


class SklearnIntegration(Integration):
    """Materializers for scikit-learn estimators, pipelines and transformers, saved with skops (no pickle)."""

    NAME = "sklearn"
    DISTRIBUTION = "zenml-sklearn"
    # The same as the distribution's dependencies, zenml-core aside (a test proves it).
    REQUIREMENTS = [
        "scikit-learn>=1.3",
        "skops>=0.10",
    ]
    MATERIALIZERS = {
        "zenml.integrations.sklearn.materializers.sklearn_materializer:SklearnMaterializer": tuple(
            f"sklearn.base:{name}"
            for name in (
                "BaseEstimator", "ClassifierMixin", "ClusterMixin", "BiclusterMixin", "OutlierMixin", "RegressorMixin",
                "MetaEstimatorMixin", "MultiOutputMixin", "DensityMixin", "TransformerMixin",
            )
        ),
    }  # fmt: skip


def __getattr__(name: str) -> object:
    # `trusted_types` without importing its module on activation
    if name == "trusted_types":
        from zenml.integrations.sklearn.trust import trusted_types

        return trusted_types
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
