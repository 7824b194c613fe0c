"""Running pipelines on the default local stack: outputs, caching, failures and resuming."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any, ClassVar

import pytest

from zenml import pipeline, step
from zenml.client import Client
from zenml.materializers.base import BaseMaterializer
from zenml.materializers.registry import NoMaterializerError
from zenml.pipelines.errors import PipelineGraphError
from zenml.steps.errors import StepFailedError, StepOutputError

CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _calls(zen_home: Path) -> None:
    CALLS.clear()


@step
def load(n: int = 3) -> list[int]:
    CALLS.append("load")
    return list(range(n))


@step
def total(numbers: list[int]) -> int:
    CALLS.append("total")
    return sum(numbers)


@step
def describe(value: int, label: str = "sum") -> tuple[Annotated[str, "text"], Annotated[int, "doubled"]]:
    CALLS.append("describe")
    return f"{label}={value}", value * 2


@pipeline
def numbers_pipeline(n: int = 3) -> None:
    describe(total(load(n=n)))


def statuses(run: Any) -> dict[str, str]:
    return {name: step_run.status for name, step_run in run.steps.items()}


def test_run_returns_a_run_with_loadable_outputs(zen_home: Path) -> None:
    run = numbers_pipeline()
    assert run.status == "completed"
    assert run.pipeline_name == "numbers_pipeline"
    assert run.name.startswith("numbers_pipeline-")
    assert statuses(run) == {"load": "completed", "total": "completed", "describe": "completed"}
    assert run.steps["load"].outputs["output"][0].load() == [0, 1, 2]
    assert run.steps["total"].output.load() == 3
    assert run.steps["describe"].outputs["text"][0].load() == "sum=3"
    assert run.steps["describe"].outputs["doubled"][0].load() == 6
    assert run.steps["total"].inputs["numbers"][0].load() == [0, 1, 2]
    assert run.steps["load"].parameters == {"n": 3}
    artifact = run.steps["total"].output
    assert artifact.data_type == "builtins:int"
    assert artifact.size > 0
    assert artifact.full_uri.startswith(str(zen_home / "local_stores" / "artifacts"))
    assert Path(artifact.full_uri).is_dir()


def test_second_run_is_cached_and_parameter_change_reruns() -> None:
    numbers_pipeline()
    assert CALLS == ["load", "total", "describe"]
    CALLS.clear()
    second = numbers_pipeline()
    assert CALLS == []
    assert statuses(second) == {"load": "cached", "total": "cached", "describe": "cached"}
    assert second.steps["describe"].outputs["text"][0].load() == "sum=3"
    CALLS.clear()
    third = numbers_pipeline(n=4)
    assert CALLS == ["load", "total", "describe"]
    assert third.steps["describe"].outputs["doubled"][0].load() == 12
    CALLS.clear()
    fourth = numbers_pipeline(n=4)
    assert CALLS == []
    assert set(statuses(fourth).values()) == {"cached"}


def test_cache_off_per_run_and_per_step() -> None:
    numbers_pipeline()
    CALLS.clear()
    numbers_pipeline.with_options(enable_cache=False)()
    assert CALLS == ["load", "total", "describe"]

    @step(enable_cache=False)
    def always(x: int) -> int:
        CALLS.append("always")
        return x

    @pipeline
    def mixed() -> None:
        always(total(load()))

    mixed()
    CALLS.clear()
    run = mixed()
    assert CALLS == ["always"]
    assert statuses(run) == {"load": "cached", "total": "cached", "always": "completed"}

    @pipeline(enable_cache=False)
    def never() -> None:
        total(load())

    never()
    CALLS.clear()
    never()
    assert CALLS == ["load", "total"]


def test_changed_code_invalidates_the_cache() -> None:
    def make(offset: int) -> Any:
        namespace: dict[str, Any] = {"step": step, "CALLS": CALLS}
        exec(  # a step whose source text differs between the two definitions
            f"@step\ndef shifted(x: int) -> int:\n    CALLS.append('shifted')\n    return x + {offset}\n", namespace
        )
        return namespace["shifted"]

    for offset, expected in ((1, 4), (1, 4), (2, 5)):
        shifted = make(offset)

        @pipeline(name="shift")
        def shift() -> None:
            shifted(total(load()))  # noqa: B023

        CALLS.clear()
        assert shift().steps["shifted"].output.load() == expected
    assert CALLS == ["shifted"]  # the third run: new code, cached inputs


def test_failing_step_keeps_earlier_artifacts_and_next_run_resumes() -> None:
    state = {"fail": True}

    @step
    def flaky(value: int) -> int:
        CALLS.append("flaky")
        if state["fail"]:
            raise ZeroDivisionError("flaky broke")
        return value + 1

    @pipeline
    def fragile() -> None:
        flaky(total(load()))

    with pytest.raises(StepFailedError, match=r"step 'flaky' of pipeline 'fragile' failed: ZeroDivisionError") as err:
        fragile()
    assert isinstance(err.value.__cause__, ZeroDivisionError)
    assert err.value.step_name == "flaky"
    failed = Client().get_run(err.value.run_id)
    assert failed.name == err.value.run_name
    assert [run.id for run in Client().list_runs(pipeline_name="fragile")] == [failed.id]
    assert failed.status == "failed"
    assert "flaky broke" in (failed.error or "")
    assert statuses(failed) == {"load": "completed", "total": "completed", "flaky": "failed"}
    assert failed.steps["flaky"].error == "ZeroDivisionError: flaky broke"
    assert failed.steps["total"].output.load() == 3

    state["fail"] = False
    CALLS.clear()
    resumed = fragile()
    assert CALLS == ["flaky"]
    assert statuses(resumed) == {"load": "cached", "total": "cached", "flaky": "completed"}
    assert resumed.steps["flaky"].output.load() == 4


def test_deleted_cached_artifacts_are_recomputed(zen_home: Path) -> None:
    first = numbers_pipeline()
    shutil.rmtree(Path(first.steps["total"].output.full_uri))
    CALLS.clear()
    second = numbers_pipeline()
    assert CALLS == ["total"]
    assert statuses(second) == {"load": "cached", "total": "completed", "describe": "cached"}
    assert second.steps["total"].output.load() == 3


def test_truncated_cached_artifact_is_recomputed() -> None:
    first = numbers_pipeline()
    directory = Path(first.steps["load"].output.full_uri)
    data_file = next(p for p in directory.rglob("*") if p.is_file())
    data_file.write_bytes(data_file.read_bytes()[:-2])
    CALLS.clear()
    second = numbers_pipeline()
    assert CALLS == ["load"]
    assert statuses(second) == {"load": "completed", "total": "cached", "describe": "cached"}


def test_corrupted_input_fails_the_step_naming_the_artifact(zen_home: Path) -> None:
    """Corruption that leaves the files' metadata as it was (bit rot) passes the cache check, not the load."""
    import sqlite3

    from zenml.artifact_stores.local import LocalArtifactStore
    from zenml.artifacts import ArtifactCorruptedError

    @step(enable_cache=False)
    def consume(numbers: list[int]) -> int:
        return len(numbers)

    @pipeline
    def consuming() -> None:
        consume(load())

    first = consuming()
    directory = Path(first.steps["load"].output.full_uri)
    data_file = next(p for p in directory.rglob("*") if p.is_file())
    data_file.write_bytes(data_file.read_bytes().replace(b"1", b"7"))  # same size: only the hash can tell
    record = first.steps["load"].output.record
    now = LocalArtifactStore("x", path=record.artifact_store_path).fingerprint(record.uri)
    with sqlite3.connect(zen_home / "local_stores" / "metadata.db") as conn:  # as if the disk had flipped it
        conn.execute("UPDATE artifacts SET fingerprint = ? WHERE uri = ?", (now, record.uri))
    conn.close()
    with pytest.raises(StepFailedError, match=r"step 'consume' of pipeline 'consuming' failed") as caught:
        consuming()
    assert isinstance(caught.value.__cause__, ArtifactCorruptedError)
    assert f"runs/{first.id}/load/output" in str(caught.value)
    assert "the next run recomputes the step that produced it" in str(caught.value)

    # The corrupted files were kept aside, and the next run heals itself: `load` runs again.
    kept = [
        p for p in Path(first.steps["load"].output.full_uri.split("/runs/")[0], "corrupted").rglob("*") if p.is_file()
    ]
    assert kept
    assert b"7" in kept[0].read_bytes()
    CALLS.clear()
    third = consuming()
    assert CALLS == ["load"]
    assert statuses(third) == {"load": "completed", "consume": "completed"}


