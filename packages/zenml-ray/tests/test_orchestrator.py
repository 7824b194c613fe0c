"""The ray orchestrator without a cluster: options, settings and the errors that come before Ray starts."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from zenml.client import Client
from zenml.integrations.ray.connection import RayConnectionError, Target, connect
from zenml.integrations.ray.orchestrator import RayOrchestrator
from zenml.stack.component import InvalidOptionError

if TYPE_CHECKING:
    from pathlib import Path


def test_options_are_checked_when_registered() -> None:
    with pytest.raises(InvalidOptionError, match="max_retries must be a whole number"):
        RayOrchestrator("r", max_retries=-1)
    with pytest.raises(InvalidOptionError, match="runtime_env must be a table"):
        RayOrchestrator("r", runtime_env="working_dir")  # type: ignore[arg-type]
    assert RayOrchestrator("r", address="127.0.0.1:6379").describe()["address"] == "127.0.0.1:6379"
    assert RayOrchestrator("r").is_local
    assert not RayOrchestrator("r", address="head:6379").is_local


def test_step_settings_choose_resources_and_retries() -> None:
    orchestrator = RayOrchestrator("r", num_cpus=2, max_retries=1)
    plan = SimpleNamespace(id="train", config={"settings": {
        "resources": {"cpu_count": 4, "memory": "2GB"},
        "orchestrator.ray": {"num_gpus": 1, "max_retries": 3, "runtime_env": {"env_vars": {"A": "1"}}},
    }})  # fmt: skip
    options = orchestrator.task_options(plan)  # type: ignore[arg-type]
    expected = {"name": "zenml:train", "num_cpus": 4, "num_gpus": 1, "max_retries": 3, "retry_exceptions": False}
    assert options == {**expected, "memory": 2 * 10**9, "runtime_env": {"env_vars": {"A": "1"}}}
    default = orchestrator.task_options(SimpleNamespace(id="s", config={}))  # type: ignore[arg-type]
    assert (default["num_cpus"], default["max_retries"]) == (2, 1)
    with pytest.raises(InvalidOptionError, match=r"unknown Ray setting.*num_cpu"):
        orchestrator.task_options(SimpleNamespace(id="s", config={"settings": {"orchestrator.ray": {"num_cpu": 1}}}))  # type: ignore[arg-type]


def test_an_unreachable_address_fails_fast_naming_the_option() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        target = Target(f"127.0.0.1:{port}", runtime_env=None, auth_token_file=None, auth_token_env=None,
                        local_num_cpus=None, connect_timeout=2, name="r")  # fmt: skip
        with pytest.raises(RayConnectionError, match=f"no Ray head answers at address '127.0.0.1:{port}'"):
            connect(target)


def test_a_missing_token_file_names_the_option(tmp_path: Path) -> None:
    from zenml.stack.config import StackConfigError

    target = Target("127.0.0.1:1", runtime_env=None, auth_token_file=str(tmp_path / "none"), auth_token_env=None,
                    local_num_cpus=None, connect_timeout=2, name="r")  # fmt: skip
    with pytest.raises(StackConfigError, match="cannot read auth_token_file"):
        connect(target)
    target.auth_token_file, target.auth_token_env = None, "ZR_NO_SUCH_VARIABLE"
    with pytest.raises(StackConfigError, match=r"auth_token_env names \$ZR_NO_SUCH_VARIABLE, which is not set"):
        connect(target)


def test_a_missing_ray_installation_is_a_clear_error(zen_home: Path) -> None:
    script = (
        "import sys; sys.modules['ray'] = None\n"
        "from zenml.integrations.ray.orchestrator import RayOrchestrator\n"
        "from zenml.integrations.ray.connection import connect\n"
        "connect(RayOrchestrator('r').target)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert "RayNotInstalledError: orchestrator 'r' (flavor ray) needs Ray, which is not installed here" in done.stderr
    assert "zenml integration install ray" in done.stderr


def test_a_step_defined_in_a_function_is_refused_before_anything_runs(ray_stack: None) -> None:
    from zenml import pipeline, step
    from zenml.orchestrators.payload import NotImportableError

    @step
    def inner() -> int:
        return 1

    @pipeline
    def nested() -> None:
        inner()

    with pytest.raises(NotImportableError, match="move 'inner' to the top level of a module"):
        nested()
    assert Client().list_runs() == []  # refused before the run was recorded


def test_a_step_defined_in_the_script_is_refused_before_ray_starts(ray_stack: None, tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(
        "import sys\n"
        "from zenml import pipeline, step\n\n"
        "@step\ndef here() -> int:\n    return 1\n\n"
        "@pipeline\ndef in_script() -> None:\n    here()\n\n"
        "try:\n    in_script()\nfinally:\n"
        "    print('ray imported' if 'ray' in sys.modules else 'ray not imported')\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "NotImportableError: step 'here' is defined in the script being run (__main__)" in done.stderr
    assert "move 'here' into a module of your project" in done.stderr
    assert done.stdout.strip() == "ray not imported"
