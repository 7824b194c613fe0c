"""Throwaway distributions for integration tests: real ``*.dist-info`` directories on ``sys.path``."""

from __future__ import annotations

import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.registry import integration_registry
from zenml.integrations.requirements import clear_cache

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


def write_distribution(
    root: Path,
    name: str,
    version: str = "1.0",
    *,
    entry_points: dict[str, str] | None = None,
    group: str = "zenml.integrations",
    requires: tuple[str, ...] | list[str] = (),
    modules: dict[str, str] | None = None,
    top_level: tuple[str, ...] = (),
) -> Path:
    """Write a minimal installed distribution (metadata, entry points, modules) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {line}" for line in requires]
    (info / "METADATA").write_text("\n".join(metadata) + "\n")
    if entry_points:
        lines = [f"[{group}]"] + [f"{key} = {value}" for key, value in entry_points.items()]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    if top_level:
        (info / "top_level.txt").write_text("\n".join(top_level) + "\n")
    for module, source in (modules or {}).items():
        path = root / (module.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return root


@pytest.fixture
def make_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Path]]:
    """``make_distribution(name, ...)`` writes a distribution into a directory put on ``sys.path``.

    Modules it imported and integration classes it registered are forgotten afterwards.
    """
    root = tmp_path / "site"
    modules_before = set(sys.modules)
    registered_before = set(integration_registry.registered())
    monkeypatch.syspath_prepend(str(root))
    clear_cache()

    def make(name: str, version: str = "1.0", **kwargs: object) -> Path:
        result = write_distribution(root, name, version, **kwargs)  # type: ignore[arg-type]
        clear_cache()
        return result

    yield make
    for module in set(sys.modules) - modules_before:
        if module.startswith("zt_"):
            del sys.modules[module]
    for name in set(integration_registry.registered()) - registered_before:
        integration_registry.unregister(name)
    clear_cache()
