"""The Python snippets of every README in the repository run as written, so the docs cannot drift from the code.

Every ```` ```python ```` block of a README runs; a README's blocks run in order in one fresh interpreter, as a
reader pastes them one after the other into one session, in an empty directory with a zenml config (stacks and
run history) of their own. A block that must not run (it needs a real cloud account, say) is preceded by the line
``<!-- not run: why -->``; use ```` ```pycon ```` for interactive sessions. TensorFlow's C++ log lines are noise
a README must quiet (see zenml-tensorflow's), so none may reach stderr. Runs in tests-cross, with every package
installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRECTORIES = {"build", "dist", "node_modules", "test-output"}  # plus every hidden one (.venv, .nox, ...)
BLOCK = re.compile(r"^(?:<!-- not run: (?P<why>[^\n]*?) -->\n)?```python\n(?P<code>.*?)^```", re.DOTALL | re.MULTILINE)
# absl's log prefix (I0000 00:00:1795971821.509257   30209 cpu_feature_guard.cc:227] ...) and TF's Python one.
TENSORFLOW_LOG_LINE = re.compile(r"^(?:[IWEF]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\]|.*\btensorflow/\S+\.cc:\d+\])", re.M)


def readmes() -> list[Path]:
    """Every README.md of the repository, whatever directory it is in (hidden and build directories pruned)."""
    found = []
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".") and d not in SKIPPED_DIRECTORIES)
        if "README.md" in files:
            found.append(Path(directory, "README.md"))
    return sorted(found)


def python_blocks(readme: Path) -> list[str]:
    """The README's ```` ```python ```` blocks that run (not those marked ``<!-- not run: why -->``)."""
    text = readme.read_text(encoding="utf-8")
    blocks = []
    for match in BLOCK.finditer(text):
        if match.group("why") is None:
            blocks.append(match.group("code"))
        else:
            assert match.group("why").strip(), f"{readme}: say why a block is not run (<!-- not run: why -->)"
    return blocks


def run_blocks(blocks: list[str], where: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``blocks`` one after the other in one fresh interpreter, each marked by a comment that names it."""
    script = tmp_path / "snippets.py"
    script.write_text("".join(f"# --- {where}, python block {n} ---\n{code}\n" for n, code in enumerate(blocks, 1)))
    env = {**os.environ, "ZENML_CONFIG_DIR": str(tmp_path / "config"), "ZENML_CACHE_DIR": str(tmp_path / "cache")}
    for name in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS"):  # what a reader's shell does not set
        env.pop(name, None)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, str(script)], cwd=work, env=env, capture_output=True, text=True, check=False, timeout=600
    )


def test_every_package_readme_is_found() -> None:
    found = {path.relative_to(ROOT).as_posix() for path in readmes()}
    packages = {f"packages/{path.parent.name}/README.md" for path in ROOT.glob("packages/*/pyproject.toml")}
    assert packages, "no package found under packages/"
    assert packages | {"README.md"} <= found


def test_a_block_marked_not_run_is_left_out_and_the_others_are_found(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "```python\nprint(1)\n```\n\n<!-- not run: needs a cloud account -->\n```python\nimport cloud\n```\n\n"
        "```pycon\n>>> 1\n```\n```python\nprint(2)\n```\n"
    )
    assert python_blocks(readme) == ["print(1)\n", "print(2)\n"]


@pytest.mark.parametrize("readme", [path.relative_to(ROOT).as_posix() for path in readmes() if python_blocks(path)])
def test_readme_snippets_run(readme: str, tmp_path: Path) -> None:
    result = run_blocks(python_blocks(ROOT / readme), readme, tmp_path)
    script = (tmp_path / "snippets.py").read_text()
    assert result.returncode == 0, f"{readme}: a snippet failed\n{result.stderr}\n--- as run:\n{script}"
    noise = TENSORFLOW_LOG_LINE.findall(result.stderr)
    assert not noise, f"{readme}: TensorFlow's C++ log lines reach the reader:\n{result.stderr}"


def test_root_readme_pipeline_runs_and_then_comes_from_the_cache(tmp_path: Path) -> None:
    snippet = python_blocks(ROOT / "README.md")[0]
    first = run_blocks([snippet], "README.md", tmp_path)
    second = run_blocks([snippet], "README.md", tmp_path)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert first.stdout.strip().splitlines()[-1] == "42"
    assert second.stdout.strip().splitlines()[-1] == "42"
    assert "'make': 'completed'" in first.stdout
    assert "'make': 'cached'" in second.stdout
    assert "'increment': 'cached'" in second.stdout
