#!/usr/bin/env python3
"""Developer entry point that needs only Python and pip.

    python3 dev.py demo          run the quickstart pipeline twice (nox -s demo)
    python3 dev.py test          run every check CI runs (the nox sessions tagged ci, in two lanes)
    python3 dev.py bench         run the benchmarks (nox -s bench)
    python3 dev.py nox ARGS...   run nox with any arguments, e.g. `nox -s lint typecheck`
    python3 dev.py uv ARGS...    run uv (from .dev-venv/) with any arguments, e.g. `uv sync --all-packages`

    python3 dev.py new-integration NAME [--requires "dist>=x"]...
                                 create packages/zenml-NAME, ready to test and release
    python3 dev.py sync [--check]
                                 regenerate core's catalog, extras and uv.lock from packages/*
    python3 dev.py release ...   bump a package (version + changelog), or check and publish a tag
    python3 dev.py ci-setup      run the packages' declared CI setup scripts (.ci/run does)

``test`` runs the sessions tagged ``ci`` as two ``nox`` processes at once (most
sessions keep one core busy; CI has two): the sessions of the packages in
``SECOND_LANE`` and ``tests-cross`` (so every Ray cluster starts in one lane) in
one, the rest (among them ``wheels`` and ``install-combos``, which share
``dist/``) in the other. It leaves out ``tests-NAME-PY`` where ``lowest(NAME)``
runs the same tests on the same Python with the lowest bounds (GitHub's matrix
runs both). The second lane's output is printed when it ends.

Arguments after the command go to nox (`python3 dev.py test -- -x` passes `-x`
to pytest), or to the tool (`python3 dev.py release --help`). The first run
creates ``.dev-venv/`` with nox, uv, towncrier (and tomli before Python 3.11)
in it; nox then makes one venv per session under ``.nox/``. With pyenv, every
installed Python 3.10 to 3.13 is made visible to nox. Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEV_VENV = ROOT / ".dev-venv"
TOOLS = ["nox>=2025.2.9,<2027", "uv>=0.5,<1", "towncrier>=24.7,<27", "tomli>=2.0; python_version < '3.11'"]
SUPPORTED = ("3.10", "3.11", "3.12", "3.13")
COMMANDS = {
    "demo": ["-s", "demo"],
    "test": ["-t", "ci"],
    "bench": ["-s", "bench"],
    "nox": [],
}
# `dev.py test`: the packages whose sessions share the second lane with tests-cross (Ray in one lane).
SECOND_LANE = ("ray", "sklearn", "tensorflow")
# Commands that run a script of tools/ with the dev venv's Python (which has tomli, towncrier, uv).
SCRIPTS = {
    "new-integration": "tools/scaffold.py",
    "sync": "tools/sync.py",
    "release": "tools/release.py",
    "ci-setup": "tools/ci_setup.py",
}


def bin_dir(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin")


def dev_python() -> Path:
    return bin_dir(DEV_VENV) / ("python.exe" if os.name == "nt" else "python")


def ensure_dev_venv() -> Path:
    """Create ``.dev-venv`` with nox and uv, unless it already has exactly these tools."""
    python = dev_python()
    stamp = DEV_VENV / "tools.txt"
    wanted = "\n".join(TOOLS) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return python
    if not python.exists():
        print(f"dev.py: creating {DEV_VENV.name}/ with {sys.executable}", flush=True)
        shutil.rmtree(DEV_VENV, ignore_errors=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(DEV_VENV)
    print(f"dev.py: installing {', '.join(TOOLS)} into {DEV_VENV.name}/", flush=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-qq", "--disable-pip-version-check", *TOOLS],
        check=True,
    )
    stamp.write_text(wanted, encoding="utf-8")
    return python


def pyenv_versions() -> str | None:
    """``PYENV_VERSION`` for nox: the current pyenv version(s), then the newest installed 3.10-3.13 of each minor."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return None
    try:
        listed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True, check=True).stdout
        current = subprocess.run([pyenv, "version-name"], capture_output=True, text=True, check=False).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return choose_versions(listed.split(), current.strip())


def choose_versions(installed: list[str], current: str) -> str | None:
    """``current`` (colon-separated) first, then the newest of ``installed`` for each supported minor."""
    newest: dict[str, tuple[int, str]] = {}
    for name in installed:
        match = re.fullmatch(r"(3\.\d+)\.(\d+)", name)
        if match and match.group(1) in SUPPORTED:
            patch = int(match.group(2))
            if patch > newest.get(match.group(1), (-1, ""))[0]:
                newest[match.group(1)] = (patch, name)
    chosen = [name for name in current.split(":") if name]
    chosen += [newest[minor][1] for minor in SUPPORTED if minor in newest and newest[minor][1] not in chosen]
    return ":".join(chosen) if chosen else None


