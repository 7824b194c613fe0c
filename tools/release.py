"""Release one package on its own: the maintainer's bump, and the checks a release tag must pass.

    python3 dev.py release bump zenml-gcp minor       version (major|minor|patch|X.Y.Z) + CHANGELOG.md
    python3 dev.py release check-tag zenml-gcp-v0.2.0 the tag names a package at that version, changelog done
    python tools/release.py publish zenml-gcp-v0.2.0 --publish-url URL --check-url SIMPLE-URL [--trusted-publishing]
                                                      what the release workflow runs for a tag

``bump`` writes the new ``__version__`` into the package's ``__about__.py`` and runs
``towncrier build --version X.Y.Z`` in the package's folder, which turns the fragments in
``changelog.d/`` into a section of its ``CHANGELOG.md`` and removes them. Then commit, tag
``<distribution>-v<version>`` and push the tag: the release workflow runs ``publish``, and so
does the ``release-rehearsal`` nox session against pypiserver on 127.0.0.1. ``publish`` stops,
with nothing uploaded, when the tag does not match the package's version or changelog, when the
version is already on the index (``--check-url``), when the build makes anything but that
package's sdist and wheel, or when ``twine check --strict`` fails; a failed upload stops it too.
Upload credentials come from ``UV_PUBLISH_USERNAME``/``UV_PUBLISH_PASSWORD`` (or OIDC with
``--trusted-publishing`` in GitHub Actions).
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


def next_version(current: str, part: str, *, released: bool = True) -> str:
    """``current`` bumped by ``part`` (major, minor, patch), or ``part`` itself when it is a version.

    A package never released (``released=False``: no changelog section for ``current``) may be
    "bumped" to ``current`` itself: its first release.
    """
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
    if new == current and not released:
        return new
    if tuple(map(int, new.split("."))) <= tuple(map(int, current.split(".")[:3])):
        first = "" if released else f" (or {current} itself, for this package's first release)"
        raise ReleaseError(f"the new version {new} is not above the current {current}{first}")
    return new


def unreleased_fragments(package: Package) -> list[Path]:
    """The changelog fragments not yet built into ``CHANGELOG.md``."""
    folder = package.path / "changelog.d"
    return sorted(path for path in folder.glob("*.md") if path.name != "README.md") if folder.is_dir() else []


def has_section(package: Package, version: str) -> bool:
    """Whether ``CHANGELOG.md`` has a section for ``version`` (a built release)."""
    changelog = (package.path / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.search(rf"^## {re.escape(version)}\b", changelog, re.MULTILINE) is not None


def bump(package: Package, part: str) -> str:
    """Set the package's new version and build its changelog section; return the new version."""
    version = next_version(package.version, part, released=has_section(package, package.version))
    towncrier = shutil.which("towncrier")
    if towncrier is None:
        raise ReleaseError("towncrier is not on PATH: run this through `python3 dev.py release ...`")
    text = package.version_file.read_text(encoding="utf-8")
    package.version_file.write_text(_VERSION_LINE.sub(rf"\g<1>{version}\g<3>", text, count=1), encoding="utf-8")
    result = subprocess.run(
        [towncrier, "build", "--yes", "--version", version],
        cwd=package.path,
        capture_output=True,
        text=True,
        check=False,
    )
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
    if not has_section(package, version):
        raise ReleaseError(
            f"{package.relpath}/CHANGELOG.md has no section '## {version}': "
            f"run `python3 dev.py release bump {distribution} {version}` before tagging"
        )
    leftovers = unreleased_fragments(package)
    if leftovers:  # changes merged after the bump: they belong to the next release's changelog
        print(
            f"release: note: {package.relpath}/changelog.d holds {', '.join(path.name for path in leftovers)}, "
            f"which {version}'s changelog does not list",
            file=sys.stderr,
        )
    return package


