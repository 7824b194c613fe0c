"""Which process owns a run or a temporary file, and whether that owner is provably gone.

An owner is recorded as a host name, a pid and a *start token*
``<machine>.<boot>.<start>`` that tells one process instance from any other:

- ``machine``: a short hash of the host name, the machine id and the pid
  namespace (two containers sharing a host name are different machines);
- ``boot``: a short hash of the kernel's boot id (Linux), so that a reboot
  ends every process of the previous boot;
- ``start``: when the process started: on Linux field 22 of
  ``/proc/<pid>/stat`` (clock ticks since boot); on other POSIX systems a
  hash of ``ps -o lstart= -p <pid>``; ``0`` where neither is available.

A later process judges an owner only on the *same machine*: it is gone when
the machine has rebooted since, when no process has its pid (or only a
zombie), or when the process that has it started at another time (the pid
was reused). An owner on another machine is never judged: a heartbeat alone
cannot tell a dead process from a slow network, so such runs are ended by
hand (``zenml run mark-failed``). On Windows nothing is judged.
"""

from __future__ import annotations

import os
import sys
import zlib
from typing import NamedTuple

UNKNOWN = "0"
_LINUX = sys.platform.startswith("linux")


class Owner(NamedTuple):
    """This process as an owner: host name, pid and start token."""

    host: str
    pid: int
    token: str

    @property
    def tag(self) -> str:
        """``<pid>.<token>``: the owner in a file name (``[0-9a-f.]`` only)."""
        return f"{self.pid}.{self.token}"


def _short_hash(text: str) -> str:
    return f"{zlib.crc32(text.encode('utf-8', 'surrogateescape')):08x}"


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def host_name() -> str:
    """The name of this machine (``os.uname().nodename``)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket  # pragma: no cover - Windows

    return socket.gethostname()  # pragma: no cover


def _machine_and_boot() -> tuple[str, str]:
    machine_id = _read("/etc/machine-id") or _read("/var/lib/dbus/machine-id")
    try:
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        namespace = ""
    boot = _read("/proc/sys/kernel/random/boot_id")
    return _short_hash(f"{host_name()}\0{machine_id}\0{namespace}"), _short_hash(boot) if boot else UNKNOWN


_GONE = ""  # what :func:`process_start` answers for a pid that no (living) process has


def process_start(pid: int) -> str | None:
    """The start part of the token of process ``pid``: ``""`` if there is no such (living) process,
    ``None`` if this platform cannot tell."""
    if _LINUX:
        stat = _read(f"/proc/{pid}/stat")
        if not stat:
            return _GONE
        fields = stat[stat.rfind(")") + 2 :].split()  # the command name may contain spaces and parentheses
        if len(fields) < 20 or fields[0] in ("Z", "X", "x"):  # a zombie has finished running
            return _GONE
        return fields[19]
    if os.name != "posix":  # pragma: no cover - Windows: no safe way to probe a pid here
        return None
    try:  # pragma: no cover - macOS and the BSDs
        os.kill(pid, 0)
    except ProcessLookupError:  # pragma: no cover
        return _GONE
    except PermissionError:  # pragma: no cover - exists, owned by someone else
        pass
    import subprocess  # pragma: no cover

    try:  # pragma: no cover
        started = subprocess.run(
            ["ps", "-o", "lstart=", "-p", str(pid)], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):  # pragma: no cover
        return None
    return _short_hash(started) if started else _GONE  # pragma: no cover


_ME: Owner | None = None


def this_process() -> Owner:
    """This process as an owner (computed once per process; again after a fork)."""
    global _ME
    pid = os.getpid()
    if _ME is None or _ME.pid != pid:
        machine, boot = _machine_and_boot()
        start = process_start(pid) or UNKNOWN
        _ME = Owner(host_name(), pid, f"{machine}.{boot}.{start}")
    return _ME


def owner_state(host: str | None, pid: int | None, token: str | None) -> tuple[str, str]:
    """``("gone", why)``, ``("alive", what)`` or ``("unknown", why)`` for a recorded owner."""
    me = this_process()
    if host is None or pid is None or token is None:
        return "unknown", "no owner was recorded (the run was started by an older zenml)"
    if host != me.host:
        return "unknown", f"it runs on host {host!r}, not on this one"
    parts = token.split(".")
    mine = me.token.split(".")
    if len(parts) != 3 or parts[0] != mine[0]:
        return "unknown", f"it runs on another machine (or container) named {host!r}"
    if UNKNOWN not in (parts[1], mine[1]) and parts[1] != mine[1]:
        return "gone", f"host {host!r} has restarted since process {pid} started"
    if pid == me.pid and token == me.token:
        return "alive", f"this process ({pid})"
    start = process_start(pid)
    if start is None:
        return "unknown", "this platform cannot tell whether a process is alive"
    if start == _GONE:
        return "gone", f"process {pid} on host {host!r} no longer exists"
    if parts[2] != UNKNOWN and start != parts[2]:
        return "gone", f"process {pid} on host {host!r} no longer exists (its pid now belongs to another process)"
    return "alive", f"process {pid} on host {host!r}"


def tag_is_gone(tag: str) -> bool:
    """Whether the owner ``<pid>.<token>`` (as in a temporary file's name) is provably gone on this machine."""
    pid, _, token = tag.partition(".")
    if not pid.isdigit():
        return False
    return owner_state(this_process().host, int(pid), token)[0] == "gone"


def remove_files_of_gone_owners(directory: str, prefix: str = "") -> list[str] | None:
    """Delete the entries of ``directory`` named ``<prefix><pid>.<token>-...`` whose owner is gone; return them
    (``None`` if the directory does not exist). A cheap ``scandir``; each owner is judged once."""
    import contextlib

    removed: list[str] = []
    verdicts: dict[str, bool] = {}
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return None
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        tag = entry.name[len(prefix) :].split("-", 1)[0]
        if tag not in verdicts:
            verdicts[tag] = tag_is_gone(tag)
        if not verdicts[tag]:
            continue
        if entry.is_dir(follow_symlinks=False):
            import shutil

            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.remove(entry.path)
        removed.append(entry.name)
    return removed
