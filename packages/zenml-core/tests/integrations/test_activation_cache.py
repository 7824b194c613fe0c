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


def _probe(code: str, tmp_path: Path, extra_path: Path | None = None, **env: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter with its own cache directory; its last line of output, as JSON."""
    full_env = {**os.environ, "ZENML_CACHE_DIR": str(tmp_path / "cache"), **env}
    if extra_path is not None:
        full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), full_env.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, cwd=tmp_path, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _activate(tmp_path: Path, extra_path: Path | None = None, **env: str) -> dict[str, object]:
    return _probe(PROBE, tmp_path, extra_path, **env)


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


LIST_PROBE = """
import contextlib, io, json, sys
from zenml.cli.main import cli
out = io.StringIO()
with contextlib.redirect_stdout(out):
    cli(["integration", "list", "--json"], standalone_mode=False)
print(json.dumps({
    "records": json.loads(out.getvalue()),
    "metadata_read": "importlib.metadata" in sys.modules or "packaging" in sys.modules,
}))
"""


def _list(tmp_path: Path, extra_path: Path | None = None) -> dict[str, object]:
    return _probe(LIST_PROBE, tmp_path, extra_path)


def _broken_distribution(site: Path) -> None:
    dist_info = site / "zenml_broken-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: zenml-broken\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text("[zenml.integrations]\nbroken = zenml_missing_module:Nothing\n")


def test_warm_integration_list_reads_no_metadata_and_shows_the_same(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _broken_distribution(site)  # an installed integration with a problem: its problem comes from the cache too
    cold = _list(tmp_path, site)
    warm = _list(tmp_path, site)
    assert cold["metadata_read"] is True
    assert warm["metadata_read"] is False
    assert warm["records"] == cold["records"]
    broken = next(record for record in warm["records"] if record["name"] == "broken")  # type: ignore[attr-defined]
    assert broken["installed"] is True
    assert broken["usable"] is False
    assert "zenml_missing_module" in broken["problems"][0]


def test_installing_a_distribution_refreshes_the_integration_list(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    before = _list(tmp_path, site)
    _list(tmp_path, site)  # warm
    _broken_distribution(site)  # changes the directory's mtime, as an install does
    after = _list(tmp_path, site)
    assert after["metadata_read"] is True
    names = {record["name"] for record in after["records"]}  # type: ignore[attr-defined]
    assert names - {record["name"] for record in before["records"]} == {"broken"}  # type: ignore[attr-defined]


def test_the_listing_and_the_activation_plan_share_one_entry(tmp_path: Path) -> None:
    """``python -c`` scripts in one directory share a key: listing must not evict the plan, nor the reverse."""
    _activate(tmp_path)
    _list(tmp_path)
    assert _activate(tmp_path)["metadata_read"] is False
    assert _list(tmp_path)["metadata_read"] is False
    (entry,) = json.loads((tmp_path / "cache" / "integrations.json").read_text())["plans"].values()
    assert {"activate", "skipped", "listing"} <= set(entry)


@pytest.mark.parametrize("row", [["x"], ["n", "d", "1", "m:C", "not a list"], ["n", "d", 1, "m:C", []], "row"])
def test_a_malformed_listing_is_read_again_from_metadata(tmp_path: Path, row: object) -> None:
    cold = _list(tmp_path)
    cache = tmp_path / "cache" / "integrations.json"
    data = json.loads(cache.read_text())
    for entry in data["plans"].values():
        entry["listing"].append(row)
    cache.write_text(json.dumps(data))
    again = _list(tmp_path)
    assert again["metadata_read"] is True
    assert again["records"] == cold["records"]
