"""What a change touches, for CI: the packages to test and the changelog fragments it must bring.

    python tools/changes.py plan [--base REF]        the test matrix as JSON (GitHub output `matrix`)
    python tools/changes.py changelog --base REF     fail unless each package whose src/ changed has a fragment

``plan`` without ``--base`` (a push to main) selects every package; with it (a pull request),
the packages whose folder the change touches plus every package that depends on them (a change
to zenml-core tests everything), and everything when a file outside ``packages/`` changed.
Each selected package contributes ``tests-NAME-PY`` for each of its Pythons and ``lowest(NAME)``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.packages import ROOT, Package, dependents, discover, read_toml
from tools.sync import CATALOG_DATA

# <issue>.<type>.md, <issue>.<type>.<n>.md, or +<slug>.<type>.md (no issue), as towncrier reads them.
_FRAGMENT = re.compile(r"(?:\d+|\+[\w-]+)\.(?P<type>[a-z]+)(?:\.\d+)?\.md")


def changed_files(base: str, root: Path = ROOT) -> list[tuple[str, str]]:
    """(status letter, path) of every file changed between ``base`` and HEAD (from their merge base)."""
    result = subprocess.run(["git", "diff", "--name-status", "--no-renames", f"{base}...HEAD"], cwd=root,
                            capture_output=True, text=True, check=False)  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"error: git diff against {base!r} failed: {result.stderr.strip()}")
    return [(line[0], line.split("\t", 1)[1]) for line in result.stdout.splitlines() if "\t" in line]


def owner(path: str, packages: list[Package]) -> Package | None:
    """The package whose folder holds ``path`` (relative to the root), if any."""
    return next((package for package in packages if path.startswith(package.relpath + "/")), None)


def selected(packages: list[Package], paths: list[str] | None) -> list[Package]:
    """The packages to test for a change of ``paths`` (``None``: everything)."""
    if not paths or any(owner(path, packages) is None for path in paths):
        return packages
    touched = {package.name for path in paths if (package := owner(path, packages))}
    names = dependents(packages, touched)
    return [package for package in packages if package.name in names]


def matrix(packages: list[Package]) -> dict[str, list[dict[str, str]]]:
    """The GitHub Actions matrix: one entry per nox session, with its Python and package."""
    include = []
    for package in packages:
        include += [{"session": f"tests-{package.name}-{python}", "python": python, "package": package.name}
                    for python in package.test_pythons]  # fmt: skip
        include.append(
            {"session": f"lowest({package.name})", "python": package.test_pythons[0], "package": package.name}
        )
    return {"include": include}


def fragment_types(package: Package) -> set[str]:
    """The fragment types the package's ``[tool.towncrier]`` accepts."""
    config = read_toml(package.pyproject).get("tool", {}).get("towncrier", {})
    return {entry["directory"] for entry in config.get("type", [])}


def changelog_problems(packages: list[Package], changes: list[tuple[str, str]]) -> list[str]:
    """Why the change lacks a fragment it needs, or names a fragment wrongly; empty when it is fine."""
    problems = []
    for package in packages:
        fragments = package.relpath + "/changelog.d/"
        generated = f"{package.relpath}/{CATALOG_DATA.as_posix()}"
        sources = [path for _, path in changes if path.startswith(package.relpath + "/src/") and path != generated]
        added = [path for status, path in changes if status in "AM" and path.startswith(fragments)
                 and not path.endswith("/README.md")]  # fmt: skip
        types = fragment_types(package)
        for path in added:
            match = _FRAGMENT.fullmatch(path.rpartition("/")[2])
            if not match or match["type"] not in types:
                problems.append(f"{path}: a fragment is named <issue>.<type>.md or +<slug>.<type>.md, "
                                f"type one of {', '.join(sorted(types))}")  # fmt: skip
        if sources and not added:
            problems.append(
                f"{package.distribution}: {len(sources)} file(s) under src/ changed (e.g. {sources[0]}) but no "
                f"changelog fragment was added: write {fragments}<issue>.<type>.md (see its README.md)"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["plan", "changelog"])
    parser.add_argument("--base", help="the git ref the change is compared with (the pull request's base)")
    args = parser.parse_args(argv)
    packages = discover()
    changes = changed_files(args.base) if args.base else None
    if args.command == "changelog":
        if changes is None:
            parser.error("changelog needs --base")
        problems = changelog_problems(packages, changes)
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1 if problems else 0
    chosen = selected(packages, None if changes is None else [path for _, path in changes])
    text = json.dumps(matrix(chosen))
    print(f"testing {', '.join(package.name for package in chosen)}", file=sys.stderr)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as stream:
            stream.write(f"matrix={text}\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
