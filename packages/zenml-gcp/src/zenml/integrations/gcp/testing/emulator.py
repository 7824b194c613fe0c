"""Run the ``gcp-storage-emulator`` package as a child process on a free loopback port.

It runs with GCS's ``ifGenerationMatch=0`` upload precondition added (see
:mod:`zenml.integrations.gcp.testing.emulator_server`), which the emulator alone ignores.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class GCSEmulator:
    """An in-memory GCS emulator on ``127.0.0.1:<port>``, in its own process.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    ``endpoint`` is the value for ``STORAGE_EMULATOR_HOST``.
    """

    def __init__(self, port: int | None = None, *, startup_timeout: float = 30.0) -> None:
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> GCSEmulator:
        """Start the emulator and wait until it answers its health check."""
        command = [
            sys.executable,
            "-m",
            "zenml.integrations.gcp.testing.emulator_server",
            "start",
            f"--host={HOST}",
            f"--port={self.port}",
            "--in-memory",
            "--quiet",
        ]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                stderr = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                raise RuntimeError(f"the GCS emulator exited at start-up (code {self._process.returncode}):\n{stderr}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/", timeout=1) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the GCS emulator did not answer on {self.endpoint} within {self.startup_timeout}s")

    def create_bucket(self, name: str) -> None:
        """Create a bucket through the JSON API (no client library needed)."""
        request = urllib.request.Request(
            f"{self.endpoint}/storage/v1/b?project=test",
            data=f'{{"name": "{name}"}}'.encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(f"could not create bucket {name!r}: HTTP {response.status}")

    def wipe(self) -> None:
        """Delete every bucket and object."""
        with urllib.request.urlopen(f"{self.endpoint}/wipe", timeout=10):
            pass

    def stop(self) -> None:
        """Stop the emulator process (and reap it)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()

    def __enter__(self) -> GCSEmulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
