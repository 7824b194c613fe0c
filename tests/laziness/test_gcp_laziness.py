"""With zenml-gcp installed, nothing imports ``google.cloud`` until a GCS component is used.

Each case runs in a fresh interpreter (the ``fresh`` fixture) and inspects ``sys.modules``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

GOOGLE = ("google.cloud", "google.auth", "google.api_core", "requests", "rich")

NO_CREDENTIALS = {"GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json", "STORAGE_EMULATOR_HOST": ""}


def _config_env(tmp_path: Path) -> dict[str, str]:
    return {**NO_CREDENTIALS, "ZENML_CONFIG_DIR": str(tmp_path / "config")}


def test_import_zenml_and_the_gcp_integration_import_no_google(fresh, heavy) -> None:
    modules = fresh("import zenml\nimport zenml.integrations.gcp")
    assert "zenml.integrations.gcp" in modules
    assert heavy(modules, GOOGLE) == []


def test_integration_list_and_activation_import_no_google(fresh, heavy) -> None:
    modules = fresh(
        """
        from zenml.cli.main import cli
        cli(["integration", "list"], standalone_mode=False)
        from zenml.integrations.registry import activate_integrations
        report = activate_integrations()
        assert "gcp" in report.activated, report
        from zenml.stack.flavors import flavor_registry
        assert flavor_registry.reference("artifact_store", "gcp").endswith(":GCPArtifactStore")
        """
    )
    assert heavy(modules, GOOGLE) == []


def test_building_and_describing_gcs_components_imports_no_google(fresh, heavy) -> None:
    modules = fresh(
        """
        from zenml.integrations.registry import activate_integrations
        from zenml.stack.flavors import flavor_registry
        activate_integrations()
        store = flavor_registry.load("artifact_store", "gcp")("remote", path="gs://bucket/zen", project="p")
        meta = flavor_registry.load("metadata_store", "gcp")("shared", path="gs://bucket/meta")
        assert store.describe()["path"] == "gs://bucket/zen", store.describe()
        assert meta.describe()["flavor"] == "gcp"
        assert store.uri("a/b") == "gs://bucket/zen/a/b"
        repr(store), repr(meta)
        """,
        env=NO_CREDENTIALS,
    )
    assert "zenml.integrations.gcp.artifact_store" in modules
    assert "zenml.integrations.gcp.metadata_store" in modules
    assert heavy(modules, GOOGLE) == []


def test_registering_listing_and_showing_a_gcs_stack_imports_no_google(fresh, heavy, tmp_path: Path) -> None:
    modules = fresh(
        """
        from zenml.cli.main import cli
        def zen(*args):
            try:
                cli(list(args), standalone_mode=False)
            except SystemExit as exit:
                assert not exit.code, (args, exit.code)
        zen("artifact-store", "register", "remote", "--flavor", "gcp", "--path", "gs://bucket/zen")
        zen("metadata-store", "register", "shared", "--flavor", "gcp", "--path", "gs://bucket/meta")
        zen("stack", "register", "gcs", "-a", "remote", "-m", "shared")
        zen("stack", "list")
        zen("stack", "show", "gcs")
        zen("artifact-store", "list", "--json")
        """,
        env=_config_env(tmp_path),
    )
    assert heavy(modules, GOOGLE) == []


def test_a_pipeline_on_the_local_stack_imports_no_google(fresh, heavy, tmp_path: Path) -> None:
    modules = fresh(
        """
        from zenml import pipeline, step

        @step
        def one() -> int:
            return 1

        @step
        def add(x: int) -> int:
            return x + 1

        @pipeline
        def tiny() -> None:
            add(one())

        run = tiny()
        assert run.status == "completed", run.status
        """,
        env=_config_env(tmp_path),
        cwd=tmp_path,
    )
    assert "zenml.pipelines.pipeline_definition" in modules
    assert heavy(modules, GOOGLE) == []


def test_first_use_of_a_gcs_store_does_import_the_client(fresh, heavy) -> None:
    """The control case: the checks above would notice an import (no network: credentials fail first)."""
    modules = fresh(
        """
        from zenml.integrations.gcp.artifact_store import GCPArtifactStore
        from zenml.integrations.gcp.errors import GCPCredentialsError
        try:
            GCPArtifactStore("remote", path="gs://bucket/zen").exists("x")
        except GCPCredentialsError:
            pass
        else:
            raise AssertionError("expected missing credentials")
        """,
        env=NO_CREDENTIALS,
    )
    assert "google.cloud.storage" in heavy(modules, GOOGLE)
