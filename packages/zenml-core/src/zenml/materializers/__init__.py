"""Materializers: turn step outputs into files in an artifact store and back.

The materializer classes below are resolved on first access (PEP 562), so
``import zenml.materializers`` imports none of them, and numpy is imported
only when ``NumpyMaterializer`` or ``MemmapNumpyMaterializer`` is.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.materializers.base import BaseMaterializer
    from zenml.materializers.builtin import BuiltinMaterializer, BytesMaterializer
    from zenml.materializers.numpy import MemmapNumpyMaterializer, NumpyMaterializer

# public name -> (module, attribute)
_LAZY = {
    "BaseMaterializer": ("zenml.materializers.base", "BaseMaterializer"),
    "BuiltinMaterializer": ("zenml.materializers.builtin", "BuiltinMaterializer"),
    "BytesMaterializer": ("zenml.materializers.builtin", "BytesMaterializer"),
    "NumpyMaterializer": ("zenml.materializers.numpy", "NumpyMaterializer"),
    "MemmapNumpyMaterializer": ("zenml.materializers.numpy", "MemmapNumpyMaterializer"),
}

__all__ = [
    "BaseMaterializer",
    "BuiltinMaterializer",
    "BytesMaterializer",
    "MemmapNumpyMaterializer",
    "NumpyMaterializer",
]


def __getattr__(name: str) -> object:
    from zenml._lazy import attribute

    return attribute(globals(), name, _LAZY)
