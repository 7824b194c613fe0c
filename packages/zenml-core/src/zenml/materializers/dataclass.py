"""The materializer for dataclass instances (fields of builtins, nested dataclasses).

Dataclasses share no base class, so the registry finds this materializer
through a fallback predicate (:func:`is_dataclass_type`) rather than the MRO.
"""

from __future__ import annotations

from typing import Any, ClassVar

from zenml.materializers.base import BaseMaterializer, MaterializerError
from zenml.materializers.core import is_dataclass_type
from zenml.materializers.json_files import read_json, write_json

__all__ = ["DataclassMaterializer", "is_dataclass_type"]


class DataclassMaterializer(BaseMaterializer):
    """A dataclass instance as exact JSON (``data.json``); loaded back as the requested type."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = ()
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[str] = "DataArtifact"
    VERSION: ClassVar[int] = 1

    def save(self, data: Any) -> None:
        if not is_dataclass_type(type(data)):
            raise MaterializerError(f"DataclassMaterializer saves dataclass instances, not {type(data).__name__}")
        write_json(self, data)

    def load(self, data_type: type[Any]) -> Any:
        from zenml.materializers.json_codec import TAG, DecodeError, decode_dataclass

        stored = read_json(self)
        if not isinstance(stored, dict) or stored.get(TAG) != "dataclass":
            raise MaterializerError(f"artifact {self.uri!r} does not hold a dataclass")
        try:
            return decode_dataclass(stored, data_type if is_dataclass_type(data_type) else None)
        except (DecodeError, TypeError) as error:
            raise MaterializerError(f"cannot load dataclass artifact {self.uri!r}: {error}") from error
