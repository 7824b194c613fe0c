"""``zenml run list|show``: the run history of the active stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from zenml.cli.output import fail, print_json, print_table
from zenml.metadata_stores.models import COMPLETED, FAILED, RUNNING

if TYPE_CHECKING:
    from zenml.client import Client
    from zenml.pipelines.runs import PipelineRun

# The statuses a run can have ("cached" is for steps only).
RUN_STATUSES = (RUNNING, COMPLETED, FAILED)
LIST_HINT = "zenml run list"


def _client() -> Client:
    """A client on the active stack; config, store and credential errors are reported by the ``zenml`` group."""
    from zenml.client import Client

    client = Client()
    client.active_stack  # noqa: B018 - build it now, before any output
    return client


def _time(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}s"


def _get_run(name_or_id: str) -> PipelineRun:
    """The run the user named; an unknown one is a usage error (exit 2) pointing at `zenml run list`."""
    from zenml.metadata_stores.base import RunNotFoundError

    try:
        return _client().get_run(name_or_id)
    except RunNotFoundError as error:
        message = str(error)
        fail(message if LIST_HINT in message else f"{message}; see `{LIST_HINT}`", code=2)


@click.group("run")
def run() -> None:
    """List and inspect pipeline runs."""


@run.command("list")
@click.option("--pipeline", "-p", "pipeline_name", default=None, help="Only runs of this pipeline.")
@click.option("--status", "-s", type=click.Choice(RUN_STATUSES), default=None, help="Only runs with this status.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=None, help="At most N runs (newest first).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_runs(pipeline_name: str | None, status: str | None, limit: int | None, as_json: bool) -> None:
    """Runs of the active stack, newest first."""
    runs = _client().list_runs(pipeline_name=pipeline_name, status=status, limit=limit)
    if as_json:
        print_json([item.to_dict() for item in runs])
        return
    if not runs:  # stdout stays empty for scripts; the hint is for people
        filtered = pipeline_name is not None or status is not None
        click.echo("No runs match these filters." if filtered else "No runs yet: run a pipeline first.", err=True)
        return
    print_table(
        ["name", "pipeline", "status", "started", "duration"],
        [[r.name, r.pipeline_name, r.status, _time(r.created_at), _seconds(r.duration)] for r in runs],
    )


@run.command("show")
@click.argument("run_name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def show_run(run_name: str, as_json: bool) -> None:
    """One run (by name, id or unique id prefix): its steps, statuses, durations and outputs."""
    found = _get_run(run_name)
    if as_json:
        print_json(found.to_dict(steps=True))
        return
    click.echo(f"Run {found.name} ({found.id}) of pipeline {found.pipeline_name!r}: {found.status}")
    click.echo(
        f"Started {_time(found.created_at)}, took {_seconds(found.duration) or '-'}, stack {found.record.stack_name!r}"
    )
    if found.error:
        click.echo(f"Error: {found.error}")
    print_table(
        ["step", "status", "duration"], [[s.name, s.status, _seconds(s.duration)] for s in found.steps.values()]
    )
    rows = [
        [step.name, name, artifact.data_type, artifact.size, artifact.full_uri]
        for step in found.steps.values()
        for name, versions in step.outputs.items()
        for artifact in versions
    ]
    if rows:
        print_table(["step", "output", "type", "size", "uri"], rows, title="Outputs")


@run.command("logs")
@click.argument("run_name")
@click.argument("step_name", required=False)
def run_logs(run_name: str, step_name: str | None) -> None:
    """What the steps of run RUN_NAME printed (by name, id or unique id prefix), or only step STEP_NAME.

    Each step's stdout and stderr (and the logging output shown there) are kept in the artifact
    store, with the traceback of a failed step; ZENML_DISABLE_STEP_LOGS_STORAGE=true turns that off.
    """
    found = _get_run(run_name)
    steps = list(found.steps.values())
    if step_name is not None:
        if step_name not in found.steps:
            from zenml.utils.suggestions import unknown_choice

            fail(f"run {found.name!r}: {unknown_choice('step', step_name, list(found.steps))}", code=2)
        steps = [found.steps[step_name]]
    printed = False
    for step in steps:
        try:
            text = step.read_logs()
        except FileNotFoundError:
            fail(f"the logs of step {step.name!r} were recorded at {step.logs_uri} but are not there any more")
        except LookupError as error:  # kept in an artifact store this machine has no configuration for
            fail(f"cannot read the logs of step {step.name!r}: {error}")
        if not text:
            continue
        if step_name is None:
            click.echo(f"── {step.name} ({step.status}) ──")
        click.echo(text, nl=not text.endswith("\n"))
        printed = True
    if not printed:  # stdout stays empty for scripts; the note is for people
        what = f"Step {step_name!r} of run {found.name!r} printed nothing" if step_name else (
            f"No step of run {found.name!r} printed anything")  # fmt: skip
        click.echo(f"{what}.", err=True)
