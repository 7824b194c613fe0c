"""Materializers for Python builtins, and the registration of every materializer core ships.

- :class:`BuiltinMaterializer`: ``None``, ``bool``, ``int``, ``float``, ``str``,
  ``list``, ``tuple``, ``dict``, ``set``, ``frozenset`` (and any nesting of
  those, bytes and dataclasses inside) as ``data.json``, exactly round-tripped
  by :mod:`zenml.materializers.json_codec`.
- :class:`BytesMaterializer`: ``bytes`` and ``bytearray`` as a raw ``data.bin``.
- dataclasses: :class:`zenml.materializers.dataclass.DataclassMaterializer`.
- ``numpy.ndarray``: :mod:`zenml.materializers.numpy`, imported only when an
  array type is first looked up.

They are registered by reference in :mod:`zenml.materializers.core`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from zenml.materializers.base import BaseMaterializer, MaterializerError
from zenml.materializers.core import BUILTIN_TYPES, BYTES_TYPES
from zenml.materializers.json_files import read_json, write_json

BYTES_FILE = "data.bin"


class BuiltinMaterializer(BaseMaterializer):
    """Python builtins and containers as exact, readable JSON."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = BUILTIN_TYPES
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

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = BYTES_TYPES
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
