"""References: ``import_reference`` for trusted ones, ``imported_object`` (no import, no code) for stored ones."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from zenml.utils.imports import import_reference, imported_object, imported_type, split_reference


def test_split_reference_needs_both_parts() -> None:
    assert split_reference("a.b:C.D") == ("a.b", "C.D")
    for bad in ("a.b", ":C", "a:", "", None):
        with pytest.raises(ValueError, match=r"expected .package\.module:attribute."):
            split_reference(bad)  # type: ignore[arg-type]


def test_import_reference_imports_and_names_what_is_missing() -> None:
    assert import_reference("os.path:join") is __import__("os").path.join
    with pytest.raises(ImportError, match="has no attribute 'nothing'"):
        import_reference("os:nothing")


def test_imported_object_never_imports() -> None:
    assert "antigravity" not in sys.modules
    assert imported_object("antigravity:geohash") is None
    assert "antigravity" not in sys.modules
    assert imported_object("os.path:join") is __import__("os").path.join  # submodule already imported
    assert imported_object("os:path.join") is __import__("os").path.join
    assert imported_type("builtins:int") is int
    assert imported_type("os.path:join") is None  # not a class


class _Meta(type):
    def __getattribute__(cls, name: str) -> Any:
        raise AssertionError(f"metaclass code ran for {name}")


class _Inner:
    pass


class _Guarded(metaclass=_Meta):
    Inner = _Inner


def test_imported_object_runs_no_code_of_the_objects_it_walks(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    class LazyModule(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            calls.append(name)
            return type(name, (), {})

    lazy = LazyModule("zt_lazy")
    lazy.Real = type("Real", (), {})  # type: ignore[attr-defined]
    lazy.Guarded = _Guarded  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "zt_lazy", lazy)
    assert imported_type("zt_lazy:Real") is lazy.Real  # type: ignore[attr-defined]
    assert imported_object("zt_lazy:Anything") is None  # the module __getattr__ hook is not asked
    assert imported_object("zt_lazy:Guarded.Inner") is _Inner  # nor the metaclass
    assert calls == []
