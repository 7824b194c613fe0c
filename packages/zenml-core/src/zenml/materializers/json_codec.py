"""A JSON encoding of Python builtins and dataclasses that round-trips exactly.

Plain JSON values stay plain (``None``, ``bool``, ``int``, finite ``float``,
``str``, ``list`` and ``dict`` with string keys), so the files stay readable.
Everything JSON cannot tell apart is written as a tagged object
``{"__zenml__": TAG, ...}``:

========== =====================================================
tag        value
========== =====================================================
float      ``"nan"``, ``"inf"`` or ``"-inf"``
tuple      ``items``: list of encoded values
set        ``items`` (sorted by their encoding, so output is stable)
frozenset  like set
bytes      ``base64``
bytearray  ``base64``
dict       ``items``: list of ``[key, value]`` pairs (non-string keys,
           or a key named ``__zenml__``)
dataclass  ``type`` (``"module:QualName"``) and ``fields``
========== =====================================================

A dataclass's ``type`` is resolved only to a class this process already has
(defined in an imported module, or saved here); it is never imported
(:func:`zenml.artifacts.trust.trusted_type`).

Only these exact types are accepted: a subclass (an ``IntEnum``, a
``numpy.float64``, a ``namedtuple``) would come back as its base type, so it
is rejected with a message naming where it was found. Nothing is pickled.
"""

from __future__ import annotations

from typing import Any

TAG = "__zenml__"

_SPECIAL_FLOATS = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}


class EncodeError(TypeError):
    """A value cannot be encoded exactly."""


class DecodeError(ValueError):
    """Stored JSON does not describe a value this codec wrote."""


def _where(path: str) -> str:
    return f" at {path}" if path else ""


def _is_dataclass_instance(value: object) -> bool:
    return hasattr(type(value), "__dataclass_fields__")


def encode(value: Any, path: str = "") -> Any:
    """The JSON-ready form of ``value``; :class:`EncodeError` names the offending part."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        if value != value:  # noqa: PLR0124 - NaN
            return {TAG: "float", "value": "nan"}
        if value in (float("inf"), float("-inf")):
            return {TAG: "float", "value": "inf" if value > 0 else "-inf"}
        return value
    if kind is list:
        return [encode(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if kind is tuple:
        return {TAG: "tuple", "items": [encode(item, f"{path}[{i}]") for i, item in enumerate(value)]}
    if kind in (set, frozenset):
        import json

        items = [encode(item, f"{path}{{...}}") for item in value]
        items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        return {TAG: kind.__name__, "items": items}
    if kind in (bytes, bytearray):
        import base64

        return {TAG: kind.__name__, "base64": base64.b64encode(value).decode("ascii")}
    if kind is dict:
        if all(type(key) is str for key in value) and TAG not in value:
            return {key: encode(item, f"{path}[{key!r}]") for key, item in value.items()}
        return {
            TAG: "dict",
            "items": [
                [encode(key, f"{path}<key {key!r}>"), encode(item, f"{path}[{key!r}]")] for key, item in value.items()
            ],
        }
    if _is_dataclass_instance(value):
        return encode_dataclass(value, path)
    raise EncodeError(
        f"cannot store a value of type {kind.__module__}.{kind.__qualname__}{_where(path)} exactly as JSON: "
        "use None, bool, int, float, str, bytes, list, tuple, dict, set, frozenset or dataclasses of those "
        "(convert numpy scalars with int()/float()), or give the step output a materializer for this type"
    )


def encode_dataclass(value: Any, path: str = "") -> dict[str, Any]:
    """The tagged form of a dataclass instance: its type reference and encoded fields."""
    kind = type(value)
    if "<locals>" in kind.__qualname__:
        raise EncodeError(
            f"dataclass {kind.__qualname__}{_where(path)} is defined inside a function, so it cannot be imported "
            "again when the artifact is loaded; define it at module level"
        )
    from dataclasses import fields  # already imported by whoever made the dataclass

    encoded = {field.name: encode(getattr(value, field.name), f"{path}.{field.name}") for field in fields(value)}
    return {TAG: "dataclass", "type": f"{kind.__module__}:{kind.__qualname__}", "fields": encoded}


def decode(value: Any, path: str = "") -> Any:
    """Rebuild the value :func:`encode` produced."""
    kind = type(value)
    if kind is list:
        return [decode(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if kind is not dict:
        return value
    tag = value.get(TAG)
    if tag is None:
        return {key: decode(item, f"{path}[{key!r}]") for key, item in value.items()}
    try:
        if tag == "float":
            return _SPECIAL_FLOATS[value["value"]]
        if tag == "tuple":
            return tuple(decode(item, path) for item in value["items"])
        if tag == "set":
            return {decode(item, path) for item in value["items"]}
        if tag == "frozenset":
            return frozenset(decode(item, path) for item in value["items"])
        if tag in ("bytes", "bytearray"):
            import base64

            raw = base64.b64decode(value["base64"])
            return raw if tag == "bytes" else bytearray(raw)
        if tag == "dict":
            return {decode(k, path): decode(v, f"{path}[{k!r}]") for k, v in value["items"]}
        if tag == "dataclass":
            return decode_dataclass(value, None, path)
    except (KeyError, TypeError) as error:
        raise DecodeError(f"malformed {tag!r} entry{_where(path)}: {error}") from error
    raise DecodeError(f"unknown type tag {tag!r}{_where(path)}; was the artifact written by a newer zenml?")


def decode_dataclass(value: dict[str, Any], data_type: type[Any] | None, path: str = "") -> Any:
    """Rebuild a dataclass instance, of ``data_type`` or else of the type recorded in ``value``."""
    if data_type is None:  # the type named in the file is data: resolved only among trusted types, never imported
        from zenml.artifacts.trust import trusted_type, untrusted_type

        data_type = trusted_type(value.get("type"))
        if data_type is None:
            where = f"dataclass type (at {path})" if path else "dataclass type"
            raise untrusted_type(value.get("type"), where, can_pass=not path)
    if not hasattr(data_type, "__dataclass_fields__"):
        raise DecodeError(f"{value.get('type')!r}{_where(path)} is not a dataclass")
    assert data_type is not None
    stored = {name: decode(item, f"{path}.{name}") for name, item in value["fields"].items()}
    from dataclasses import fields

    declared = {field.name: field for field in fields(data_type)}
    unknown = sorted(set(stored) - set(declared))
    if unknown:
        raise DecodeError(
            f"stored fields {unknown} of {value.get('type')!r}{_where(path)} no longer exist in "
            f"{data_type.__module__}.{data_type.__qualname__}"
        )
    init_args = {name: item for name, item in stored.items() if declared[name].init}
    instance = data_type(**init_args)
    for name, item in stored.items():
        if not declared[name].init:
            object.__setattr__(instance, name, item)
    return instance
