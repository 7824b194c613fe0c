"""Loaded by every Python process of a Ray test session (PYTHONPATH): refuse and log non-loopback traffic.

Ray starts many Python processes (dashboard, agents, workers); an in-process monkeypatch in the
test runner would not see them. Each refused connection or name lookup is appended to the file
named by ZENML_RAY_TEST_NETWORK_LOG, which the session checks at its end.
"""

import os
import socket

_LOG = os.environ.get("ZENML_RAY_TEST_NETWORK_LOG")
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "", socket.gethostname()}


def _loopback(host: object) -> bool:
    text = str(host)
    return text in _LOCAL_NAMES or text.startswith("127.") or text in ("::1", "0.0.0.0")


def _inet(sock: socket.socket, address: object) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple)


def _refuse(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {what}\n")
    raise OSError(f"the zenml-ray tests forbid network access outside loopback: {what}")


if _LOG:
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def _guarded(self: socket.socket, address: object) -> object:
        if _inet(self, address) and not _loopback(address[0]):  # type: ignore[index]
            _refuse(f"connect {address!r}")
        return _connect(self, address)  # type: ignore[arg-type]

    def _guarded_ex(self: socket.socket, address: object) -> int:
        if _inet(self, address) and not _loopback(address[0]):  # type: ignore[index]
            _refuse(f"connect_ex {address!r}")
        return _connect_ex(self, address)  # type: ignore[arg-type]

    def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host is not None and not _loopback(host if not isinstance(host, bytes) else host.decode()):
            try:
                import ipaddress

                ipaddress.ip_address(host if not isinstance(host, bytes) else host.decode())
            except ValueError:
                _refuse(f"resolve {host!r}")
        return _getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.socket.connect = _guarded  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]


def unguard() -> None:
    """Give this process its sockets back (the test runner, once the Ray tests are done)."""
    if _LOG:
        socket.socket.connect = _connect  # type: ignore[method-assign]
        socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = _getaddrinfo
