"""pandas, pydantic, scikit-learn and skops cost nothing until a step sees their types.

Fresh interpreters with every integration (zenml-sklearn included) and
pandas, pyarrow, pydantic, cloudpickle, scikit-learn and skops installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

FreshRun = Callable[..., set[str]]
HeavyOf = Callable[..., list[str]]

LIBRARIES = ("pandas", "pyarrow", "pydantic", "sklearn", "skops", "scipy", "cloudpickle")

NUMPY_PIPELINE = """
from pathlib import Path
import numpy as np
from zenml import pipeline, step

@step
def make() -> np.ndarray:
    return np.arange(6.0).reshape(2, 3)

@step
def total(values: np.ndarray) -> float:
    return float(values.sum())

@pipeline
def numpy_pipeline() -> None:
    total(make())

run = numpy_pipeline()
assert run.steps["total"].output.load() == 15.0
from zenml.integrations.registry import activate_integrations
assert "sklearn" in activate_integrations().activated
"""


def test_a_numpy_pipeline_imports_no_pandas_pydantic_sklearn_or_skops(
    fresh: FreshRun, heavy: HeavyOf, tmp_path: Path
) -> None:
    modules = fresh(NUMPY_PIPELINE, cwd=tmp_path, env={"ZENML_CONFIG_DIR": str(tmp_path / "zen")})
    assert "zenml.materializers.numpy" in modules  # it really ran, with arrays
    assert heavy(modules, LIBRARIES) == []
    assert not [name for name in modules if name.startswith("zenml.integrations.sklearn.materializers")]
    assert "zenml.materializers.pandas_materializer" not in modules


def test_activating_sklearn_imports_neither_sklearn_nor_skops(fresh: FreshRun, heavy: HeavyOf) -> None:
    modules = fresh(
        """
        from zenml.integrations.registry import activate_integrations
        from zenml.materializers.registry import materializer_registry
        assert "sklearn" in activate_integrations().activated
        assert any("sklearn_materializer" in ref for refs in materializer_registry.lazy_registrations().values()
                   for ref in refs)
        """
    )
    assert heavy(modules, ("sklearn", "skops", "scipy")) == []


def test_a_pandas_step_imports_pandas_but_not_sklearn(fresh: FreshRun, heavy: HeavyOf, tmp_path: Path) -> None:
    modules = fresh(
        """
        import pandas as pd
        from zenml import pipeline, step

        @step
        def frame() -> pd.DataFrame:
            return pd.DataFrame({"a": [1, 2]})

        @pipeline
        def frames() -> None:
            frame()

        assert frames().steps["frame"].output.load()["a"].tolist() == [1, 2]
        """,
        cwd=tmp_path,
        env={"ZENML_CONFIG_DIR": str(tmp_path / "zen")},
    )
    assert "zenml.materializers.pandas_materializer" in modules
    pandas_alone = fresh("import pandas")  # pyarrow imports cloudpickle when it is installed: not zenml's doing
    assert heavy(modules - pandas_alone, ("sklearn", "skops", "pydantic", "cloudpickle")) == []
