"""A run history made by real pipeline runs on a real SQLite store, and the dashboard serving it.

The history is made once per session in a private config dir: a completed run, the same
run again (its steps cached), a failed run, a run whose name, parameters, values, logs and
error are markup, a run whose step succeeds on its second attempt and adds metadata to its output,
120 small runs for paging, a run recorded straight through the store
API by "another writer" whose pipeline and step names are markup (zenml refuses such names,
but a shared store holds whatever anyone with access wrote), and the model control plane: two training
runs under a model (a named, tagged output; metadata logged to the model version; the second version in
production), artifacts saved and registered outside any run, a model made outside any run, and a run
deleted after it made an artifact version (the version stays), with markup in names, tags, descriptions
and metadata. The dashboard serves it on a free loopback port.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import pytest

from zenml import ArtifactConfig, Model, get_step_context, log_metadata, pipeline, step
from zenml.config.retry_config import StepRetryConfig
from zenml.enums import ArtifactType

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from zenml.integrations.dashboard.server import DashboardServer
    from zenml.pipelines.runs import ArtifactView, PipelineRun
    from zenml.stack.stack import Stack

XSS = "<script>alert(1)</script>"
PAGING_RUNS = 120
MODEL = "iris"
IMG = "<img src=x onerror=alert(1)>"  # markup for names that become directories (no "/")
WEIGHTS = f"weights {IMG}"  # the training runs' named output
SAVED = "baseline"  # a numpy array saved outside any run, twice


@step
def load_image(size: int = 32) -> Annotated[np.ndarray, "image"]:
    return np.linspace(0.0, 1.0, size * size).reshape(size, size)


@step
def make_rows(count: int = 30) -> Annotated[list, "rows"]:
    return [{"id": number, "square": number * number} for number in range(count)]


@step
def describe(image: np.ndarray, rows: list) -> Annotated[dict, "summary"]:
    print(f"describing an image of shape {image.shape} and {len(rows)} rows")
    return {"mean": float(image.mean()), "rows": len(rows)}


@step
def report(summary: dict) -> Annotated[str, "text"]:
    return f"mean brightness {summary['mean']:.3f} over {summary['rows']} rows\n"


@pipeline
def showcase() -> None:
    report(describe(load_image(), make_rows()))


@step
def explode(image: np.ndarray) -> int:
    raise ValueError(f"an image of mean {image.mean():.2f} is too <b>bright</b>")


@step
def never(value: int) -> int:
    return value


@pipeline(enable_cache=False)
def broken() -> None:
    never(explode(load_image()))


@step
def markup(note: str = XSS) -> Annotated[dict, "payload"]:
    print(note)
    return {note: note}


@step
def fail_with_markup(payload: dict) -> None:
    raise RuntimeError(next(iter(payload)))


@pipeline(enable_cache=False)
def hostile() -> None:
    fail_with_markup(markup())


ATTEMPTS = {"flaky": 0}


@step(retry=StepRetryConfig(max_retries=2, delay=0), extra={"owner": "ml team"})
def flaky() -> Annotated[float, "score"]:
    ATTEMPTS["flaky"] += 1
    if ATTEMPTS["flaky"] == 1:
        raise RuntimeError("the first attempt fails")
    get_step_context().add_output_metadata(output_name="score", metadata={"accuracy": 0.93, "note": XSS})
    return 0.93


@pipeline(enable_cache=False)
def retried() -> None:
    flaky()


@step
def tick() -> int:
    return 1


@pipeline(enable_cache=False)
def ticks() -> None:
    tick()


@step(enable_cache=False)
def train(rate: float = 0.5) -> Annotated[
    dict, ArtifactConfig(name=WEIGHTS, artifact_type=ArtifactType.MODEL, tags=["candidate", XSS])
]:  # fmt: skip
    log_metadata(metadata={"accuracy": rate, XSS: XSS}, infer_model=True)
    return {"rate": rate}


@pipeline(enable_cache=False, model=Model(name=MODEL, license="MIT", description=f"flowers {XSS}", tags=[XSS]))
def training(rate: float = 0.5) -> None:
    train(rate=rate)


@step
def doomed_output() -> Annotated[int, ArtifactConfig(name="orphan")]:
    return 7


@pipeline(enable_cache=False)
def doomed() -> None:
    doomed_output()


@dataclass(frozen=True)
class Catalog:
    """The artifacts and models the session made apart from the runs above."""

    trainings: list[PipelineRun]  # two runs of ``training``: versions 1 and 2 (in production) of the model
    saved: list[ArtifactView]  # versions 1 and 2 of SAVED, by save_artifact
    registered: ArtifactView  # files registered with register_artifact
    hostile: ArtifactView  # saved as an artifact named (and tagged) with markup
    orphan: ArtifactView  # made by a run deleted since
    foreign_model: str  # a model named with markup, its one version made outside any run
    model: str = MODEL
    weights: str = WEIGHTS


@dataclass(frozen=True)
class History:
    """The runs the session made, by role."""

    completed: PipelineRun
    cached: PipelineRun
    failed: PipelineRun
    hostile: PipelineRun
    retried: PipelineRun
    foreign_run_id: str
    home: Path
    catalog: Catalog
    markup: str = XSS  # in the hostile and foreign runs' names, parameters, values, logs and errors
    paging_runs: int = PAGING_RUNS  # runs of the pipeline "ticks"


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    home = tmp_path_factory.mktemp("zen-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZENML_CONFIG_DIR", str(home / "config"))
        patch.chdir(home)
        completed = showcase()
        cached = showcase()
        failed = _failed(broken)
        hostile_run = _failed(hostile.with_options(run_name=XSS))
        retried_run = retried()
        for _ in range(PAGING_RUNS):
            ticks()
        foreign = _foreign_run()
        yield History(completed, cached, failed, hostile_run, retried_run, foreign, home, _catalog())


def _failed(definition: Any) -> PipelineRun:
    from zenml import Client
    from zenml.steps.errors import StepFailedError

    with pytest.raises(StepFailedError) as raised:
        definition()
    return Client().get_run(raised.value.run_id)


def _catalog() -> Catalog:
    """Models and named artifacts, made the ways ZenML's docs make them."""
    from zenml import Client, register_artifact, save_artifact

    client = Client()
    trainings = [training(), training(rate=0.9)]
    client.get_model_version(MODEL, 2).set_stage("production")
    saved = [save_artifact(np.arange(12.0).reshape(3, 4), name=SAVED, tags=["reference"]) for _ in range(2)]
    store = client.active_stack.artifact_store
    store.makedirs("registered/labels")
    with store.open("registered/labels/labels.csv", "wb") as handle:
        handle.write(b"id,label\n1,setosa\n")
    registered = register_artifact(store.uri("registered/labels"), name="labels")
    hostile = save_artifact(XSS, name=XSS, tags=[XSS])
    foreign_model = f"model {XSS}"
    Model(name=foreign_model, version="v1", description=XSS).id  # noqa: B018 - makes the version
    orphan_run = doomed()
    orphan = orphan_run.steps["doomed_output"].output
    client.delete_pipeline_run(orphan_run.id)
    return Catalog(trainings, saved, registered, hostile, client.get_artifact_version(orphan.id), foreign_model)


