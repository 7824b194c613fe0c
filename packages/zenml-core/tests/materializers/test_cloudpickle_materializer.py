"""CloudpickleMaterializer: opt-in per output, never chosen by type, loaded only when the caller chooses it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("cloudpickle")

from zenml.artifacts import UntrustedReferenceError
from zenml.materializers.cloudpickle_materializer import CloudpickleMaterializer, PickleLoadWarning
from zenml.materializers.registry import NoMaterializerError, materializer_registry


class Opaque:
    """A type no materializer handles."""

    def __init__(self, value: int) -> None:
        self.value = value


def test_never_chosen_automatically_and_named_last_in_the_error() -> None:
    assert materializer_registry.find(Opaque) is None
    with pytest.raises(NoMaterializerError) as raised:
        materializer_registry.get(Opaque)
    message = str(raised.value)
    assert message.rstrip().endswith("loading it executes code from the store).")
    assert message.index("write a materializer") < message.index("CloudpickleMaterializer")


def test_the_error_names_the_integration_before_pickle() -> None:
    code = textwrap.dedent(
        """
        class Model:  # types from packages that official integrations handle (from core's catalog)
            pass
        class SVC:
            pass
        Model.__module__ = "keras"
        SVC.__module__ = "sklearn.svm._classes"
        from zenml.materializers.registry import materializer_registry, NoMaterializerError
        for kind in (Model, SVC):
            try:
                materializer_registry.get(kind)
            except NoMaterializerError as error:
                print(error)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    keras, sklearn = result.stdout.strip().splitlines()
    for message, name in ((keras, "tensorflow"), (sklearn, "sklearn")):
        assert f"zenml integration install {name}" in message
        assert message.index(f"zenml integration install {name}") < message.index("CloudpickleMaterializer")


def test_pickled_output_loads_in_the_next_step_and_only_explicitly_afterwards(zen_home: Path) -> None:
    from zenml import pipeline, step

    @step(output_materializers=CloudpickleMaterializer)
    def make() -> Opaque:
        return Opaque(41)

    @step
    def use(value: Opaque) -> int:
        return value.value + 1

    @pipeline(enable_cache=False)
    def pickled() -> None:
        use(make())

    with pytest.warns(PickleLoadWarning, match="executes code from the artifact store"):
        run = pickled()
    assert run.steps["use"].output.load() == 42
    artifact = run.steps["make"].output
    with pytest.raises(UntrustedReferenceError, match=r"not enough.*\.load\(materializer=CloudpickleMaterializer\)"):
        artifact.load()
    with pytest.warns(PickleLoadWarning):
        assert artifact.load(materializer=CloudpickleMaterializer).value == 41


def test_a_record_naming_pickle_is_refused_in_a_fresh_process_before_anything_is_unpickled(
    zen_home: Path, tmp_path: Path
) -> None:
    script = tmp_path / "pickler.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys
            from zenml import pipeline, step
            from zenml.materializers.cloudpickle_materializer import CloudpickleMaterializer

            class Opaque:
                pass

            @step(output_materializers=CloudpickleMaterializer)
            def make() -> Opaque:
                return Opaque()

            @pipeline
            def only_pickle() -> None:
                make()

            if __name__ == "__main__":
                only_pickle()
            """
        )
    )
    reader = textwrap.dedent(
        """
        import sys
        from zenml.client import Client
        from zenml.artifacts import UntrustedReferenceError
        artifact = Client().list_runs(pipeline_name="only_pickle")[0].steps["make"].output
        try:
            artifact.load()
        except UntrustedReferenceError as error:
            print("refused:", error)
        assert "cloudpickle" not in sys.modules, "cloudpickle was imported"
        """
    )
    subprocess.run([sys.executable, str(script)], cwd=tmp_path, check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-c", reader], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "refused:" in result.stdout
    assert "unpickles" in result.stdout


def test_missing_cloudpickle_is_a_clear_error(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["cloudpickle"] = None
        from zenml.artifact_stores.local import LocalArtifactStore
        from zenml.artifacts import save_artifact
        from zenml.materializers.base import MaterializerError
        from zenml.materializers.cloudpickle_materializer import CloudpickleMaterializer
        try:
            save_artifact(object(), store=LocalArtifactStore("t", path={str(tmp_path)!r}), uri="x",
                          materializer_cls=CloudpickleMaterializer)
        except MaterializerError as error:
            print(error)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert 'pip install "zenml-core[cloudpickle]"' in result.stdout