def test_corrupted_artifact_is_detected_on_load() -> None:
    from zenml.artifacts import ArtifactCorruptedError

    run = numbers_pipeline()
    directory = Path(run.steps["load"].output.full_uri)
    data_file = next(p for p in directory.rglob("*") if p.is_file())
    data_file.write_bytes(data_file.read_bytes().replace(b"1", b"7"))
    with pytest.raises(ArtifactCorruptedError):
        run.steps["load"].output.load()


def test_value_not_matching_annotation_fails_the_step() -> None:
    @step
    def liar() -> Annotated[int, "count"]:
        return "many"  # type: ignore[return-value]

    @pipeline
    def lying() -> None:
        liar()

    with pytest.raises(StepFailedError, match=r"step 'liar' output 'count' must be int") as err:
        lying()
    assert isinstance(err.value.__cause__, StepOutputError)
    assert Client().list_runs(pipeline_name="lying")[0].status == "failed"


def test_runtime_type_without_materializer() -> None:
    class Opaque:
        pass

    @step
    def anything() -> Any:
        return Opaque()

    @pipeline
    def opaque() -> None:
        anything()

    with pytest.raises(StepFailedError, match=r"step 'anything' output 'output': no materializer handles type") as e:
        opaque()
    assert isinstance(e.value.__cause__, NoMaterializerError)