def build(package: Package, out: Path, root: Path = ROOT) -> list[Path]:
    """Build only ``package``'s sdist and wheel into the empty folder ``out``; return the two files."""
    uv = shutil.which("uv")
    if uv is None:
        raise ReleaseError("uv is not on PATH: it builds the package (python3 dev.py provides it)")
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty: the release builds into an empty folder, so only this package ships")
    result = subprocess.run(
        [uv, "build", "--package", package.distribution, "--out-dir", str(out), "--quiet"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ReleaseError(f"building {package.distribution} failed:\n{(result.stderr or result.stdout).strip()}")
    stem = f"{package.distribution.replace('-', '_')}-{package.version}"
    expected = {f"{stem}-py3-none-any.whl", f"{stem}.tar.gz"}
    built = {path.name for path in out.iterdir() if not path.name.startswith(".")}  # uv adds a .gitignore
    if built != expected:
        raise ReleaseError(f"the build made {sorted(built)}, expected exactly {sorted(expected)}")
    return sorted(out / name for name in expected)


def validate(files: list[Path]) -> None:
    """``twine check --strict``: the metadata and the README render as the index will show them."""
    twine = shutil.which("twine")
    if twine is None:
        raise ReleaseError("twine is not on PATH: it validates the files before the upload (pip install twine)")
    result = subprocess.run([twine, "check", "--strict", *map(str, files)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ReleaseError(
            f"the built files do not pass `twine check --strict`:\n{(result.stdout + result.stderr).strip()}"
        )


def published_files(check_url: str, distribution: str) -> set[str]:
    """The file names the index at ``check_url`` (a PEP 503 simple index) already has for ``distribution``."""
    import urllib.error
    import urllib.parse
    import urllib.request

    url = f"{check_url.rstrip('/')}/{re.sub(r'[-_.]+', '-', distribution).lower()}/"
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            page = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return set()
        raise ReleaseError(f"cannot read {url} to check for an existing release: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ReleaseError(f"cannot read {url} to check for an existing release: {reason}") from None
    links = re.findall(r"""href=["']([^"'#]+)""", page)
    return {urllib.parse.unquote(link.rstrip("/").rpartition("/")[2]) for link in links}


def upload(files: list[Path], publish_url: str, *, trusted_publishing: bool) -> None:
    """``uv publish`` the files; credentials come from ``UV_PUBLISH_USERNAME``/``UV_PUBLISH_PASSWORD`` or OIDC."""
    uv = shutil.which("uv")
    if uv is None:
        raise ReleaseError("uv is not on PATH: it uploads the files (python3 dev.py provides it)")
    oidc = ["--trusted-publishing", "always"] if trusted_publishing else []
    command = [uv, "publish", "--publish-url", publish_url, *oidc, *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = "\n".join(line for line in (result.stderr + result.stdout).splitlines() if line.strip())
        raise ReleaseError(
            f"the upload to {publish_url} failed, so the release stopped:\n{detail}\n"
            "Fix the cause (credentials, index URL, permissions) and run the release again."
        )


def publish(tag: str, *, publish_url: str, check_url: str, out: Path, trusted_publishing: bool = False,
            root: Path = ROOT) -> list[Path]:  # fmt: skip
    """Everything the release workflow does for ``tag``: check, build that package only, validate, upload."""
    package = check_tag(tag, root)
    existing = published_files(check_url, package.distribution)
    files = build(package, out, root)
    already = sorted(existing & {path.name for path in files})
    if already:
        raise ReleaseError(
            f"{package.distribution} {package.version} is already on {check_url} ({', '.join(already)}): "
            "a published version is never replaced; release a new one "
            f"(python3 dev.py release bump {package.distribution} patch)"
        )
    validate(files)
    upload(files, publish_url, trusted_publishing=trusted_publishing)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dev.py release", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    bump_parser = commands.add_parser("bump", help="new version + CHANGELOG.md from the fragments")
    bump_parser.add_argument("distribution")
    bump_parser.add_argument("part", help="major, minor, patch, or the new version X.Y.Z")
    tag_parser = commands.add_parser("check-tag", help="check that a tag is ready to publish")
    tag_parser.add_argument("tag")
    publish_parser = commands.add_parser("publish", help="check, build only that package, validate, upload")
    publish_parser.add_argument("tag")
    publish_parser.add_argument("--publish-url", required=True, help="the upload URL (https://upload.pypi.org/legacy/)")
    publish_parser.add_argument("--check-url", required=True, help="the simple index (https://pypi.org/simple/)")
    publish_parser.add_argument("--out", type=Path, default=ROOT / "dist", help="an empty folder for the built files")
    publish_parser.add_argument("--trusted-publishing", action="store_true", help="OIDC in GitHub Actions")
    args = parser.parse_args(argv)
    try:
        if args.command == "bump":
            package = find(args.distribution)
            old = package.version
            version = bump(package, args.part)
            print(
                f"{package.distribution}: {old} -> {version}; CHANGELOG.md built from changelog.d/\n"
                f"next: git commit -am '{package.distribution} {version}' && "
                f"git tag {package.distribution}-v{version} && git push --follow-tags"
            )
        elif args.command == "check-tag":
            package = check_tag(args.tag)
            print(f"{args.tag}: {package.distribution} {package.version} is ready to publish")
        else:
            files = publish(
                args.tag,
                publish_url=args.publish_url,
                check_url=args.check_url,
                out=args.out,
                trusted_publishing=args.trusted_publishing,
            )
            print(f"{args.tag}: published {', '.join(path.name for path in files)} to {args.publish_url}")
    except (ReleaseError, PackageError) as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
