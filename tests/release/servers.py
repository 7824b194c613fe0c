"""Servers for the release tests: a real package index on 127.0.0.1 (pypiserver), and PyPI without zenml.

The rehearsal's venvs take zenml packages from the local index only: the second index they may
use is ``pypi_without_zenml``, a small proxy of PyPI's simple index that answers 404 for every
``zenml*`` project, so a zenml distribution can never come from PyPI whatever PyPI holds. It
listens on a fixed port when it can, so that uv's cache (keyed by index URL) keeps TensorFlow's
wheels from one run to the next.
"""

from __future__ import annotations

import http.server
import secrets
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PYPI_SIMPLE = "https://pypi.org/simple"
PROXY_PORT = 38943  # fixed, for uv's cache; another free port when taken
_FORWARDED_REQUEST = ("Accept", "If-None-Match", "If-Modified-Since")
_FORWARDED_RESPONSE = ("Content-Type", "Cache-Control", "ETag", "Last-Modified", "Age")


@dataclass
class Index:
    """A running pypiserver: where to upload, where to read, and its credentials."""

    url: str
    username: str
    password: str
    packages: Path

    @property
    def simple(self) -> str:
        return f"{self.url}/simple/"

    def files(self, distribution: str) -> list[str]:
        """The files of ``distribution`` stored on the index."""
        prefix = distribution.replace("-", "_") + "-"
        return sorted(path.name for path in self.packages.iterdir() if path.name.startswith(prefix))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the package index exited at start-up (code {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"the package index did not answer at {url} within {timeout}s")


def start_index(root: Path) -> Iterator[Index]:
    """pypiserver on a free loopback port; uploads need the generated password; no fallback to PyPI."""
    from passlib.apache import HtpasswdFile

    packages = root / "packages"
    packages.mkdir(parents=True)
    username, password = "rehearsal", secrets.token_urlsafe(12)
    passwords = HtpasswdFile(str(root / "htpasswd"), new=True, default_scheme="sha256_crypt")
    passwords.set_password(username, password)
    passwords.save()
    port = free_port()
    server = shutil.which("pypi-server") or "pypi-server"
    command = [server, "run", "--host", "127.0.0.1", "--port", str(port), "--passwords", str(root / "htpasswd"),
               "--authenticate", "update", "--disable-fallback", "--backend", "simple-dir", str(packages)]  # fmt: skip
    log = (root / "index.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{url}/simple/", process)
        yield Index(url=url, username=username, password=password, packages=packages)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class _PyPIWithoutZenml(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        parts = [part for part in path.split("/") if part]
        if len(parts) != 2 or parts[0] != "simple" or parts[1].lower().replace("_", "-").startswith("zenml"):
            self.send_error(404, "not served here: zenml packages come from the local index only")
            return
        headers = {name: self.headers[name] for name in _FORWARDED_REQUEST if self.headers.get(name)}
        request = urllib.request.Request(f"{PYPI_SIMPLE}/{parts[1]}/", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, body, reply = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, reply = error.code, error.read(), error.headers
        except (urllib.error.URLError, OSError) as error:
            self.send_error(502, f"PyPI unreachable: {error}")
            return
        self.send_response(status)
        for name in _FORWARDED_RESPONSE:
            if reply.get(name):
                self.send_header(name, reply[name])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def start_pypi_without_zenml() -> Iterator[str]:
    """A simple index on 127.0.0.1 that serves PyPI's projects, except every ``zenml*`` one; yields its URL."""
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", PROXY_PORT), _PyPIWithoutZenml)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PyPIWithoutZenml)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command, echoing it (pytest shows the output of a failing test)."""
    print("$", " ".join(args), flush=True)
    started = time.monotonic()
    result = subprocess.run(args, capture_output=True, text=True, check=False, env=env, cwd=cwd)
    elapsed = time.monotonic() - started
    print(result.stdout[-3000:], result.stderr[-3000:], f"[exit {result.returncode} in {elapsed:.1f}s]", sep="\n")
    return result
