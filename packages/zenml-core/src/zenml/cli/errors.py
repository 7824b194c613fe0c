"""Error messages shared by CLI commands (re-exported from :mod:`zenml.utils.suggestions`)."""

from __future__ import annotations

from zenml.utils.suggestions import closest, unknown_choice

__all__ = ["closest", "unknown_choice"]
