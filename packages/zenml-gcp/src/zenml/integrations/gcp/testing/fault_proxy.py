"""A small HTTP proxy on 127.0.0.1 that injects faults between a client and a server.

Stdlib only, one thread per connection. Each request is matched against the
rules in order; the first rule that matches and still has faults left
decides what happens to that request:

- ``"503"``: answer ``503 Service Unavailable`` without forwarding;
- ``"412"``: answer ``412 Precondition Failed`` without forwarding (as if a
  concurrent writer had won an ``ifGenerationMatch`` race; the emulator
  itself ignores preconditions);
- ``"drop"``: close the connection without answering (the client sees a reset);
- ``"slow"``: wait ``delay`` seconds, then forward normally.

A rule with ``times=None`` is persistent; otherwise it fires ``times`` times.
A rule with ``skip=N`` lets the first ``N`` matching requests through untouched.
Faults are injected *before* the request reaches the server, so a retried
request is the first one the server sees.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType

FAULT_KINDS = ("503", "412", "drop", "slow")
_STATUS_FAULTS = {"503": "service unavailable", "412": "precondition failed"}
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade"}


@dataclass
class FaultRule:
    """Inject ``kind`` into requests whose method is ``method`` (any if None) and whose path contains ``path``."""

    kind: str
    method: str | None = None
    path: str = ""
    times: int | None = 1
    delay: float = 0.5
    skip: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        if not ((self.method is None or self.method == method) and self.path in path):
            return False
        if self.skip > 0:
            self.skip -= 1
            return False
        return True


@dataclass
class _State:
    upstream_host: str
    upstream_port: int
    rules: list[FaultRule] = field(default_factory=list)
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, outcome)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default stderr access log."""

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length:
            return self.rfile.read(int(length))
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(parts)
        return b""

    def _pick_rule(self) -> FaultRule | None:
        state = self.server.state
        with state.lock:
            for rule in state.rules:
                if rule.matches(self.command, self.path):
                    rule.fired += 1
                    return rule
        return None

    def _handle(self) -> None:
        state = self.server.state
        body = self._body()
        rule = self._pick_rule()
        outcome = "forwarded"
        if rule is not None and rule.kind == "drop":
            with state.lock:
                state.log.append((self.command, self.path, "drop"))
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if rule is not None and rule.kind in _STATUS_FAULTS:
            status = int(rule.kind)
            message = f"injected fault: {_STATUS_FAULTS[rule.kind]}"
            payload = f'{{"error": {{"code": {status}, "message": "{message}"}}}}'.encode()
            with state.lock:
                state.log.append((self.command, self.path, rule.kind))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if rule is not None and rule.kind == "slow":
            outcome = "slow"
            time.sleep(rule.delay)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["Content-Length"] = str(len(body))
        upstream = http.client.HTTPConnection(state.upstream_host, state.upstream_port, timeout=120)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
            with state.lock:  # before answering: a client that reads the log next must see this request
                state.log.append((self.command, self.path, outcome))
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in _HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        finally:
            upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: _State) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up (after a dropped connection) are expected: no traceback on stderr."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FaultProxy:
    """A fault-injecting proxy in front of ``upstream`` (``http://127.0.0.1:PORT``).

    Point ``STORAGE_EMULATOR_HOST`` at :attr:`endpoint` instead of the emulator.
    """

    def __init__(self, upstream: str) -> None:
        hostport = upstream.split("://", 1)[-1].rstrip("/")
        host, _, port = hostport.rpartition(":")
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError(f"FaultProxy only forwards to loopback, not {upstream!r}")
        self._state = _State(upstream_host=host, upstream_port=int(port))
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        if self._server is None:
            raise RuntimeError("the proxy is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add(
        self,
        kind: str,
        *,
        method: str | None = None,
        path: str = "",
        times: int | None = 1,
        delay: float = 0.5,
        skip: int = 0,
    ) -> FaultRule:
        """Add a fault rule (see the module docstring) and return it."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {', '.join(FAULT_KINDS)}")
        rule = FaultRule(kind=kind, method=method, path=path, times=times, delay=delay, skip=skip)
        with self._state.lock:
            self._state.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule and forget the request log."""
        with self._state.lock:
            self._state.rules.clear()
            self._state.log.clear()

    @property
    def log(self) -> list[tuple[str, str, str]]:
        """``(method, path, outcome)`` of every request seen so far."""
        with self._state.lock:
            return list(self._state.log)

    def start(self) -> FaultProxy:
        self._server = _Server(self._state)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
