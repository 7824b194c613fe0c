"""``zenml.client.Client``: the Python API to stacks, run history, artifacts and models (ZenML's Client).

Everything it returns is a read-only view of the metadata store: listing runs or artifact versions reads only
records, and an artifact is loaded only by ``.load()``. List methods take ZenML's filters
(``name="startswith:train"``, ``created="gt:2026-01-01"``), ``sort_by`` (``"desc:created"``), ``page`` and
``size``, and return a :class:`~zenml.models.Page`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from zenml.models.page_model import Page
    from zenml.pipelines.runs import (
        ArtifactSummary,
        ArtifactView,
        ModelVersionView,
        ModelView,
        PipelineRun,
        PipelineView,
        StepRunView,
    )
    from zenml.stack.stack import Stack

# ZenML filters this zenml has nothing to filter by (no users, projects, builds, ...): accepted when unset
_NOT_RECORDED = {
    "logical_operator", "updated", "user", "user_id", "workspace", "workspace_id", "project", "stack_id",
    "schedule_id", "build_id", "deployment_id", "code_repository_id", "template_id", "orchestrator_run_id",
    "unlisted", "templatable", "code_repository", "stack_component", "hydrate", "include_full_metadata",
    "artifact_store_id", "has_custom_name", "only_unused", "run_metadata", "snapshot_id", "source_snapshot_id",
    "in_progress", "triggered_by_step_run_id", "linked_to_model_version_id", "allow_name_prefix_match",
}  # fmt: skip


def _check_unsupported(method: str, options: dict[str, Any]) -> None:
    used = sorted(name for name, value in options.items() if value not in (None, False, "and", True) or
                  (name not in _NOT_RECORDED and value is not None))  # fmt: skip
    if used:
        raise TypeError(
            f"Client.{method}() cannot filter by {', '.join(used)}: this zenml does not record it (no server, "
            "users or projects); filter by the other options or by the returned items"
        )


def _page(items: list[Any], page: int, size: int) -> Page[Any]:
    from zenml.metadata_stores.queries import check_paging
    from zenml.models.page_model import Page

    check_paging(page, size)
    start = (page - 1) * size
    return Page(items[start : start + size], index=page, max_size=size, total=len(items))


class Client:
    """Read (and annotate) history from the active stack's metadata store: ``Client().get_pipeline_run(name)``."""

    def __init__(self, stack: Stack | None = None) -> None:
        self._stack = stack

    @property
    def active_stack(self) -> Stack:
        """The stack runs are read from (the active stack of the config in effect, unless one was given)."""
        if self._stack is None:
            from zenml.stack.stack import get_active_stack

            self._stack = get_active_stack()
        return self._stack

    # -- pipelines ------------------------------------------------------------------------------------

    def list_pipelines(
        self, *, sort_by: str = "asc:name", page: int = 1, size: int = 50, name: str | None = None, **unsupported: Any
    ) -> Page[PipelineView]:
        """The pipelines that have runs."""
        from zenml.metadata_stores.queries import Condition, FilterError
        from zenml.pipelines.runs import PipelineView

        _check_unsupported("list_pipelines", unsupported)
        names = self.active_stack.metadata_store.list_pipelines()
        if name is not None:
            condition = Condition.parse("name", name)
            names = [item for item in names if condition.matches(item)]
        if sort_by not in ("name", "asc:name", "desc:name", "created", "asc:created", "desc:created"):
            raise FilterError(f"sort_by: cannot sort pipelines by {sort_by!r}; use 'asc:name' or 'desc:name'")
        names = sorted(names, reverse=sort_by.startswith("desc"))
        return _page([PipelineView(item, self.active_stack) for item in names], page, size)

    def get_pipeline(self, name_id_or_prefix: str, **unsupported: Any) -> PipelineView:
        """A pipeline by name (``.runs``, ``.last_run``, ``.last_successful_run``); ``KeyError`` if it never ran."""
        from zenml.pipelines.runs import PipelineView

        _check_unsupported("get_pipeline", unsupported)
        names = self.active_stack.metadata_store.list_pipelines()
        if name_id_or_prefix not in names:
            from zenml.utils.suggestions import unknown_choice

            raise KeyError(
                unknown_choice("pipeline", name_id_or_prefix, names) + " A pipeline is known once it has run."
            )
        return PipelineView(name_id_or_prefix, self.active_stack)

    # -- runs -----------------------------------------------------------------------------------------

    def list_runs(
        self, pipeline_name: str | None = None, status: str | None = None, limit: int | None = None
    ) -> list[PipelineRun]:
        """Runs, newest first, optionally of one pipeline and/or with one status."""
        from zenml.pipelines.runs import PipelineRun

        stack = self.active_stack
        records = stack.metadata_store.list_runs(pipeline_name=pipeline_name, status=status, limit=limit)
        return [PipelineRun(record, stack) for record in records]

    def get_run(self, name_or_id: str) -> PipelineRun:
        """One run by name or id (a unique id prefix works); ``RunNotFoundError`` if there is none."""
        from zenml.pipelines.runs import PipelineRun

        stack = self.active_stack
        return PipelineRun(stack.metadata_store.get_run(name_or_id), stack)

    def get_pipeline_run(self, name_id_or_prefix: str, **unsupported: Any) -> PipelineRun:
        """A run by id, name or unique id prefix (ZenML's name for :meth:`get_run`)."""
        _check_unsupported("get_pipeline_run", unsupported)
        return self.get_run(str(name_id_or_prefix))

    def list_pipeline_runs(
        self,
        *,
        sort_by: str = "desc:created",
        page: int = 1,
        size: int = 50,
        id: str | None = None,
        created: Any = None,
        name: str | None = None,
        pipeline_id: str | None = None,
        pipeline_name: str | None = None,
        pipeline: str | None = None,
        status: str | None = None,
        start_time: Any = None,
        end_time: Any = None,
        stack: str | None = None,
        tag: str | None = None,
        tags: list[str] | None = None,
        model_version_id: str | None = None,
        model: str | None = None,
        **unsupported: Any,
    ) -> Page[PipelineRun]:
        """One page of runs, newest first by default (ZenML's filters; ``pipeline_id`` is the pipeline's name here)."""
        from zenml.metadata_stores.queries import RunQuery
        from zenml.models.page_model import Page
        from zenml.pipelines.runs import PipelineRun

        _check_unsupported("list_pipeline_runs", unsupported)
        query = RunQuery.build(
            sort_by=sort_by, page=page, size=size, id=id, created=created, name=name,
            pipeline_name=pipeline_name or pipeline or pipeline_id, status=getattr(status, "value", status),
            start_time=start_time, end_time=end_time, stack_name=stack,
        )  # fmt: skip
        store = self.active_stack.metadata_store
        wanted = [tag] if tag else []
        wanted += list(tags or [])
        if wanted:
            query.ids = self._ids_with_tags("pipeline_run", wanted)
        if model_version_id is not None or model is not None:
            linked = self._runs_of_models(model_version_id, model)
            query.ids = linked if query.ids is None else query.ids & linked
        records, total = store.query_runs(query)
        runs = [PipelineRun(record, self.active_stack) for record in records]
        return Page(runs, index=page, max_size=size, total=total)

    def delete_pipeline_run(self, name_id_or_prefix: str, **unsupported: Any) -> None:
        """Forget a run and its steps (their artifact versions and the files stay)."""
        _check_unsupported("delete_pipeline_run", unsupported)
        run = self.get_pipeline_run(name_id_or_prefix)
        self.active_stack.metadata_store.delete_run(run.id)

    def get_run_step(self, step_run_id: str, **unsupported: Any) -> StepRunView:
        """A step run by id (``step.id``, ``<run id>:<step name>``)."""
        from zenml.metadata_stores.models import split_step_id

        _check_unsupported("get_run_step", unsupported)
        try:
            run_id, name = split_step_id(str(step_run_id))
        except ValueError as error:
            raise KeyError(str(error)) from None
        steps = self.get_run(run_id).steps
        if name not in steps:
            raise KeyError(f"run {run_id!r} has no step {name!r}; its steps are: {', '.join(steps) or 'none'}")
        return steps[name]

    def list_run_steps(
        self,
        *,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        pipeline_run_id: str | None = None,
        name: str | None = None,
        status: str | None = None,
        **unsupported: Any,
    ) -> Page[StepRunView]:
        """Step runs of one run (or of every run), in the order they started."""
        from zenml.metadata_stores.queries import Condition

        _check_unsupported("list_run_steps", unsupported)
        runs = [self.get_run(pipeline_run_id)] if pipeline_run_id else self.list_runs()
        steps = [step for run in runs for step in run.steps.values()]
        for field, value in (("name", name), ("status", status)):
            if value is not None:
                condition = Condition.parse(field, getattr(value, "value", value))
                steps = [step for step in steps if condition.matches(str(getattr(step, field)))]
        steps.sort(key=lambda step: step.record.started_at, reverse=sort_by.startswith("desc"))
        return _page(steps, page, size)

    # -- artifacts ------------------------------------------------------------------------------------

    def get_artifact(self, name_id_or_prefix: str, **unsupported: Any) -> ArtifactSummary:
        """An artifact by name (``.versions``, ``.latest_version_name``)."""
        from zenml.pipelines.runs import ArtifactSummary

        _check_unsupported("get_artifact", unsupported)
        names = self.active_stack.metadata_store.artifact_names()
        if name_id_or_prefix not in names:
            from zenml.utils.suggestions import unknown_choice

            raise KeyError(unknown_choice("artifact", name_id_or_prefix, names))
        return ArtifactSummary(name_id_or_prefix, self.active_stack)

    def list_artifacts(
        self, *, sort_by: str = "asc:name", page: int = 1, size: int = 50, name: str | None = None,
        tag: str | None = None, **unsupported: Any,
    ) -> Page[ArtifactSummary]:  # fmt: skip
        """Artifacts (names with versions)."""
        from zenml.metadata_stores.queries import Condition
        from zenml.pipelines.runs import ArtifactSummary

        _check_unsupported("list_artifacts", unsupported)
        names = self.active_stack.metadata_store.artifact_names()
        if name is not None:
            condition = Condition.parse("name", name)
            names = [item for item in names if condition.matches(item)]
        found = [ArtifactSummary(item, self.active_stack) for item in names]
        if tag is not None:
            found = [item for item in found if tag in item.tags]
        return _page(sorted(found, key=lambda item: item.name, reverse=sort_by.startswith("desc")), page, size)

    def get_artifact_version(self, name_id_or_prefix: str, version: str | int | None = None,
                             **unsupported: Any) -> ArtifactView:  # fmt: skip
        """An artifact version: by artifact name (the newest, or ``version``), or by id."""
        from zenml.metadata_stores.base import ArtifactRecordNotFoundError
        from zenml.pipelines.runs import ArtifactView

        _check_unsupported("get_artifact_version", unsupported)
        store = self.active_stack.metadata_store
        key = str(name_id_or_prefix)
        try:
            record = store.get_artifact_version(key, None if version is None else str(version))
        except ArtifactRecordNotFoundError:
            if version is not None:
                raise
            try:
                record = store.get_artifact(key)
            except ArtifactRecordNotFoundError:
                raise ArtifactRecordNotFoundError(
                    f"no artifact named {key!r} and no artifact version with that id; see `zenml artifact list`"
                ) from None
        return ArtifactView(record, self.active_stack)

    def list_artifact_versions(
        self,
        *,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        artifact: str | None = None,
        name: str | None = None,
        version: str | int | None = None,
        version_number: int | None = None,
        type: Any = None,
        data_type: str | None = None,
        uri: str | None = None,
        materializer: str | None = None,
        tag: str | None = None,
        tags: list[str] | None = None,
        model: str | None = None,
        model_version_id: str | None = None,
        pipeline_run: str | None = None,
        **unsupported: Any,
    ) -> Page[ArtifactView]:
        """One page of artifact versions, oldest first by default (``sort_by="desc:created"`` for newest first)."""
        from zenml.metadata_stores.queries import Condition, apply, parse_sort
        from zenml.pipelines.runs import ArtifactView

        _check_unsupported("list_artifact_versions", unsupported)
        store = self.active_stack.metadata_store
        exact = name or artifact
        plain = exact is not None and Condition.parse("name", exact).op == "equals"
        records = store.list_artifact_versions(str(exact) if plain else None)
        fields = {"name": "artifact_name", "version": "version", "version_number": "version_number",
                  "type": "artifact_type", "data_type": "data_type", "materializer": "materializer", "uri": "uri",
                  "created": "created_at", "id": "id"}  # fmt: skip
        conditions = []
        options: list[tuple[str, Any]] = [
            ("name", exact),
            ("version", version),
            ("version_number", version_number),
            ("type", type),
            ("data_type", data_type),
            ("materializer", materializer),
        ]
        for field, given in options:
            if given is not None:
                plain = getattr(given, "value", given)
                conditions.append(Condition.parse(field, plain if field != "version" else str(plain)))
        keep: Callable[[Any], bool] | None = None
        ids: set[str] | None = None
        wanted = ([tag] if tag else []) + list(tags or [])
        if wanted:
            ids = self._ids_with_tags("artifact_version", wanted)
        if model is not None or model_version_id is not None:
            linked = self._artifacts_of_models(model_version_id, model)
            ids = linked if ids is None else ids & linked
        if pipeline_run is not None:
            run = self.get_pipeline_run(pipeline_run)
            produced = {record.id for record in run.artifact_records}
            ids = produced if ids is None else ids & produced
        if uri is not None or ids is not None:

            def keep(record: Any) -> bool:
                full = f"{record.artifact_store_path.rstrip('/')}/{record.uri}"
                return (uri is None or uri in (record.uri, full)) and (ids is None or record.id in ids)

        items, total = apply(records, conditions, fields, sort=parse_sort(sort_by, fields, "created"), page=page,
                             size=size, extra=keep)  # fmt: skip
        from zenml.models.page_model import Page

        return Page([ArtifactView(record, self.active_stack) for record in items], index=page, max_size=size,
                    total=total)  # fmt: skip

    def update_artifact_version(
        self,
        name_id_or_prefix: str,
        version: str | None = None,
        *,
        add_tags: Sequence[str] | None = None,
        remove_tags: Sequence[str] | None = None,
    ) -> ArtifactView:
        """Add or remove tags of an artifact version."""
        from zenml.metadata_stores.annotations import tag_annotations

        found = self.get_artifact_version(name_id_or_prefix, version)
        annotations = tag_annotations("artifact_version", found.id, add_tags or [])
        annotations += tag_annotations("artifact_version", found.id, remove_tags or [], added=False)
        self.active_stack.metadata_store.add_annotations(annotations)
        return found

    # -- metadata -------------------------------------------------------------------------------------

    def create_run_metadata(
        self,
        metadata: dict[str, Any],
        *,
        resource_id: str | None = None,
        resource_type: Any = None,
        resources: Sequence[Any] | None = None,
        **unsupported: Any,
    ) -> None:
        """Attach metadata to resources: ``resources=[RunMetadataResource(id=, type=)]`` or one
        ``resource_id``/``resource_type`` (``MetadataResourceTypes``)."""
        from zenml.metadata_stores.annotations import metadata_annotations

        unsupported.pop("publisher_step_id", None)
        _check_unsupported("create_run_metadata", unsupported)
        targets = [(getattr(item, "type", None), getattr(item, "id", None)) for item in resources or []]
        if resource_id is not None:
            targets.append((resource_type, resource_id))
        annotations = []
        for kind, target in targets:
            annotations += metadata_annotations(str(getattr(kind, "value", kind)), str(target), metadata)
        self.active_stack.metadata_store.add_annotations(annotations)

    # -- models ---------------------------------------------------------------------------------------

    def get_model(self, model_name_or_id: str, **unsupported: Any) -> ModelView:
        """A model by name."""
        from zenml.pipelines.runs import ModelView

        _check_unsupported("get_model", unsupported)
        return ModelView(self.active_stack.metadata_store.get_model(str(model_name_or_id)), self.active_stack)

    def list_models(
        self, *, sort_by: str = "asc:name", page: int = 1, size: int = 50, name: str | None = None,
        tag: str | None = None, **unsupported: Any,
    ) -> Page[ModelView]:  # fmt: skip
        from zenml.metadata_stores.queries import Condition
        from zenml.pipelines.runs import ModelView

        _check_unsupported("list_models", unsupported)
        models = [ModelView(record, self.active_stack) for record in self.active_stack.metadata_store.list_models()]
        if name is not None:
            condition = Condition.parse("name", name)
            models = [model for model in models if condition.matches(model.name)]
        if tag is not None:
            models = [model for model in models if tag in model.tags]
        return _page(sorted(models, key=lambda model: model.name, reverse=sort_by.startswith("desc")), page, size)

    def get_model_version(
        self,
        model_name_or_id: str | None = None,
        model_version_name_or_number_or_id: Any = None,
        **unsupported: Any,
    ) -> ModelVersionView:
        """A model version by name, number or stage (the latest without one), or by its id alone."""
        from zenml.model.lookup import find_version, version_by_id
        from zenml.pipelines.runs import ModelVersionView

        _check_unsupported("get_model_version", unsupported)
        store = self.active_stack.metadata_store
        if model_name_or_id is None:
            if model_version_name_or_number_or_id is None:
                raise ValueError("get_model_version needs a model name (and a version), or a model version id")
            record = version_by_id(store, str(model_version_name_or_number_or_id))
        else:
            record = find_version(store, str(model_name_or_id), model_version_name_or_number_or_id)
        return ModelVersionView(record, self.active_stack)

    def list_model_versions(
        self,
        model_name_or_id: str | None = None,
        *,
        sort_by: str = "number",
        page: int = 1,
        size: int = 50,
        name: str | None = None,
        number: int | None = None,
        stage: Any = None,
        tag: str | None = None,
        **unsupported: Any,
    ) -> Page[ModelVersionView]:
        """One page of the versions of a model (or of all models), by number."""
        from zenml.metadata_stores.queries import Condition
        from zenml.model.lookup import stages
        from zenml.pipelines.runs import ModelVersionView

        unsupported.pop("model", None)
        _check_unsupported("list_model_versions", unsupported)
        store = self.active_stack.metadata_store
        if model_name_or_id is not None:
            store.get_model(str(model_name_or_id))
        records = store.list_model_versions(None if model_name_or_id is None else str(model_name_or_id))
        if name is not None:
            condition = Condition.parse("name", name)
            records = [record for record in records if condition.matches(record.name)]
        if number is not None:
            records = [record for record in records if record.number == int(number)]
        if stage is not None:
            current = stages(store, records)
            wanted = str(getattr(stage, "value", stage))
            records = [record for record in records if current[record.id] == wanted]
        views = [ModelVersionView(record, self.active_stack) for record in records]
        if tag is not None:
            views = [view for view in views if tag in view.tags]
        if sort_by.startswith("desc"):
            views.reverse()
        return _page(views, page, size)

    def update_model_version(
        self,
        model_name_or_id: str,
        version_name_or_id: Any,
        *,
        stage: Any = None,
        force: bool = False,
        add_tags: Sequence[str] | None = None,
        remove_tags: Sequence[str] | None = None,
        **unsupported: Any,
    ) -> ModelVersionView:
        """Set a version's stage (``force=True`` archives the version that holds it) and tags."""
        from zenml.metadata_stores.annotations import tag_annotations

        _check_unsupported("update_model_version", unsupported)
        version = self.get_model_version(model_name_or_id, version_name_or_id)
        if stage is not None:
            version.set_stage(stage, force=force)
        annotations = tag_annotations("model_version", version.id, add_tags or [])
        annotations += tag_annotations("model_version", version.id, remove_tags or [], added=False)
        self.active_stack.metadata_store.add_annotations(annotations)
        return version

    # -- helpers --------------------------------------------------------------------------------------

    def _ids_with_tags(self, resource_type: str, wanted: list[str]) -> set[str]:
        from zenml.metadata_stores.annotations import tags_of

        found = tags_of(self.active_stack.metadata_store.list_annotations(resource_type))
        return {rid for rid, present in found.items() if all(tag in present for tag in wanted)}

    def _model_version_ids(self, model_version_id: str | None, model: str | None) -> list[str]:
        if model_version_id is not None:
            return [str(model_version_id)]
        store = self.active_stack.metadata_store
        return [record.id for record in store.list_model_versions(str(model))]

    def _links(self, model_version_id: str | None, model: str | None, target_type: str) -> set[str]:
        from zenml.metadata_stores.annotations import links_of

        ids = self._model_version_ids(model_version_id, model)
        links = links_of(self.active_stack.metadata_store.list_annotations("model_version", ids), target_type)
        return {target for rid in ids for target in links.get(rid, [])}

    def _runs_of_models(self, model_version_id: str | None, model: str | None) -> set[str]:
        return self._links(model_version_id, model, "pipeline_run")

    def _artifacts_of_models(self, model_version_id: str | None, model: str | None) -> set[str]:
        return self._links(model_version_id, model, "artifact_version")
