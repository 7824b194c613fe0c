"""Pipelines: graphs of steps built by calling steps inside a ``@pipeline`` function."""
