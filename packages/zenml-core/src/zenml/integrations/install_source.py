"""Where ``zenml integration install`` gets an official integration: from where zenml-core came.

zenml-core's install record (``direct_url.json``, PEP 610, written by pip and uv) says where it
came from, and its siblings are taken from the same place:

- a folder of a checkout (``pip install ./packages/zenml-core``, editable or not): the sibling's
  folder in the same checkout, editable when core is;
- a wheel or sdist file (``pip install dist/zenml_core-0.1.0-py3-none-any.whl``): the same
  directory, passed to the installer as ``--find-links`` (the index is still asked for the
  libraries the integration needs, and for a sibling that is not there);
- a git repository (``pip install "zenml-core @ git+https://...#subdirectory=packages/zenml-core"``):
  the sibling's folder at the same commit;
- no record (installed from a package index, or with ``--find-links``): the package index the user
  configured (:mod:`zenml.integrations.index_settings`).

zenml-core imported from a checkout's ``src`` folder without an install record (``PYTHONPATH``)
counts as an editable checkout. ``ZENML_INSTALL_SOURCE=index`` installs from the index in every case.
"""

from __future__ import annotations

import os
from pathlib import Path

CORE = "zenml-core"


class InstallSource:
    """One place to install a distribution from, and the installer arguments that say so."""

    __slots__ = ("editable", "kind", "location", "reference")

    def __init__(self, kind: str, location: str = "", *, editable: bool = False, reference: str = "") -> None:
        self.kind = kind  # "checkout", "wheels", "git" or "index"
        self.location = location  # the checkout's packages/ folder, the wheel directory, or the repository URL
        self.editable = editable
        self.reference = reference  # git: "@<commit>" (or "@<revision>") and the subdirectory's parent, "packages"

    def __repr__(self) -> str:
        return f"InstallSource({self.kind!r}, {self.location!r})"

    def describe(self, index: str = "the package index") -> str:
        """Where this source looks, in words (after "from"); ``index`` describes the package index."""
        if self.kind == "checkout":
            return f"the checkout {self.location}" + (" (editable)" if self.editable else "")
        if self.kind == "wheels":
            return f"the wheel directory {self.location}, then {index}"
        if self.kind == "git":
            return f"git+{self.location}{self.reference.partition('#')[0]}"
        return index

    def arguments(self, distribution: str, extras: tuple[str, ...] = (), version: str | None = None) -> list[str]:
        """Installer arguments for ``distribution[extras]`` from here (``version`` pins an index install)."""
        chosen = f"[{','.join(extras)}]" if extras else ""
        if self.kind == "checkout":
            folder = f"{Path(self.location, distribution)}{chosen}"
            return ["-e", folder] if self.editable else [folder]
        if self.kind == "git":
            revision, _, parent = self.reference.partition("#")
            return [f"{distribution}{chosen} @ git+{self.location}{revision}#subdirectory={parent}{distribution}"]
        requirement = f"{distribution}{chosen}" + (f"=={version}" if version else "")
        if self.kind == "wheels":
            return ["--find-links", self.location, requirement]
        return [requirement]


INDEX = InstallSource("index")


def source_for(distribution: str) -> InstallSource:
    """Where to install ``distribution`` (an official integration) from: see the module docstring."""
    if os.environ.get("ZENML_INSTALL_SOURCE", "").lower() == "index":
        return INDEX
    source = core_origin()
    if source.kind == "checkout" and not Path(source.location, distribution, "pyproject.toml").is_file():
        return INDEX  # a checkout older than this integration
    return source


def core_origin() -> InstallSource:
    """Where the running zenml-core was installed from, as an :class:`InstallSource` for its siblings."""
    import zenml

    core_package = Path(zenml.__file__).resolve().parent  # .../packages/zenml-core/src/zenml in a checkout
    record = _direct_url()
    if record is None:
        if core_package.parents[1].name == CORE and (core_package.parents[1] / "pyproject.toml").is_file():
            return InstallSource("checkout", str(core_package.parents[2]), editable=True)
        return INDEX
    return origin_of(record)


def origin_of(record: dict[str, object]) -> InstallSource:
    """The :class:`InstallSource` for zenml-core's siblings described by core's ``direct_url.json`` ``record``."""
    url = record.get("url")
    if not isinstance(url, str):
        return INDEX
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict):
        subdirectory = str(record.get("subdirectory") or "").strip("/")
        parent, _, own = subdirectory.rpartition("/")
        if own != CORE or vcs.get("vcs") != "git":
            return INDEX
        revision = vcs.get("commit_id") or vcs.get("requested_revision")
        at = f"@{revision}" if revision else ""
        return InstallSource("git", url, reference=f"{at}#{parent + '/' if parent else ''}")
    path = _local_path(url)
    if path is None:
        return INDEX
    directory = record.get("dir_info")
    if isinstance(directory, dict):
        editable = bool(directory.get("editable"))
        return InstallSource("checkout", str(path.parent), editable=editable) if path.name == CORE else INDEX
    return InstallSource("wheels", str(path.parent))  # archive_info: a wheel or sdist file


def _local_path(url: str) -> Path | None:
    """The local path of a ``file:`` URL, else ``None``."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = unquote(parts.path)
    if os.name == "nt" and len(path) > 2 and path[0] == "/" and path[2] == ":":  # /C:/... -> C:/...
        path = path[1:]
    return Path(path)


def _direct_url() -> dict[str, object] | None:
    """zenml-core's ``direct_url.json`` (PEP 610), or ``None`` when it has none (an index install)."""
    import json
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        text = distribution(CORE).read_text("direct_url.json")
    except PackageNotFoundError:
        return None
    if not text:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
