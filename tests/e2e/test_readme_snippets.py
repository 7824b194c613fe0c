"""The Python snippets in the READMEs run as written, so the docs cannot drift from the code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _python_blocks(readme: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), re.DOTALL)


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "ZENML_CONFIG_DIR": str(tmp_path / "config")}
    return subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=300
    )


def test_root_readme_pipeline_runs_and_then_comes_from_the_cache(tmp_path: Path) -> None:
    snippet = _python_blocks(ROOT / "README.md")[0]
    first = _run(snippet, tmp_path)
    second = _run(snippet, tmp_path)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert first.stdout.strip().splitlines()[-1] == "42"
    assert second.stdout.strip().splitlines()[-1] == "42"
    assert "'make': 'completed'" in first.stdout
    assert "'make': 'cached'" in second.stdout
    assert "'increment': 'cached'" in second.stdout


@pytest.mark.parametrize("readme", ["packages/zenml-core/README.md", "packages/zenml-sklearn/README.md"])
def test_package_readme_snippets_run(readme: str, tmp_path: Path) -> None:
    blocks = _python_blocks(ROOT / readme)
    assert blocks, f"{readme} has no python snippet"
    for block in blocks:
        result = _run(block, tmp_path)
        assert result.returncode == 0, f"{readme} snippet failed:\n{block}\n{result.stderr}"
