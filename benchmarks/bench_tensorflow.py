"""Benchmarks of zenml-tensorflow, as ratios to a baseline measured in the same run.

(a) keras_materializer_roundtrip: saving and loading a Keras model through the
    KerasMaterializer on a LocalArtifactStore, versus ``model.save`` plus
    ``keras.models.load_model`` on the same file system (limit 1.2x).
(b) tensorflow_activation_ms: importing ``zenml.integrations.tensorflow`` and
    running ``TensorflowIntegration.activate()`` in a fresh interpreter whose
    core modules are already imported (limit 1 ms).
(c) a whole ``python`` process that runs a numpy-only pipeline, in a venv
    with tensorflow-cpu and zenml-tensorflow installed, versus (limit 1.05x
    each):
    - numpy_pipeline_zenml_tensorflow_installed: the same venv without
      zenml-tensorflow (what installing the integration itself costs);
    - numpy_pipeline_tensorflow_stack_installed: a venv with neither
      (what ``pip install "zenml-tensorflow[cpu]"`` costs, TensorFlow's own
      distributions and ``.pth`` files included).

"Not installed" is real: the benchmark builds three throw-away venvs with uv
from the workspace sources (wheels from uv's cache), so entry-point
discovery, ``.pth`` processing and metadata reads see exactly what a user's
environment would, rather than a filtered ``sys.path`` that hides only part
of an installation. Each venv keeps its own zenml config and cache
directories across its runs, as a user's environment does; the first round
(which writes bytecode, the integration activation cache and the SQLite
schema) is not measured, and the runs are interleaved in a shuffled order
(a fixed order showed a few percent of bias for whichever venv ran last).
The value is the ratio of median wall-clock times; ``cpu_ratio`` (median
user + system CPU) is reported too, as it is less disturbed by other load
and by fsync latency on a shared machine.

Prints one JSON object per line: {"benchmark", "value", "unit", "limit", "detail"}.
``--quick`` runs fewer repetitions (for CI).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3"}


def child_env(pycache: Path, **extra: str) -> dict[str, str]:
    """The environment of a measured process: bytecode cached (as in an installed package), TF logging quiet.

    The ``.pyc`` files go to ``pycache`` (``PYTHONPYCACHEPREFIX``), not into the source tree;
    ``PYTHONDONTWRITEBYTECODE`` is dropped so that only the first, unmeasured run compiles.
    """
    env = {**os.environ, **QUIET_TF, "PYTHONPYCACHEPREFIX": str(pycache), **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def emit(benchmark: str, value: float, unit: str, limit: float, detail: dict[str, Any]) -> None:
    """Print one result line."""
    print(
        json.dumps({"benchmark": benchmark, "value": round(value, 4), "unit": unit, "limit": limit, "detail": detail})
    )


# -- (a) materializer round trip -------------------------------------------------------------------


def bench_roundtrip(repeats: int) -> None:
    os.environ.update(QUIET_TF)
    import keras
    import numpy as np

    from zenml.artifact_stores.local import LocalArtifactStore
    from zenml.integrations.tensorflow.materializers import KerasMaterializer

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((256,)),
            keras.layers.Dense(1024, activation="relu"),
            keras.layers.Dense(512),
            keras.layers.Dense(10),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((8, 256), "float32"), np.zeros((8, 10), "float32"), epochs=1, verbose=0)

    def direct(directory: Path, index: int) -> None:
        path = directory / f"direct-{index}.keras"
        model.save(path)
        keras.models.load_model(path)

    def through(store: LocalArtifactStore, index: int) -> None:
        materializer = KerasMaterializer(f"runs/{index}/trainer/model", store)
        materializer.save(model)
        materializer.load(keras.Model)

    with tempfile.TemporaryDirectory(prefix="bench-keras-", dir=ROOT / "benchmarks") as tmp:
        directory = Path(tmp)
        stores = {
            "default (fsync)": LocalArtifactStore(path=str(directory / "store")),
            "fsync=False": LocalArtifactStore(path=str(directory / "store-nofsync"), fsync=False),
        }
        direct(directory, -1)  # warm up Keras' saving code paths
        for store in stores.values():
            through(store, -1)
        times: dict[str, list[float]] = {"model.save+load_model": [], **{name: [] for name in stores}}
        for index in range(repeats):  # interleaved, so drift hits every variant alike
            start = time.perf_counter()
            direct(directory, index)
            times["model.save+load_model"].append(time.perf_counter() - start)
            for name, store in stores.items():
                start = time.perf_counter()
                through(store, index)
                times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = medians["model.save+load_model"]
    emit(
        "keras_materializer_roundtrip",
        medians["default (fsync)"] / baseline,
        "x model.save+load_model",
        1.2,
        {
            "params": model.count_params(),
            "repeats": repeats,
            "median_ms": {name: round(value * 1000, 2) for name, value in medians.items()},
            "ratio_fsync_false": round(medians["fsync=False"] / baseline, 4),
        },
    )


# -- (b) activation -------------------------------------------------------------------------------

_ACTIVATION_PROBE = """
import sys, time
# core modules that activate_integrations() has loaded before it activates any integration
# (the Integration base class: it checks each entry point's class against it before activating one)
import zenml.integrations.registry, zenml.integrations.integration, zenml.materializers.registry, zenml.stack.flavors
start = time.perf_counter()
from zenml.integrations.tensorflow import TensorflowIntegration
TensorflowIntegration.activate()
elapsed = time.perf_counter() - start
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "tf_keras"))
print(elapsed, len(heavy))
"""


def bench_activation(repeats: int) -> None:
    samples = []
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        env = child_env(Path(pycache))
        for index in range(repeats + 1):
            out = subprocess.run(
                [sys.executable, "-c", _ACTIVATION_PROBE], capture_output=True, text=True, check=True, env=env
            ).stdout.split()
            if int(out[1]):
                raise SystemExit("activating the tensorflow integration imported TensorFlow or Keras")
            if index:  # the first run writes the bytecode cache
                samples.append(float(out[0]) * 1000)
    emit(
        "tensorflow_activation_ms",
        statistics.median(samples),
        "ms",
        1.0,
        {
            "repeats": repeats,
            "max_ms": round(max(samples), 3),
            "measures": "import + activate(), fresh interpreter, bytecode cached",
        },
    )


# -- (c) numpy pipeline, with and without zenml-tensorflow installed --------------------------------

_NUMPY_PIPELINE = """
from typing import Annotated

