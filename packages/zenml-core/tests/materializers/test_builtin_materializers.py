"""Builtin and dataclass materializers: exact round trips, clear refusals, registry lookups."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.artifacts import load_artifact, save_artifact
from zenml.materializers.base import MaterializerError
from zenml.materializers.builtin import BuiltinMaterializer, BytesMaterializer
from zenml.materializers.dataclass import DataclassMaterializer
from zenml.materializers.registry import MaterializerRegistry, NoMaterializerError, materializer_registry


@dataclasses.dataclass
class Point:
    x: float
    y: float


@dataclasses.dataclass(frozen=True)
class Config:
    name: str
    layers: tuple[int, ...]
    origin: Point
    tags: frozenset[str] = frozenset()
    extra: dict[Any, Any] = dataclasses.field(default_factory=dict)
    derived: int = dataclasses.field(init=False, default=0)
    blob: bytes = b""


@dataclasses.dataclass
class Wrapper:
    items: list[Point]
    by_id: dict[int, Point]


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore("test", path=str(tmp_path))


def round_trip(store: LocalArtifactStore, value: Any, data_type: type[Any] | None = None) -> Any:
    data_type = data_type or type(value)
    materializer = materializer_registry.get(data_type)
    uri = f"artifact-{len(store.listdir())}"
    info = save_artifact(value, store=store, uri=uri, materializer_cls=materializer)
    return load_artifact(
        store=store, uri=uri, materializer_cls=materializer, data_type=data_type,
        materializer_version=materializer.VERSION, content_hash=info.content_hash,
    )  # fmt: skip


def same(a: Any, b: Any) -> bool:
    """Equal, with the exact same types all the way down (and NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) and type(k) is type(next(kk for kk in b if kk == k))
                                          for k in a)  # fmt: skip
    if dataclasses.is_dataclass(a):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    return bool(a == b)


SCALARS = [None, True, False, 0, -7, 2**100, 0.0, -0.0, 1.5, 1e308, 5e-324, float("inf"), float("-inf"), float("nan"),
           "", "héllo ☃ \x00 \n", b"", b"\x00\xffraw", bytearray(b"ba")]  # fmt: skip


@pytest.mark.parametrize("value", SCALARS, ids=repr)
def test_scalars_round_trip_exactly(store: LocalArtifactStore, value: Any) -> None:
    loaded = round_trip(store, value)
    assert same(loaded, value)
    if isinstance(value, float) and value == 0.0:
        assert math.copysign(1.0, loaded) == math.copysign(1.0, value)


CONTAINERS = [
    [],
    (),
    {},
    set(),
    frozenset(),
    [1, "a", None, 2.5, [True, (1, 2)]],
    (1, (2, (3, ())), [4]),
    {"a": 1, "b": [1, 2], "c": {"d": (1,)}},
    {1: "int key", 2.5: "float key", (1, 2): "tuple key", None: "none", False: "bool key", "s": "str"},
    {"__zenml__": "a user key that looks like a tag"},
    {3, 1, 2},
    {"b", "a"},
    frozenset({(1, 2), (3, 4)}),
    [b"bytes", {"nested": b"\x00"}, {b"k": b"v"}],
    {"nan": float("nan"), "inf": [float("inf")], "tuple": (float("-inf"),)},
    [Point(1.0, 2.0), {"p": Point(3.0, 4.0)}],
]


@pytest.mark.parametrize("value", CONTAINERS, ids=repr)
def test_containers_round_trip_exactly(store: LocalArtifactStore, value: Any) -> None:
    assert same(round_trip(store, value), value)


def test_lone_surrogates_and_huge_ints(store: LocalArtifactStore) -> None:
    assert round_trip(store, ["\ud800 lone", "ok ☃"]) == ["\ud800 lone", "ok ☃"]
    import sys

    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    if limit:
        with pytest.raises(MaterializerError, match="cannot write the value as JSON"):
            save_artifact(10 ** (limit + 10), store=store, uri="huge", materializer_cls=BuiltinMaterializer)


def test_set_output_is_stable(store: LocalArtifactStore) -> None:
    first = save_artifact({"b", "a", "c"}, store=store, uri="s1", materializer_cls=BuiltinMaterializer)
    second = save_artifact({"c", "a", "b"}, store=store, uri="s2", materializer_cls=BuiltinMaterializer)
    assert first.content_hash == second.content_hash


def test_json_is_readable(store: LocalArtifactStore) -> None:
    save_artifact({"lr": 0.1, "layers": [1, 2]}, store=store, uri="a", materializer_cls=BuiltinMaterializer)
    assert (Path(store.root) / "a" / "data.json").read_text() == '{"lr":0.1,"layers":[1,2]}'


