"""The README's snippets run as written: its Python files, then its shell commands (each a real process)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("warm_bytecode")]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def _commands(block: str) -> list[list[str]]:
    """The commands of a shell block: continuation lines joined, comments dropped."""
    return [shlex.split(line, comments=True) for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def _run_block(marker: str, tmp_path: Path) -> list[str]:
    """Write the README's Python files into ``tmp_path``, run the shell block holding ``marker`` there; outputs."""
    for block in _blocks("python"):
        name = block.splitlines()[0].removeprefix("# ")
        assert name.endswith(".py"), f"a Python snippet of the README does not start with its file name: {block}"
        (tmp_path / name).write_text(block, encoding="utf-8")
    [block] = [block for block in _blocks("bash") if marker in block]
    env = {**os.environ, "ZENML_CONFIG_DIR": str(tmp_path / "config")}
    outputs = []
    for command in _commands(block):
        program = sys.executable if command[0] == "python" else str(Path(sys.executable).with_name(command[0]))
        done = subprocess.run([program, *command[1:]], cwd=tmp_path, env=env, capture_output=True, text=True,
                              check=False, timeout=600)  # fmt: skip
        assert done.returncode == 0, f"README command failed: {shlex.join(command)}\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout)
    return outputs


def test_the_local_ray_snippets_run(tmp_path: Path) -> None:
    outputs = _run_block("zenml orchestrator register ray_local", tmp_path)
    # What the comments beside the two `python run.py` say.
    assert outputs[-2].strip().splitlines()[-2:] == ["load: completed, square: completed, total: completed",
                                                     "completed 6 14"]  # fmt: skip
    assert outputs[-1].strip().splitlines()[-2:] == ["load: cached, square: cached, total: cached", "completed 6 14"]


@pytest.mark.needs_integrations
def test_the_cluster_snippets_register_a_stack(tmp_path: Path) -> None:
    _run_block("zenml orchestrator register cluster", tmp_path)
    config = (tmp_path / "config" / "config.toml").read_text()
    assert 'address = "10.0.0.5:6379"' in config
    assert 'WANDB_MODE = "offline"' in config
