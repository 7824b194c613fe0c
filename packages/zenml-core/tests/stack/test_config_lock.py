"""The stack config lock gives up after its timeout instead of waiting forever."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

from zenml.stack.config import _FileLock

if TYPE_CHECKING:
    from pathlib import Path

CONTENDER = textwrap.dedent(
    """
    import sys
    from zenml.stack.config import StackConfigError, _FileLock

    try:
        with _FileLock(sys.argv[1], timeout=0.3):
            print("ACQUIRED")
    except StackConfigError as error:
        print("REFUSED", error)
    """
)


def contend(lock: Path) -> str:
    """Try the lock from another process; a lock that ignores its timeout makes this raise TimeoutExpired."""
    done = subprocess.run(
        [sys.executable, "-c", CONTENDER, str(lock)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_lock_held_elsewhere_times_out_with_a_clear_message(tmp_path: Path) -> None:
    lock = tmp_path / "cfg" / "config.toml.lock"
    with _FileLock(str(lock)):
        output = contend(lock)
    assert output.startswith("REFUSED timed out after 0.3s waiting for the lock on"), output
    assert str(lock) in output
    assert "another zenml command" in output


def test_lock_is_free_again_after_release(tmp_path: Path) -> None:
    lock = tmp_path / "config.toml.lock"
    with _FileLock(str(lock)):
        pass
    assert contend(lock).strip() == "ACQUIRED"
