"""What core registers in every :class:`~zenml.materializers.registry.MaterializerRegistry`, by reference.

Nothing here imports a materializer: each module is imported when its
materializer is first chosen (numpy's, pandas', pydantic's only once the
user's code has imported that package and such a value reaches a step).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.materializers.registry import MaterializerRegistry

BUILTIN_TYPES: tuple[type, ...] = (type(None), bool, int, float, str, list, tuple, dict, set, frozenset)
"""What :class:`~zenml.materializers.builtin.BuiltinMaterializer` stores."""

BYTES_TYPES: tuple[type, ...] = (bytes, bytearray)
"""What :class:`~zenml.materializers.builtin.BytesMaterializer` stores."""

_PACKAGE = "zenml.materializers"


def is_dataclass_type(data_type: object) -> bool:
    """Whether ``data_type`` is a dataclass (checked without importing :mod:`dataclasses`)."""
    return isinstance(data_type, type) and hasattr(data_type, "__dataclass_fields__")


def register_core_materializers(registry: MaterializerRegistry) -> None:
    """Register core's materializers in ``registry``.

    Builtins, bytes, dataclasses; and, each imported only once the user's
    code has imported its package and such a value reaches a step: numpy
    arrays, pandas frames and series, ``pathlib.Path``, pydantic models.
    Files registered with ``register_artifact()`` load as a local path.
    ``CloudpickleMaterializer`` is known but chosen for no type: only by name.
    """
    registry.register(f"{_PACKAGE}.builtin:BuiltinMaterializer", *BUILTIN_TYPES)
    registry.register(f"{_PACKAGE}.builtin:BytesMaterializer", *BYTES_TYPES)
    registry.register(f"{_PACKAGE}.numpy:NumpyMaterializer", "numpy:ndarray")
    registry.register(f"{_PACKAGE}.numpy:MemmapNumpyMaterializer")  # known (its artifacts load), no default type
    registry.register(f"{_PACKAGE}.pandas_materializer:PandasMaterializer", "pandas:DataFrame", "pandas:Series")
    registry.register(f"{_PACKAGE}.path_materializer:PathMaterializer", "pathlib:Path")
    registry.register(f"{_PACKAGE}.pydantic_materializer:PydanticMaterializer", "pydantic:BaseModel")
    registry.register(f"{_PACKAGE}.cloudpickle_materializer:CloudpickleMaterializer")  # by name only
    registry.register_fallback(is_dataclass_type, f"{_PACKAGE}.dataclass:DataclassMaterializer")
    # files registered with register_artifact(): known (they load as a local path), chosen for no type
    registry.register("zenml.artifacts.preexisting_data_materializer:PreexistingDataMaterializer")
