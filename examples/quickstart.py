"""zenml quickstart: train and evaluate a small Keras classifier as a three-step pipeline.

    pip install ./packages/zenml-core              # from the root of a clone of the repository
    zenml integration install "tensorflow[cpu]"    # or `tensorflow` for the GPU-capable build
    python examples/quickstart.py                  # run it twice: the second run reuses every step from the cache

No setup and no download: the data (two interleaving half-moons) is generated
here with a fixed seed, and the default local stack keeps artifacts and run
history under zenml's config directory (the project's .zen/ if `zenml init` made
one, else $ZENML_CONFIG_DIR, else ~/.config/zenml).
"""

from __future__ import annotations

import os
import shlex
import sys

# Quiet TensorFlow's C++ start-up notices (CPU features, oneDNN). Both must be set before TensorFlow is
# imported; set them yourself (e.g. TF_CPP_MIN_LOG_LEVEL=0) to see the notices again.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from typing import Annotated

import keras
import numpy as np

from zenml import pipeline, step

SEED = 42


@step
def load_data(
    samples: int = 600, noise: float = 0.15
) -> tuple[
    Annotated[np.ndarray, "x_train"],
    Annotated[np.ndarray, "y_train"],
    Annotated[np.ndarray, "x_test"],
    Annotated[np.ndarray, "y_test"],
]:
    """Two interleaving half-moons in 2-D (like scikit-learn's make_moons), split 80/20."""
    rng = np.random.default_rng(SEED)
    angles = rng.uniform(0.0, np.pi, samples)
    labels = rng.integers(0, 2, samples)
    upper = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    lower = np.stack([1.0 - np.cos(angles), 0.5 - np.sin(angles)], axis=1)
    points = np.where(labels[:, None] == 0, upper, lower) + rng.normal(0.0, noise, (samples, 2))
    split = int(samples * 0.8)
    x, y = points.astype("float32"), labels.astype("float32")
    return x[:split], y[:split], x[split:], y[split:]


@step
def train(x_train: np.ndarray, y_train: np.ndarray, epochs: int = 30) -> Annotated[keras.Model, "model"]:
    """A small multi-layer perceptron; a few seconds on a CPU."""
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ],
        name="moons_classifier",
    )
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    return model


@step
def evaluate(model: keras.Model, x_test: np.ndarray, y_test: np.ndarray) -> Annotated[float, "accuracy"]:
    """Accuracy on the held-out points."""
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy)


@pipeline
def quickstart() -> None:
    """load_data -> train -> evaluate."""
    x_train, y_train, x_test, y_test = load_data()
    model = train(x_train, y_train)
    evaluate(model, x_test, y_test)


def main() -> None:
    run = quickstart()
    print(f"\nRun {run.name!r} of pipeline {run.pipeline_name!r}: {run.status}")
    for name, step_run in run.steps.items():
        took = "" if step_run.status == "cached" or step_run.duration is None else f" in {step_run.duration:.2f}s"
        print(f"  step {name:<10} {step_run.status}{took}")

    accuracy = run.steps["evaluate"].outputs["accuracy"][0].load()
    print(f"\nTest accuracy: {accuracy:.3f}")

    print(f"\nArtifacts are in the artifact store at {run.stack.artifact_store.uri()}:")
    artifacts = [
        (f"{s.name}.{output}", a)
        for s in run.steps.values()
        for output, versions in s.outputs.items()
        for a in versions
    ]
    width = max(len(label) for label, _ in artifacts)
    for label, artifact in artifacts:
        print(f"  {label:<{width}}  {artifact.full_uri}  ({artifact.materializer.rpartition(':')[2]})")

    cached = [name for name, step_run in run.steps.items() if step_run.status == "cached"]
    if cached:
        print(f"\n{len(cached)} of {len(run.steps)} steps were cached (outputs reused from an earlier run)")
    else:
        print("\nRun this script again: every step will be reused from the cache.")
    print("\nIn a new shell (this Python, this run history), list the runs and load the model:")
    print(f"  {in_a_new_shell('-m', 'zenml', 'run', 'list')}")
    model = f'Client().get_run("{run.name}").steps["train"].outputs["model"][0].load()'
    load = f"from zenml import Client; {model}.summary()"
    print(f"  {in_a_new_shell('-c', load, quiet_tensorflow=True)}")


def in_a_new_shell(*arguments: str, quiet_tensorflow: bool = False) -> str:
    """A command line for a POSIX shell that runs this Python on this run history, wherever it is pasted."""
    from zenml.stack.config import config_dir, find_repo_dir

    settings = []
    if find_repo_dir() or os.environ.get("ZENML_CONFIG_DIR") or os.environ.get("XDG_CONFIG_HOME"):
        settings.append(f"ZENML_CONFIG_DIR={shlex.quote(config_dir())}")  # not zenml's default: say which
    if quiet_tensorflow:
        settings.append("TF_CPP_MIN_LOG_LEVEL=2")
    return " ".join([*settings, shlex.join([sys.executable, *arguments])])


if __name__ == "__main__":
    main()
