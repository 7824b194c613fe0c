"""zenml-tensorflow costs nothing until TensorFlow or Keras is used by the user's own code.

Each test runs a fresh interpreter (tensorflow-cpu and zenml-tensorflow are
installed) and inspects ``sys.modules``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

TF_PREFIXES = ("tensorflow", "keras", "tf_keras")
TF_MATERIALIZERS = "zenml.integrations.tensorflow.materializers"
KERAS = f"{TF_MATERIALIZERS}.keras_materializer:KerasMaterializer"
TENSOR = f"{TF_MATERIALIZERS}.tensor_materializer:TensorMaterializer"
VARIABLE = f"{TF_MATERIALIZERS}.tensor_materializer:VariableMaterializer"
DATASET = f"{TF_MATERIALIZERS}.dataset_materializer:DatasetMaterializer"

FreshRun = Callable[..., set[str]]
HeavyOf = Callable[..., list[str]]


@pytest.fixture
def config_env(tmp_path: Path) -> dict[str, str]:
    """A private zenml config directory, so the default local stack lives under ``tmp_path``."""
    return {"ZENML_CONFIG_DIR": str(tmp_path / "config"), "TF_CPP_MIN_LOG_LEVEL": "3"}


def test_import_zenml_imports_no_tensorflow(fresh: FreshRun, heavy: HeavyOf) -> None:
    modules = fresh("import zenml\nzenml.step, zenml.pipeline\n")

    assert heavy(modules, TF_PREFIXES) == []
    assert not any(m.startswith("zenml.integrations.tensorflow") for m in modules)


def test_integration_list_imports_no_tensorflow(fresh: FreshRun, heavy: HeavyOf, config_env: dict[str, str]) -> None:
    modules = fresh(
        """
        from zenml.cli.main import cli
        try:
            cli(["integration", "list"], prog_name="zenml")
        except SystemExit as exit:
            assert exit.code in (0, None), exit.code
        """,
        env=config_env,
    )

    assert heavy(modules, TF_PREFIXES) == []
    assert TF_MATERIALIZERS not in modules


def test_activation_registers_the_materializers_lazily_without_importing_tensorflow(
    fresh: FreshRun, heavy: HeavyOf
) -> None:
    modules = fresh(
        f"""
        from zenml.integrations.registry import activate_integrations
        from zenml.materializers.registry import materializer_registry

        report = activate_integrations()
        assert "tensorflow" in report.activated, report
        pending = materializer_registry.lazy_registrations()
        assert pending["keras"] == [{KERAS!r}], pending
        assert pending["tensorflow"] == [{TENSOR!r}, {VARIABLE!r}, {DATASET!r}], pending
        """
    )

    assert heavy(modules, TF_PREFIXES) == []
    assert "zenml.integrations.tensorflow" in modules
    assert TF_MATERIALIZERS not in modules


def test_a_keras_model_imports_only_the_keras_materializer(fresh: FreshRun) -> None:
    modules = fresh(
        f"""
        import sys

        from zenml.integrations.registry import activate_integrations
        from zenml.materializers.registry import materializer_registry
        import zenml.integrations.tensorflow.materializers  # the package registers nothing and imports no library

        assert "keras" not in sys.modules and "tensorflow" not in sys.modules
        activate_integrations()

        import keras  # the user's code imports Keras; the registry then finds the materializer by itself

        from zenml.integrations.tensorflow.materializers import KerasMaterializer
        assert materializer_registry.find(keras.Sequential) is KerasMaterializer
        assert materializer_registry.lazy_registrations()["tensorflow"] == [{TENSOR!r}, {VARIABLE!r}, {DATASET!r}]
        """
    )

    assert f"{TF_MATERIALIZERS}.keras_materializer" in modules
    assert f"{TF_MATERIALIZERS}.tensor_materializer" not in modules
    assert f"{TF_MATERIALIZERS}.dataset_materializer" not in modules
    assert "keras" in modules  # sanity: the probe really loaded Keras at the end


NUMPY_PIPELINE = """
    from typing import Annotated

    import numpy as np

    from zenml import pipeline, step


    @step
    def make() -> tuple[Annotated[np.ndarray, "features"], Annotated[list[int], "labels"]]:
        return np.arange(12.0).reshape(4, 3), [0, 1, 0, 1]


    @step
    def score(features: np.ndarray, labels: list[int]) -> dict[str, float]:
        return {"mean": float(features.mean()), "positives": float(sum(labels))}


    @pipeline
    def numbers() -> None:
        features, labels = make()
        score(features, labels)


    run = numbers()
    result = run.steps["score"].outputs["output"][0].load()
    assert result == {"mean": 5.5, "positives": 2.0}, result
"""


def test_numpy_and_builtin_pipeline_imports_no_tensorflow(
    fresh: FreshRun, heavy: HeavyOf, config_env: dict[str, str], tmp_path: Path
) -> None:
    modules = fresh(NUMPY_PIPELINE, env=config_env, cwd=tmp_path)

    assert "numpy" in modules  # the pipeline really ran its numpy steps
    assert heavy(modules, TF_PREFIXES) == []
    assert "zenml.integrations.tensorflow" in modules  # installed and activated ...
    assert TF_MATERIALIZERS not in modules  # ... but its materializers were never needed


def test_pipeline_returning_a_keras_model_uses_the_keras_materializer(
    fresh: FreshRun, config_env: dict[str, str], tmp_path: Path
) -> None:
    modules = fresh(
        """
        import os

        import keras
        import numpy as np

        from zenml import pipeline, step
        from zenml.integrations.tensorflow.materializers import KerasMaterializer
        from zenml.materializers.registry import materializer_registry


        @step
        def build() -> keras.Model:
            return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")])


        @step
        def predict(model: keras.Model) -> float:
            return float(model.predict(np.ones((1, 2), dtype="float32"), verbose=0)[0, 0])


        @pipeline
        def tiny() -> None:
            predict(build())


        run = tiny()
        assert materializer_registry.find(keras.Sequential) is KerasMaterializer
        assert run.steps["predict"].outputs["output"][0].load() == 2.0
        artifact = run.steps["build"].outputs["output"][0]
        assert artifact.materializer == KerasMaterializer.reference(), artifact.materializer
        assert os.path.isfile(os.path.join(artifact.full_uri, "model.keras")), artifact.full_uri
        assert isinstance(artifact.load(), keras.Model)
        """,
        env=config_env,
        cwd=tmp_path,
    )

    assert f"{TF_MATERIALIZERS}.keras_materializer" in modules
