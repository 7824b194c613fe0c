"""Materializers for Keras models and TensorFlow tensors, variables and datasets.

The integration registers each class by reference for the types it handles
(``TensorflowIntegration.MATERIALIZERS``), so core imports a submodule only
when a step sees one of those types. Each submodule imports only its own
library: a Keras 3 model on the JAX backend never imports TensorFlow.

``from zenml.integrations.tensorflow.materializers import KerasMaterializer``
imports the class's submodule on first access (PEP 562); importing this
package imports neither TensorFlow nor Keras.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zenml.integrations.tensorflow.materializers.dataset_materializer import DatasetMaterializer
    from zenml.integrations.tensorflow.materializers.keras_materializer import KerasMaterializer
    from zenml.integrations.tensorflow.materializers.tensor_materializer import (
        TensorMaterializer,
        VariableMaterializer,
    )

# public name -> submodule that defines it
_EXPORTS = {
    "KerasMaterializer": "keras_materializer",
    "TensorMaterializer": "tensor_materializer",
    "VariableMaterializer": "tensor_materializer",
    "DatasetMaterializer": "dataset_materializer",
}

__all__ = ["DatasetMaterializer", "KerasMaterializer", "TensorMaterializer", "VariableMaterializer"]


def __getattr__(name: str) -> object:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
