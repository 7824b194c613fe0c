"""The ``@pipeline`` decorator.

Imported by ``from zenml import pipeline``: it imports nothing at module level.
"""

from __future__ import annotations

# ``typing`` itself is not imported at run time: mypy treats this name like typing.TYPE_CHECKING.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from zenml.config.retry_config import StepRetryConfig
    from zenml.hooks.hook_validators import HookSpecification
    from zenml.pipelines.pipeline_definition import Pipeline


def _pipeline(_func: Callable[..., Any] | None = None, *, name: str | None = None, **options: Any) -> Any:
    """Turn a function that calls steps into a pipeline: ``@pipeline`` or ``@pipeline(enable_cache=False)``.

    Calling the pipeline builds its graph, checks it, runs it on the active
    stack and returns the run. Options as in ZenML: ``enable_cache``,
    ``settings``, ``tags``, ``extra``, ``on_success``/``on_failure`` and
    ``retry``/``model`` (defaults of every step), ``substitutions``.
    """

    def decorate(func: Callable[..., Any]) -> Pipeline:
        from zenml.pipelines.pipeline_definition import Pipeline

        return Pipeline(func, name=name, **options)

    if _func is not None:
        return decorate(_func)
    return decorate


if TYPE_CHECKING:
    from typing import overload

    @overload
    def pipeline(_func: Callable[..., Any], /) -> Pipeline: ...

    @overload
    def pipeline(
        *,
        name: str | None = None,
        enable_cache: bool | None = None,
        enable_artifact_metadata: bool | None = None,
        enable_artifact_visualization: bool | None = None,
        enable_step_logs: bool | None = None,
        settings: Mapping[str, Any] | None = None,
        tags: list[str] | None = None,
        extra: Mapping[str, Any] | None = None,
        on_failure: HookSpecification | None = None,
        on_success: HookSpecification | None = None,
        model: Any = None,
        retry: StepRetryConfig | None = None,
        substitutions: Mapping[str, str] | None = None,
    ) -> Callable[[Callable[..., Any]], Pipeline]: ...

    def pipeline(_func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        return _pipeline(_func, **options)

else:
    pipeline = _pipeline
    pipeline.__name__ = pipeline.__qualname__ = "pipeline"