def environment(*, quiet: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(bin_dir(DEV_VENV)), env.get("PATH", "")])
    env.pop("VIRTUAL_ENV", None)
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")  # use the interpreters that are installed
    env.setdefault("PYTHONUNBUFFERED", "1")
    versions = pyenv_versions()
    if versions:
        env["PYENV_VERSION"] = versions
        if not quiet:
            print(f"dev.py: PYENV_VERSION={versions}", flush=True)
    return env


def nox_command(python: Path, *args: str) -> list[str]:
    return [str(python), "-m", "nox", "-f", str(ROOT / "noxfile.py"), *args]


def lanes(sessions: list[dict[str, object]]) -> tuple[list[str], list[str]]:
    """Split ``nox -l --json`` sessions into two lanes (see the module docstring)."""
    lowest = {(str(s["session"])[len("lowest(") : -1], s["python"]) for s in sessions
              if str(s["session"]).startswith("lowest(")}  # fmt: skip
    first: list[str] = []
    second: list[str] = []
    for session in sessions:
        name = str(session["session"])
        tests = re.fullmatch(r"tests-(.+)-(\d+\.\d+)", name)
        if tests and (tests.group(1), tests.group(2)) in lowest:
            continue  # lowest(NAME) runs these tests on this Python
        package = tests.group(1) if tests else name[len("lowest(") : -1] if name.startswith("lowest(") else None
        (second if name == "tests-cross" or package in SECOND_LANE else first).append(name)
    return first, second


def run_ci(python: Path, rest: list[str]) -> int:
    """The sessions tagged ``ci`` in two lanes at once; non-zero when any session failed."""
    env = environment()
    listed = subprocess.run(nox_command(python, "-l", "--json", "-t", "ci"), cwd=ROOT, env=env, capture_output=True,
                            text=True, check=False)  # fmt: skip
    if listed.returncode != 0:
        print(f"dev.py: nox -l failed:\n{listed.stderr}", file=sys.stderr)
        return 1
    first, second = lanes(json.loads(listed.stdout))
    print(f"dev.py: lane 1: {' '.join(first)}\ndev.py: lane 2: {' '.join(second)}", flush=True)
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        other = subprocess.Popen(nox_command(python, "-s", *second, *rest), cwd=ROOT, env=env, stdout=log,
                                 stderr=subprocess.STDOUT)  # fmt: skip
        try:
            code = subprocess.run(nox_command(python, "-s", *first, *rest), cwd=ROOT, env=env, check=False).returncode
            print("dev.py: lane 1 done; waiting for lane 2, whose output follows", flush=True)
            other_code = other.wait()
        finally:
            if other.poll() is None:
                other.terminate()
                other.wait()
        log.seek(0)
        sys.stdout.write(log.read())
    print(f"dev.py: lane 1 {'passed' if code == 0 else 'failed'}, lane 2 {'passed' if other_code == 0 else 'failed'}")
    return code or other_code


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS and command not in SCRIPTS and command != "uv":
        choices = ", ".join([*COMMANDS, "uv", *SCRIPTS])
        print(f"dev.py: unknown command {command!r}; choose one of {choices}", file=sys.stderr)
        return 2
    if sys.version_info < (3, 9):  # noqa: UP036 - dev.py may be started by any python3
        print(f"dev.py: Python 3.9 or newer is needed to run nox; this is {sys.version.split()[0]}", file=sys.stderr)
        return 2
    try:
        python = ensure_dev_venv()
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"dev.py: could not set up {DEV_VENV.name}/: {error}", file=sys.stderr)
        return 1
    if command == "uv":  # uv for people who have only Python and pip: the one nox uses
        uv = bin_dir(DEV_VENV) / ("uv.exe" if os.name == "nt" else "uv")
        return subprocess.run([str(uv), *rest], env=environment(quiet=True), check=False).returncode
    if command in SCRIPTS:
        return subprocess.run([str(python), str(ROOT / SCRIPTS[command]), *rest], cwd=ROOT, env=environment(quiet=True),
                              check=False).returncode  # fmt: skip
    nox_args = [*COMMANDS[command], *rest]
    started = time.monotonic()
    if command == "test" and (not rest or rest[0] == "--"):
        returncode = run_ci(python, rest)
    else:
        returncode = subprocess.run(nox_command(python, *nox_args), cwd=ROOT, env=environment(), check=False).returncode
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    outcome = "passed" if returncode == 0 else f"failed (exit {returncode})"
    print(f"dev.py: nox {' '.join(nox_args)} {outcome} in {minutes}m{seconds:02d}s", flush=True)
    return returncode


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