def test_bytes_are_a_raw_file(store: LocalArtifactStore) -> None:
    assert materializer_registry.get(bytes) is BytesMaterializer
    save_artifact(b"\x00raw", store=store, uri="b", materializer_cls=BytesMaterializer)
    assert (Path(store.root) / "b" / "data.bin").read_bytes() == b"\x00raw"


def test_dataclasses_round_trip(store: LocalArtifactStore) -> None:
    config = Config("net", (64, 32), Point(0.5, float("nan")), frozenset({"a"}), {1: b"x", (2, 3): None}, blob=b"\x01")
    object.__setattr__(config, "derived", 42)
    loaded = round_trip(store, config)
    assert isinstance(loaded, Config)
    assert same(loaded, config)
    assert loaded.derived == 42
    wrapper = Wrapper([Point(1, 2), Point(3, 4)], {7: Point(5, 6)})
    assert same(round_trip(store, wrapper), wrapper)


def test_dataclasses_are_found_without_a_common_base() -> None:
    assert materializer_registry.get(Point) is DataclassMaterializer
    assert materializer_registry.get(Config) is DataclassMaterializer
    assert not materializer_registry.is_registered(object)


def test_builtin_subclasses_use_the_nearest_base() -> None:
    class MyDict(dict):  # type: ignore[type-arg]
        pass

    assert materializer_registry.get(bool) is BuiltinMaterializer
    assert materializer_registry.get(MyDict) is BuiltinMaterializer


def test_local_dataclass_is_refused_with_advice(store: LocalArtifactStore) -> None:
    @dataclasses.dataclass
    class Local:
        a: int

    with pytest.raises(MaterializerError, match="module level"):
        save_artifact(Local(1), store=store, uri="x", materializer_cls=DataclassMaterializer)


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ([1, object()], r"\[1\]"),
        ({"a": {"b": complex(1, 2)}}, r"\['a'\]\['b'\]"),
        ({"k": 1.5j}, "complex"),
    ],
)
def test_unsupported_values_are_named(store: LocalArtifactStore, value: Any, where: str) -> None:
    with pytest.raises(MaterializerError, match=where):
        save_artifact(value, store=store, uri="x", materializer_cls=BuiltinMaterializer)
    assert not store.exists("x/data.json")


def test_subclass_values_inside_containers_are_refused(store: LocalArtifactStore) -> None:
    import enum

    class Color(enum.IntEnum):
        RED = 1

    with pytest.raises(MaterializerError, match=r"Color at \[0\]"):
        save_artifact([Color.RED], store=store, uri="x", materializer_cls=BuiltinMaterializer)


def test_loading_as_the_wrong_builtin_type_is_an_error(store: LocalArtifactStore) -> None:
    info = save_artifact([1, 2], store=store, uri="l", materializer_cls=BuiltinMaterializer)
    with pytest.raises(MaterializerError, match="holds a list, not the dict"):
        load_artifact(store=store, uri="l", materializer_cls=BuiltinMaterializer, data_type=dict,
                      materializer_version=1, content_hash=info.content_hash)  # fmt: skip


def test_unknown_type_names_the_type() -> None:
    class Opaque:
        pass

    with pytest.raises(NoMaterializerError, match=r"Opaque") as raised:
        materializer_registry.get(Opaque)
    assert "write a materializer" in str(raised.value)


def test_keras_like_type_names_the_tensorflow_integration() -> None:
    registry = MaterializerRegistry()  # no tensorflow materializers registered
    fake = type("Sequential", (), {"__module__": "keras.src.models"})
    with pytest.raises(NoMaterializerError, match=r"keras\.src\.models\.Sequential") as raised:
        registry.get(fake)
    assert "zenml integration install tensorflow" in str(raised.value)
    assert "zenml-tensorflow" in str(raised.value)


def test_fresh_registry_has_the_builtins() -> None:
    registry = MaterializerRegistry()
    assert registry.get(int) is BuiltinMaterializer
    assert registry.get(Point) is DataclassMaterializer
    assert registry.get(type(None)) is BuiltinMaterializer
    import sys

    numpy_module = sys.modules.get("zenml.materializers.numpy")
    if numpy_module is None:
        assert registry.lazy_registrations() == {"numpy": ["zenml.materializers.numpy"]}
    else:  # already imported in this process: registered directly
        import numpy

        assert registry.get(numpy.ndarray) is numpy_module.NumpyMaterializer
