"""The release rehearsal: publish to a real index, install as users do, release one package alone, refuse a bad one.

Runs in ``nox -s release-rehearsal``: on a copy of this working tree, every package is published
with ``tools/release.py publish`` (what the release workflow runs) to pypiserver on 127.0.0.1,
then installed in a fresh venv whose pip configuration names that index for zenml and a PyPI
without any zenml name for the rest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.release.servers import Index, run
from tests.tooling.repo import clean_env, copy_repository
from tools.packages import discover


class Rehearsal:
    """A copy of the repository, the index, and one user's venv."""

    def __init__(self, repo: Path, index: Index, pypi: str, home: Path) -> None:
        self.repo, self.index, self.pypi, self.home = repo, index, pypi, home
        self.venv = home / "venv"
        self.python = self.venv / "bin" / "python"
        cache = subprocess.run(["uv", "cache", "dir"], capture_output=True, text=True, check=True).stdout.strip()
        # The user's environment: a private home and config, uv on PATH, no index settings but pip.conf's.
        self.env = clean_env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), UV_CACHE_DIR=cache,
                             ZENML_CONFIG_DIR=str(home / "zenml"), TF_CPP_MIN_LOG_LEVEL="2",
                             PATH=f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}")  # fmt: skip
        for name in [*self.env]:
            if name.startswith(("UV_INDEX", "UV_DEFAULT_INDEX", "UV_EXTRA_INDEX", "PIP_INDEX", "PIP_EXTRA")):
                del self.env[name]

    def release(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "UV_PUBLISH_USERNAME": self.index.username, "UV_PUBLISH_PASSWORD": self.index.password}
        return run(sys.executable, str(self.repo / "tools" / "release.py"), *args, env=env, cwd=self.repo)

    def publish(self, distribution: str) -> None:
        version = next(p.version for p in discover(self.repo) if p.distribution == distribution)
        if self.release("check-tag", f"{distribution}-v{version}").returncode != 0:
            # Never released (made by the scaffold): its first release builds its first changelog section.
            bumped = self.release("bump", distribution, version)
            assert bumped.returncode == 0, bumped.stderr
        out = self.home / "dist" / f"{distribution}-{version}"
        result = self.release("publish", f"{distribution}-v{version}", "--publish-url", f"{self.index.url}/",
                              "--check-url", self.index.simple, "--out", str(out))  # fmt: skip
        assert result.returncode == 0, result.stderr

    def uv_install(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``uv pip install`` into the venv with the indexes from its pip.conf, as zenml's installer passes them."""
        indexes = ["--index-url", self.index.simple, "--extra-index-url", self.pypi]
        return run("uv", "pip", "install", "--python", str(self.python), *indexes,
                   "--index-strategy", "unsafe-best-match", *args, env=self.env)  # fmt: skip

    def zenml(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run(str(self.venv / "bin" / "zenml"), *args, env=self.env, cwd=self.home)

    def versions(self) -> dict[str, str]:
        code = "import importlib.metadata as m, json; print(json.dumps({d.name: d.version for d in m.distributions()}))"
        result = run(str(self.python), "-c", code, env=self.env, cwd=self.home)
        return {name: version for name, version in json.loads(result.stdout).items() if name.startswith("zenml")}

    def integrations(self) -> dict[str, dict[str, object]]:
        listed = self.zenml("integration", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        return {record["name"]: record for record in json.loads(listed.stdout)}

    def quickstart(self) -> None:
        result = run(str(self.python), str(self.repo / "examples" / "quickstart.py"), env=self.env, cwd=self.home)
        assert result.returncode == 0, result.stderr

    def bump(self, distribution: str, part: str, fragment: str) -> str:
        package = next(p for p in discover(self.repo) if p.distribution == distribution)
        (package.path / "changelog.d" / "+rehearsal.changed.md").write_text(fragment + "\n", encoding="utf-8")
        result = self.release("bump", distribution, part)
        assert result.returncode == 0, result.stderr
        return next(p.version for p in discover(self.repo) if p.distribution == distribution)


@pytest.fixture(scope="module")
def rehearsal(index: Index, pypi_without_zenml: str, tmp_path_factory: pytest.TempPathFactory) -> Rehearsal:
    home = tmp_path_factory.mktemp("user")
    repo = copy_repository(tmp_path_factory.mktemp("checkout") / "repo")
    return Rehearsal(repo, index, pypi_without_zenml, home)


def test_publish_install_release_one_package_alone_and_refuse_one_that_needs_another_core(rehearsal: Rehearsal) -> None:
    r = rehearsal
    packages = discover(r.repo)
    published = {package.distribution: package.version for package in packages}

    # 1. Every package at its current version, with the release workflow's own script.
    for package in packages:
        r.publish(package.distribution)
        assert r.index.files(package.distribution) == sorted(
            [f"{package.distribution.replace('-', '_')}-{package.version}-py3-none-any.whl",
             f"{package.distribution.replace('-', '_')}-{package.version}.tar.gz"]
        )  # fmt: skip

    # 2. A user's fresh venv: pip.conf names the local index for zenml and a PyPI without zenml for the rest.
    assert run("uv", "venv", "--seed", "--quiet", "--python", sys.executable, str(r.venv), env=r.env).returncode == 0
    (r.venv / "pip.conf").write_text(f"[global]\nindex-url = {r.index.simple}\nextra-index-url = {r.pypi}\n")
    integrations = [package for package in packages if not package.is_core]
    extras = ",".join(package.ci_extra for package in integrations if package.ci_extra)
    assert r.uv_install(f"zenml-core[{extras}]").returncode == 0
    assert r.versions() == published
    r.quickstart()
    listed = r.integrations()
    assert {name for name, record in listed.items() if record["usable"]} == {p.name for p in integrations}
    # `zenml integration install` takes pip's configured index (uv on PATH does not read pip.conf).
    assert r.zenml("integration", "uninstall", "gcp", "--yes").returncode == 0
    installed = r.zenml("integration", "install", "gcp", "--yes")
    assert installed.returncode == 0, installed.stderr
    assert f"--index-url {r.index.simple}" in installed.stdout
    assert r.versions() == published

    # 3. A maintainer releases zenml-gcp alone; the user upgrades it in place; core stays.
    new = r.bump("zenml-gcp", "patch", "Rehearsal: a patch release of zenml-gcp alone.")
    changelog = (r.repo / "packages" / "zenml-gcp" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {new} (" in changelog
    assert "Rehearsal: a patch release of zenml-gcp alone." in changelog
    r.publish("zenml-gcp")
    for package in packages:
        expected = 4 if package.distribution == "zenml-gcp" else 2
        assert len(r.index.files(package.distribution)) == expected, package.distribution
    assert r.uv_install("--upgrade", "zenml-gcp").returncode == 0
    assert r.versions() == {**published, "zenml-gcp": new}
    r.quickstart()
    assert r.integrations()["gcp"]["usable"] is True

    # 4. A zenml-gcp that needs a zenml-core the index does not have.
    pyproject = r.repo / "packages" / "zenml-gcp" / "pyproject.toml"
    core = published["zenml-core"]
    major, minor = (int(part) for part in core.split(".")[:2])
    wanted = f"zenml-core>={major}.{minor + 1},<{major}.{minor + 2}"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace(f'"zenml-core>={major}.{minor},<{major}.{minor + 1}"', f'"{wanted}"'), "utf-8")
    assert wanted in pyproject.read_text(encoding="utf-8")
    excluded = r.bump("zenml-gcp", "minor", "Rehearsal: needs the next zenml-core.")
    r.publish("zenml-gcp")
    refused = r.uv_install(f"zenml-gcp=={excluded}")
    assert refused.returncode != 0
    assert "zenml-core" in refused.stderr
    assert r.versions()["zenml-gcp"] == new  # nothing changed
    assert r.uv_install("--upgrade", "zenml-gcp").returncode == 0
    assert r.versions()["zenml-gcp"] == new  # the newest release that supports the installed core
    # Forced past the resolver (--no-deps), the integration is listed as unusable, and install explains.
    assert r.uv_install("--no-deps", f"zenml-gcp=={excluded}").returncode == 0
    record = r.integrations()["gcp"]
    assert record["usable"] is False
    assert "zenml-core" in json.dumps(record["problems"])
    explained = r.zenml("integration", "install", "gcp", "--yes")
    assert explained.returncode == 1
    assert "Traceback" not in explained.stderr
    assert f"zenml-gcp {excluded} supports zenml-core" in explained.stderr
    assert f"zenml-core {core} is installed" in explained.stderr
    assert r.versions() == {**published, "zenml-gcp": excluded}
    # The way out it names: the newest zenml-gcp for this core.
    assert r.uv_install("zenml-gcp", f"zenml-core=={core}").returncode == 0
    assert r.versions() == {**published, "zenml-gcp": new}
    assert r.integrations()["gcp"]["usable"] is True
