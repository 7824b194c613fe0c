"""The materializer registry: registration by reference, MRO lookups, metaclass registration, trust, scopes."""

from __future__ import annotations

import sys
import textwrap
import threading
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from zenml.materializers.base import BaseMaterializer
from zenml.materializers.builtin import BuiltinMaterializer, BytesMaterializer
from zenml.materializers.registry import (
    MaterializerImportError,
    MaterializerRegistry,
    NoMaterializerError,
    materializer_registry,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

WriteModule = Callable[[str, str], None]


@pytest.fixture
def write_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WriteModule]:
    """``write_module(name, source)`` writes a real module into a directory on ``sys.path``; forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    written: list[str] = []

    def write(name: str, source: str) -> None:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        written.append(name)

    yield write
    for name in written:
        sys.modules.pop(name, None)


@pytest.fixture
def package(monkeypatch: pytest.MonkeyPatch) -> Callable[..., type[Any]]:
    """``package(name, Class, ...)``: an imported module ``name`` defining the classes; gone afterwards."""

    def make(name: str, *classes: str) -> type[Any]:
        module = types.ModuleType(name)
        for class_name in classes:
            setattr(module, class_name, type(class_name, (), {"__module__": name}))
        monkeypatch.setitem(sys.modules, name, module)
        return getattr(module, classes[0])  # type: ignore[no-any-return]

    return make


MATERIALIZER_MODULE = """
from typing import Any
from zenml.materializers.base import BaseMaterializer

IMPORTS = []
IMPORTS.append(1)

class {name}(BaseMaterializer):
    SKIP_REGISTRATION = True
