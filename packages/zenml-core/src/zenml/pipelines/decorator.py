"""The ``@pipeline`` decorator.

Imported by ``from zenml import pipeline``: it imports nothing at module level.
"""

from __future__ import annotations

# ``typing`` itself is not imported at run time: mypy treats this name like typing.TYPE_CHECKING.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from zenml.pipelines.pipeline import Pipeline


def _pipeline(
    _func: Callable[..., Any] | None = None, *, name: str | None = None, enable_cache: bool | None = None
) -> Any:
    """Turn a function that calls steps into a pipeline: ``@pipeline`` or ``@pipeline(enable_cache=False)``.

    Calling the pipeline builds its graph, checks it, runs it on the active
    stack and returns the run. ``enable_cache=False`` turns caching off for
    every step of the pipeline.
    """

    def decorate(func: Callable[..., Any]) -> Pipeline:
        from zenml.pipelines.pipeline import Pipeline

        return Pipeline(func, name=name, enable_cache=enable_cache)

    if _func is not None:
        return decorate(_func)
    return decorate


if TYPE_CHECKING:
    from typing import overload

    @overload
    def pipeline(_func: Callable[..., Any], /) -> Pipeline: ...

    @overload
    def pipeline(
        *, name: str | None = None, enable_cache: bool | None = None
    ) -> Callable[[Callable[..., Any]], Pipeline]: ...

    def pipeline(_func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        return _pipeline(_func, **options)

else:
    pipeline = _pipeline
    pipeline.__name__ = pipeline.__qualname__ = "pipeline"
