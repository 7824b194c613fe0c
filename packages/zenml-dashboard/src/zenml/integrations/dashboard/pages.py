"""The dashboard's pages and the small JSON answers its script polls.

Every handler only reads. Templates are rendered with autoescaping on, so every name,
parameter, metadata value, log line and error from the stores reaches the browser as text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from zenml.integrations.dashboard.catalog import VERSIONS_SHOWN, Catalog
from zenml.integrations.dashboard.history import RUN_STATUSES, History
from zenml.metadata_stores.base import ArtifactRecordNotFoundError, ModelNotFoundError, RunNotFoundError
from zenml.metadata_stores.models import RUNNING

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Environment
    from starlette.requests import Request

    from zenml.integrations.dashboard.app import Settings
    from zenml.integrations.dashboard.history import RunDetail
    from zenml.integrations.dashboard.previews import Preview
    from zenml.metadata_stores.models import ArtifactRecord
    from zenml.stack.stack import Stack

INLINE_STEPS = 100  # a run page lists its steps in a table up to this many; beyond, the table is a page of its own
PREVIEWS_KEPT = 32  # artifacts are immutable: their previews are kept, the most recently used first


@dataclass
class Context:
    """What the handlers share: the stack's runs and catalog, the templates, the settings and a preview cache."""

    stack: Stack
    history: History
    catalog: Catalog
    templates: Environment
    settings: Settings
    previews: OrderedDict[str, Preview]
    lock: threading.Lock

    @classmethod
    def create(cls, stack: Stack, settings: Settings) -> Context:
        """The context of a new app. The templates are compiled and a first graph laid out now (igraph and
        what it loads on first use, numpy among them), once per process, so no visitor's first page pays."""
        from zenml.integrations.dashboard.dag import layout

        layout({"warm": [], "up": ["warm"]})
        templates = _environment()
        for name in templates.list_templates():
            templates.get_template(name)
        return cls(stack, History(stack), Catalog(stack), templates, settings, OrderedDict(), threading.Lock())

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        page = self.templates.get_template(template).render(poll_ms=self.settings.poll_ms, **values)
        return HTMLResponse(page, status_code=status_code, headers={"cache-control": "no-store"})

    def preview(self, record: ArtifactRecord) -> Preview:
        """The artifact's preview (made once, through the Client's load path)."""
        with self.lock:
            if record.id in self.previews:
                self.previews.move_to_end(record.id)
                return self.previews[record.id]
        from zenml.integrations.dashboard.previews import make_preview
        from zenml.pipelines.runs import ArtifactView

        made = make_preview(ArtifactView(record, self.stack), self.settings.preview_limit)
        with self.lock:
            self.previews[record.id] = made
            while len(self.previews) > PREVIEWS_KEPT:
                self.previews.popitem(last=False)
        return made


def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from zenml.integrations.dashboard import formatting
    from zenml.integrations.dashboard.app import HERE
    from zenml.integrations.dashboard.dag import NODE_HEIGHT, NODE_WIDTH

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined, trim_blocks=True,
        lstrip_blocks=True,
    )  # fmt: skip
    env.filters.update(formatting.FILTERS)
    env.globals.update(run_url=run_url, step_url=step_url, artifact_url=artifact_url, runs_url=runs_url,
                       artifacts_url=artifacts_url, artifact_name_url=artifact_name_url, models_url=models_url,
                       model_url=model_url, model_version_url=model_version_url, node_width=NODE_WIDTH,
                       node_height=NODE_HEIGHT)  # fmt: skip
    return env


def run_url(run_id: str) -> str:
    return f"/runs/{quote(run_id, safe='')}"


def step_url(run_id: str, step: str) -> str:
    # The step's name goes in the query: browsers rewrite "." and ".." path segments, never a query.
    return f"{run_url(run_id)}/step?name={quote(step, safe='')}"


def artifact_url(artifact_id: str) -> str:
    return f"/artifacts/{quote(artifact_id, safe='')}"


