"""Run the CI setup scripts that packages declare (``[tool.zenml.tests] ci-setup``), for what pip cannot install.

    python3 dev.py ci-setup [--package NAME]

``.ci/run`` calls it before the checks, and each CI test job for its package. A script runs
with ``bash`` in its package's folder; it installs what the package's tests need beyond
their dependency group (a browser, say), does nothing when that is there already, and exits
non-zero with a message when it cannot.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.packages import PackageError, discover


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py ci-setup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--package", help="only this package (its short name: gcp, core, ...)")
    args = parser.parse_args(argv)
    try:
        packages = [package for package in discover() if args.package in (None, package.name)]
    except PackageError as error:
        print(f"ci-setup: {error}", file=sys.stderr)
        return 1
    if args.package and not packages:
        print(f"ci-setup: no package named {args.package!r}", file=sys.stderr)
        return 2
    bash = shutil.which("bash") or "bash"
    for package in packages:
        if package.ci_setup is None:
            continue
        if not package.ci_setup.is_file():
            print(f"ci-setup: {package.pyproject} names {package.ci_setup}, which does not exist", file=sys.stderr)
            return 1
        print(f"ci-setup: {package.distribution}: {package.ci_setup.relative_to(package.path)}", flush=True)
        if subprocess.run([bash, str(package.ci_setup)], cwd=package.path, check=False).returncode != 0:
            print(f"ci-setup: {package.ci_setup} failed", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
