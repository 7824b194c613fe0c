"""Connecting this process to Ray: a local Ray started by zenml, or an existing cluster, with token auth.

A local Ray (no ``address``) is one node on loopback: usage stats are off
(``RAY_USAGE_STATS_ENABLED=0``), Ray binds to 127.0.0.1 as it does on macOS and Windows
(``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``, set before ``ray`` is imported), and Ray's cloud
metadata probe is disabled: Ray's dashboard process asks the AWS, Azure and GCP metadata
addresses which cloud it runs on unless ``~/ray_bootstrap_config.yaml`` exists, even with
usage stats off, so zenml starts that one process with ``HOME`` pointing at a private
directory that holds such a file (everything else, workers included, keeps the real ``HOME``).
On a busy machine the local Ray gets up to ``START_SECONDS`` (not Ray's 15 s and 30 s) for its agent
processes and its node to come up; a start that fails stops the processes it started.

An existing cluster is checked with a plain TCP connection first, so an unreachable
``address`` is an error within ``connect_timeout`` seconds; Ray's own retries are bounded
by the same timeout, and a head that rejects our token (or our lack of one) is reported
naming the ``auth_token_file`` / ``auth_token_env`` options instead of Ray's generic
"Failed to connect".
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from zenml.stack.config import StackConfigError

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

LOCAL = "local Ray started by zenml"
LOOPBACK_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
# A busy machine starts Ray's agent processes slowly, and Ray's raylet registers its node only once they run:
# the raylet waits for them up to RAY_agent_register_timeout_ms (Ray's default, 15 s, is raised here unless
# set), and the local start waits for the node up to START_SECONDS (Ray's own wait is a fixed 30 s).
START_SECONDS = 120.0
SLOW_START_ENV = {"RAY_agent_register_timeout_ms": str(int(START_SECONDS * 1000))}
_CONNECT_BUDGET = "RAY_gcs_server_port_wait_time_s"  # seconds Ray retries reaching the GCS (Ray's spelling)
_AUTH_SIGNS = ("AuthenticationError", "InvalidAuthToken", "Unauthenticated")


class RayNotInstalledError(StackConfigError):
    """The stack uses the ray orchestrator, but Ray is not installed in this environment."""


class RayConnectionError(ConnectionError):
    """No Ray cluster answers at the orchestrator's ``address``, or Ray could not start."""


class RayAuthenticationError(RayConnectionError):
    """The Ray head requires a token that we did not send, or rejected the one we sent."""


class Target:
    """Where to connect and how: the options of a :class:`~zenml.integrations.ray.orchestrator.RayOrchestrator`."""

    def __init__(
        self,
        address: str | None,
        *,
        runtime_env: dict[str, Any] | None,
        auth_token_file: str | None,
        auth_token_env: str | None,
        local_num_cpus: int | None,
        connect_timeout: float,
        name: str,
    ) -> None:
        self.address = address
        self.runtime_env = runtime_env
        self.auth_token_file = auth_token_file
        self.auth_token_env = auth_token_env
        self.local_num_cpus = local_num_cpus
        self.connect_timeout = connect_timeout
        self.name = name

    @property
    def where(self) -> str:
        return f"the Ray cluster at {self.address}" if self.address else "the local Ray started by zenml"

    def key(self) -> tuple[Any, ...]:
        import json

        return (self.address, json.dumps(self.runtime_env, sort_keys=True), self.auth_token_file,
                self.auth_token_env, self.local_num_cpus)  # fmt: skip


_CONNECTED: dict[str, tuple[Any, ...]] = {}


def connect(target: Target) -> ModuleType:
    """This process connected to ``target`` (reusing an existing connection to the same target); the ``ray`` module.

    Raises :class:`RayNotInstalledError`, :class:`RayConnectionError` (unreachable, no Ray starts) or
    :class:`RayAuthenticationError`, each naming the option to fix.
    """
    auth = _auth_env(target)
    if not target.address:
        os.environ.update(LOOPBACK_ENV)
        for variable, default in SLOW_START_ENV.items():
            os.environ.setdefault(variable, default)
    try:
        import ray
    except ImportError as error:
        raise RayNotInstalledError(
            f"orchestrator {target.name!r} (flavor ray) needs Ray, which is not installed here ({error}): run "
            "`zenml integration install ray` (or `pip install zenml-ray`)"
        ) from None
    if ray.is_initialized():
        if _CONNECTED.get("key") == target.key():
            return ray
        ray.shutdown()  # another target than the one this process is connected to
        _CONNECTED.clear()
    if target.address:
        _check_reachable(target)
    previous: dict[str, str | None] = {name: os.environ.get(name) for name in auth}
    os.environ.update(auth)
    try:
        if target.address:
            _init_existing(ray, target)
        else:
            _init_local(ray, target)
    except BaseException:
        for name, value in previous.items():  # leave no half-applied auth settings behind
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        raise
    _CONNECTED["key"] = target.key()
    return ray