def _with_query(path: str, **query: Any) -> str:
    """``path`` with the query's set values (page 1, the default, left out). Names always go in the query:
    browsers rewrite "." and ".." path segments, never a query. The page number comes last."""
    ordered = {**{key: value for key, value in query.items() if key != "page"}, "page": query.get("page")}
    text = urlencode({key: value for key, value in ordered.items() if value not in (None, "", 1)})
    return path + (f"?{text}" if text else "")


def runs_url(**filters: Any) -> str:
    return _with_query("/runs", **filters)


def artifacts_url(page: int = 1) -> str:
    return _with_query("/artifacts", page=page)


def artifact_name_url(name: str, page: int = 1) -> str:
    return _with_query("/artifact", name=name, page=page)


def models_url(page: int = 1) -> str:
    return _with_query("/models", page=page)


def model_url(name: str, page: int = 1) -> str:
    return _with_query("/model", name=name, page=page)


def model_version_url(version_id: str) -> str:
    return f"/model-versions/{quote(version_id, safe='')}"


def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def _name(request: Request) -> str:
    name = request.query_params.get("name")
    if not name:
        raise HTTPException(400, "say which one: ?name=...")
    return name


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    if not text.isdigit() or int(text) < 1:
        raise HTTPException(400, f"page must be a whole number from 1, not {text!r}")
    return int(text)


def home(request: Request) -> Response:
    return RedirectResponse("/runs", status_code=303)


def runs(request: Request) -> Response:
    context = _context(request)
    pipeline = request.query_params.get("pipeline") or None
    status = request.query_params.get("status") or None
    if status is not None and status not in RUN_STATUSES:
        raise HTTPException(400, f"status must be one of {', '.join(RUN_STATUSES)}, not {status!r}")
    page = context.history.runs_page(
        pipeline=pipeline, status=status, page=_page_number(request), size=context.settings.page_size
    )
    live = page.page == 1 or any(run.status == RUNNING for run in page.items)
    return context.render("runs.html", page=page, pipelines=context.history.pipelines(), pipeline=pipeline,
                          status=status, statuses=RUN_STATUSES, live=live)  # fmt: skip


def run(request: Request) -> Response:
    context = _context(request)
    detail = context.history.run(request.path_params["run_id"])
    return context.render("run.html", detail=detail, drawing=_drawing(detail), statuses=detail.statuses(),
                          inline_steps=INLINE_STEPS)  # fmt: skip


def run_steps(request: Request) -> Response:
    """A run's steps as one table (for runs too large to list on the run page)."""
    context = _context(request)
    detail = context.history.run(request.path_params["run_id"])
    return context.render("steps.html", detail=detail, statuses=detail.statuses())


def _drawing(detail: RunDetail) -> Any:
    from zenml.integrations.dashboard.dag import layout

    return layout(detail.graph)


def run_status(request: Request) -> Response:
    """The run's status and each step's, for the run page's live updates."""
    from zenml.integrations.dashboard.formatting import duration

    detail = _context(request).history.run(request.path_params["run_id"])
    steps = {
        name: {"status": detail.status_of(name), "duration": duration(_step_duration(detail, name))}
        for name in detail.graph
    }
    record = detail.run
    ended = None if record.ended_at is None else record.ended_at - record.created_at
    return JSONResponse({"status": record.status, "duration": duration(ended), "steps": steps},
                        headers={"cache-control": "no-store"})  # fmt: skip


def _step_duration(detail: RunDetail, name: str) -> float | None:
    record = detail.steps.get(name)
    if record is None or record.ended_at is None:
        return None
    return record.ended_at - record.started_at


def step(request: Request) -> Response:
    context = _context(request)
    detail = context.history.run(request.path_params["run_id"])
    name = request.query_params.get("name")
    if name is None or name not in detail.graph:
        raise HTTPException(404, f"run {detail.run.name!r} has no step {name!r}")
    by_id = {artifact.id: artifact for artifact in detail.artifacts}
    inputs = []
    record = detail.steps.get(name)
    for input_name, ids in (record.inputs if record is not None else {}).items():
        for artifact_id in ids if isinstance(ids, list) else [ids]:
            inputs.append((input_name, by_id.get(artifact_id) or context.history.artifact(artifact_id)))
    downstream = [other for other, upstream in detail.graph.items() if name in upstream]
    return context.render("step.html", detail=detail, name=name, record=record, status=detail.status_of(name),
                          inputs=inputs, outputs=detail.outputs.get(name, []), upstream=detail.graph[name],
                          downstream=downstream, logs=_logs(context, detail, name))  # fmt: skip


