"""Materializers for Python builtins, and the registration of every materializer core ships.

- :class:`BuiltinMaterializer`: ``None``, ``bool``, ``int``, ``float``, ``str``,
  ``list``, ``tuple``, ``dict``, ``set``, ``frozenset`` (and any nesting of
  those, bytes and dataclasses inside) as ``data.json``, exactly round-tripped
  by :mod:`zenml.materializers.json_codec`.
- :class:`BytesMaterializer`: ``bytes`` and ``bytearray`` as a raw ``data.bin``.
- dataclasses: :class:`zenml.materializers.dataclass.DataclassMaterializer`.
- ``numpy.ndarray``: :mod:`zenml.materializers.numpy`, imported only when an
  array type is first looked up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from zenml.materializers.base import BaseMaterializer, MaterializerError
from zenml.materializers.json_files import read_json, write_json

if TYPE_CHECKING:
    from zenml.materializers.registry import MaterializerRegistry

BYTES_FILE = "data.bin"


class BuiltinMaterializer(BaseMaterializer):
    """Python builtins and containers as exact, readable JSON."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (
        type(None),
        bool,
        int,
        float,
        str,
        list,
        tuple,
        dict,
        set,
        frozenset,
    )
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[str] = "DataArtifact"
    VERSION: ClassVar[int] = 1

    def save(self, data: Any) -> None:
        write_json(self, data)

    def load(self, data_type: type[Any]) -> Any:
        from zenml.materializers.json_codec import DecodeError, decode

        try:
            value = decode(read_json(self))
        except DecodeError as error:
            raise MaterializerError(f"cannot load artifact {self.uri!r}: {error}") from error
        if data_type in self.ASSOCIATED_TYPES and type(value) is not data_type:
            raise MaterializerError(
                f"artifact {self.uri!r} holds a {type(value).__name__}, not the {data_type.__name__} asked for"
            )
        return value


class BytesMaterializer(BaseMaterializer):
    """``bytes`` and ``bytearray`` as one raw file."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (bytes, bytearray)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[str] = "DataArtifact"
    VERSION: ClassVar[int] = 1

    def save(self, data: Any) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise MaterializerError(f"BytesMaterializer saves bytes, not {type(data).__name__}")
        with self.artifact_store.open(self.path(BYTES_FILE), "wb") as handle:
            handle.write(data)

    def load(self, data_type: type[Any]) -> Any:
        with self.artifact_store.open(self.path(BYTES_FILE), "rb") as handle:
            raw = handle.read()
        if isinstance(data_type, type) and issubclass(data_type, bytearray):
            return bytearray(raw)
        return raw


def register_builtin_materializers(registry: MaterializerRegistry) -> None:
    """Register core's materializers in ``registry``; numpy's only by reference."""
    from zenml.materializers.dataclass import DataclassMaterializer, is_dataclass_type

    registry.register(BuiltinMaterializer)
    registry.register(BytesMaterializer)
    registry.register_fallback(is_dataclass_type, DataclassMaterializer)
    import sys

    numpy_module = sys.modules.get("zenml.materializers.numpy")
    if numpy_module is not None:  # already imported (another registry fired it): register directly
        numpy_module.register_materializers(registry)
    else:
        registry.register_lazy(("numpy",), "zenml.materializers.numpy")
