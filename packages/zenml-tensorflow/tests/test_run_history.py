"""A Keras model saved by a pipeline run is loaded by a later process through the run history API."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module
from typing import TYPE_CHECKING, Annotated

import numpy as np

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType

    import pytest

# A registered subclassed model, in a module that both processes import (as a user's project would).
MODELS = """
import keras


@keras.saving.register_keras_serializable(package="history_test")
class Residual(keras.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = keras.layers.Dense(units, activation="tanh")
        self.head = keras.layers.Dense(1)

    def call(self, inputs):
        return self.head(self.inner(inputs) + inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
"""

LOAD = """
import json
import sys

import numpy as np

import history_models  # registers Residual with Keras before the model is loaded
from zenml import Client

artifact = Client().get_run(sys.argv[1]).steps["trainer"].outputs["model"][0]
model = artifact.load()
assert type(model) is history_models.Residual, type(model)
print(json.dumps({
    "materializer": artifact.materializer,
    "prediction": model.predict(np.ones((2, 4), dtype="float32"), verbose=0).tolist(),
    "units": model.units,
}))
"""


def test_model_from_an_earlier_run_loads_in_a_new_process_with_the_same_predictions(
    zen: ModuleType, keras: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "history_models.py").write_text(MODELS)
    monkeypatch.syspath_prepend(str(tmp_path))
    models = import_module("history_models")

    @zen.step
    def data() -> np.ndarray:
        return np.random.default_rng(0).normal(size=(32, 4)).astype("float32")

    @zen.step
    def trainer(x: np.ndarray) -> Annotated[keras.Model, "model"]:
        model = models.Residual(units=4)
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, x.sum(axis=1), epochs=2, verbose=0)
        return model

    @zen.pipeline(name="history")
    def history() -> None:
        trainer(data())

    run = history()
    trained = run.steps["trainer"].outputs["model"][0].load()
    expected = trained.predict(np.ones((2, 4), dtype="float32"), verbose=0).tolist()

    (tmp_path / "load.py").write_text(LOAD)
    result = subprocess.run(  # inherits ZENML_CONFIG_DIR, so it reads the same stack's history
        [sys.executable, "load.py", run.name], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    loaded = json.loads(result.stdout.strip().splitlines()[-1])

    assert loaded["materializer"] == "zenml.integrations.tensorflow.materializers.keras_materializer:KerasMaterializer"
    assert loaded["units"] == 4
    assert loaded["prediction"] == expected
