"""Commands that integrations add: listed without importing them, and named with the package to install."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

# Runs the CLI in a fresh interpreter as if zenml-dashboard were not installed: its directory is taken off
# zenml.integrations' path before anything looks (a no-op where it is not installed anyway).
WITHOUT_DASHBOARD = textwrap.dedent(
    """
    import os, sys
    import zenml.integrations
    zenml.integrations.__path__[:] = [
        folder for folder in zenml.integrations.__path__ if not os.path.isdir(os.path.join(folder, "dashboard"))
    ]
    sys.argv[0] = "zenml"
    from zenml.cli.main import main
    main()
    """
)


def zenml_without_dashboard(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", WITHOUT_DASHBOARD, *args], capture_output=True, text=True, env=env,
                          check=False, stdin=subprocess.DEVNULL)  # fmt: skip


def test_a_missing_integrations_command_says_which_package_to_install() -> None:
    result = zenml_without_dashboard("dashboard", "--port", "0")
    assert result.returncode == 2
    assert (
        "`zenml dashboard` comes with the dashboard integration, which is not installed: "
        "pip install zenml-dashboard (or: zenml integration install dashboard)"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_only_the_commands_of_installed_integrations() -> None:
    listed = zenml_without_dashboard("--help")
    assert listed.returncode == 0
    assert "  run " in listed.stdout
    assert "dashboard" not in listed.stdout


def test_an_unknown_command_is_still_an_unknown_command() -> None:
    result = zenml_without_dashboard("dashbord")
    assert result.returncode == 2
    assert "unknown command 'dashbord'" in result.stderr
