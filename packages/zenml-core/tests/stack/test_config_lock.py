"""The stack config lock gives up after its timeout instead of waiting forever, and a killed holder frees it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

from zenml.stack.config import config_lock

if TYPE_CHECKING:
    from pathlib import Path

CONTENDER = textwrap.dedent(
    """
    import sys, time
    from zenml.stack.config import StackConfigError, config_lock

    started = time.monotonic()
    try:
        with config_lock(sys.argv[1], timeout=0.3):
            print("ACQUIRED")
    except StackConfigError as error:
        print(f"REFUSED after {time.monotonic() - started:.3f}:", error)
    """
)

HOLDER = textwrap.dedent(
    """
    import sys
    from zenml.stack.config import config_lock

    with config_lock(sys.argv[1]):
        print("HELD", flush=True)
        sys.stdin.read()  # until the test kills this process
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
    with config_lock(str(lock)):
        output = contend(lock)
    assert output.startswith("REFUSED after "), output
    waited = float(output.split()[2].rstrip(":"))
    assert waited >= 0.3  # it waited its whole timeout before giving up
    message = output.partition(": ")[2]
    assert message.startswith("timed out after 0.3s waiting for the lock on"), message
    assert str(lock) in message
    assert "another zenml command" in message


def test_lock_is_free_again_after_release(tmp_path: Path) -> None:
    lock = tmp_path / "config.toml.lock"
    with config_lock(str(lock)):
        pass
    assert contend(lock).strip() == "ACQUIRED"


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    lock = tmp_path / "config.toml.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "HELD"
        assert contend(lock).startswith("REFUSED")
    finally:
        holder.kill()
        holder.communicate(timeout=60)
    assert lock.exists()  # the file stays; the lock on it went with the process
    assert contend(lock).strip() == "ACQUIRED"
