"""``zenml run list|show|logs|mark-failed``: the run history of the active stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from zenml.cli.output import fail, print_json, print_table
from zenml.metadata_stores.models import COMPLETED, FAILED, RUNNING

if TYPE_CHECKING:
    from zenml.client import Client
    from zenml.metadata_stores.models import RunRecord
    from zenml.pipelines.runs import PipelineRun

# The statuses a run can have ("cached" is for steps only).
RUN_STATUSES = (RUNNING, COMPLETED, FAILED)
LIST_HINT = "zenml run list"
# Runs `zenml run list` shows without `--limit`: ZenML's default page size (its `PAGE_SIZE_DEFAULT`).
DEFAULT_LIST_LIMIT = 20


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


def _ago(timestamp: float) -> str:
    import time

    seconds = max(time.time() - timestamp, 0.0)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit} ago"
    return f"{seconds:.0f}s ago"


def _status(record: RunRecord) -> str:
    """``running (last seen 2m ago)`` for a running run, ``failed (crashed)`` for one whose process died,
    else its status."""
    from zenml.metadata_stores.crashes import CRASHED, last_seen

    if record.status == RUNNING:
        return f"{record.status} (last seen {_ago(last_seen(record))})"
    if record.status == FAILED and (record.error or "").startswith(CRASHED):
        return f"{record.status} (crashed)"
    return record.status


def _get_run(name_or_id: str, client: Client | None = None) -> PipelineRun:
    """The run the user named; an unknown one is a usage error (exit 2) pointing at `zenml run list`."""
    from zenml.metadata_stores.base import RunNotFoundError

    try:
        return (client or _client()).get_run(name_or_id)
    except RunNotFoundError as error:
        message = str(error)
        fail(message if LIST_HINT in message else f"{message}; see `{LIST_HINT}`", code=2)


@click.group("run")
def run() -> None:
    """List and inspect pipeline runs."""


@run.command("list")
@click.option("--pipeline", "-p", "pipeline_name", default=None, help="Only runs of this pipeline.")
@click.option("--status", "-s", type=click.Choice(RUN_STATUSES), default=None, help="Only runs with this status.")
@click.option(
    "--limit", "-n", type=click.IntRange(min=1), default=None,
    help=f"At most N runs (newest first; default {DEFAULT_LIST_LIMIT}).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_runs(pipeline_name: str | None, status: str | None, limit: int | None, as_json: bool) -> None:
    """Runs of the active stack, newest first (the newest 20 unless `--limit` says otherwise)."""
    shown = limit or DEFAULT_LIST_LIMIT
    runs = _client().list_runs(pipeline_name=pipeline_name, status=status, limit=shown if limit else shown + 1)
    older = len(runs) > shown  # the default page asks for one run more, to tell whether older ones exist
    runs = runs[:shown]
    if as_json:
        print_json([item.to_dict() for item in runs])
    elif runs:
        print_table(
            ["name", "pipeline", "status", "started", "duration"],
            [[r.name, r.pipeline_name, _status(r.record), _time(r.created_at), _seconds(r.duration)] for r in runs],
        )
    else:  # stdout stays empty for scripts; the hint is for people
        filtered = pipeline_name is not None or status is not None
        click.echo("No runs match these filters." if filtered else "No runs yet: run a pipeline first.", err=True)
    if older:  # on stderr: stdout stays the runs, for scripts
        click.echo(f"Showing the newest {shown} runs; older ones exist: `--limit N` shows up to N.", err=True)


@run.command("show")
@click.argument("run_name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def show_run(run_name: str, as_json: bool) -> None:
    """One run (by name, id or unique id prefix): its steps, statuses, durations and outputs."""
    found = _get_run(run_name)
    if as_json:
        print_json(found.to_dict(steps=True))
        return
    record = found.record
    click.echo(f"Run {found.name} ({found.id}) of pipeline {found.pipeline_name!r}: {found.status}")
    click.echo(
        f"Started {_time(found.created_at)}, took {_seconds(found.duration) or '-'}, stack {record.stack_name!r}"
    )
    if record.owner_host is not None:
        from zenml.metadata_stores.crashes import last_seen

        seen = f", last seen {_time(last_seen(record))} ({_ago(last_seen(record))})" if found.status == RUNNING else ""
        click.echo(f"Run by process {record.owner_pid} on host {record.owner_host}{seen}")
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


@run.command("mark-failed")
@click.argument("run_name")
@click.option("--reason", default=None, help="Why, in a few words (kept in the run's error).")
def mark_failed(run_name: str, reason: str | None) -> None:
    """Mark running run RUN_NAME (by name, id or unique id prefix) and its running steps failed.

    For a run whose process died where zenml cannot see it (another machine):
    runs of this machine whose process died are marked failed by any command
    that reads runs. If the process was in fact still alive, the run's real
    end replaces this mark.
    """
    from zenml.metadata_stores.crashes import CRASHED, end_run, last_seen, utc
    from zenml.utils.processes import host_name, owner_state

    client = _client()
    found = _get_run(run_name, client).record
    if found.status != RUNNING:
        fail(f"run {found.name!r} has already ended ({found.status}); only a running run can be marked failed")
    state, who = owner_state(found.owner_host, found.owner_pid, found.owner_start)
    if state == "alive":
        fail(
            f"run {found.name!r} is still running in {who}; stop that process (it marks the run failed itself) "
            "instead of marking the run"
        )
    where = f"on {found.owner_host}" if found.owner_host else "by an older zenml"
    note = f"{CRASHED}marked failed with `zenml run mark-failed` on host {host_name()!r}" + (
        f" ({reason})" if reason else ""
    )
    ended = end_run(client.active_stack.metadata_store, found, f"{note}; last seen {utc(last_seen(found))} {where}")
    if ended.status == RUNNING or ended.error is None or not ended.error.startswith(note):
        fail(f"run {found.name!r} ended by itself meanwhile ({ended.status}); nothing was changed")
    click.echo(f"Marked run {found.name!r} failed (last seen {_time(last_seen(found))}).")


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
