"""Which pipeline graph is being built right now: what a step call inside a ``@pipeline`` function records into.

Kept apart from :mod:`zenml.pipelines.graph` because both the graph (which
checks for :class:`~zenml.steps.base.Step`) and the step (whose call looks
for the active graph) need it.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zenml.pipelines.graph import GraphBuilder

# the graphs being built, innermost last; per thread (and asyncio task), so concurrent builds do not mix
_ACTIVE: ContextVar[tuple[GraphBuilder, ...]] = ContextVar("zenml_active_graph_builders", default=())


def active_builder() -> GraphBuilder | None:
    """The graph being built by the innermost running ``@pipeline`` function, if any."""
    builders = _ACTIVE.get()
    return builders[-1] if builders else None


def enter_builder(builder: GraphBuilder) -> Token[tuple[GraphBuilder, ...]]:
    """Make ``builder`` the active graph until :func:`leave_builder` is called with the returned token."""
    return _ACTIVE.set((*_ACTIVE.get(), builder))


def leave_builder(token: Token[tuple[GraphBuilder, ...]]) -> None:
    """Make the graph that was active before :func:`enter_builder` active again."""
    _ACTIVE.reset(token)
