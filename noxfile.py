"""Every check of the monorepo, as nox sessions.

``python3 dev.py test`` runs the sessions tagged ``ci`` (in two lanes, see dev.py); ``nox -l``
lists them all. Test sessions install the packages editable from this tree;
``wheels`` and ``install-combos`` work from built wheels only.

Sessions whose interpreter is missing are skipped on a developer's machine and
fail in CI (``CI`` set), as nox does by default.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = bool(os.environ.get("CI"))
nox.options.reuse_existing_virtualenvs = False
if hasattr(nox.options, "download_python"):
    nox.options.download_python = "never"

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from tools.packages import PYTHONS, Package, by_name, discover  # noqa: E402 - after the path is set

DIST = ROOT / "dist"
# Every package under packages/ (tools/packages.py): nothing below names one, except the demo's TensorFlow.
PACKAGES = discover(ROOT)
BY_NAME = by_name(PACKAGES)
nox.options.sessions = ["lint", "typecheck", *(f"tests-{package.name}" for package in PACKAGES), "tests-cross"]


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


# One-Python sessions, and the one Python of tests marked `e2e`; every TensorFlow venv uses it,
# so their wheels are shared in the uv cache.
MAIN_PYTHON = _usable_python("3.12")
SOURCES = [f"{package.relpath}/src" for package in PACKAGES]
TOOLING = ["noxfile.py", "dev.py", "tools", "benchmarks/run.py", "benchmarks/bench_commands.py", "tests/packaging",
           "tests/install_combos", "tests/tooling", "tests/release"]  # fmt: skip

# Linters are pinned to a minor series (the one in uv.lock): a new release may add rules or change types.
RUFF = "ruff>=0.17,<0.18"
MYPY = "mypy>=2.4,<2.5"
YAML_STUBS = "types-PyYAML>=6.0"
TEST_DEPS = ["pytest>=8", "pytest-cov>=5"]
TOWNCRIER = "towncrier>=24.7,<27"
NUMPY = "numpy>=1.24"


def _test_group(package: Package) -> list[str]:
    """The package's PEP 735 ``test`` dependency group (empty when it declares none)."""
    pyproject = nox.project.load_toml(package.pyproject)
    if "test" not in pyproject.get("dependency-groups", {}):
        return []
    return list(nox.project.dependency_groups(pyproject, "test"))


def _editable(*packages: Package, extras: dict[str, str] | None = None) -> list[str]:
    """``-e path`` for each package and the sibling packages it depends on (from this tree, never an index)."""
    chosen: dict[str, Package] = {}

    def add(package: Package) -> None:
        for name in package.sibling_dependencies:
            sibling = next(candidate for candidate in PACKAGES if candidate.distribution == name)
            add(sibling)
        chosen.setdefault(package.distribution, package)

    for package in packages:
        add(package)
    args: list[str] = []
    for package in chosen.values():
        args += ["-e", package.relpath + (extras or {}).get(package.name, "")]
    return args


def _markers(session: nox.Session) -> str:
    """Package tests skip `needs_integrations` (tests-cross runs them), and `e2e` off the main Python."""
    return "not needs_integrations" if session.python == MAIN_PYTHON else "not needs_integrations and not e2e"


# What tests keep for people to look at (browser screenshots): test-output/<session>/, uploaded by CI.
TEST_OUTPUT = ROOT / "test-output"


def _pytest(session: nox.Session, *paths: str, env: dict[str, str] | None = None) -> None:
    """Run pytest on ``paths`` (exit code 5, no tests collected, fails the session).

    ``ZENML_TEST_OUTPUT`` names the session's folder under ``test-output/`` for files tests keep.
    """
    output = TEST_OUTPUT / re.sub(r"[^\w.-]+", "-", session.name).strip("-")
    base = {"PYTHONDONTWRITEBYTECODE": "1", "ZENML_TEST_OUTPUT": str(output)}
    session.run("python", "-m", "pytest", *paths, *session.posargs, env={**base, **(env or {})})


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
    tools = [MYPY, NUMPY, YAML_STUBS, "nox>=2024.10.9", "pytest>=8", "packaging>=23.2", "tomli>=2.0"]
    session.install(*tools, *_editable(*PACKAGES))
    env = {"MYPYPATH": os.pathsep.join(SOURCES)}  # one namespace over every package's src/
    session.run("mypy", *SOURCES, env=env)
    session.run("mypy", *TOOLING, env=env)


def _build_all(session: nox.Session) -> None:
    """Build every package's sdist and wheel into a clean ``dist/``."""
    shutil.rmtree(DIST, ignore_errors=True)
    DIST.mkdir()
    uv = shutil.which("uv")
    for package in PACKAGES:
        if uv:
            session.run(
                uv, "build", "--package", package.distribution, "--out-dir", str(DIST), "--quiet", external=True
            )
        else:
            session.run("python", "-m", "build", "--outdir", str(DIST), str(package.path))