import numpy as np

from zenml import pipeline, step


@step
def make() -> Annotated[np.ndarray, "features"]:
    return np.arange(3000.0).reshape(1000, 3)


@step
def centre(features: np.ndarray) -> np.ndarray:
    return features - features.mean(axis=0)


@step
def norm(features: np.ndarray) -> float:
    return float(np.linalg.norm(features))


@pipeline(enable_cache=False)
def numbers() -> None:
    norm(centre(make()))


numbers()
"""


def _uv(*args: str) -> None:
    subprocess.run(["uv", *args], check=True, capture_output=True, text=True, cwd=ROOT)


def _build_venv(path: Path, *, tensorflow: bool, integration: bool) -> Path:
    from importlib.metadata import version

    _uv("venv", "--quiet", "--python", sys.executable, str(path))
    python = path / "bin" / "python"
    packages = [f"numpy=={version('numpy')}", "-e", "packages/zenml-core"]
    if tensorflow:
        packages.append(f"tensorflow-cpu=={version('tensorflow-cpu')}")
    if integration:
        packages += ["-e", "packages/zenml-tensorflow"]
    try:  # from uv's cache when it can; else uv fetches what is missing from the index, as usual
        _uv("pip", "install", "--quiet", "--offline", "--python", str(python), *packages)
    except subprocess.CalledProcessError:
        _uv("pip", "install", "--quiet", "--python", str(python), *packages)
    return python


def _timed_run(python: Path, script: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one whole ``python script`` process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([str(python), str(script)], capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        raise SystemExit(f"the numpy pipeline failed with {python}:\n{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


VENVS = {  # name -> (tensorflow-cpu installed, zenml-tensorflow installed)
    "core": (False, False),
    "core+tensorflow": (True, False),
    "core+tensorflow+zenml-tensorflow": (True, True),
}


def bench_installed(repeats: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-tf-installed-") as tmp:
        root = Path(tmp)
        pythons = {
            name: _build_venv(root / f"venv{index}", tensorflow=tf, integration=zi)
            for index, (name, (tf, zi)) in enumerate(VENVS.items())
        }
        script = root / "numpy_pipeline.py"
        script.write_text(_NUMPY_PIPELINE)
        wall: dict[str, list[float]] = {name: [] for name in pythons}
        cpu: dict[str, list[float]] = {name: [] for name in pythons}
        shuffler = random.Random(20261126)
        for index in range(repeats + 1):
            # Interleaved, in a new random order each round: load on the shared machine and whatever
            # the previous process left warm or cold hit every venv alike.
            for name in shuffler.sample(list(pythons), len(pythons)):
                python = pythons[name]
                slot = list(pythons).index(name)
                # Each environment keeps its own zenml config and cache directories, as a user's would.
                env = child_env(
                    root / "pycache",
                    ZENML_CONFIG_DIR=str(root / f"config{slot}"),
                    ZENML_CACHE_DIR=str(root / f"cache{slot}"),
                )
                env.pop("VIRTUAL_ENV", None)
                seconds, cpu_seconds = _timed_run(python, script, env)
                if index:  # the first round writes .pyc files, the activation cache and the SQLite schema
                    wall[name].append(seconds)
                    cpu[name].append(cpu_seconds)
        probe = "import zenml.integrations.registry as r; print(sorted(r.integration_registry.installed()))"
        installed = {
            name: subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
            for name, python in pythons.items()
        }
    wall_ms = {name: statistics.median(values) * 1000 for name, values in wall.items()}
    cpu_ms = {name: statistics.median(values) * 1000 for name, values in cpu.items()}
    detail = {
        "repeats": repeats,
        "median_wall_ms": {name: round(value, 1) for name, value in wall_ms.items()},
        "median_cpu_ms": {name: round(value, 1) for name, value in cpu_ms.items()},
        "integrations_installed": installed,
        "how": "three uv venvs built from the workspace; each has its own zenml config and cache dirs",
    }
    bare, tf_only, with_all = VENVS
    emit(
        "numpy_pipeline_zenml_tensorflow_installed",
        wall_ms[with_all] / wall_ms[tf_only],
        "x same venv without zenml-tensorflow",
        1.05,
        {
            **detail,
            "cpu_ratio": round(cpu_ms[with_all] / cpu_ms[tf_only], 4),
        },
    )
    emit(
        "numpy_pipeline_tensorflow_stack_installed",
        wall_ms[with_all] / wall_ms[bare],
        "x venv without tensorflow and zenml-tensorflow",
        1.05,
        {
            **detail,
            "cpu_ratio": round(cpu_ms[with_all] / cpu_ms[bare], 4),
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for CI")
    parser.add_argument("--only", choices=["roundtrip", "activation", "installed"], help="run one benchmark")
    args = parser.parse_args()
    runs: dict[str, Callable[[], None]] = {
        "activation": lambda: bench_activation(10 if args.quick else 40),
        "installed": lambda: bench_installed(8 if args.quick else 25),
        "roundtrip": lambda: bench_roundtrip(5 if args.quick else 15),
    }
    for name, run in runs.items():
        if args.only in (None, name):
            run()


if __name__ == "__main__":
    main()
