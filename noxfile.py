"""Every check of the monorepo, as nox sessions.

``python3 dev.py test`` runs the sessions tagged ``ci`` (``nox -t ci``); ``nox -l``
lists them all. Test sessions install the packages editable from this tree;
``wheels`` and ``install-combos`` work from built wheels only.

Sessions whose interpreter is missing are skipped on a developer's machine and
fail in CI (``CI`` set), as nox does by default.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = bool(os.environ.get("CI"))
nox.options.reuse_existing_virtualenvs = False
if hasattr(nox.options, "download_python"):
    nox.options.download_python = "never"
nox.options.sessions = ["lint", "typecheck", "tests-core", "tests-gcp", "tests-tensorflow", "tests-cross"]

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


def _usable_python(preferred: str) -> str:
    """``preferred``, or on a developer's machine without it the first supported Python that runs.

    In CI (``CI`` set) the preferred version is required, so a missing one fails the session.
    """
    if os.environ.get("CI"):
        return preferred
    for version in [preferred, *PYTHONS]:
        executable = shutil.which(f"python{version}")
        if executable and subprocess.run([executable, "-c", "pass"], capture_output=True, check=False).returncode == 0:
            return version
    return preferred


# One-Python sessions; every TensorFlow venv uses it, so their wheels are shared in the uv cache.
MAIN_PYTHON = _usable_python("3.12")

CORE = "packages/zenml-core"
GCP = "packages/zenml-gcp"
TENSORFLOW = "packages/zenml-tensorflow"
PACKAGES = {"zenml-core": CORE, "zenml-gcp": GCP, "zenml-tensorflow": TENSORFLOW}
SOURCES = [f"{path}/src" for path in PACKAGES.values()]
TOOLING = ["noxfile.py", "dev.py", "benchmarks/run.py", "benchmarks/bench_commands.py", "tests/packaging",
           "tests/install_combos", "tests/tooling"]  # fmt: skip

# Linters are pinned to a minor series (the one in uv.lock): a new release may add rules or change types.
RUFF = "ruff>=0.17,<0.18"
MYPY = "mypy>=2.4,<2.5"
TEST_DEPS = ["pytest>=8", "pytest-cov>=5"]
NUMPY = "numpy>=1.24"
EMULATOR = "gcp-storage-emulator>=2024.8"


def _editable(*paths: str) -> list[str]:
    """``-e path`` arguments for the given package directories."""
    args: list[str] = []
    for path in paths:
        args += ["-e", path]
    return args


def _pytest(session: nox.Session, *paths: str, env: dict[str, str] | None = None) -> None:
    """Run pytest on ``paths`` (exit code 5, no tests collected, fails the session)."""
    session.run("python", "-m", "pytest", *paths, *session.posargs, env={"PYTHONDONTWRITEBYTECODE": "1", **(env or {})})


@nox.session(python=MAIN_PYTHON, tags=["ci", "static"])
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and the GitHub workflows against their JSON schema."""
    session.install(RUFF, "check-jsonschema>=0.29")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    workflows = sorted(str(path) for path in (ROOT / ".github" / "workflows").glob("*.yml"))
    if not workflows:
        session.error("no workflow files found in .github/workflows")
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)


# The dev .venv's Python (uv sync): the same numpy (and so the same stubs) as there; numpy 2.5 needs 3.12.
TYPECHECK_PYTHON = _usable_python("3.11")


@nox.session(python=TYPECHECK_PYTHON, tags=["ci", "static"])
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the sources of every package (they are one ``zenml`` namespace) and the tooling."""
    session.install(MYPY, NUMPY, "nox>=2024.10.9", "pytest>=8", "packaging>=23.2", *_editable(CORE, GCP, TENSORFLOW))
    session.run("mypy", *SOURCES)
    session.run("mypy", *TOOLING)


def _build_all(session: nox.Session) -> None:
    """Build every package's sdist and wheel into a clean ``dist/``."""
    shutil.rmtree(DIST, ignore_errors=True)
    DIST.mkdir()
    uv = shutil.which("uv")
    for name, path in PACKAGES.items():
        if uv:
            session.run(uv, "build", "--package", name, "--out-dir", str(DIST), "--quiet", external=True)
        else:
            session.run("python", "-m", "build", "--outdir", str(DIST), path)


