"""The storage layer imports its stdlib helpers only when it needs them (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys


def modules_after(code: str) -> set[str]:
    program = f"import sys\n{code}\n_seen = sorted(sys.modules)\nimport json\nprint(json.dumps(_seen))"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_building_stores_imports_nothing_heavy(tmp_path: object) -> None:
    modules = modules_after(
        "from zenml.artifact_stores.local import LocalArtifactStore\n"
        "from zenml.metadata_stores.sqlite import SQLiteMetadataStore\n"
        f"LocalArtifactStore('a', path={str(tmp_path)!r})\n"
        f"SQLiteMetadataStore('m', path={str(tmp_path) + '/m.db'!r})\n"
    )
    for heavy in ("sqlite3", "numpy", "ctypes", "concurrent.futures", "json", "shutil", "tempfile"):
        assert heavy not in modules, f"{heavy} imported by merely building the stores"


def test_saving_small_artifacts_needs_no_thread_pool_or_ctypes(tmp_path: object) -> None:
    modules = modules_after(
        "from zenml.artifact_stores.local import LocalArtifactStore\n"
        "from zenml.artifacts import save_artifact, load_artifact\n"
        "from zenml.materializers.registry import materializer_registry as r\n"
        f"s = LocalArtifactStore('a', path={str(tmp_path)!r})\n"
        "m = r.get(dict)\n"
        "i = save_artifact({'a': (1, b'x')}, store=s, uri='x', materializer_cls=m)\n"
        "assert load_artifact(store=s, uri='x', materializer_cls=m, data_type=dict, materializer_version=1,"
        " content_hash=i.content_hash)"
        " == {'a': (1, b'x')}\n"
    )
    for heavy in ("numpy", "ctypes", "concurrent.futures", "sqlite3"):
        assert heavy not in modules, f"{heavy} imported to save a small artifact"