def _logs(context: Context, detail: RunDetail, name: str) -> str | None:
    """What the step printed (``None`` when nothing was kept), read the way the Client reads it."""
    record = detail.steps.get(name)
    if record is None or record.logs_uri is None:
        return None
    from zenml.pipelines.runs import PipelineRun, StepRunView

    try:
        return StepRunView(record, PipelineRun(detail.run, context.stack)).read_logs()
    except (OSError, LookupError) as error:  # removed from the store, or a store this machine cannot reach
        return f"[the logs at {record.logs_uri} cannot be read: {type(error).__name__}: {error}]"


def artifact(request: Request) -> Response:
    """An artifact version: its facts, tags, metadata, lineage and preview. One saved or registered outside
    any run (or whose run was deleted since) has no producing step or run to show."""
    from zenml.metadata_stores.models import ARTIFACT_VERSION

    context = _context(request)
    record = context.history.artifact(request.path_params["artifact_id"])
    detail = None
    if record.run_id is not None:
        with suppress(RunNotFoundError):
            detail = context.history.run(record.run_id)
    tags = context.catalog.tags(ARTIFACT_VERSION, [record.id]).get(record.id, [])
    return context.render("artifact.html", record=record, detail=detail, preview=context.preview(record), tags=tags,
                          consumers=detail.consumers_of(record.id) if detail else [])  # fmt: skip


def artifact_image(request: Request) -> Response:
    context = _context(request)
    preview = context.preview(context.history.artifact(request.path_params["artifact_id"]))
    if preview.image is None:
        raise HTTPException(404, "this artifact has no image preview")
    return Response(preview.image, media_type="image/png", headers={"cache-control": "private, max-age=3600"})


def artifacts(request: Request) -> Response:
    context = _context(request)
    page = context.catalog.artifacts_page(page=_page_number(request), size=context.settings.page_size)
    return context.render("artifacts.html", page=page)


def artifact_versions(request: Request) -> Response:
    """An artifact (a name): its versions, newest first."""
    context = _context(request)
    found = context.catalog.artifact_versions(_name(request), page=_page_number(request),
                                              size=context.settings.page_size)  # fmt: skip
    return context.render("artifact_versions.html", found=found, page=found.page)


def models(request: Request) -> Response:
    context = _context(request)
    page = context.catalog.models_page(page=_page_number(request), size=context.settings.page_size)
    return context.render("models.html", page=page, versions_shown=VERSIONS_SHOWN)


def model(request: Request) -> Response:
    """A model: its facts and its versions, newest first."""
    context = _context(request)
    found = context.catalog.model_versions(_name(request), page=_page_number(request),
                                           size=context.settings.page_size)  # fmt: skip
    return context.render("model.html", found=found, model=found.entry.model, page=found.page)


def model_version(request: Request) -> Response:
    """A model version: stage, tags, metadata, and the artifact versions and runs linked to it."""
    context = _context(request)
    version = context.catalog.model_version(request.path_params["version_id"])
    runs = sorted((run.record for run in version.pipeline_runs.values()), key=lambda run: run.created_at, reverse=True)
    return context.render("model_version.html", version=version, model=version.model.record,
                          artifacts=version.artifact_versions[::-1], runs=runs)  # fmt: skip


def _not_found(request: Request, error: Exception) -> Response:
    return _context(request).render("error.html", status_code=404, title="Not found", message=str(error))


def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    title = "Not found" if error.status_code == 404 else "Bad request"
    return _context(request).render("error.html", status_code=error.status_code, title=title, message=error.detail)


EXCEPTION_HANDLERS: dict[Any, Callable[[Request, Exception], Response]] = {
    RunNotFoundError: _not_found,
    ArtifactRecordNotFoundError: _not_found,
    ModelNotFoundError: _not_found,
    HTTPException: _http_error,
}
