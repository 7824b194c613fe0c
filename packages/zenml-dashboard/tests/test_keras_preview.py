"""A Keras model's preview is its layer summary, loaded through zenml-tensorflow's materializer.

Marked ``needs_integrations`` (zenml-tensorflow and tensorflow-cpu): nox runs it in tests-cross.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from zenml import pipeline, step

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.needs_integrations, pytest.mark.tensorflow]


@step
def build() -> Any:
    import keras

    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu", name="hidden"), keras.layers.Dense(1, name="out")]
    )


@pipeline(enable_cache=False)
def modelling() -> None:
    build()


def test_a_keras_model_shows_its_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, http: Any) -> None:
    from zenml.integrations.dashboard.app import create_app
    from zenml.integrations.dashboard.server import DashboardServer
    from zenml.stack.config import StackConfig
    from zenml.stack.stack import Stack

    monkeypatch.setenv("ZENML_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    model = modelling().steps["build"].output
    with DashboardServer(create_app(Stack.from_config(StackConfig.load()))) as server:
        body = http(f"{server.url}/artifacts/{model.id}").body
    assert 'class="preview preview-layers"' in body
    assert "<tr><th>parameters</th><td>49</td></tr>" in body  # 4*8+8 + 8*1+1
    assert "<tr><td>hidden</td><td>Dense</td><td>(None, 8)</td><td>40</td></tr>" in body
    assert "<tr><td>out</td><td>Dense</td><td>(None, 1)</td><td>9</td></tr>" in body
