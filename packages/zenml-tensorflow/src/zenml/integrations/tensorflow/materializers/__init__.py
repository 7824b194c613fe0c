"""Materializers for Keras models and TensorFlow tensors, variables and datasets.

Core imports this package the first time a step's input or output type comes
from ``tensorflow`` or ``keras`` (the integration registers it lazily). Each
submodule imports only its own library, so importing this package registers
the materializers of every library already loaded and leaves the others
lazy: a Keras 3 model on the JAX backend never imports TensorFlow.

``from zenml.integrations.tensorflow.materializers import KerasMaterializer``
works in any case: the classes are resolved on first access.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING

from zenml.materializers.registry import materializer_registry

if TYPE_CHECKING:
    from zenml.integrations.tensorflow.materializers.dataset_materializer import DatasetMaterializer
    from zenml.integrations.tensorflow.materializers.keras_materializer import KerasMaterializer
    from zenml.integrations.tensorflow.materializers.tensor_materializer import (
        TensorMaterializer,
        VariableMaterializer,
    )

_KERAS_MODULE = "zenml.integrations.tensorflow.materializers.keras_materializer"
_TENSOR_MODULE = "zenml.integrations.tensorflow.materializers.tensor_materializer"
_DATASET_MODULE = "zenml.integrations.tensorflow.materializers.dataset_materializer"

# submodule -> the top-level packages whose types it handles
_SUBMODULES: dict[str, tuple[str, ...]] = {
    _KERAS_MODULE: ("keras",),
    _TENSOR_MODULE: ("tensorflow",),
    _DATASET_MODULE: ("tensorflow",),
}

# public name -> submodule that defines it
_EXPORTS = {
    "KerasMaterializer": _KERAS_MODULE,
    "TensorMaterializer": _TENSOR_MODULE,
    "VariableMaterializer": _TENSOR_MODULE,
    "DatasetMaterializer": _DATASET_MODULE,
}

__all__ = ["DatasetMaterializer", "KerasMaterializer", "TensorMaterializer", "VariableMaterializer"]


def __getattr__(name: str) -> object:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


def _register() -> None:
    """Import (and so register) the submodules whose library is loaded; defer the others."""
    for module, packages in _SUBMODULES.items():
        if any(package in sys.modules for package in packages):
            import_module(module)
        else:
            materializer_registry.register_lazy(packages, module)


_register()
