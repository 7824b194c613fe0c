"""dev.py new-integration: a bad name is refused with nothing written; a good one is a folder every tool knows.

The end-to-end test scaffolds into a git copy of this working tree and runs, there, the same nox
sessions a contributor would: the new package's tests, the wheel checks and its install combination.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.tooling.repo import clean_env, copy_repository, git

if TYPE_CHECKING:
    from pathlib import Path

PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def scaffold(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(repo / "tools" / "scaffold.py"), *args, "--no-lock"], cwd=repo,
                          capture_output=True, text=True, check=False, env=clean_env())  # fmt: skip


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_repository(tmp_path_factory.mktemp("pristine") / "repo")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["registry"], "'registry' collides with zenml-core's module zenml.integrations.registry"),
        (["catalog"], "'catalog' collides with zenml-core's module zenml.integrations.catalog"),
        (["gcp"], "the integration 'gcp' exists already: packages/zenml-gcp"),
        (["ray"], "the integration 'ray' exists already: packages/zenml-ray"),
        (["core"], "'core' is reserved"),
        (["my-thing"], "'my-thing' is not a valid integration name"),
        (["Spark"], "'Spark' is not a valid integration name"),
        (["import"], "'import' is not a valid integration name"),
        (["spark", "--requires", "pyspark"], "--requires 'pyspark' needs a true lower bound"),
        (["spark", "--requires", "pyspark>>2"], "--requires 'pyspark>>2' is not a valid requirement"),
        (["spark", "--requires", "zenml-core>=0.1"], "--requires zenml-core is not needed"),
        (["spark", "--requires", "zenml-nope>=1"], "zenml-nope is not a package of this repository"),
        (["spark", "--summary", 'say "hi"'], "--summary must be one line without quotes"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    pristine: Path, args: list[str], message: str
) -> None:
    result = scaffold(pristine, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.rstrip().endswith("Nothing was written.")
    assert git(pristine, "status", "--porcelain", "--untracked-files=all") == ""


def nox(repo: Path, *args: str) -> None:
    executable = shutil.which("nox")
    assert executable, "nox must be on PATH (python3 dev.py puts .dev-venv/bin there)"
    result = subprocess.run([executable, "-f", str(repo / "noxfile.py"), *args], cwd=repo, capture_output=True,
                            text=True, check=False, env=clean_env())  # fmt: skip
    assert result.returncode == 0, f"nox {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"


@pytest.mark.slow
def test_a_new_integration_is_tested_built_installed_and_listed_with_no_other_edit(tmp_path: Path) -> None:
    repo = copy_repository(tmp_path / "repo")
    result = scaffold(repo, "sample", "--requires", "attrs>=23.1", "--summary", "A sample integration")
    assert result.returncode == 0, result.stderr
    assert "created packages/zenml-sample" in result.stdout
    status = sorted(git(repo, "status", "--porcelain", "--untracked-files=all").splitlines())
    new = [line for line in status if line.startswith("?? packages/zenml-sample/")]
    assert sorted(set(status) - set(new)) == [
        " M packages/zenml-core/pyproject.toml",
        " M packages/zenml-core/src/zenml/integrations/_catalog_data.py",
    ]
    files = {line[len("?? packages/zenml-sample/") :] for line in new}
    assert {"pyproject.toml", "README.md", "CHANGELOG.md", "changelog.d/README.md",
            "src/zenml/integrations/sample/__init__.py", "src/zenml/integrations/sample/__about__.py",
            "src/zenml/integrations/sample/py.typed", "tests/test_integration.py"} <= files  # fmt: skip
    assert not {"src/zenml/__init__.py", "src/zenml/integrations/__init__.py"} & files
    assert 'sample = ["zenml-sample"]' in (repo / "packages/zenml-core/pyproject.toml").read_text()

    nox(repo, "-s", f"tests-sample-{PYTHON}")
    zenml = repo / ".nox" / f"tests-sample-{PYTHON.replace('.', '-')}" / "bin" / "zenml"
    listing = subprocess.run([str(zenml), "integration", "list", "--json"], capture_output=True, text=True,
                             check=True, cwd=tmp_path, env=clean_env(ZENML_CONFIG_DIR=str(tmp_path / "z")))  # fmt: skip
    records = {record["name"]: record for record in json.loads(listing.stdout)}
    assert (records["sample"]["installed"], records["sample"]["usable"]) == (True, True)
    assert records["sample"]["summary"] == "A sample integration."
    nox(repo, "-s", f"tests-core-{PYTHON}", "--", "-k", "catalog or unknown_name")  # core's tests know it too
    nox(repo, "-s", "wheels", "--", "-k", "sample")
    nox(repo, "-s", "install-combos", "--", "--only", "sample")
