"""Owner identity of a process, and when a recorded owner is provably gone."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from zenml.utils.processes import host_name, owner_state, process_start, remove_files_of_gone_owners, this_process

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="owners are judged from /proc")

OWNER = "from zenml.utils.processes import this_process; o = this_process(); print(o.host, o.pid, o.token, flush=True)"


def _owner_of(process: subprocess.Popen[str]) -> tuple[str, int, str]:
    assert process.stdout is not None
    host, pid, token = process.stdout.readline().split()
    return host, int(pid), token


def test_this_process_has_a_stable_token_of_machine_boot_and_start() -> None:
    me = this_process()
    assert me == this_process()
    assert me.host == host_name()
    machine, boot, start = me.token.split(".")
    assert len(machine) == len(boot) == 8
    assert start == process_start(me.pid) != "0"
    assert me.tag == f"{me.pid}.{me.token}"
    assert owner_state(me.host, me.pid, me.token)[0] == "alive"


def test_a_living_process_is_alive_and_an_exited_one_is_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", OWNER + "; import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    owner = _owner_of(child)
    assert owner_state(*owner) == ("alive", f"process {owner[1]} on host {owner[0]!r}")
    assert child.stdin is not None
    child.stdin.close()
    child.wait()
    state, reason = owner_state(*owner)
    assert state == "gone"
    assert f"process {owner[1]} on host {owner[0]!r} no longer exists" in reason


def test_a_killed_but_unreaped_process_is_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", OWNER + "; import time; time.sleep(60)"], stdout=subprocess.PIPE,
                             text=True)  # fmt: skip
    owner = _owner_of(child)
    child.kill()
    deadline = time.monotonic() + 10
    while owner_state(*owner)[0] != "gone" and time.monotonic() < deadline:  # until the kernel made it a zombie
        time.sleep(0.01)
    assert owner_state(*owner)[0] == "gone"
    child.wait()


def test_a_reused_pid_is_gone() -> None:
    """Same pid, another start time: the pid now belongs to another process."""
    me = this_process()
    machine, boot, start = me.token.split(".")
    state, reason = owner_state(me.host, me.pid, f"{machine}.{boot}.{int(start) - 100}")
    assert state == "gone"
    assert "its pid now belongs to another process" in reason


def test_a_reboot_ends_every_owner_of_the_earlier_boot() -> None:
    me = this_process()
    machine, _, start = me.token.split(".")
    state, reason = owner_state(me.host, me.pid, f"{machine}.deadbeef.{start}")
    assert state == "gone"
    assert "restarted" in reason


def test_owners_elsewhere_are_never_judged() -> None:
    me = this_process()
    _, boot, start = me.token.split(".")
    assert owner_state("another-host", 1, me.token)[0] == "unknown"  # another host name
    assert owner_state(me.host, 1, f"0badcafe.{boot}.{start}")[0] == "unknown"  # same name, other machine/container
    assert owner_state(me.host, None, None)[0] == "unknown"  # recorded before owners were
    assert owner_state(me.host, me.pid, "garbage")[0] == "unknown"


def test_files_of_gone_owners_are_removed(tmp_path: object) -> None:
    from pathlib import Path

    from zenml.testing import exited_owner

    directory = Path(str(tmp_path))
    dead = exited_owner().tag
    names = [f"{dead}-1-a", f"{dead}-2-b", f"{this_process().tag}-3-c", "x-4-d", "12.nodots-5-e"]
    for name in names:
        (directory / name).write_bytes(b"")
    assert sorted(remove_files_of_gone_owners(str(directory))) == [f"{dead}-1-a", f"{dead}-2-b"]
    assert sorted(p.name for p in directory.iterdir()) == sorted(names[2:])
    assert remove_files_of_gone_owners(str(directory / "missing")) is None
