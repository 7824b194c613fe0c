"""The README's quickstart runs twice on a fresh default stack: it prints the metric, and the second run is cached."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"
STEPS = ("load_data", "train", "evaluate")


def _run_quickstart(config_dir: Path, cwd: Path) -> str:
    env = {**os.environ, "ZENML_CONFIG_DIR": str(config_dir)}
    for name in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS"):  # the example quiets TensorFlow by itself
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, str(QUICKSTART)], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, f"quickstart failed:\n{result.stdout}\n{result.stderr}"
    assert "oneDNN" not in result.stderr, result.stderr  # TensorFlow's start-up noise is silenced
    return result.stdout


def _accuracy(output: str) -> float:
    match = re.search(r"^Test accuracy: (\d\.\d{3})$", output, re.MULTILINE)
    assert match, output
    return float(match.group(1))


def _statuses(output: str) -> dict[str, str]:
    return dict(re.findall(r"^  step (\w+)\s+(\w+)", output, re.MULTILINE))


def test_quickstart_trains_then_reuses_every_step_from_the_cache(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"

    first = _run_quickstart(config_dir, tmp_path)
    second = _run_quickstart(config_dir, tmp_path)

    assert _statuses(first) == dict.fromkeys(STEPS, "completed"), first
    assert _accuracy(first) >= 0.9, first  # the half-moons are learnable: a broken pipeline would score ~0.5
    assert "Run this script again" in first

    assert _statuses(second) == dict.fromkeys(STEPS, "cached"), second
    assert "3 of 3 steps were cached" in second, second
    assert _accuracy(second) == _accuracy(first)

    # The artifacts went where the output says: the model is a real .keras file under the config directory.
    model_lines = [line for line in second.splitlines() if line.strip().startswith("train.model")]
    assert len(model_lines) == 1, second
    model_path = Path(model_lines[0].split()[1])
    assert (model_path / "model.keras").is_file(), model_lines
    assert config_dir in model_path.parents

    # What it prints for a new shell works there, pasted as printed: no venv on PATH, no ZENML_CONFIG_DIR.
    commands = second.split("In a new shell", 1)[1].splitlines()[1:]
    assert len(commands) == 2, second
    fresh = {"PATH": os.defpath, "HOME": str(tmp_path / "another-home"), "LANG": "C.UTF-8"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listed, loaded = (
        subprocess.run(
            ["sh", "-c", line], env=fresh, cwd=elsewhere, capture_output=True, text=True, check=False, timeout=300
        )
        for line in commands
    )
    run_name = re.search(r'get_run\("([^"]+)"\)', commands[1])
    assert run_name, commands[1]
    assert listed.returncode == 0, listed.stderr
    assert run_name.group(1) in listed.stdout
    assert loaded.returncode == 0, loaded.stderr
    assert "moons_classifier" in loaded.stdout