@nox.session(python=MAIN_PYTHON, tags=["ci", "packaging"])
def wheels(session: nox.Session) -> None:
    """Build every sdist and wheel, then prove their layout and metadata (tests/packaging)."""
    session.install(*TEST_DEPS, "packaging>=23.2", "hatch>=1.13")
    if not shutil.which("uv"):
        session.install("build>=1.2")
    _build_all(session)
    _pytest(session, "tests/packaging", env={"ZENML_DIST_DIR": str(DIST)})


@nox.session(name="tests-core", python=PYTHONS, tags=["ci", "tests"])
def tests_core(session: nox.Session) -> None:
    """zenml-core's own tests, with core alone (plus numpy) installed."""
    session.install(*TEST_DEPS, NUMPY, *_editable(CORE))
    _pytest(session, f"{CORE}/tests", "-m", "not needs_integrations")


@nox.session(name="tests-gcp", python=PYTHONS, tags=["ci", "tests"])
def tests_gcp(session: nox.Session) -> None:
    """zenml-gcp's tests against a GCS emulator on 127.0.0.1."""
    session.install(*TEST_DEPS, NUMPY, EMULATOR, *_editable(CORE, GCP))
    _pytest(session, f"{GCP}/tests")


@nox.session(name="tests-tensorflow", python=PYTHONS, tags=["ci", "tests"])
def tests_tensorflow(session: nox.Session) -> None:
    """zenml-tensorflow's tests on tensorflow-cpu."""
    session.install(*TEST_DEPS, NUMPY, *_editable(CORE, f"{TENSORFLOW}[cpu]"))
    _pytest(session, f"{TENSORFLOW}/tests")


@nox.session(name="install-combos", python=MAIN_PYTHON, tags=["ci", "packaging"])
def install_combos(session: nox.Session) -> None:
    """Install the built wheels into fresh venvs (core, core+gcp, core+tensorflow, all) and smoke-test each."""
    if not shutil.which("uv"):
        session.error("install-combos needs uv on PATH (python3 dev.py provides it)")
    _build_all(session)  # always fresh: wheels left in dist/ by an earlier run may not match the tree
    session.run(
        "python",
        str(ROOT / "tests" / "install_combos" / "run_combos.py"),
        "--dist",
        str(DIST),
    )  # for a subset: python tests/install_combos/run_combos.py --dist dist --only core,gcp


@nox.session(name="tests-cross", python=MAIN_PYTHON, tags=["ci", "tests"])
def tests_cross(session: nox.Session) -> None:
    """Cross-package tests (laziness, end to end) with every integration installed."""
    session.install(*TEST_DEPS, NUMPY, EMULATOR, *_editable(CORE, GCP, f"{TENSORFLOW}[cpu]"))
    _pytest(session, "tests", "--ignore=tests/packaging", "--ignore=tests/install_combos")
    # Tests inside a package marked `needs_integrations` (deselected in tests-core) run here, with everything installed.
    _pytest(session, *(f"{path}/tests" for path in PACKAGES.values()), "-m", "needs_integrations")


@nox.session(python=MAIN_PYTHON)
def demo(session: nox.Session) -> None:
    """Run the quickstart pipeline twice on the default local stack (the second run hits the cache)."""
    session.install(NUMPY, *_editable(CORE, f"{TENSORFLOW}[cpu]"))
    home = ROOT / ".nox" / "demo-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "ZENML_CONFIG_DIR": str(home / "zenml"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    script = ROOT / "examples" / "quickstart.py"
    for attempt in ("first run", "second run: cached steps are reused"):
        session.log(f"quickstart, {attempt}")
        session.run("python", str(script), env=env)
    session.log(f"artifacts and run history are under {home}")


@nox.session(python=MAIN_PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks, as ratios to a baseline measured in the same run; writes benchmarks/results/BENCHMARKS.md."""
    session.install(NUMPY, EMULATOR, *_editable(CORE, GCP, f"{TENSORFLOW}[cpu]"))
    session.run("python", str(ROOT / "benchmarks" / "run.py"), *session.posargs, env={"TF_CPP_MIN_LOG_LEVEL": "2"})
