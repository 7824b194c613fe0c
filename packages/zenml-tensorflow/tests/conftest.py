"""Fixtures for zenml-tensorflow tests: one TensorFlow import per session, a real local artifact store."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType

    from zenml.artifact_stores.base import ArtifactStore


@pytest.fixture(scope="session")
def tf() -> ModuleType:
    """TensorFlow, imported once for the whole session with its C++ logging quiet."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow

    return tensorflow


@pytest.fixture(scope="session")
def keras(tf: ModuleType) -> ModuleType:
    """Keras 3 (``tf.keras``) on the TensorFlow backend."""
    import keras

    keras.utils.set_random_seed(0)
    return keras


@pytest.fixture
def store(tmp_path: Path) -> ArtifactStore:
    """A real ``LocalArtifactStore`` rooted in a temporary directory."""
    from zenml.artifact_stores.local import LocalArtifactStore

    return LocalArtifactStore(name="test", path=str(tmp_path / "store"))


@pytest.fixture
def zen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``zenml``, with a private config directory: a fresh default stack under ``tmp_path``."""
    monkeypatch.setenv("ZENML_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    import zenml

    return zenml