def _auth_env(target: Target) -> dict[str, str]:
    """The Ray environment variables that carry the token the options name (none without options)."""
    if target.auth_token_file and target.auth_token_env:
        raise StackConfigError(f"orchestrator {target.name!r}: set either auth_token_file or auth_token_env, not both")
    if target.auth_token_file:
        path = os.path.abspath(os.path.expanduser(target.auth_token_file))
        try:
            with open(path, encoding="utf-8") as handle:
                present = bool(handle.read().strip())
        except OSError as error:
            raise StackConfigError(
                f"orchestrator {target.name!r}: cannot read auth_token_file {path}: {error.strerror or error}. "
                "Point it at the Ray cluster's token file (`ray get-auth-token` prints the token)"
            ) from None
        if not present:
            raise StackConfigError(f"orchestrator {target.name!r}: auth_token_file {path} is empty")
        return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": path}
    if target.auth_token_env:
        token = os.environ.get(target.auth_token_env, "").strip()
        if not token:
            raise StackConfigError(
                f"orchestrator {target.name!r}: auth_token_env names ${target.auth_token_env}, which is not set "
                "(or empty) in this environment: export the Ray cluster's token there"
            )
        return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token}
    return {}


def _host_port(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of a ``host:port`` or ``ray://host[:port]`` address; None for ``auto`` and the like."""
    rest = address
    default = 6379
    if "://" in address:
        scheme, rest = address.split("://", 1)
        if scheme != "ray":
            return None
        default = 10001
    host, sep, port = rest.rstrip("/").rpartition(":")
    if not sep:
        return (rest, default) if rest and rest != "auto" else None
    try:
        return host.strip("[]"), int(port)
    except ValueError:
        return None


def _check_reachable(target: Target) -> None:
    import socket

    assert target.address
    found = _host_port(target.address)
    if found is None:
        return
    try:
        with socket.create_connection(found, timeout=target.connect_timeout):
            pass
    except OSError as error:
        raise RayConnectionError(
            f"orchestrator {target.name!r}: no Ray head answers at address {target.address!r} "
            f"({error.strerror or error}). Start one (`ray start --head --port {found[1]}`), or fix the "
            f"orchestrator's address (`--option address=HOST:PORT` when registering it), "
            "or leave address unset to let zenml start a local Ray"
        ) from None


def _init_existing(ray: ModuleType, target: Target) -> None:
    import logging

    budget = str(max(1, round(target.connect_timeout)))
    previous = os.environ.get(_CONNECT_BUDGET)
    os.environ[_CONNECT_BUDGET] = budget  # Ray's own connect retries: bounded, not ~20 s
    try:
        ray.init(address=target.address, runtime_env=target.runtime_env, namespace="zenml",
                 logging_level=logging.WARNING)  # fmt: skip
    except Exception as error:
        raise _connection_error(target, error) from None
    finally:
        if previous is None:
            os.environ.pop(_CONNECT_BUDGET, None)
        else:
            os.environ[_CONNECT_BUDGET] = previous


def _connection_error(target: Target, error: BaseException) -> RayConnectionError:
    chain: list[str] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 5:
        chain.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    text = "\n".join(chain)
    if any(sign in text for sign in _AUTH_SIGNS):
        if target.auth_token_file or target.auth_token_env:
            given = (f"auth_token_file={target.auth_token_file}" if target.auth_token_file
                     else f"auth_token_env={target.auth_token_env}")  # fmt: skip
            return RayAuthenticationError(
                f"orchestrator {target.name!r}: the Ray head at {target.address!r} rejected the token given by "
                f"{given}: set it to the token the head was started with (`ray get-auth-token` on the head)"
            )
        return RayAuthenticationError(
            f"orchestrator {target.name!r}: the Ray head at {target.address!r} requires token authentication and "
            "no token was given: set the orchestrator's auth_token_file (a file holding the token, e.g. the head's "
            "~/.ray/auth_token) or auth_token_env (the name of an environment variable holding it), e.g. "
            f"`zenml orchestrator register {target.name} --flavor ray --option address={target.address} "
            "--option auth_token_file=PATH`"
        )
    if "Version mismatch" in text or "version mismatch" in text:
        return RayConnectionError(
            f"orchestrator {target.name!r}: Ray or Python here differs from {target.where}'s: {chain[0]}. Install "
            "the cluster's Ray and Python versions here"
        )
    return RayConnectionError(f"orchestrator {target.name!r}: cannot connect to {target.where}: {chain[0]}")


def _init_local(ray: ModuleType, target: Target) -> None:
    import logging

    constants = getattr(getattr(ray, "_private", None), "ray_constants", None)
    if constants is not None and getattr(constants, "ENABLE_RAY_CLUSTER", False):
        constants.ENABLE_RAY_CLUSTER = False  # ray was imported before zenml set the loopback variable
    starting = _LocalStart(ray)
    try:
        with starting:
            ray.init(num_cpus=target.local_num_cpus, include_dashboard=False, runtime_env=target.runtime_env,
                     namespace="zenml", logging_level=logging.WARNING)  # fmt: skip
    except Exception as error:
        starting.stop_started()  # Ray leaves the processes of a failed start running
        raise RayConnectionError(
            f"orchestrator {target.name!r}: the local Ray did not start within {START_SECONDS:g} s: "
            f"{type(error).__name__}: {error}"
        ) from None


_PROBE_FREE_HOME: list[str] = []


def _probe_free_home() -> str:
    """A private directory with an empty ``ray_bootstrap_config.yaml`` (made once per process)."""
    if not _PROBE_FREE_HOME:
        import tempfile

        home = tempfile.mkdtemp(prefix="zenml-ray-home-")
        with open(os.path.join(home, "ray_bootstrap_config.yaml"), "w", encoding="utf-8") as handle:
            handle.write("# Written by zenml so that Ray's dashboard does not probe cloud metadata addresses.\n{}\n")
        _PROBE_FREE_HOME.append(home)
    return _PROBE_FREE_HOME[0]


class _LocalStart:
    """While Ray starts a local node: start its dashboard with ``HOME`` at :func:`_probe_free_home`, wait up to
    ``START_SECONDS`` for the node to register, and keep the processes started, to stop them if the start fails."""

    def __init__(self, ray: ModuleType) -> None:
        from ray._private import ray_constants, services

        self.services = services
        self.dashboard = ray_constants.PROCESS_TYPE_DASHBOARD
        self.original = services.start_ray_process
        self.original_get_node = services.get_node
        self.started: list[Any] = []

    def __enter__(self) -> None:
        import time

        original, dashboard, started = self.original, self.dashboard, self.started
        get_node: Callable[[str, str], Any] = self.original_get_node
        deadline = time.monotonic() + START_SECONDS

        def get_registered_node(gcs_address: str, node_id: str) -> Any:
            while True:  # Ray asks once more every 0.1 s but gives up after a fixed 30 s: ask until the deadline
                try:
                    return get_node(gcs_address, node_id)
                except RuntimeError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)

        def start_ray_process(command: Any, process_type: str, *args: Any, **kwargs: Any) -> Any:
            if process_type == dashboard:
                env = dict(kwargs.get("env_updates") or {})
                env["HOME"] = _probe_free_home()
                real_token = os.path.join(os.path.expanduser("~"), ".ray", "auth_token")
                unset = "RAY_AUTH_TOKEN" not in os.environ and "RAY_AUTH_TOKEN_PATH" not in os.environ
                if unset and os.path.exists(real_token):
                    env.setdefault("RAY_AUTH_TOKEN_PATH", real_token)  # Ray's default token, found without HOME
                kwargs["env_updates"] = env
            info = original(command, process_type, *args, **kwargs)
            started.append(info.process)
            return info

        self.services.start_ray_process = start_ray_process
        self.services.get_node = get_registered_node

    def __exit__(self, *exc: object) -> None:
        self.services.start_ray_process = self.original
        self.services.get_node = self.original_get_node

    def stop_started(self) -> None:
        """Kill the processes this start launched (each by its own handle) and reap them."""
        import contextlib

        for process in self.started:
            with contextlib.suppress(OSError):
                process.kill()
        for process in self.started:
            with contextlib.suppress(Exception):
                process.wait(timeout=10)
        self.started.clear()


def disconnect() -> None:
    """Shut down this process's connection (and a local Ray it started)."""
    import sys

    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        ray.shutdown()
    _CONNECTED.clear()
