"""``zenml.client.Client``: the Python API to stacks and run history."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zenml.pipelines.runs import PipelineRun
    from zenml.stack.stack import Stack


class Client:
    """Read runs from the active stack's metadata store: ``Client().get_run(name).steps["trainer"]``."""

    def __init__(self, stack: Stack | None = None) -> None:
        self._stack = stack

    @property
    def active_stack(self) -> Stack:
        """The stack runs are read from (the active stack of the config in effect, unless one was given)."""
        if self._stack is None:
            from zenml.stack.stack import get_active_stack

            self._stack = get_active_stack()
        return self._stack

    def list_runs(
        self, pipeline_name: str | None = None, status: str | None = None, limit: int | None = None
    ) -> list[PipelineRun]:
        """Runs, newest first, optionally of one pipeline and/or with one status.

        Runs of this host whose process died are marked failed first (``error`` starts with ``"crashed: "``).
        """
        from zenml.metadata_stores.crashes import read_runs
        from zenml.pipelines.runs import PipelineRun

        stack = self.active_stack
        records = read_runs(stack.metadata_store, pipeline_name=pipeline_name, status=status, limit=limit)
        return [PipelineRun(record, stack) for record in records]

    def get_run(self, name_or_id: str) -> PipelineRun:
        """One run by name or id (a unique id prefix works); ``RunNotFoundError`` if there is none.

        A run of this host whose process died is marked failed first (``error`` starts with ``"crashed: "``).
        """
        from zenml.metadata_stores.crashes import read_run
        from zenml.pipelines.runs import PipelineRun

        stack = self.active_stack
        return PipelineRun(read_run(stack.metadata_store, name_or_id), stack)

    def list_pipelines(self) -> list[str]:
        """Names of the pipelines that have runs."""
        return self.active_stack.metadata_store.list_pipelines()
