"""Install the built wheels into fresh venvs, one per combination, and smoke-test each.

Used by ``nox -s install-combos``; standard library only, needs ``uv`` on PATH:

    python tests/install_combos/run_combos.py --dist dist [--python 3.12] [--only core,gcp]

Combinations (the packages are discovered under packages/): core alone; core
plus each integration through its extra (``zenml-core[gcp]``,
``zenml-core[tensorflow-cpu]``, ...: ``ci-extra`` in its ``[tool.zenml]``);
every integration at once, then ``pip uninstall`` of the first one in that
venv; ``zenml integration install gcp`` from the CLI, with core installed from
the index (the wheels stand in for it), from its wheel file (the sibling comes
from the same directory) and from this checkout as the README says
(``pip install ./packages/zenml-core``: the sibling comes from the checkout);
and a ``--dry-run`` resolve of ``zenml-core[gcp,tensorflow]`` that must pick
``tensorflow``, not ``tensorflow-cpu``. Every venv is created in a temporary
directory and every command runs from there, so no source tree is on ``sys.path``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SMOKE = Path(__file__).with_name("smoke.py")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script: make `tools` importable
from tools.packages import Package, discover  # noqa: E402

PACKAGES = discover()
INTEGRATIONS = [package for package in PACKAGES if not package.is_core]
DISTRIBUTIONS = tuple(package.distribution for package in PACKAGES)
# uv caches a find-links wheel by name and version: without a refresh it may install a stale build of ours.
REFRESH = [argument for name in DISTRIBUTIONS for argument in ("--refresh-package", name)]
IGNORED_ENV = {"PYTHONPATH", "VIRTUAL_ENV", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT"}  # nox sets the last three


class ComboError(Exception):
    """A combination failed to install or to pass its smoke test."""


@dataclass
class Context:
    dist: Path
    python: str
    workdir: Path
    constraints: Path
    uv: str

    def run(
        self, *args: str, capture: bool = False, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        print("$", " ".join(args), flush=True)
        env = {**{key: value for key, value in os.environ.items() if key not in IGNORED_ENV}, **(env or {})}
        result = subprocess.run(args, cwd=self.workdir, env=env, text=True, capture_output=capture, check=False)
        if result.returncode != 0:
            detail = f"\n{result.stdout}\n{result.stderr}" if capture else ""
            raise ComboError(f"command failed with exit code {result.returncode}: {' '.join(args)}{detail}")
        return result

    def venv(self, name: str) -> Path:
        path = self.workdir / name
        self.run(self.uv, "venv", "--quiet", "--seed", "--python", self.python, str(path))
        return path / "bin" / "python"

    def install(self, python: Path, *requirements: str) -> None:
        self.run(
            self.uv, "pip", "install", "--quiet", "--python", str(python), "--find-links", str(self.dist),
            "--constraint", str(self.constraints), *REFRESH, *requirements,
        )  # fmt: skip

    def verify_installed_from_dist(self, python: Path) -> None:
        """Every file of each of our wheels that is installed is byte-for-byte the one in ``dist`` (no stale cache)."""
        (site,) = python.parent.parent.glob("lib/python*/site-packages")
        checked = 0
        for wheel in sorted(self.dist.glob("*.whl")):
            with zipfile.ZipFile(wheel) as archive:
                files = [name for name in archive.namelist() if name.endswith(".py")]
                if not (site / files[0]).exists():
                    continue  # this distribution is not part of the combination
                for name in files:
                    if (site / name).read_bytes() != archive.read(name):
                        raise ComboError(f"{site / name} differs from {wheel.name}: a stale build was installed")
                checked += 1
        print(f"ok: installed files match the {checked} wheel(s) in {self.dist}")

    def smoke(self, python: Path, expect: Sequence[Package], absent: Sequence[Package] = ()) -> None:
        self.verify_installed_from_dist(python)
        script = self.workdir / "smoke.py"
        shutil.copyfile(SMOKE, script)
        self.run(str(python), "-I", str(script), f"--expect={','.join(package.name for package in expect)}",
                 f"--absent={','.join(f'{package.name}={package.distribution}' for package in absent)}")  # fmt: skip


def wheel_versions(dist: Path) -> dict[str, str]:
    """Distribution name -> version of the wheels in ``dist`` (exactly one per distribution)."""
    versions: dict[str, str] = {}
    for wheel in sorted(dist.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        versions[name.replace("_", "-").lower()] = version
    missing = [name for name in DISTRIBUTIONS if name not in versions]
    if missing:
        raise ComboError(f"no wheel for {', '.join(missing)} in {dist}: run `nox -s wheels` first")
    return versions


def install_target(package: Package) -> str:
    """What a user installs to get ``package``: ``zenml-core[its ci-extra]``, or the distribution itself."""
    return f"zenml-core[{package.ci_extra}]" if package.ci_extra else package.distribution


def core_alone(ctx: Context) -> None:
    python = ctx.venv("core")
    ctx.install(python, "zenml-core")
    ctx.smoke(python, expect=[])


def with_integration(package: Package) -> Callable[[Context], None]:
    """The combination core + ``package``, installed through its extra."""

    def combo(ctx: Context) -> None:
        python = ctx.venv(f"core-{package.name}")
        ctx.install(python, install_target(package))
        ctx.smoke(python, expect=[package])
        for check in EXTRA_CHECKS.get(package.name, []):
            check(ctx, python)

    return combo


def tensorflow_is_the_cpu_distribution(ctx: Context, python: Path) -> None:
    """zenml-core[tensorflow-cpu] brings tensorflow-cpu, not tensorflow, and adding zenml-tensorflow keeps it so."""
    listing = ctx.run(ctx.uv, "pip", "list", "--python", str(python), capture=True).stdout
    packages = {line.split()[0].lower() for line in listing.splitlines()[2:] if line.strip()}
    if "tensorflow" in packages or "tensorflow-cpu" not in packages:
        raise ComboError(f"zenml-core[tensorflow-cpu] must bring tensorflow-cpu and not tensorflow:\n{listing}")
    print("ok: tensorflow-cpu installed, tensorflow not")
    # A user who already has tensorflow-cpu adds zenml-tensorflow without a second TensorFlow.
    dry = ctx.run(
        ctx.uv, "pip", "install", "--dry-run", "--reinstall-package", "zenml-tensorflow", "--python", str(python),
        "--find-links", str(ctx.dist), "--constraint", str(ctx.constraints), *REFRESH, "zenml-tensorflow", capture=True,
    )  # fmt: skip
    if " + tensorflow==" in dry.stderr + dry.stdout:
        raise ComboError(f"installing zenml-tensorflow next to tensorflow-cpu would pull tensorflow:\n{dry.stderr}")
    print("ok: zenml-tensorflow next to tensorflow-cpu needs no other TensorFlow")


# Checks that only make sense for one integration, run after its combination.
EXTRA_CHECKS: dict[str, list[Callable[[Context, Path], None]]] = {"tensorflow": [tensorflow_is_the_cpu_distribution]}


def all_integrations(ctx: Context) -> None:
    python = ctx.venv("all")
    extras = [package.ci_extra for package in INTEGRATIONS if package.ci_extra]
    others = [package.distribution for package in INTEGRATIONS if not package.ci_extra]
    ctx.install(python, f"zenml-core[{','.join(extras)}]", *others)
    ctx.smoke(python, expect=INTEGRATIONS)
    if INTEGRATIONS:
        first, *rest = INTEGRATIONS
        ctx.run(str(python), "-m", "pip", "uninstall", "--yes", "--quiet", first.distribution)
        ctx.smoke(python, expect=rest, absent=[first])


def cli_install(ctx: Context) -> None:
    """`zenml integration install gcp` into a core installed from wheels, then `uninstall`."""
    python = ctx.venv("cli-install")
    ctx.install(python, "zenml-core")
    zenml = str(python.parent / "zenml")
    # The wheels stand in for the package index; uv is the installer the CLI finds on PATH.
    env = {
        "ZENML_INSTALLER": "uv",
        "UV_FIND_LINKS": str(ctx.dist),
        "UV_CONSTRAINT": str(ctx.constraints),
        "UV_NO_CACHE": "1",
    }
    gcp = next(package for package in INTEGRATIONS if package.name == "gcp")
    ctx.run(zenml, "integration", "install", "gcp", "--yes", env=env)
    ctx.smoke(python, expect=[gcp])
    ctx.run(zenml, "integration", "uninstall", "gcp", "--yes", env=env)
    ctx.smoke(python, expect=[], absent=[gcp])


def cli_install_beside_core_wheel(ctx: Context) -> None:
    """Core installed from its wheel file: `zenml integration install` takes siblings from the same directory."""
    python = ctx.venv("cli-wheel-file")
    (core_wheel,) = ctx.dist.glob("zenml_core-*.whl")
    ctx.run(ctx.uv, "pip", "install", "--quiet", "--python", str(python), *REFRESH, str(core_wheel))
    zenml = str(python.parent / "zenml")
    # No UV_FIND_LINKS: the CLI finds the wheel directory from core's install record.
    env = {"ZENML_INSTALLER": "uv", "UV_CONSTRAINT": str(ctx.constraints), "UV_NO_CACHE": "1"}
    gcp = next(package for package in INTEGRATIONS if package.name == "gcp")
    installed = ctx.run(zenml, "integration", "install", "gcp", "--yes", env=env, capture=True)
    expect_line(installed.stdout, f"Installing zenml-gcp from the wheel directory {ctx.dist}, then the package index")
    ctx.smoke(python, expect=[gcp])
    dry = ctx.run(zenml, "integration", "install", "tensorflow[cpu]", "--dry-run", env=env, capture=True)
    expect_line(dry.stdout, f"Installing zenml-tensorflow[cpu] from the wheel directory {ctx.dist}")
    if " + tensorflow-cpu==" not in dry.stdout or " + tensorflow==" in dry.stdout:
        raise ComboError(f"tensorflow[cpu] should bring tensorflow-cpu and not tensorflow:\n{dry.stdout}")
    print("ok: tensorflow[cpu] resolves to zenml-tensorflow from the wheel directory and tensorflow-cpu")


def cli_install_in_checkout(ctx: Context) -> None:
    """`pip install ./packages/zenml-core` (the README's install): `zenml integration install` uses the checkout."""
    python = ctx.venv("cli-checkout")
    ctx.run(str(python), "-m", "pip", "install", "--quiet", str(ROOT / "packages" / "zenml-core"))
    zenml = str(python.parent / "zenml")
    env = {"ZENML_INSTALLER": "pip"}  # what a user with only Python and pip has
    installed = ctx.run(zenml, "integration", "install", "gcp", "--yes", env=env, capture=True)
    expect_line(installed.stdout, f"Installing zenml-gcp from the checkout {ROOT / 'packages'}")
    gcp = next(package for package in INTEGRATIONS if package.name == "gcp")
    ctx.smoke(python, expect=[gcp])
    (record,) = python.parent.parent.glob("lib/python*/site-packages/zenml_gcp-*.dist-info/direct_url.json")
    origin = json.loads(record.read_text(encoding="utf-8"))
    if origin.get("url") != (ROOT / "packages" / "zenml-gcp").as_uri() or origin.get("dir_info", {}).get("editable"):
        raise ComboError(f"zenml-gcp should come from the checkout, not editable, as core did: {origin}")
    print("ok: zenml-gcp installed from the checkout, not editable, as zenml-core was")


def expect_line(output: str, start: str) -> None:
    """Fail unless a line of ``output`` starts with ``start``."""
    if not any(line.startswith(start) for line in output.splitlines()):
        raise ComboError(f"expected a line starting with {start!r} in:\n{output}")
    print(f"ok: {start}")


def resolve_gpu_flavour(ctx: Context) -> None:
    python = ctx.venv("resolve")
    result = ctx.run(
        ctx.uv, "pip", "install", "--dry-run", "--python", str(python), "--find-links", str(ctx.dist),
        "--constraint", str(ctx.constraints), *REFRESH, "zenml-core[gcp,tensorflow]", capture=True,
    )  # fmt: skip
    plan = result.stdout + result.stderr
    wanted = (" + tensorflow==", " + zenml-gcp==", " + zenml-tensorflow==", " + google-cloud-storage==")
    missing = [item.strip(" +=") for item in wanted if item not in plan]
    if missing or " + tensorflow-cpu==" in plan:
        raise ComboError(
            f"zenml-core[gcp,tensorflow] should resolve to tensorflow (not -cpu); missing {missing}:\n{plan}"
        )
    print("ok: zenml-core[gcp,tensorflow] resolves to zenml-gcp, zenml-tensorflow and tensorflow")


# Names with a hyphen cannot be an integration's name.
COMBOS: dict[str, Callable[[Context], None]] = {
    "core": core_alone,
    **{package.name: with_integration(package) for package in INTEGRATIONS},
    "all-integrations": all_integrations,
    "cli-install": cli_install,
    "cli-install-wheel-file": cli_install_beside_core_wheel,
    "cli-install-checkout": cli_install_in_checkout,
    "resolve-tensorflow": resolve_gpu_flavour,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, required=True, help="directory of built wheels")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the venvs (default: this one)")
    parser.add_argument("--only", default=",".join(COMBOS), help=f"comma-separated subset of {','.join(COMBOS)}")
    parser.add_argument("--keep", action="store_true", help="keep the venvs (their directory is printed)")
    args = parser.parse_args(argv)
    uv = shutil.which("uv")
    if uv is None:
        print("error: uv is not on PATH; run through `nox -s install-combos` or `python3 dev.py`", file=sys.stderr)
        return 2
    unknown = sorted(set(args.only.split(",")) - set(COMBOS))
    if unknown:
        print(f"error: unknown combination(s) {unknown}; choose from {sorted(COMBOS)}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="zenml-combos-"))
    failures: list[str] = []
    try:
        dist = args.dist.resolve()
        versions = wheel_versions(dist)
        constraints = workdir / "constraints.txt"
        constraints.write_text("".join(f"{name}=={versions[name]}\n" for name in DISTRIBUTIONS), encoding="utf-8")
        ctx = Context(dist=dist, python=args.python, workdir=workdir, constraints=constraints, uv=uv)
        for name in args.only.split(","):
            print(f"\n=== combination: {name}", flush=True)
            started = time.monotonic()
            try:
                COMBOS[name](ctx)
            except ComboError as error:
                failures.append(name)
                print(f"FAILED {name}: {error}", file=sys.stderr, flush=True)
            else:
                print(f"=== {name}: passed in {time.monotonic() - started:.0f}s", flush=True)
    except ComboError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"venvs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    passed = len(args.only.split(",")) - len(failures)
    print(f"\ninstall-combos: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
