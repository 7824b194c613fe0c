"""``zenml dashboard``: listed by ``zenml --help``, serves on the port it prints, stops on Ctrl+C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conftest import History
    from zenml.integrations.dashboard.server import DashboardServer

ZENML = [sys.executable, "-c", "import sys; sys.argv[0] = 'zenml'; from zenml.cli.main import main; main()"]


def _env(history: History) -> dict[str, str]:
    return {**os.environ, "ZENML_CONFIG_DIR": str(history.home / "config"), "COLUMNS": "100"}


def test_zenml_help_lists_the_dashboard_without_importing_it(history: History) -> None:
    probe = "import sys; print(sorted(m for m in sys.modules if 'dashboard' in m or m.startswith('starlette')))"
    code = (
        f"import sys; sys.argv[0] = 'zenml'; from zenml.cli.main import main\ntry:\n    main()\nfinally:\n    {probe}"
    )
    result = subprocess.run([sys.executable, "-c", code, "--help"], env=_env(history), capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "  dashboard       Serve a read-only web UI of runs, steps and artifacts.\n" in result.stdout
    assert result.stdout.rstrip().endswith("[]")  # listed from core's catalog: nothing of it imported


def test_it_serves_the_url_it_prints_until_interrupted(history: History, http: Any) -> None:
    process = subprocess.Popen([*ZENML, "dashboard", "--port", "0", "--no-open"], env=_env(history),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"stack 'default', read-only, at (http://127\.0\.0\.1:\d+/runs)$", line.strip())
        assert match, line
        answer = http(match.group(1) + "?pipeline=showcase")  # page 1 holds newer runs of other pipelines
        assert answer.status == 200
        assert history.completed.name in answer.body
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0, process.stderr.read() if process.stderr else ""


def test_with_a_token_the_printed_url_carries_it_and_requests_need_it(history: History, http: Any) -> None:
    token = "a-token-of-sufficient-length"
    env = {**_env(history), "ZENML_DASHBOARD_TOKEN": token}
    process = subprocess.Popen([*ZENML, "dashboard", "--port", "0", "--no-open"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().rpartition(" at ")[2]
        assert url.endswith(f"/runs?token={token}")
        assert http(url.partition("?")[0]).status == 401
        assert http(url).status == 303
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_usage_errors_and_a_taken_port_are_messages(history: History, dashboard: DashboardServer) -> None:
    short = subprocess.run([*ZENML, "dashboard", "--token", "short", "--no-open"], env=_env(history),
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert short.returncode == 2
    assert "at least 16 characters" in short.stderr
    taken = subprocess.run([*ZENML, "dashboard", "--port", str(dashboard.port), "--no-open"], env=_env(history),
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert taken.returncode == 1
    assert f"Error: port {dashboard.port} on 127.0.0.1 is in use" in taken.stderr
    assert "Traceback" not in taken.stderr
