"""Serving the dashboard with uvicorn on a socket bound before the server starts.

Binding first means the real port is known (``port=0`` picks a free one) and the address
accepts connections as soon as the constructor returns: requests made before uvicorn's loop
runs wait in the listen queue instead of failing.
"""

from __future__ import annotations

import socket
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType

    from starlette.types import ASGIApp


class PortInUseError(OSError):
    """The address and port asked for are taken."""


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``PortInUseError`` if another process has it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if host == "localhost":
        host, family = "127.0.0.1", socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno in {98, 48, 10048}:  # EADDRINUSE on Linux, macOS, Windows
            raise PortInUseError(
                error.errno, f"port {port} on {host} is in use: stop what uses it, or pass --port 0 for a free one"
            ) from None
        raise
    return sock


class DashboardServer:
    """``app`` served by uvicorn on ``host:port``; run it in this thread or in a background one."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        self.socket = bind(host, port)
        self.host = host
        self.port: int = self.socket.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve(self) -> None:
        """Serve until interrupted (Ctrl+C) or :meth:`stop`."""
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.socket.close()

    def start(self) -> DashboardServer:
        """Serve in a daemon thread; the URL answers at once."""
        self._thread = threading.Thread(target=self.serve, name="zenml-dashboard", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop a server started with :meth:`start` and wait for its thread."""
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)

    def __enter__(self) -> DashboardServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