@nox.session(python=MAIN_PYTHON, tags=["ci", "packaging"])
def wheels(session: nox.Session) -> None:
    """Build every sdist and wheel, then prove their layout and metadata (tests/packaging)."""
    session.install(*TEST_DEPS, "packaging>=23.2", "hatch>=1.13", "tomli>=2.0")
    if not shutil.which("uv"):
        session.install("build>=1.2")
    _build_all(session)
    _pytest(session, "tests/packaging", env={"ZENML_DIST_DIR": str(DIST)})


def _package_tests(package: Package) -> None:
    """Register ``tests-<name>`` on the package's Pythons: its tests with only it, its siblings and its test group."""

    def tests(session: nox.Session) -> None:
        session.install(*_test_group(package), *_editable(package))
        _pytest(session, f"{package.relpath}/tests", "-m", _markers(session))

    tests.__doc__ = f"{package.distribution}'s tests, with its `test` dependency group and only the packages it needs."
    nox.session(name=f"tests-{package.name}", python=list(package.test_pythons), tags=["ci", "tests"])(tests)


for _package in PACKAGES:
    _package_tests(_package)


@nox.session(tags=["ci", "lowest"])
@nox.parametrize(("python", "package"), [(package.test_pythons[0], package.name) for package in PACKAGES],
                 ids=[package.name for package in PACKAGES])  # fmt: skip
def lowest(session: nox.Session, package: str) -> None:
    """Each package's tests on its oldest Python with the lowest versions its direct requirements allow."""
    if session.venv_backend != "uv":
        session.error("lowest needs uv (`--resolution lowest-direct`); python3 dev.py provides it")
    chosen = BY_NAME[package]
    session.install("--resolution", "lowest-direct", *_test_group(chosen), *_editable(chosen))
    _pytest(session, f"{chosen.relpath}/tests", "-m", _markers(session))


@nox.session(name="install-combos", python=MAIN_PYTHON, tags=["ci", "packaging"])
def install_combos(session: nox.Session) -> None:
    """Install the built wheels into fresh venvs (core, core + each integration, all) and smoke-test each."""
    if not shutil.which("uv"):
        session.error("install-combos needs uv on PATH (python3 dev.py provides it)")
    _build_all(session)  # always fresh: wheels left in dist/ by an earlier run may not match the tree
    session.install("tomli>=2.0")  # run_combos discovers the packages
    session.run(
        "python", str(ROOT / "tests" / "install_combos" / "run_combos.py"), "--dist", str(DIST), *session.posargs
    )  # for a subset: python3 dev.py nox -s install-combos -- --only core,gcp


@nox.session(name="release-rehearsal", python=MAIN_PYTHON, tags=["ci", "release"])
def release_rehearsal(session: nox.Session) -> None:
    """Publish with tools/release.py to pypiserver on 127.0.0.1, install, release one package alone (tests/release)."""
    if not shutil.which("uv"):
        session.error("release-rehearsal needs uv on PATH (python3 dev.py provides it)")
    session.install(*TEST_DEPS, "pypiserver[passlib]>=2.3", "twine>=6.1", TOWNCRIER, "packaging>=23.2", "tomli>=2.0")
    _pytest(session, "tests/release")


def _every_test_group() -> list[str]:
    """The union of every package's ``test`` group (tensorflow-cpu, the GCS emulator, ...), in order."""
    return list(dict.fromkeys(requirement for package in PACKAGES for requirement in _test_group(package)))


@nox.session(name="tests-cross", python=MAIN_PYTHON, tags=["ci", "tests"])
def tests_cross(session: nox.Session) -> None:
    """Cross-package tests (laziness, end to end, tooling) with every package and every test group installed."""
    session.install(*_every_test_group(), *_editable(*PACKAGES), TOWNCRIER)  # towncrier: tests/tooling
    _pytest(session, "tests", "--ignore=tests/packaging", "--ignore=tests/install_combos", "--ignore=tests/release")
    # Tests inside a package marked `needs_integrations` (deselected in tests-NAME) run here, with everything installed.
    _pytest(session, *(f"{package.relpath}/tests" for package in PACKAGES), "-m", "needs_integrations")


TENSORFLOW_CPU = {"tensorflow": "[cpu]"}  # the quickstart trains a Keras model


@nox.session(python=MAIN_PYTHON)
def demo(session: nox.Session) -> None:
    """Run the quickstart pipeline twice on the default local stack (the second run hits the cache)."""
    session.install(NUMPY, *_editable(BY_NAME["tensorflow"], extras=TENSORFLOW_CPU))
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
    """Benchmarks, as ratios to a baseline measured in the same run; writes benchmarks/results/BENCHMARKS.md.

    Measured as users run: byte-code compiled at install (``UV_COMPILE_BYTECODE``) and
    ``PYTHONDONTWRITEBYTECODE`` unset, so that no import compiles from source while timed.
    """
    session.install(*_every_test_group(), *_editable(*PACKAGES), env={"UV_COMPILE_BYTECODE": "1"})
    session.run(
        "python", str(ROOT / "benchmarks" / "run.py"), *session.posargs,
        env={"TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONDONTWRITEBYTECODE": None},
    )  # fmt: skip
