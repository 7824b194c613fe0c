"""The values metadata can hold (ZenML's ``zenml.metadata.metadata_types``).

JSON values (``str``, ``int``, ``float``, ``bool``, ``None``, lists and dicts; sets and tuples are stored as
lists, as in ZenML) plus four typed strings and numbers that keep their type when read back: :class:`Uri`,
:class:`Path`, :class:`DType` and :class:`StorageSize`.
"""

from __future__ import annotations

import math
from typing import Any, Union


class Uri(str):
    """A string that is a URI."""


class Path(str):
    """A string that is a file path."""


class DType(str):
    """A string that names a data type."""


class StorageSize(int):
    """A size in bytes."""


MetadataType = Union[  # noqa: UP007 - a runtime alias (X | Y of generic aliases needs Python 3.10 anyway)str, int, float, bool, dict[Any, Any], list[Any], set[Any], tuple[Any, ...], Uri, Path, DType,
                     StorageSize]  # fmt: skip
"""What a metadata value may be (for annotations)."""

_TYPED: dict[str, type] = {"Uri": Uri, "Path": Path, "DType": DType, "StorageSize": StorageSize}


def _plain(value: Any, where: str) -> Any:
    """``value`` as JSON data: sets and tuples become lists; anything else non-JSON is a :class:`TypeError`."""
    if value is None or isinstance(value, (bool, str)):
        return str(value) if isinstance(value, str) and type(value) is not str else value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise TypeError(f"{where}: {value!r} cannot be stored as metadata (not a finite number)")
        return int(value) if isinstance(value, int) else float(value)
    if isinstance(value, dict):
        return {str(key): _plain(item, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [_plain(item, f"{where}[{index}]") for index, item in enumerate(items)]
    raise TypeError(
        f"{where}: a {type(value).__name__} cannot be stored as metadata; use JSON values (numbers, strings, "
        "lists, dicts) or Uri, Path, DType, StorageSize"
    )


def to_payload(key: str, value: Any) -> dict[str, Any]:
    """One metadata entry as stored: ``{"key", "value", "type"}`` (``type`` names a typed value, else ``None``)."""
    if not isinstance(key, str) or not key:
        raise TypeError(f"metadata keys must be non-empty strings, not {key!r}")
    type_name = next((name for name, cls in _TYPED.items() if type(value) is cls), None)
    return {"key": key, "value": _plain(value, f"metadata {key!r}"), "type": type_name}


def from_payload(payload: dict[str, Any]) -> Any:
    """The value of a stored entry, as its type (a typed value of an unknown type stays plain)."""
    value = payload.get("value")
    cls = _TYPED.get(payload.get("type") or "")
    if cls is None:
        return value
    try:
        return cls(value)
    except (TypeError, ValueError):
        return value


def validate_metadata(metadata: Any) -> dict[str, Any]:
    """The entries of a metadata mapping, checked (``TypeError`` naming the bad key)."""
    if not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict of key -> value, not {type(metadata).__name__}")
    for key, value in metadata.items():
        to_payload(key, value)
    return metadata


__all__ = ["DType", "MetadataType", "Path", "StorageSize", "Uri", "from_payload", "to_payload", "validate_metadata"]
