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


def test_a_warm_pipeline_run_reads_no_package_metadata(
    fresh: Callable[..., set[str]], heavy: Callable[..., list[str]], tmp_path: Path
) -> None:
    """With every integration installed, the second run in an environment finds the integrations and their versions
    (which step payloads carry) in the activation cache: no ``importlib.metadata``, no ``packaging``; and on Linux
    the config and cache directories without platformdirs."""
    # the default config directory (no ZENML_CONFIG_DIR, no XDG_CONFIG_HOME) below a HOME of each run's own
    env = {"ZENML_CONFIG_DIR": "", "XDG_CONFIG_HOME": "", "ZENML_CACHE_DIR": str(tmp_path / "cache")}
    cold = fresh(PIPELINE, cwd=tmp_path, env={**env, "HOME": str(tmp_path / "cold")})
    warm = fresh(PIPELINE, cwd=tmp_path, env={**env, "HOME": str(tmp_path / "warm")})
    assert "importlib.metadata" in cold  # the first run read metadata and filled the cache
    assert "zenml.orchestrators.local" in warm  # it really ran
    assert heavy(warm, ("importlib.metadata", "packaging")) == []
    if sys.platform == "linux":
        assert heavy(warm, ("platformdirs",)) == []


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


def test_step_and_pipeline_contexts_import_no_typing(fresh: Callable[..., set[str]]) -> None:
    before = fresh("from zenml import step, pipeline")
    modules = fresh("from zenml import step, pipeline, get_step_context, get_pipeline_context")
    new = modules - before
    assert new <= {"zenml.steps.step_context", "zenml.pipelines.pipeline_context", "zenml.exceptions",
                   "contextvars", "_contextvars"}, sorted(new)  # fmt: skip


CONFIGURED = """
from zenml import pipeline, step

@step
def scale(x: int, factor: int = 1) -> int:
    return x * factor

@pipeline
def configured():
    scale(2)

import sys
options = {"enable_cache": False, "run_name": "configured_{date}", "steps": {"scale": {"parameters": {"factor": 3}}}}
run = configured.with_options(**options)()
assert run.steps["scale"].output.load() == 6
assert "yaml" not in sys.modules, "configuring in code must not import yaml"
if CONFIG:
    run = configured.with_options(config_path=CONFIG)()
    assert run.steps["scale"].output.load() == 8
"""


def test_yaml_is_imported_only_when_a_config_file_is_used(fresh: Callable[..., set[str]], tmp_path: Path) -> None:
    env = {"ZENML_CONFIG_DIR": str(tmp_path / "zen")}
    without = fresh("CONFIG = None\n" + CONFIGURED, cwd=tmp_path, env=env)
    assert "zenml.orchestrators.local" in without
    assert "yaml" not in without
    config = tmp_path / "run.yaml"
    config.write_text("steps:\n  scale:\n    parameters: {factor: 4}\n", encoding="utf-8")
    with_file = fresh(f"CONFIG = {str(config)!r}\n" + CONFIGURED, cwd=tmp_path, env=env)
    assert "yaml" in with_file


def test_materializer_classes_load_on_access_and_numpy_only_with_the_numpy_ones(
    fresh: Callable[..., set[str]], heavy: Callable[..., list[str]]
) -> None:
    builtin = fresh("import zenml.materializers\nfrom zenml.materializers import BytesMaterializer, BaseMaterializer")
    assert "zenml.materializers.builtin" in builtin
    assert "zenml.materializers.numpy" not in builtin
    assert heavy(builtin) == []
    memmap = fresh("from zenml.materializers import MemmapNumpyMaterializer")
    assert "zenml.materializers.numpy" in memmap
    assert "numpy" in memmap
    assert heavy(memmap, ("tensorflow", "keras", "google.cloud")) == []
