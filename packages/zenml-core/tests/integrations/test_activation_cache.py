"""The activation cache: a warm activation reads no metadata, and installing anything invalidates it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys, warnings
warnings.simplefilter("ignore")
from zenml.integrations.registry import activate_integrations
report = activate_integrations()
print(json.dumps({
    "activated": report.activated,
    "skipped": sorted(report.skipped),
    "metadata_read": "importlib.metadata" in sys.modules or "packaging" in sys.modules,
}))
"""


def _activate(tmp_path: Path, extra_path: Path | None = None, **env: str) -> dict[str, object]:
    full_env = {**os.environ, "ZENML_CACHE_DIR": str(tmp_path / "cache"), **env}
    if extra_path is not None:
        full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), full_env.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=full_env, cwd=tmp_path, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_warm_activation_reads_no_metadata(tmp_path: Path) -> None:
    cold = _activate(tmp_path)
    warm = _activate(tmp_path)
    assert cold["metadata_read"] is True
    assert warm["metadata_read"] is False
    assert warm["activated"] == cold["activated"]
    assert (tmp_path / "cache" / "integrations.json").is_file()


def test_installing_a_distribution_invalidates_the_cache(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    before = _activate(tmp_path, site)
    assert "broken" not in before["skipped"]
    dist_info = site / "zenml_broken-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: zenml-broken\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text("[zenml.integrations]\nbroken = zenml_missing_module:Nothing\n")
    after = _activate(tmp_path, site)
    assert "broken" in after["skipped"]
    assert after["activated"] == before["activated"]


def test_cache_can_be_turned_off(tmp_path: Path) -> None:
    _activate(tmp_path, ZENML_INTEGRATION_CACHE="0")
    assert not (tmp_path / "cache" / "integrations.json").exists()
    assert _activate(tmp_path, ZENML_INTEGRATION_CACHE="0")["metadata_read"] is True


@pytest.mark.needs_integrations  # needs zenml-gcp, zenml-tensorflow, tensorflow-cpu: runs in nox -s tests-cross
def test_corrupt_cache_is_recomputed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "integrations.json").write_text("{not json")
    first = _activate(tmp_path)
    (plan,) = json.loads((cache / "integrations.json").read_text())["plans"].values()
    assert plan["activate"]
    assert _activate(tmp_path)["activated"] == first["activated"]


def test_scripts_in_different_directories_keep_their_own_plans(tmp_path: Path) -> None:
    """The script's directory is part of the key; switching projects must not thrash one cached plan."""
    one, two = tmp_path / "one", tmp_path / "two"
    for project in (one, two):
        project.mkdir()
        (project / "probe.py").write_text(PROBE)
    env = {**os.environ, "ZENML_CACHE_DIR": str(tmp_path / "cache")}

    def run(project: Path) -> dict[str, object]:
        result = subprocess.run(
            [sys.executable, str(project / "probe.py")], capture_output=True, text=True, env=env, check=True
        )
        return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    run(one)
    run(two)
    assert run(one)["metadata_read"] is False
    assert run(two)["metadata_read"] is False
    assert len(json.loads((tmp_path / "cache" / "integrations.json").read_text())["plans"]) == 2


CANARY = "import os\nopen(os.environ['ZT_CANARY_MARKER'], 'w').close()\nclass Evil: ...\n"


def _tamper(cache: Path, entry: list[str]) -> None:
    data = json.loads(cache.read_text())
    for plan in data["plans"].values():
        plan["activate"].append(entry)
    cache.write_text(json.dumps(data))


@pytest.mark.parametrize(
    "entry",
    [
        ["evil", "zt_canary:Evil"],  # not an integration package
        ["canary", "zenml.integrations.canary:Canary"],  # the shape, but no such package installed
        ["registry", "zenml.integrations.registry:IntegrationRegistry"],  # a module of core, not a package
        ["evil", "zenml.integrations.gcp:Evil"],  # the name and the package disagree
    ],
)
def test_a_tampered_plan_is_discarded_before_anything_it_names_is_imported(tmp_path: Path, entry: list[str]) -> None:
    (tmp_path / "zt_canary.py").write_text(CANARY)  # importable from the working directory (sys.path[0])
    marker = tmp_path / "canary-imported"
    cold = _activate(tmp_path, ZT_CANARY_MARKER=str(marker))
    cache = tmp_path / "cache" / "integrations.json"
    _tamper(cache, entry)

    again = _activate(tmp_path, ZT_CANARY_MARKER=str(marker))
    assert not marker.exists()
    assert again["metadata_read"] is True  # the plan was discarded: the slow path decided again
    assert again["activated"] == cold["activated"]
    assert entry not in next(iter(json.loads(cache.read_text())["plans"].values()))["activate"]  # and rewrote it


@pytest.mark.skipif(os.name != "posix", reason="file ownership and modes are POSIX")
@pytest.mark.parametrize("change", ["group-writable", "world-writable", "someone else's"])
def test_a_cache_file_that_others_can_write_is_not_trusted(tmp_path: Path, change: str) -> None:
    _activate(tmp_path)
    cache = tmp_path / "cache" / "integrations.json"
    assert _activate(tmp_path)["metadata_read"] is False  # trusted while it is the user's own
    data = json.loads(cache.read_text())
    for plan in data["plans"].values():
        plan["activate"] = [["gcp", "zenml.integrations.gcp:GcpIntegration"]]  # well formed, but not what is installed
    cache.write_text(json.dumps(data))
    if change == "someone else's":
        if os.geteuid() != 0:
            pytest.skip("changing a file's owner needs root")
        os.chown(cache, 65534, 65534)
    else:
        cache.chmod(0o620 if change == "group-writable" else 0o602)

    assert _activate(tmp_path)["metadata_read"] is True  # ignored: the slow path decided again
