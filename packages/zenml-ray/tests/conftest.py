"""Fixtures for zenml-ray tests: loopback only, one local Ray per session, Ray heads started from the CLI.

Every Python process of the session (this one, and every process Ray starts, through PYTHONPATH)
loads ``guard/sitecustomize.py``, which refuses connections and name lookups outside loopback and
logs them; the session fails if anything was logged. Ray runs with usage stats off, bound to
127.0.0.1, with ``HOME`` in a temporary directory (so ``~/.ray/auth_token`` is never the user's).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

GUARD = Path(__file__).resolve().parent / "guard"
STEPS = Path(__file__).resolve().parent / "steps"  # zr_steps: imported by reference in Ray's workers
# Slow starts of Ray's agent on a loaded 2-core machine must not abort Ray's own startup.
SLOW_MACHINE = {"RAY_agent_register_timeout_ms": "300000"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session", autouse=True)
def loopback_only() -> Iterator[Path]:
    """The session's environment (inherited by Ray's processes) and its network log, checked at the end."""
    base = Path(tempfile.mkdtemp(prefix="zr-"))  # short: Ray's socket paths live under its temp dir
    home = base / "home"
    home.mkdir()
    (home / "ray_bootstrap_config.yaml").write_text("{}\n")  # no cloud metadata probe by `ray start` heads either
    log = base / "network.log"
    saved = dict(os.environ)
    os.environ.update(
        {
            "HOME": str(home),
            "ZENML_RAY_TEST_NETWORK_LOG": str(log),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(GUARD), str(STEPS), os.environ.get("PYTHONPATH", "")])),
            "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_USAGE_STATS_REPORT_URL": "http://127.0.0.1:9/",  # `ray start` heads report "disabled" there
            "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
            **SLOW_MACHINE,
        }
    )
    sys.path[:0] = [str(GUARD), str(STEPS)]
    import importlib

    importlib.import_module("sitecustomize")  # this process too (it was not on the path at start-up)
    yield base
    from zenml.integrations.ray.connection import disconnect

    disconnect()
    os.environ.clear()
    os.environ.update(saved)
    logged = log.read_text() if log.exists() else ""
    shutil.rmtree(base, ignore_errors=True)
    assert logged == "", f"network access outside loopback during the Ray tests:\n{logged}"


class RayHead:
    """A Ray head started with ``ray start --head --block`` on 127.0.0.1, in its own process group."""

    def __init__(self, base: Path, *, token: str | None) -> None:
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.dir = Path(tempfile.mkdtemp(prefix="zh-", dir=base))
        self.token_file: Path | None = None
        env = dict(os.environ)
        if token is None:
            env["RAY_AUTH_MODE"] = "disabled"
        else:
            self.token_file = self.dir / "auth_token"
            self.token_file.write_text(token)
            env.update({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(self.token_file)})
        ray = Path(sys.executable).with_name("ray")
        self.log = self.dir / "head.log"
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                [str(ray), "start", "--head", "--block", "--node-ip-address", "127.0.0.1", "--port", str(self.port),
                 "--num-cpus", "2", "--include-dashboard", "false", "--disable-usage-stats",
                 "--temp-dir", str(self.dir / "t"), "--dashboard-agent-listen-port", str(_free_port()),
                 "--min-worker-port", "0", "--max-worker-port", "0"],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )  # fmt: skip

    def wait_ready(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "Ray runtime started" in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raylet = "".join(path.read_text(errors="replace") for path in self.dir.glob("t/session_*/logs/raylet.out"))
        if "Timed out waiting for file" in raylet and "agent" in raylet:
            # Ray's raylet waits a fixed 15 s for its agent processes; on an overloaded machine they start later.
            pytest.skip("ray start --head: Ray's agents did not start within Ray's fixed 15 s (machine overloaded)")
        raise RuntimeError(f"ray start --head did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        import signal

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # Ray's processes left in the group
        self.process.wait(timeout=15)


@pytest.fixture
def zen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private zenml config dir and a working directory outside any repository."""
    home = tmp_path / "zen-home"
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("ZENML_CONFIG_DIR", str(home))
    monkeypatch.chdir(work)
    return home


@pytest.fixture
def ray_stack(zen_home: Path) -> None:
    """The active stack: the default stores and a ``ray`` orchestrator (a local Ray with 2 CPUs), via the CLI."""
    from click.testing import CliRunner

    from zenml.cli.group import cli

    runner = CliRunner()
    for args in (
        ["orchestrator", "register", "r", "--flavor", "ray", "--option", "local_num_cpus=2"],
        ["stack", "register", "ray", "-a", "default", "-m", "default", "-o", "r", "--set"],
    ):
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
