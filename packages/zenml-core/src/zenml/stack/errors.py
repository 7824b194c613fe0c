"""The error of the stack config, in a module of its own so that components and the config can share it."""

from __future__ import annotations


class StackConfigError(ValueError):
    """The stack config is unreadable or inconsistent, or a change to it is not allowed."""
