"""Code written for ZenML 0.5 gets a message naming what replaced each name, not a bare ImportError."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

from zenml import pipeline, step

if TYPE_CHECKING:
    from pathlib import Path


def test_base_step_config_and_output_name_their_replacements() -> None:
    with pytest.raises(ImportError, match=r"BaseStepConfig.*typed arguments of the step function"):
        from zenml.steps import BaseStepConfig  # noqa: F401
    with pytest.raises(ImportError, match=r"zenml.steps.Output.*Annotated\[int, 'a'\]"):
        from zenml.steps import Output  # noqa: F401
    import zenml.steps

    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        zenml.steps.Nothing  # type: ignore[attr-defined]  # noqa: B018


def test_repository_module_names_the_client() -> None:
    with pytest.raises(ImportError, match=r"zenml\.core\.repo\.Repository.*from zenml\.client import Client"):
        from zenml.core.repo import Repository  # type: ignore[import-not-found]  # noqa: F401


def test_pipeline_run_method_and_steps_as_arguments_name_the_new_way() -> None:
    @step
    def load() -> int:
        return 1

    @pipeline
    def old_style() -> None:
        load()

    with pytest.raises(AttributeError, match=r"old_style\.run\(\)` was ZenML 0\.5's.*run = old_style\(\)"):
        old_style.run()
    assert not hasattr(old_style, "run")  # hasattr keeps working: the error is an AttributeError

    @pipeline
    def takes_steps(importer: object) -> None:
        pass

    from zenml.pipelines.errors import PipelineGraphError

    with pytest.raises(PipelineGraphError, match=r"called with steps as arguments, as ZenML 0\.5 did"):
        takes_steps(importer=load)


def test_decorators_import_from_the_subpackages() -> None:
    from zenml.pipelines import Pipeline, get_pipeline_context
    from zenml.pipelines import pipeline as pipeline_decorator
    from zenml.steps import BaseStep, StepContext, get_step_context
    from zenml.steps import step as step_decorator

    assert pipeline_decorator is pipeline
    assert step_decorator is step
    assert callable(get_pipeline_context)
    assert callable(get_step_context)
    assert isinstance(step_decorator(lambda: 1), BaseStep)
    assert Pipeline.__name__ == "Pipeline"
    assert StepContext.__name__ == "StepContext"


def _fresh(code: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, check=False
    )


def test_sklearn_helpers_message_does_not_block_the_sklearn_package(tmp_path: Path) -> None:
    # without a zenml.integrations.sklearn package, probing for it finds nothing (no error); the zenml-sklearn
    # package's own tests prove the same next to the real package
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        distribution("zenml-sklearn")
    except PackageNotFoundError:
        absent = _fresh("import zenml, importlib.util; print(importlib.util.find_spec('zenml.integrations.sklearn'))")
        assert absent.returncode == 0, absent.stderr
        assert absent.stdout.strip() == "None"
    # with one installed (as zenml-sklearn will be), the package imports, and only `helpers` gets the message
    package = tmp_path / "zenml" / "integrations" / "sklearn"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("NAME = 'sklearn'\n", encoding="utf-8")
    (package / "materializers.py").write_text("OK = True\n", encoding="utf-8")
    present = _fresh(
        """
        import zenml.integrations.sklearn as sk
        from zenml.integrations.sklearn.materializers import OK
        assert sk.NAME == 'sklearn' and OK
        try:
            from zenml.integrations.sklearn.helpers.digits import get_digits
        except ImportError as error:
            print(error)
        """,
        pythonpath=tmp_path,
    )
    assert present.returncode == 0, present.stderr
    assert "zenml.integrations.sklearn.helpers` was ZenML 0.5's" in present.stdout
    assert "sklearn.datasets.load_digits()" in present.stdout
