"""Errors found in a pipeline's graph before anything runs."""

from __future__ import annotations


class PipelineGraphError(ValueError):
    """The graph is invalid: a cycle, a missing or mistyped input, an unknown step id."""
