"""Running pipelines stays light: no heavy library is imported unless a step's data needs it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

PIPELINE = """
from typing import Annotated
from zenml import pipeline, step

@step
def load(n: int) -> list[int]:
    return list(range(n))

@step
def stats(values: list[int]) -> tuple[Annotated[int, "total"], Annotated[float, "mean"]]:
    return sum(values), sum(values) / len(values)

@step
def report(total: int, mean: float) -> dict[str, float]:
    return {"total": total, "mean": mean}

@pipeline
def builtin_pipeline() -> None:
    total, mean = stats(load(n=5))
    report(total, mean)

run = builtin_pipeline()
assert run.status == "completed", run.status
assert run.steps["report"].output.load() == {"total": 10, "mean": 2.0}
again = builtin_pipeline()
assert {s.status for s in again.steps.values()} == {"cached"}
from zenml.client import Client
assert len(Client().list_runs()) == 2
"""


def test_builtin_pipeline_imports_no_heavy_library(
    fresh: Callable[..., set[str]], heavy: Callable[..., list[str]], tmp_path: Path
) -> None:
    modules = fresh(PIPELINE, cwd=tmp_path, env={"ZENML_CONFIG_DIR": str(tmp_path / "zen")})
    assert "zenml.orchestrators.local" in modules  # it really ran
    assert heavy(modules, ("tensorflow", "keras", "google.cloud", "numpy")) == []


def test_step_and_pipeline_import_is_standard_library_only(fresh: Callable[..., set[str]]) -> None:
    before = fresh("pass")
    modules = fresh("from zenml import step, pipeline")
    new = modules - before
    stdlib = set(sys.stdlib_module_names)
    third_party = sorted(m for m in new if m.partition(".")[0] not in stdlib and m.partition(".")[0] != "zenml")
    assert third_party == []
    assert "zenml.steps.decorator" in modules
    assert "zenml.pipelines.decorator" in modules
    # the decorators parse signatures only when applied
    assert "inspect" not in new
    assert "typing" not in new


def test_registering_and_showing_a_gcp_stack_imports_no_google_cloud(
    fresh: Callable[..., set[str]], heavy: Callable[..., list[str]], tmp_path: Path
) -> None:
    code = """
from zenml.cli.main import cli
for args in (
    ["artifact-store", "register", "bucket", "--flavor", "gcp", "--path", "gs://bucket/zen"],
    ["stack", "register", "cloud", "-a", "bucket", "-m", "default", "--set"],
    ["stack", "show", "--json"],
):
    try:
        cli(args, standalone_mode=False)
    except SystemExit as exit:
        assert exit.code in (0, None), exit.code
from zenml.stack.stack import get_active_stack
assert get_active_stack().artifact_store.FLAVOR == "gcp"
"""
    modules = fresh(code, cwd=tmp_path, env={"ZENML_CONFIG_DIR": str(tmp_path / "zen")})
    assert "zenml.stack.stack" in modules
    assert heavy(modules) == []
