"""Smoke test of one installed combination of zenml distributions.

Run by ``run_combos.py`` with the interpreter of a fresh venv that holds only
built wheels, from a temporary directory (no source tree on ``sys.path``):

    python smoke.py --expect gcp,tensorflow [--absent gcp=zenml-gcp]

Prints one ``ok:`` line per check and exits 1 at the first failure.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
from pathlib import Path


class SmokeError(Exception):
    """A check failed."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeError(message)
    print(f"ok: {message}")


def names(text: str) -> list[str]:
    return [name for name in text.split(",") if name]


def pairs(text: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in names(text))


def site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"]).resolve()


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("zenml")
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=env, check=False)


def check_imports(expected: list[str], absent: dict[str, str]) -> None:
    strays = [entry for entry in sys.path if (Path(entry or ".") / "zenml").is_dir() and sys.prefix not in entry]
    check(not strays, f"no zenml source tree on sys.path {strays}")
    before = set(sys.modules)
    import zenml

    location = Path(zenml.__file__).resolve()
    check(location.is_relative_to(site_packages()), f"zenml imported from the venv ({location})")
    heavy = sorted(name for name in set(sys.modules) - before if name.split(".")[0] in {"tensorflow", "keras"})
    check(not heavy and "google.cloud" not in sys.modules, "import zenml imports no heavy library")
    version = importlib.metadata.version("zenml-core")
    check(zenml.__version__ == version, f"zenml.__version__ == {version}")
    check((site_packages() / "zenml" / "integrations" / "__init__.py").is_file(), "zenml/integrations/__init__.py")

    points = {point.name: point for point in importlib.metadata.entry_points(group="zenml.integrations")}
    check(sorted(points) == sorted(expected), f"entry points {sorted(points)} == {sorted(expected)}")
    for name in expected:
        module = importlib.import_module(f"zenml.integrations.{name}")
        check(Path(str(module.__file__)).resolve().is_relative_to(site_packages()), f"zenml.integrations.{name}")
        integration = points[name].load()
        check(getattr(integration, "NAME", None) == name, f"entry point {name} loads {integration.__name__}")
        dist = points[name].dist
        dist_version = dist.version if dist else "?"
        check(getattr(module, "__version__", None) == dist_version, f"{name} version {dist_version}")
    for name, distribution in absent.items():
        check(importlib.util.find_spec(f"zenml.integrations.{name}") is None, f"zenml.integrations.{name} is gone")
        try:
            importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            print(f"ok: {distribution} is not installed")
        else:
            raise SmokeError(f"{distribution} is still installed")


def check_cli(expected: list[str], env: dict[str, str]) -> None:
    result = run_cli("--help", env=env)
    check(result.returncode == 0 and "integration" in result.stdout, "zenml --help lists the integration command")
    result = run_cli("--version", env=env)
    check(importlib.metadata.version("zenml-core") in result.stdout, f"zenml --version: {result.stdout.strip()}")
    if importlib.util.find_spec("zenml.cli.integration") is None:
        print("skip: zenml integration list (zenml.cli.integration not in this build)")
        return
    result = run_cli("integration", "list", "--json", env=env)
    check(result.returncode == 0, f"zenml integration list --json exits 0 ({result.stderr.strip()[-300:]})")
    installed = sorted(installed_integrations(json.loads(result.stdout)))
    check(installed == sorted(expected), f"integration list shows installed {installed}")
    result = run_cli("integration", "show", "no-such-integration", env=env)
    check(result.returncode == 2, "an unknown integration name exits 2")
    probe = subprocess.run([sys.executable, "-c", LIST_PROBE], capture_output=True, text=True, env=env, check=False)
    heavy = probe.stdout.strip().splitlines()[-1] if probe.stdout.strip() else f"no output: {probe.stderr[-300:]}"
    check(heavy == "heavy: []", f"zenml integration list imports no heavy library ({heavy})")


LIST_PROBE = """
import sys
try:
    from zenml.cli.main import main
    sys.argv = ["zenml", "integration", "list", "--json"]
    main()
except SystemExit:
    pass
heavy = ("tensorflow", "keras", "numpy")
print("heavy:", sorted(m for m in sys.modules if m.split(".")[0] in heavy or m.startswith("google.cloud")))
"""


def installed_integrations(payload: object) -> set[str]:
    """Names flagged installed in ``zenml integration list --json`` (a list of objects, or a name-keyed object)."""
    items: list[dict[str, object]] = []
    if isinstance(payload, dict):
        inner = payload.get("integrations", payload)
        if isinstance(inner, dict):
            items = [{"name": key, **value} for key, value in inner.items() if isinstance(value, dict)]
        elif isinstance(inner, list):
            items = [item for item in inner if isinstance(item, dict)]
    elif isinstance(payload, list):
        items = [item for item in payload if isinstance(item, dict)]
    if not items or not all("name" in item and "installed" in item for item in items):
        raise SmokeError(f"unexpected `zenml integration list --json` output: {payload!r:.300}")
    return {str(item["name"]) for item in items if item["installed"]}


PIPELINE = """
from zenml import pipeline, step


@step
def make() -> int:
    return 41


@step
def increment(value: int) -> int:
    return value + 1


@pipeline
def smoke_pipeline() -> None:
    increment(make())


if __name__ == "__main__":
    import sys

    smoke_pipeline()
    smoke_pipeline()
    print("pipeline ran twice")
    print("heavy:", sorted(name for name in sys.modules if name.split(".")[0] in ("tensorflow", "keras")))
"""


def check_pipeline(env: dict[str, str], workdir: Path) -> None:
    if importlib.util.find_spec("zenml.pipelines.decorator") is None:
        print("skip: tiny pipeline (no pipeline engine in this build)")
        return
    script = workdir / "smoke_pipeline.py"
    script.write_text(textwrap.dedent(PIPELINE), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=workdir, check=False
    )
    detail = (result.stdout + result.stderr).strip()[-800:]
    check(result.returncode == 0 and "pipeline ran twice" in result.stdout, f"a tiny pipeline runs twice\n{detail}")
    check("heavy: []" in result.stdout, f"the pipeline imports no TensorFlow or Keras\n{detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--expect", type=names, default=[], help="integrations that must be installed")
    parser.add_argument(
        "--absent", type=pairs, default={}, help="NAME=DISTRIBUTION of integrations that must not be installed"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zenml-smoke-") as tmp:
        workdir = Path(tmp)
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        env.update(HOME=tmp, XDG_CONFIG_HOME=f"{tmp}/.config", XDG_DATA_HOME=f"{tmp}/.local/share")
        env["TF_CPP_MIN_LOG_LEVEL"] = "2"
        try:
            check_imports(args.expect, args.absent)
            check_cli(args.expect, env)
            check_pipeline(env, workdir)
        except SmokeError as error:
            print(f"FAILED: {error}", file=sys.stderr)
            return 1
    print(f"smoke passed: {sys.prefix} with {args.expect or 'no integrations'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
