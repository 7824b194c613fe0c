"""Nothing of the dashboard is imported by ``import zenml``, by the other CLI commands or by a pipeline run."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

# The dashboard's modules beyond its integration class (which activation imports, as for every integration)
# and the web stack it brings.
WEB = ("starlette", "uvicorn", "jinja2", "igraph", "PIL", "anyio", "h11")
INTEGRATION = {"zenml.integrations.dashboard", "zenml.integrations.dashboard.__about__"}

PIPELINE = """
from zenml import pipeline, step

@step
def shout(text: str = "hello") -> str:
    print(text)
    return text.upper()

@pipeline
def shouting() -> None:
    shout()

run = shouting()
assert run.steps["shout"].read_logs() == "hello\\n"
"""


CLI = """
import sys
sys.argv = ["zenml", *{args!r}]
from zenml.cli.main import main
try:
    main()
except SystemExit:
    pass
"""


def _dashboard(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.startswith("zenml.integrations.dashboard") and m not in INTEGRATION)


def test_import_zenml_imports_nothing_of_the_dashboard(
    fresh: Callable[..., set[str]], heavy: Callable[..., list[str]]
) -> None:
    modules = fresh("import zenml")
    assert _dashboard(modules) == []
    assert "zenml.integrations.dashboard" not in modules
    assert heavy(modules, WEB) == []


def test_a_pipeline_run_imports_nothing_of_the_dashboard(
    fresh: Callable[..., set[str]], heavy: Callable[..., list[str]], tmp_path: Path
) -> None:
    modules = fresh(PIPELINE, cwd=tmp_path, env={"ZENML_CONFIG_DIR": str(tmp_path / "zen")})
    assert "zenml.logging.step_logging" in modules  # it really ran, with its logs
    assert "zenml.integrations.dashboard" in modules  # activated like every installed integration
    assert _dashboard(modules) == []
    assert heavy(modules, WEB) == []


def test_other_cli_commands_import_nothing_of_the_dashboard(
    fresh: Callable[..., set[str]], heavy: Callable[..., list[str]], tmp_path: Path
) -> None:
    env = {"ZENML_CONFIG_DIR": str(tmp_path / "zen"), "COLUMNS": "120"}
    for args in (["--help"], ["run", "list"], ["integration", "list"], ["stack", "show"]):
        modules = fresh(CLI.format(args=args), cwd=tmp_path, env=env)
        assert "zenml.cli.main" in modules
        assert _dashboard(modules) == [], args
        assert heavy(modules, WEB) == [], args
