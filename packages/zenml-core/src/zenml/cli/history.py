"""``zenml artifact ...``, ``zenml model ...`` and ``zenml pipeline list``: artifact versions, models and
pipelines of the active stack. They read only the metadata store (no artifact is loaded); unknown names exit
with status 2."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from zenml.cli.output import fail, print_json, print_table

if TYPE_CHECKING:
    from zenml.client import Client

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def _client() -> Client:
    from zenml.cli.run import _client as client

    return client()


def _time(timestamp: float | None) -> str:
    from zenml.cli.run import _time as format_time

    return format_time(timestamp)


def _unknown(error: Exception, hint: str) -> None:
    message = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    fail(message if hint in message else f"{message.rstrip('.')}; see `{hint}`", code=2)


def _limited(items: list[Any], limit: int | None) -> list[Any]:
    return items if limit is None else items[:limit]


# -- artifacts ---------------------------------------------------------------------------------------------


@click.group("artifact")
def artifact() -> None:
    """List artifacts (names with versions) and their versions."""


@artifact.command("list")
@click.option("--name", default=None, help="A name filter, e.g. 'startswith:training::'.")
@click.option("--tag", default=None, help="Only artifacts with a version that has this tag.")
@JSON_OPTION
def list_artifacts(name: str | None, tag: str | None, as_json: bool) -> None:
    """Every artifact: its name, number of versions and newest version."""
    from zenml.metadata_stores.queries import FilterError

    client = _client()
    store = client.active_stack.metadata_store
    try:
        wanted = {item.name for item in client.list_artifacts(name=name, tag=tag, size=1 << 30)}
    except FilterError as error:
        fail(str(error), code=2)
    versions: dict[str, list[Any]] = {}
    for record in store.list_artifact_versions():
        if record.artifact_name in wanted:
            versions.setdefault(record.artifact_name, []).append(record)
    rows = [
        {
            "name": key,
            "versions": len(items),
            "latest_version": items[-1].version,
            "latest_created": items[-1].created_at,
            "type": items[-1].artifact_type,
        }
        for key, items in sorted(versions.items())
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("No artifacts yet: run a pipeline or save_artifact() first.", err=True)
        return
    print_table(
        ["name", "versions", "latest", "type", "created"],
        [[r["name"], r["versions"], r["latest_version"], r["type"], _time(r["latest_created"])] for r in rows],
    )


@artifact.command("show")
@click.argument("name")
@JSON_OPTION
def show_artifact(name: str, as_json: bool) -> None:
    """One artifact and each of its versions."""
    client = _client()
    try:
        found = client.get_artifact(name)
    except KeyError as error:
        _unknown(error, "zenml artifact list")
    versions = list(found.versions.values())
    if as_json:
        print_json({"name": found.name, "versions": [view.to_dict() for view in versions]})
        return
    click.echo(f"Artifact {found.name!r}: {len(versions)} version(s)")
    _print_versions(versions)


def _print_versions(versions: list[Any]) -> None:
    print_table(
        ["version", "type", "data type", "tags", "producer", "created", "uri"],
        [
            [
                view.version,
                view.record.artifact_type,
                view.data_type,
                ",".join(view.tags),
                f"{view.record.run_id[:8]}:{view.record.step_name}" if view.record.run_id else view.record.save_type,
                _time(view.record.created_at),
                view.uri,
            ]
            for view in versions
        ],
    )


@artifact.group("version")
def artifact_version() -> None:
    """List artifact versions."""


@artifact_version.command("list")
@click.option("--name", "-n", default=None, help="Only versions of this artifact (or a filter like 'contains:model').")
@click.option("--tag", default=None, help="Only versions with this tag.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N versions (newest first).")
@JSON_OPTION
def list_artifact_versions(name: str | None, tag: str | None, limit: int | None, as_json: bool) -> None:
    """Artifact versions, newest first."""
    from zenml.metadata_stores.queries import FilterError

    client = _client()
    if name is not None and ":" not in name.replace("::", ""):
        names = client.active_stack.metadata_store.artifact_names()
        if name not in names:
            from zenml.utils.suggestions import unknown_choice

            fail(unknown_choice("artifact", name, names) + " See `zenml artifact list`.", code=2)
    try:
        page = client.list_artifact_versions(name=name, tag=tag, sort_by="desc:created", size=limit or 1 << 30)
    except FilterError as error:
        fail(str(error), code=2)
    versions = list(page)
    if as_json:
        print_json([view.to_dict() for view in versions])
        return
    if not versions:
        click.echo("No artifact versions match." if name or tag else "No artifact versions yet.", err=True)
        return
    print_table(
        ["artifact", "version", "type", "tags", "created", "uri"],
        [
            [v.name, v.version, v.record.artifact_type, ",".join(v.tags), _time(v.record.created_at), v.uri]
            for v in versions
        ],
    )


# -- models ------------------------------------------------------------------------------------------------


@click.group("model")
def model() -> None:
    """List and inspect models and their versions."""


@model.command("list")
@JSON_OPTION
def list_models(as_json: bool) -> None:
    """Every model with its number of versions and newest version."""
    client = _client()
    store = client.active_stack.metadata_store
    counts: dict[str, list[Any]] = {}
    for record in store.list_model_versions():
        counts.setdefault(record.model_name, []).append(record)
    rows = [
        {
            **record.to_dict(),
            "versions": len(counts.get(record.name, [])),
            "latest_version": counts[record.name][-1].name if counts.get(record.name) else None,
        }
        for record in store.list_models()
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("No models yet: run a pipeline with model=Model(name=...) first.", err=True)
        return
    print_table(
        ["name", "versions", "latest", "license", "created"],
        [
            [r["name"], r["versions"], r["latest_version"] or "", r["license"] or "", _time(r["created_at"])]
            for r in rows
        ],
    )


@model.command("show")
@click.argument("name")
@JSON_OPTION
def show_model(name: str, as_json: bool) -> None:
    """One model and its versions (with their stages)."""
    from zenml.metadata_stores.base import ModelNotFoundError

    client = _client()
    try:
        found = client.get_model(name)
    except ModelNotFoundError as error:
        _unknown(error, "zenml model list")
    versions = list(client.list_model_versions(name, size=1 << 30))
    if as_json:
        print_json({**found.to_dict(), "versions": [version.to_dict() for version in versions]})
        return
    click.echo(f"Model {found.name!r}: {len(versions)} version(s)")
    for label, value in (("license", found.license), ("description", found.description)):
        if value:
            click.echo(f"{label.capitalize()}: {value}")
    _print_model_versions(versions)


def _print_model_versions(versions: list[Any]) -> None:
    print_table(
        ["model", "version", "number", "stage", "tags", "created"],
        [
            [v.record.model_name, v.name, v.number, str(v.stage or ""), ",".join(v.tags), _time(v.record.created_at)]
            for v in versions
        ],
    )


@model.group("version")
def model_version() -> None:
    """List model versions."""


@model_version.command("list")
@click.option("--model-name", "-n", "model_name", default=None, help="Only versions of this model.")
@click.option(
    "--stage",
    type=click.Choice(["none", "staging", "production", "archived"]),
    default=None,
    help="Only versions in this stage.",
)
@JSON_OPTION
def list_model_versions(model_name: str | None, stage: str | None, as_json: bool) -> None:
    """Model versions, by model and number."""
    from zenml.metadata_stores.base import ModelNotFoundError

    client = _client()
    try:
        versions = list(client.list_model_versions(model_name, stage=stage, size=1 << 30))
    except ModelNotFoundError as error:
        _unknown(error, "zenml model list")
    if as_json:
        print_json([version.to_dict() for version in versions])
        return
    if not versions:
        click.echo("No model versions match." if model_name or stage else "No model versions yet.", err=True)
        return
    _print_model_versions(versions)


# -- pipelines ---------------------------------------------------------------------------------------------


@click.group("pipeline")
def pipeline() -> None:
    """List pipelines (those that have runs)."""


@pipeline.command("list")
@JSON_OPTION
def list_pipelines(as_json: bool) -> None:
    """Every pipeline with its number of runs and newest run."""
    store = _client().active_stack.metadata_store
    runs: dict[str, list[Any]] = {}
    for record in store.list_runs():
        runs.setdefault(record.pipeline_name, []).append(record)
    rows = [
        {
            "name": name,
            "runs": len(runs.get(name, [])),
            "latest_run": runs[name][0].name if runs.get(name) else None,
            "latest_run_status": runs[name][0].status if runs.get(name) else None,
        }
        for name in store.list_pipelines()
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("No pipelines yet: run one first.", err=True)
        return
    print_table(
        ["name", "runs", "latest run", "status"],
        [[r["name"], r["runs"], r["latest_run"] or "", r["latest_run_status"] or ""] for r in rows],
    )
