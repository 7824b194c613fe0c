"""Lazy materializer registration: modules that fail to import, and triggers fired from several threads."""

from __future__ import annotations

import sys
import textwrap
import threading
import types
from typing import TYPE_CHECKING, Any

import pytest

from zenml.materializers.builtin import BytesMaterializer
from zenml.materializers.registry import MaterializerImportError, MaterializerRegistry, NoMaterializerError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


@pytest.fixture
def write_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], None]]:
    """``write_module(name, source)`` writes a real module into a directory on ``sys.path``; forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    written: list[str] = []

    def write(name: str, source: str) -> None:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        written.append(name)

    yield write
    for name in written:
        sys.modules.pop(name, None)


def _fake_type(module: str) -> type[Any]:
    return type("Thing", (), {"__module__": module})


def test_a_module_that_fails_to_import_is_reported_on_every_lookup(write_module: Callable[[str, str], None]) -> None:
    write_module("zt_broken_materializers", "raise ImportError('libfoo.so: cannot open shared object file')\n")
    registry = MaterializerRegistry()
    registry.register_lazy(("zt_fake_pkg",), "zt_broken_materializers")
    fake = _fake_type("zt_fake_pkg.sub")

    for _ in range(2):  # the second lookup must not pretend that nothing was registered
        with pytest.raises(MaterializerImportError) as raised:
            registry.get(fake)
        message = str(raised.value)
        assert "'zt_broken_materializers'" in message
        assert "'zt_fake_pkg'" in message
        assert "ImportError: libfoo.so: cannot open shared object file" in message
        assert isinstance(raised.value, NoMaterializerError)  # callers that catch it keep working
        assert isinstance(raised.value.__cause__, ImportError)
    assert registry.lazy_registrations()["zt_fake_pkg"] == ["zt_broken_materializers"]  # still pending


def test_a_failing_integration_module_does_not_say_install_the_integration(
    write_module: Callable[[str, str], None],
) -> None:
    write_module("zt_broken_keras_materializers", "raise RuntimeError('tensorflow is half-installed')\n")
    registry = MaterializerRegistry()
    registry.register_lazy(("keras",), "zt_broken_keras_materializers")
    fake = type("Sequential", (), {"__module__": "keras.src.models"})
    for _ in range(2):
        with pytest.raises(MaterializerImportError, match="RuntimeError: tensorflow is half-installed") as raised:
            registry.find(fake)
        assert "zenml integration install" not in str(raised.value)


def test_a_lazy_trigger_fires_once_and_every_thread_gets_the_materializer(
    write_module: Callable[[str, str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = MaterializerRegistry()
    target = types.ModuleType("zt_registry_target")
    target.registry = registry  # type: ignore[attr-defined]
    target.imports = 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "zt_registry_target", target)
    write_module(
        "zt_slow_materializers",
        """
        import time

        import zt_registry_target
        from zenml.materializers.builtin import BytesMaterializer

        zt_registry_target.imports += 1
        time.sleep(0.3)  # other threads look the type up meanwhile
        for cls in zt_registry_target.types:
            zt_registry_target.registry.register(BytesMaterializer, cls)
        """,
    )
    fake = _fake_type("zt_slow_pkg.models")
    target.types = [fake]  # type: ignore[attr-defined]
    registry.register_lazy(("zt_slow_pkg",), "zt_slow_materializers")

    results: list[object] = []
    barrier = threading.Barrier(6)

    def look_up() -> None:
        barrier.wait()
        results.append(registry.find(fake))

    threads = [threading.Thread(target=look_up) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [BytesMaterializer] * 6
    assert target.imports == 1
    assert "zt_slow_pkg" not in registry.lazy_registrations()
