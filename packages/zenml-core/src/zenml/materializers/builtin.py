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

if TYPE_CHECKING:
    from zenml.materializers.registry import MaterializerRegistry

JSON_FILE = "data.json"
BYTES_FILE = "data.bin"


def write_json(materializer: BaseMaterializer, value: Any, filename: str = JSON_FILE) -> None:
    """Encode ``value`` exactly and write it atomically to ``filename`` in the artifact."""
    import json

    from zenml.materializers.json_codec import EncodeError, encode

    try:
        encoded = encode(value)
        text = json.dumps(encoded, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
        try:
            payload = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: let JSON escape them
            payload = json.dumps(encoded, separators=(",", ":"), allow_nan=False).encode("ascii")
    except EncodeError as error:
        raise MaterializerError(f"{type(materializer).__name__}: {error}") from error
    except ValueError as error:  # e.g. an int beyond sys.get_int_max_str_digits()
        raise MaterializerError(f"{type(materializer).__name__}: cannot write the value as JSON: {error}") from error
    with materializer.artifact_store.open(materializer.path(filename), "wb") as handle:
        handle.write(payload)


def read_json(materializer: BaseMaterializer, filename: str = JSON_FILE) -> Any:
    """Read back the encoded JSON value of ``filename``, undecoded."""
    import json

    with materializer.artifact_store.open(materializer.path(filename), "rb") as handle:
        raw = handle.read()
    try:
        return json.loads(raw)
    except ValueError as error:
        raise MaterializerError(
            f"artifact file {materializer.path(filename)!r} is not valid JSON ({error}); it may be corrupted"
        ) from error


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