def _foreign_run() -> str:
    """A run written through the store API as another program could: its step is named with a script tag."""
    from zenml import Client
    from zenml.metadata_stores.models import COMPLETED, RunRecord, StepRecord

    store = Client().active_stack.metadata_store
    now = time.time()
    run_id = os.urandom(16).hex()
    store.create_run(RunRecord(id=run_id, name=f"foreign {XSS}", pipeline_name=f"pipe {XSS}", status=COMPLETED,
                               created_at=now, ended_at=now + 1))  # fmt: skip
    store.record_step(StepRecord(run_id=run_id, name=XSS, status=COMPLETED, started_at=now, ended_at=now + 1,
                                 parameters={XSS: [XSS]}, error=XSS))  # fmt: skip
    return run_id


@pytest.fixture(scope="session")
def dashboard(history: History) -> Iterator[DashboardServer]:
    """The dashboard over the session's history, on a free port of 127.0.0.1 (no token: loopback)."""
    from zenml.integrations.dashboard.app import create_app
    from zenml.integrations.dashboard.server import DashboardServer

    with DashboardServer(create_app(history_stack(history)), "127.0.0.1", 0) as server:
        yield server


def history_stack(history: History) -> Stack:
    """The session's default stack, built apart from the active-stack cache (which closes replaced stacks)."""
    from zenml.stack.config import StackConfig
    from zenml.stack.stack import Stack

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZENML_CONFIG_DIR", str(history.home / "config"))
        return Stack.from_config(StackConfig.load())


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def body(self) -> str:
        return self.content.decode()

    def json(self) -> Any:
        return json.loads(self.content)


def fetch(url: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    """One real HTTP request (redirects are not followed: tests look at them)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(url, method=method, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


@pytest.fixture
def http() -> Any:
    """``http(url, method=..., headers=...) -> Answer``: one real HTTP request."""
    return fetch


@pytest.fixture
def stack_of(history: History) -> Any:
    """``stack_of(history) -> Stack``: the session's stack, for a server of a test's own."""
    return history_stack


@pytest.fixture
def get(dashboard: DashboardServer) -> Any:
    """``get("/runs")``: a GET to the session's dashboard."""

    def request(path: str, **options: Any) -> Answer:
        return fetch(dashboard.url + path, **options)

    return request
