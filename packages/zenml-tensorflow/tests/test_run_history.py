"""A Keras model saved by one pipeline run is loaded by a later process through the run history API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

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

TRAIN = """
import json

import numpy as np

from models import Residual
from zenml import pipeline, step


@step
def data() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(32, 4)).astype("float32")


@step
def trainer(x: np.ndarray) -> Residual:
    model = Residual(units=4)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x.sum(axis=1), epochs=2, verbose=0)
    return model


@pipeline(name="history")
def history() -> None:
    trainer(data())


run = history()
model = run.steps["trainer"].outputs["output"].load()
probe = np.ones((2, 4), dtype="float32")
print(json.dumps({"run": run.name, "prediction": model.predict(probe, verbose=0).tolist()}))
"""

LOAD = """
import json
import sys

import numpy as np

import models  # registers Residual with Keras before the model is loaded
from zenml import Client

run = Client().get_run(sys.argv[1])
artifact = run.steps["trainer"].outputs["output"]
model = artifact.load()
assert type(model) is models.Residual, type(model)
probe = np.ones((2, 4), dtype="float32")
print(json.dumps({
    "materializer": artifact.materializer,
    "prediction": model.predict(probe, verbose=0).tolist(),
    "units": model.units,
}))
"""


def _run(tmp_path: Path, script: str, *args: str) -> dict[str, object]:
    (tmp_path / "script.py").write_text(textwrap.dedent(script))
    env = {**os.environ, "ZENML_CONFIG_DIR": str(tmp_path / "config"), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "script.py", *args], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    payload: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return payload


def test_model_from_an_earlier_run_loads_in_a_new_process_with_the_same_predictions(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text(MODELS)

    trained = _run(tmp_path, TRAIN)
    loaded = _run(tmp_path, LOAD, str(trained["run"]))

    assert loaded["materializer"] == "zenml.integrations.tensorflow.materializers.keras_materializer:KerasMaterializer"
    assert loaded["units"] == 4
    assert loaded["prediction"] == trained["prediction"]