"""


def test_registration_by_reference_imports_nothing_until_a_type_from_its_package_is_looked_up(
    write_module: WriteModule, package: Callable[..., type[Any]]
) -> None:
    write_module("zt_models_materializers", MATERIALIZER_MODULE.format(name="ModelMaterializer"))
    registry = MaterializerRegistry()
    registry.register("zt_models_materializers:ModelMaterializer", "zt_models:Model", "zt_never_imported:Thing")
    assert registry.lazy_registrations()["zt_models"] == ["zt_models_materializers:ModelMaterializer"]

    assert registry.find(int) is BuiltinMaterializer  # other types: nothing imported
    assert "zt_models_materializers" not in sys.modules

    base = package("zt_models", "Model")
    user_model = type("UserModel", (base,), {"__module__": "zt_user_code"})  # the user's subclass
    found = registry.get(user_model)
    assert found.__name__ == "ModelMaterializer"
    assert found.__module__ == "zt_models_materializers"
    assert sys.modules["zt_models_materializers"].IMPORTS == [1]
    assert registry.get(base) is found  # imported once
    assert "zt_models" not in registry.lazy_registrations()
    assert "zt_never_imported" not in sys.modules  # a type reference is never imported to check it


def test_the_nearest_base_wins_whether_registered_by_class_or_reference(package: Callable[..., type[Any]]) -> None:
    base = package("zt_shapes", "Shape")
    square = type("Square", (base,), {"__module__": "zt_shapes"})
    registry = MaterializerRegistry(core=False)
    registry.register(BuiltinMaterializer, square)
    registry.register("zenml.materializers.builtin:BytesMaterializer", "zt_shapes:Shape")
    assert registry.get(type("Big", (square,), {})) is BuiltinMaterializer
    assert registry.get(type("Round", (base,), {})) is BytesMaterializer


def test_an_integration_does_not_replace_an_earlier_registration_but_register_does(
    package: Callable[..., type[Any]],
) -> None:
    thing = package("zt_things", "Thing")
    registry = MaterializerRegistry(core=False)
    registry.register("zenml.materializers.builtin:BuiltinMaterializer", "zt_things:Thing")
    registry.register("zenml.materializers.builtin:BytesMaterializer", "zt_things:Thing", replace=False)
    assert registry.get(thing) is BuiltinMaterializer
    registry.register(BytesMaterializer, thing)
    assert registry.get(thing) is BytesMaterializer


def test_a_materializer_that_fails_to_import_is_reported_on_every_lookup(
    write_module: WriteModule, package: Callable[..., type[Any]]
) -> None:
    write_module("zt_broken_materializers", "raise ImportError('libfoo.so: cannot open shared object file')\n")
    registry = MaterializerRegistry(core=False)
    registry.register("zt_broken_materializers:Broken", "zt_fake_pkg:Thing")
    thing = package("zt_fake_pkg", "Thing")

    for _ in range(2):  # the second lookup must not pretend that nothing was registered
        with pytest.raises(MaterializerImportError) as raised:
            registry.get(thing)
        message = str(raised.value)
        assert "'zt_broken_materializers:Broken'" in message
        assert "'zt_fake_pkg'" in message
        assert "ImportError: libfoo.so: cannot open shared object file" in message
        assert isinstance(raised.value, NoMaterializerError)  # callers that catch it keep working
        assert isinstance(raised.value.__cause__, ImportError)
    assert registry.lazy_registrations()["zt_fake_pkg"] == ["zt_broken_materializers:Broken"]  # still pending


def test_a_failing_integration_module_does_not_say_install_the_integration(
    write_module: WriteModule, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_module("zt_broken_keras_materializers", "raise RuntimeError('tensorflow is half-installed')\n")
    fake_keras = types.ModuleType("keras")
    fake_keras.Model = type("Model", (), {"__module__": "keras.src.models"})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keras", fake_keras)
    registry = MaterializerRegistry(core=False)
    registry.register("zt_broken_keras_materializers:KerasMaterializer", "keras:Model")
    sequential = type("Sequential", (fake_keras.Model,), {"__module__": "keras.src.models"})  # type: ignore[attr-defined]
    for _ in range(2):
        with pytest.raises(MaterializerImportError, match="RuntimeError: tensorflow is half-installed") as raised:
            registry.find(sequential)
        assert "zenml integration install" not in str(raised.value)


def test_a_reference_that_is_not_a_materializer_is_refused_and_never_called(
    write_module: WriteModule, package: Callable[..., type[Any]]
) -> None:
    write_module("zt_not_materializers", "CALLS = []\ndef NotOne(*args):\n    CALLS.append(args)\n")
    registry = MaterializerRegistry(core=False)
    registry.register("zt_not_materializers:NotOne", "zt_other:Thing")
    with pytest.raises(MaterializerImportError, match="not a BaseMaterializer subclass"):
        registry.get(package("zt_other", "Thing"))
    assert sys.modules["zt_not_materializers"].CALLS == []


def test_each_materializer_is_imported_once_and_every_thread_gets_it(
    write_module: WriteModule, package: Callable[..., type[Any]]
) -> None:
    write_module(
        "zt_slow_materializers",
        """
        import time

        from zenml.materializers.base import BaseMaterializer

        IMPORTS = 1
        time.sleep(0.3)  # other threads look the type up meanwhile


        class Slow(BaseMaterializer):
            SKIP_REGISTRATION = True
        """,
    )
    registry = MaterializerRegistry(core=False)
    registry.register("zt_slow_materializers:Slow", "zt_slow_pkg:Thing")
    thing = package("zt_slow_pkg", "Thing")
    results: list[object] = []
    barrier = threading.Barrier(6)

    def look_up() -> None:
        barrier.wait()
        results.append(registry.find(thing))

    threads = [threading.Thread(target=look_up) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    slow = sys.modules["zt_slow_materializers"].Slow
    assert results == [slow] * 6
    assert sys.modules["zt_slow_materializers"].IMPORTS == 1
    assert "zt_slow_pkg" not in registry.lazy_registrations()


class Celsius(float):
    """A type of the test module, for the metaclass tests."""


def test_defining_a_subclass_registers_it_for_its_types_as_in_zenml() -> None:
    with materializer_registry.scope():

        class CelsiusMaterializer(BaseMaterializer):
            ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Celsius,)

        class StringMaterializer(BaseMaterializer):  # str has a materializer already: the first one stays
            ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (str,)

        class BaseOfMine(BaseMaterializer):
            ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Celsius,)
            SKIP_REGISTRATION: ClassVar[bool] = True

        assert materializer_registry.get(Celsius) is CelsiusMaterializer
        assert materializer_registry.get(str) is BuiltinMaterializer
        materializer_registry.register_and_overwrite_type(str, StringMaterializer)
        assert materializer_registry.get(str) is StringMaterializer
        for defined in (CelsiusMaterializer, StringMaterializer, BaseOfMine):  # all known: their records load
            assert materializer_registry.known_materializer(defined.reference()) is defined

    # the scope forgot the registrations; the classes, which exist, stay known
    assert materializer_registry.get(str) is BuiltinMaterializer
    assert materializer_registry.get(Celsius) is BuiltinMaterializer  # a float subclass
    assert materializer_registry.known_materializer(CelsiusMaterializer.reference()) is CelsiusMaterializer


@pytest.mark.parametrize("activated_first", [True, False])
def test_an_integration_wins_over_a_defined_subclass_whatever_the_order(
    package: Callable[..., type[Any]], activated_first: bool
) -> None:
    model = package("zt_lib", "Model")

    def activate() -> None:  # what Integration.activate() does with its MATERIALIZERS
        materializer_registry.register(BytesMaterializer.reference(), "zt_lib:Model", replace=False)

    with materializer_registry.scope():
        if activated_first:
            activate()

        class MyModelMaterializer(BaseMaterializer):
            ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (model,)

        if not activated_first:
            assert materializer_registry.get(model) is MyModelMaterializer  # until the integration registers
            activate()
        assert materializer_registry.get(model) is BytesMaterializer  # as in ZenML, where integrations come first
        materializer_registry.register_and_overwrite_type(model, MyModelMaterializer)
        assert materializer_registry.get(model) is MyModelMaterializer


def test_zenml_module_paths_of_the_base_class_and_registry() -> None:
    from zenml.materializers.base_materializer import BaseMaterializer as ZenMLBase
    from zenml.materializers.materializer_registry import materializer_registry as zenml_registry

    assert ZenMLBase is BaseMaterializer
    assert zenml_registry is materializer_registry


def test_known_materializers_are_defined_classes_and_registered_references(write_module: WriteModule) -> None:
    write_module("zt_canary_materializers", MATERIALIZER_MODULE.format(name="Canary"))
    registry = MaterializerRegistry()
    assert registry.known_materializer("zt_canary_materializers:Canary") is None
    assert registry.known_materializer("shutil:rmtree") is None
    assert registry.known_materializer(42) is None  # type: ignore[arg-type]
    assert "zt_canary_materializers" not in sys.modules  # unknown references are never imported

    assert registry.known_materializer(BuiltinMaterializer.reference()) is BuiltinMaterializer
    with registry.scope():
        registry.register("zt_canary_materializers:Canary")  # known, chosen for no type
        canary = registry.known_materializer("zt_canary_materializers:Canary")
        assert canary is not None
        assert canary.__module__ == "zt_canary_materializers"
    assert registry.known_materializer("zt_canary_materializers:Canary") is canary  # defined now: stays known


def test_core_registers_numpy_lazily_and_knows_the_memmap_variant() -> None:
    registry = MaterializerRegistry()
    assert registry.lazy_registrations()["numpy"] == ["zenml.materializers.numpy:NumpyMaterializer"]
    memmap = registry.known_materializer("zenml.materializers.numpy:MemmapNumpyMaterializer")  # chosen for no type
    assert memmap is not None
    assert memmap.MMAP_MODE == "r"


def test_core_knows_the_materializer_of_registered_files_but_chooses_it_for_no_type() -> None:
    import pathlib

    registry = MaterializerRegistry()
    registered = registry.known_materializer(
        "zenml.artifacts.preexisting_data_materializer:PreexistingDataMaterializer"
    )  # register_artifact() records it; its versions load in any process
    assert registered is not None
    assert registered.SKIP_REGISTRATION
    found = registry.find(pathlib.Path)  # a Path output is copied into the store, not a registered file (as in ZenML)
    assert found is not None
    assert found.reference() == "zenml.materializers.path_materializer:PathMaterializer"


def test_handles_follows_declared_types_registrations_and_predicates() -> None:
    from dataclasses import dataclass

    from zenml.materializers.dataclass import DataclassMaterializer

    @dataclass
    class Point:
        x: int

    registry = MaterializerRegistry()
    assert registry.handles(BuiltinMaterializer, dict)
    assert registry.handles(BuiltinMaterializer, type("MyDict", (dict,), {}))
    assert not registry.handles(BuiltinMaterializer, bytes)
    assert registry.handles(DataclassMaterializer, Point)
    assert not registry.handles(DataclassMaterializer, dict)

    class Anything(BaseMaterializer):  # declares nothing: only ever passed explicitly
        SKIP_REGISTRATION = True

    assert registry.handles(Anything, Point)
    registry.register(Anything, Point)  # registered for one type: handles only that (and subclasses)
    assert registry.handles(Anything, Point)
    assert not registry.handles(Anything, dict)


def test_an_import_error_crosses_process_boundaries_intact() -> None:
    import pickle

    error = MaterializerImportError("zt_gone:M", "zt_pkg", ImportError("libfoo.so"))
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.cause) == (MaterializerImportError, str(error), "ImportError: libfoo.so")
