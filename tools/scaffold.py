"""Create a new integration package: ``python3 dev.py new-integration NAME [--requires "dist>=x"]...``.

Writes ``packages/zenml-NAME`` from ``tools/integration_template`` (the same skeleton as
zenml-gcp: hatchling and PEP 621, ``__about__.py``, ``py.typed``, README, CHANGELOG with
``changelog.d/`` fragments, an ``Integration`` subclass whose ``REQUIREMENTS`` are the
declared dependencies, its entry point, and passing tests), then runs ``dev.py sync`` so
that core's catalog and extras know it. Every tool discovers the folder: no other edit.

A bad name (taken, not an identifier, a module of ``zenml.integrations``) or a bad
requirement is refused before anything is written.
"""

from __future__ import annotations

import argparse
import keyword
import re
import shutil
import sys
import tempfile
from pathlib import Path
from string import Template

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools import sync
from tools.packages import CORE, ROOT, Package, PackageError, by_name, discover, requirement_name

TEMPLATE = Path(__file__).resolve().parent / "integration_template"
RESERVED = {"core": "the tests-core session and the zenml-core package", "cross": "the tests-cross session"}
_NAME = re.compile(r"[a-z][a-z0-9_]*")


class ScaffoldError(Exception):
    """The integration cannot be created as asked; the message says why and what to do instead."""


def check_name(name: str, packages: list[Package], root: Path) -> None:
    """Raise :class:`ScaffoldError` unless ``name`` can be a new integration's name."""
    if not _NAME.fullmatch(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a valid integration name: it becomes the module zenml.integrations.{name}, so use "
            "lowercase letters, digits and underscores, starting with a letter (and no Python keyword)"
        )
    if name in RESERVED:
        raise ScaffoldError(f"{name!r} is reserved for {RESERVED[name]}: choose another name")
    core = by_name(packages)["core"]
    modules = {path.stem if path.suffix == ".py" else path.name for path in
               (core.path / "src" / "zenml" / "integrations").iterdir()}  # fmt: skip
    if name in modules:
        raise ScaffoldError(
            f"{name!r} collides with zenml-core's module zenml.integrations.{name}: choose another name"
        )
    taken = {package.name: package for package in packages}
    if name in taken:
        raise ScaffoldError(f"the integration {name!r} exists already: {taken[name].relpath}")
    folder = root / "packages" / distribution_of(name)
    if folder.exists():
        raise ScaffoldError(f"{folder.relative_to(root)} exists already: choose another name or remove it")


def distribution_of(name: str) -> str:
    return "zenml-" + name.replace("_", "-")


