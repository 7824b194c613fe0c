"""Helpers for the tooling tests: a throwaway git copy of this repository's working tree."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Set by nox or an activated venv; they would make the tools run against the wrong environment.
FOREIGN_ENV = ("VIRTUAL_ENV", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT", "PYTHONPATH", "NOX_CURRENT_SESSION")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without the variables of the venv it runs in, plus ``extra``."""
    return {**{key: value for key, value in os.environ.items() if key not in FOREIGN_ENV}, **extra}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                            env=clean_env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                                          GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid"))  # fmt: skip
    return result.stdout


def copy_repository(target: Path) -> Path:
    """Copy the working tree's files (tracked, and untracked but not ignored) to ``target``, as one commit."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode()  # fmt: skip
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is listed too
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "--quiet", "--initial-branch=main")
    git(target, "add", "--all")
    git(target, "commit", "--quiet", "--message", "copy of the working tree")
    return target