def test_graph_errors_create_no_run() -> None:
    @pipeline
    def broken() -> None:
        total()

    with pytest.raises(PipelineGraphError, match="missing input"):
        broken()
    assert CALLS == []
    assert Client().list_runs(pipeline_name="broken") == []


class PlainTextMaterializer(BaseMaterializer):
    """Not the default for ``str`` (BuiltinMaterializer is): a step must ask for it."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (str,)
    SKIP_REGISTRATION: ClassVar[bool] = True

    def save(self, data: Any) -> None:
        with self.artifact_store.open(self.path("text.txt"), "wb") as handle:
            handle.write(data.encode())

    def load(self, data_type: type[Any]) -> Any:
        with self.artifact_store.open(self.path("text.txt"), "rb") as handle:
            return handle.read().decode()


def test_explicit_output_materializer_is_used() -> None:
    from zenml.materializers.registry import materializer_registry

    assert materializer_registry.get(str) is not PlainTextMaterializer

    @step(output_materializers=PlainTextMaterializer)
    def text() -> str:
        return "hello"

    @pipeline
    def texting() -> None:
        text()

    artifact = texting().steps["text"].output
    assert artifact.materializer == PlainTextMaterializer.reference()
    assert Path(artifact.full_uri, "text.txt").read_text(encoding="utf-8") == "hello"  # written by it
    assert artifact.load() == "hello"


def test_same_step_twice_and_numpy_outputs() -> None:
    import numpy as np

    @step
    def make_array(n: int) -> np.ndarray:
        return np.arange(n, dtype=np.float64)

    @step
    def norm(values: np.ndarray) -> float:
        return float(np.sqrt((values**2).sum()))

    @pipeline
    def arrays() -> None:
        norm(make_array(n=3))
        norm(make_array(n=4), id="norm_four")

    run = arrays()
    assert list(run.steps) == ["make_array", "make_array_2", "norm", "norm_four"]
    assert run.steps["norm"].output.load() == pytest.approx(5**0.5)
    assert run.steps["norm_four"].output.load() == pytest.approx(14**0.5)
    loaded = run.steps["make_array_2"].output.load()
    assert loaded.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_a_self_referential_output_is_a_clear_error() -> None:
    from zenml.materializers.base import MaterializerError

    @step
    def loop() -> list:  # type: ignore[type-arg]
        looped: list[Any] = [1]
        looped.append(looped)
        return looped

    @pipeline
    def looping() -> None:
        loop()

    with pytest.raises(StepFailedError, match="output 'output' contains itself") as failed:
        looping()
    assert isinstance(failed.value.__cause__, MaterializerError)
    assert "RecursionError" not in str(failed.value)
    (run,) = Client().list_runs(pipeline_name="looping")
    assert run.status == "failed"
    assert list(Path(run.stack.artifact_store.path).rglob("output/*")) == []  # nothing half-written is kept
