"""Release one package on its own: the maintainer's bump, and the checks a release tag must pass.

    python3 dev.py release bump zenml-gcp minor       version (major|minor|patch|X.Y.Z) + CHANGELOG.md
    python3 dev.py release check-tag zenml-gcp-v0.2.0 the tag names a package at that version, changelog done

``bump`` writes the new ``__version__`` into the package's ``__about__.py`` and runs
``towncrier build --version X.Y.Z`` in the package's folder, which turns the fragments in
``changelog.d/`` into a section of its ``CHANGELOG.md`` and removes them. Then commit, tag
``<distribution>-v<version>`` and push the tag: the release workflow runs this same script.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.packages import ROOT, Package, PackageError, discover

_VERSION_LINE = re.compile(r"""^(__version__\s*=\s*["'])([^"']+)(["'])""", re.MULTILINE)
_PLAIN_VERSION = re.compile(r"\d+\.\d+\.\d+")


class ReleaseError(Exception):
    """The release cannot go on; the message says why and how to fix it."""


def find(distribution: str, root: Path = ROOT) -> Package:
    """The package named ``distribution``, or :class:`ReleaseError` naming the ones that exist."""
    packages = discover(root)
    for package in packages:
        if package.distribution == distribution:
            return package
    names = ", ".join(package.distribution for package in packages)
    raise ReleaseError(f"{distribution!r} is not a package of this repository (packages: {names})")


def next_version(current: str, part: str) -> str:
    """``current`` bumped by ``part`` (major, minor, patch), or ``part`` itself when it is a version."""
    if _PLAIN_VERSION.fullmatch(part):
        new = part
    elif part in ("major", "minor", "patch"):
        if not _PLAIN_VERSION.fullmatch(current):
            raise ReleaseError(f"cannot bump {current!r} by {part}: give the new version explicitly (X.Y.Z)")
        major, minor, patch = (int(number) for number in current.split("."))
        new = {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[
            part
        ]
    else:
        raise ReleaseError(f"{part!r} is neither major, minor, patch nor a version X.Y.Z")
    if tuple(map(int, new.split("."))) <= tuple(map(int, current.split(".")[:3])):
        raise ReleaseError(f"the new version {new} is not above the current {current}")
    return new


def unreleased_fragments(package: Package) -> list[Path]:
    """The changelog fragments not yet built into ``CHANGELOG.md``."""
    folder = package.path / "changelog.d"
    return sorted(path for path in folder.glob("*.md") if path.name != "README.md") if folder.is_dir() else []


def bump(package: Package, part: str) -> str:
    """Set the package's new version and build its changelog section; return the new version."""
    version = next_version(package.version, part)
    towncrier = shutil.which("towncrier")
    if towncrier is None:
        raise ReleaseError("towncrier is not on PATH: run this through `python3 dev.py release ...`")
    text = package.version_file.read_text(encoding="utf-8")
    package.version_file.write_text(_VERSION_LINE.sub(rf"\g<1>{version}\g<3>", text, count=1), encoding="utf-8")
    result = subprocess.run([towncrier, "build", "--yes", "--version", version], cwd=package.path,
                            capture_output=True, text=True, check=False)  # fmt: skip
    if result.returncode != 0:
        package.version_file.write_text(text, encoding="utf-8")  # leave no half-done bump behind
        raise ReleaseError(
            f"towncrier build failed, the version is unchanged:\n{(result.stderr or result.stdout).strip()}"
        )
    return version


def check_tag(tag: str, root: Path = ROOT) -> Package:
    """The package a release tag ``<distribution>-v<version>`` names, after checking it is ready to publish."""
    distribution, separator, version = tag.rpartition("-v")
    if not separator or not distribution or not version:
        raise ReleaseError(f"tag {tag!r} is not <distribution>-v<version> (e.g. zenml-gcp-v0.2.0)")
    package = find(distribution, root)
    if package.version != version:
        raise ReleaseError(
            f"tag {tag} says {version} but {package.relpath} is at version {package.version} "
            f"({package.version_file.relative_to(root)}): tag the commit that bumps it, "
            f"or run `python3 dev.py release bump {distribution} {version}`"
        )
    changelog = (package.path / "CHANGELOG.md").read_text(encoding="utf-8")
    if not re.search(rf"^## {re.escape(version)}\b", changelog, re.MULTILINE):
        raise ReleaseError(f"{package.relpath}/CHANGELOG.md has no section '## {version}': "
                           f"run `python3 dev.py release bump {distribution} {version}` before tagging")  # fmt: skip
    leftovers = unreleased_fragments(package)
    if leftovers:
        raise ReleaseError(f"{package.relpath}/changelog.d still holds {', '.join(path.name for path in leftovers)}: "
                           "they would be missing from this release's changelog; bump again or move them")  # fmt: skip
    return package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py release", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    bump_parser = commands.add_parser("bump", help="new version + CHANGELOG.md from the fragments")
    bump_parser.add_argument("distribution")
    bump_parser.add_argument("part", help="major, minor, patch, or the new version X.Y.Z")
    tag_parser = commands.add_parser("check-tag", help="check that a tag is ready to publish")
    tag_parser.add_argument("tag")
    args = parser.parse_args(argv)
    try:
        if args.command == "bump":
            package = find(args.distribution)
            old = package.version
            version = bump(package, args.part)
            print(f"{package.distribution}: {old} -> {version}; CHANGELOG.md built from changelog.d/\n"
                  f"next: git commit -am '{package.distribution} {version}' && "
                  f"git tag {package.distribution}-v{version} && git push --follow-tags")  # fmt: skip
        else:
            package = check_tag(args.tag)
            print(f"{args.tag}: {package.distribution} {package.version} is ready to publish")
    except (ReleaseError, PackageError) as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
