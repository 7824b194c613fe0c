"""Owners of processes that have ended, for testing what zenml does with the runs and files of killed processes."""

from __future__ import annotations

import subprocess
import sys

from zenml.utils.processes import Owner


def exited_owner() -> Owner:
    """The owner (host, pid, start token) of a Python process that ran on this machine and has exited.

    Its runs and temporary files are those of a killed process: zenml judges the owner gone.
    """
    script = "from zenml.utils.processes import this_process as p; o = p(); print(o.host, o.pid, o.token)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    host, pid, token = done.stdout.split()
    return Owner(host, int(pid), token)