def class_name_of(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Integration"


def check_requirements(requirements: list[str], packages: list[Package]) -> list[str]:
    """The ``--requires`` strings, validated: each names a distribution once, with a lower bound."""
    from packaging.requirements import InvalidRequirement, Requirement

    siblings = {package.distribution for package in packages}
    seen: set[str] = set()
    for text in requirements:
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            raise ScaffoldError(f"--requires {text!r} is not a valid requirement: {error}") from error
        name = requirement_name(text)
        if name == CORE:
            raise ScaffoldError("--requires zenml-core is not needed: the scaffold pins the current core range itself")
        if name.startswith("zenml-") and name not in siblings:
            raise ScaffoldError(f"--requires {text!r}: {name} is not a package of this repository")
        if name in seen:
            raise ScaffoldError(f"--requires names {name} twice: give one requirement per distribution")
        seen.add(name)
        if not any(spec.operator in {">=", ">", "==", "~=", "==="} for spec in requirement.specifier):
            raise ScaffoldError(
                f"--requires {text!r} needs a true lower bound (e.g. '{requirement.name}>=1.2'): "
                "the `lowest` session installs it and proves the integration works with it"
            )
    return requirements


def core_range(version: str) -> str:
    """The ``zenml-core`` range a new integration supports: the current minor series (0.x) or major."""
    major, minor = (int(part) for part in version.split(".")[:2])
    upper = f"{major}.{minor + 1}" if major == 0 else str(major + 1)
    return f"zenml-core>={major}.{minor},<{upper}"


def _python_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"
    return "[\n" + "".join(f'        "{item}",\n' for item in items) + "    ]"


def render(name: str, requirements: list[str], summary: str, packages: list[Package]) -> dict[Path, str]:
    """Relative path -> text of every file of the new package."""
    core = by_name(packages)["core"]
    distribution = distribution_of(name)
    dependencies = [core_range(core.version), *requirements]
    siblings = [CORE, *(requirement_name(text) for text in requirements if requirement_name(text).startswith("zenml-"))]
    values = {
        "name": name,
        "distribution": distribution,
        "class_name": class_name_of(name),
        "summary": summary,
        "dependencies": "".join(f'  "{line}",\n' for line in dependencies),
        "sources": "".join(f"{sibling} = {{ workspace = true }}\n" for sibling in siblings),
        "requirements_python": _python_list(requirements),
        "requirements_list": "".join(f"- `{line}`\n" for line in requirements) or "Nothing besides zenml-core.\n",
    }
    files = {}
    for template in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = Path(str(template.relative_to(TEMPLATE)).replace("{name}", name)).with_suffix("")
        files[relative] = Template(template.read_text(encoding="utf-8")).substitute(values)
    return files


def create(name: str, requirements: list[str], summary: str, root: Path = ROOT) -> Path:
    """Write ``packages/zenml-NAME`` and regenerate core's files; return the new folder."""
    try:
        packages = discover(root)
    except PackageError as error:
        raise ScaffoldError(f"the repository's packages do not load, fix that first: {error}") from error
    check_name(name, packages, root)
    check_requirements(requirements, packages)
    if not summary.strip() or '"' in summary or "\\" in summary or "\n" in summary:
        raise ScaffoldError("--summary must be one line without quotes or backslashes")
    files = render(name, requirements, summary.strip().rstrip(".") + ".", packages)
    target = root / "packages" / distribution_of(name)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for relative, text in files.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_text(text, encoding="utf-8")
        staging.rename(target)  # the folder appears whole, or not at all
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    try:
        sync.write(root)
    except PackageError as error:
        shutil.rmtree(target)
        raise ScaffoldError(f"the new package does not load, nothing was kept: {error}") from error
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py new-integration", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("name", help="the integration's name: zenml.integrations.NAME, distribution zenml-NAME")
    parser.add_argument("--requires", action="append", default=[], metavar="REQUIREMENT",
                        help='a dependency with its lower bound, e.g. "ray>=2.30" (repeatable)')  # fmt: skip
    parser.add_argument("--summary", default="", help="one line for `zenml integration list` (editable later)")
    parser.add_argument("--no-lock", action="store_true", help="do not refresh uv.lock")
    args = parser.parse_args(argv)
    summary = args.summary or f"the {args.name} integration"
    try:
        target = create(args.name, args.requires, summary)
    except ScaffoldError as error:
        print(f"dev.py new-integration: {error}. Nothing was written.", file=sys.stderr)
        return 2
    problem = None if args.no_lock else sync.lock()
    relative = target.relative_to(ROOT)
    print(f"created {relative}; regenerated core's catalog and extras")
    if problem:
        print(f"warning: {problem}\n(run `python3 dev.py sync` once the requirements resolve)", file=sys.stderr)
    name = args.name
    print(
        f"\nnext:\n  python3 dev.py nox -s tests-{name}-3.12       # its tests pass already\n"
        f"  $EDITOR {relative}/pyproject.toml           # [tool.zenml]: summary, flavors, type-packages; "
        "[dependency-groups] test\n"
        f"  $EDITOR {relative}/src/zenml/integrations/{name}/__init__.py   # FLAVORS / MATERIALIZERS by reference\n"
        "  python3 dev.py sync                            # after editing [tool.zenml]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
