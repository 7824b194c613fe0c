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

from zenml.integrations.ray.connection import SLOW_START_ENV

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

GUARD = Path(__file__).resolve().parent / "guard"
STEPS = Path(__file__).resolve().parent / "steps"  # zr_steps: imported by reference in Ray's workers
# What Ray's agents, monitors and workers import first (into the session's bytecode cache; errors do not matter).
WARM_UP = """
import ray, ray.dashboard.agent, ray.dashboard.utils, ray.dashboard.modules, ray._private.log_monitor
import ray._private.runtime_env.agent.main, ray.autoscaler._private.monitor, ray._private.workers.default_worker
import zenml.orchestrators.payload, zenml.orchestrators.entrypoint, zenml.integrations.ray.task
from ray.dashboard.utils import DashboardAgentModule, DashboardHeadModule, get_all_modules
get_all_modules(DashboardAgentModule)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="package", autouse=True)
def loopback_only() -> Iterator[Path]:
    """The environment of these tests (inherited by Ray's processes) and their network log, checked at the end.

    Package-scoped (``tests/__init__.py`` makes this directory a package): when tests-cross runs every package's
    tests in one session, the tests after these ones get the environment back.
    """
    base = Path(tempfile.mkdtemp(prefix="zr-"))  # short: Ray's socket paths live under its temp dir
    home = base / "home"
    home.mkdir()
    (home / "ray_bootstrap_config.yaml").write_text("{}\n")  # no cloud metadata probe by `ray start` heads either
    log = base / "network.log"
    saved = dict(os.environ)
    # Ray starts many Python processes, each importing much of Ray: with PYTHONDONTWRITEBYTECODE (set by nox)
    # and no bytecode in the venv (uv installs none), each would compile it again, enough on a busy 2-core
    # machine to miss the raylet's fixed 15 s wait for its agents. The session's processes share a bytecode
    # cache outside the source tree instead, filled by `warm_bytecode` before the first Ray starts.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.update(
        {
            "PYTHONPYCACHEPREFIX": str(base / "pycache"),
            "HOME": str(home),
            "ZENML_RAY_TEST_NETWORK_LOG": str(log),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(GUARD), str(STEPS), os.environ.get("PYTHONPATH", "")])),
            "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_USAGE_STATS_REPORT_URL": "http://127.0.0.1:9/",  # `ray start` heads report "disabled" there
            "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
            **SLOW_START_ENV,  # what zenml sets for its local Ray, for the heads started here too
        }
    )
    sys.path.insert(0, str(STEPS))
    guard = _load_guard()  # this process too (the guard was not on the path when it started)
    yield base
    from zenml.integrations.ray.connection import disconnect

    disconnect()
    guard.unguard()
    sys.path.remove(str(STEPS))
    os.environ.clear()
    os.environ.update(saved)
    logged = log.read_text() if log.exists() else ""
    shutil.rmtree(base, ignore_errors=True)
    assert logged == "", f"network access outside loopback during the Ray tests:\n{logged}"


def _load_guard() -> ModuleType:
    import importlib.util

    spec = importlib.util.spec_from_file_location("zenml_ray_test_guard", GUARD / "sitecustomize.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="package")
def warm_bytecode(loopback_only: Path) -> None:
    """The session's bytecode cache holds what Ray's processes import first (before any Ray of the tests starts)."""
    subprocess.run([sys.executable, "-c", WARM_UP], check=False, capture_output=True, timeout=600)


class RayHead:
    """A Ray head started with ``ray start --head --block`` on 127.0.0.1 (one CPU), in its own process group.

    A start that does not come up within ``READY_SECONDS`` (Ray gives up on slow agents) is stopped and tried
    again, up to ``ATTEMPTS`` times; :meth:`add_node` joins a second node, so that the cluster has two.
    """

    ATTEMPTS = 3
    READY_SECONDS = 180.0

    def __init__(self, base: Path, *, token: str | None) -> None:
        self.base = base
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.token_file: Path | None = None
        # Ray refuses to join a second node when it thinks it runs on a one-machine platform (the variable the
        # session sets to "0" for zenml's local Ray); these nodes name 127.0.0.1 explicitly instead.
        self.env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "1"}
        if token is None:
            self.env["RAY_AUTH_MODE"] = "disabled"
        else:
            self.token_file = Path(tempfile.mkdtemp(prefix="zt-", dir=base)) / "auth_token"
            self.token_file.write_text(token)
            self.env.update({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(self.token_file)})
        self.processes: list[subprocess.Popen[bytes]] = []
        self._start(["--head", "--port", str(self.port), "--include-dashboard", "false"])

    def add_node(self) -> None:
        """Join a second node (one CPU) to this head."""
        self._start(["--address", self.address])

    def _start(self, role: list[str]) -> None:
        ray = Path(sys.executable).with_name("ray")
        for attempt in range(1, self.ATTEMPTS + 1):
            where = Path(tempfile.mkdtemp(prefix="zh-", dir=self.base))  # short: Ray's socket paths live here
            log = where / "node.log"
            with open(log, "w") as out:
                process = subprocess.Popen(
                    [str(ray), "start", *role, "--block", "--node-ip-address", "127.0.0.1", "--num-cpus", "1",
                     "--disable-usage-stats", "--temp-dir", str(where / "t"), "--min-worker-port", "0",
                     "--max-worker-port", "0", "--dashboard-agent-listen-port", str(_free_port())],
                    stdout=out, stderr=subprocess.STDOUT, env=self.env, start_new_session=True,
                )  # fmt: skip
            deadline = time.monotonic() + self.READY_SECONDS
            try:
                while time.monotonic() < deadline and process.poll() is None:
                    if "Ray runtime started" in log.read_text(errors="replace"):
                        self.processes.append(process)
                        return
                    time.sleep(0.5)
            finally:
                if process not in self.processes:
                    _stop_group(process)  # not up in time, or the wait was interrupted
            if attempt == self.ATTEMPTS:
                raise RuntimeError(f"ray start {' '.join(role)} did not come up {attempt} times; last output:\n"
                                   f"{log.read_text(errors='replace')[-3000:]}")  # fmt: skip

    def stop(self) -> None:
        for process in reversed(self.processes):
            _stop_group(process)
        self.processes.clear()


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a ``ray start --block`` process and the Ray processes it started (its process group)."""
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # Ray's processes left in the group
    process.wait(timeout=15)


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
    """The active stack: the default stores and a ``ray`` orchestrator with no options (zenml starts a local Ray,
    once per session), made with the CLI."""
    from click.testing import CliRunner

    from zenml.cli.group import cli

    runner = CliRunner()
    for args in (
        ["orchestrator", "register", "r", "--flavor", "ray"],
        ["stack", "register", "ray", "-a", "default", "-m", "default", "-o", "r", "--set"],
    ):
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
