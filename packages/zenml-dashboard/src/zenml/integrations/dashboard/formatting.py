"""Template filters: times, durations, sizes and JSON as people read them."""

from __future__ import annotations

import json
import time
from typing import Any

from zenml.integrations.dashboard.previews import size_text


def when(timestamp: float | None) -> str:
    """Local date and time, to the second (empty for ``None``)."""
    if timestamp is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


def utc(timestamp: float | None) -> str:
    """ISO 8601 in UTC, for tooltips and ``<time datetime=...>``."""
    if timestamp is None:
        return ""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def duration(seconds: float | None) -> str:
    """``0.42s``, ``3m 05s``, ``2h 01m`` (empty for ``None``)."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.2f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


STATUSES = ("running", "completed", "failed", "cached", "pending", "skipped", "retried")


def status_class(status: str) -> str:
    """The CSS class of a status (``status-unknown`` for one this dashboard does not know)."""
    return f"status-{status}" if status in STATUSES else "status-unknown"


def countby(values: list[str]) -> list[tuple[str, int]]:
    """How often each value occurs, most frequent first (ties in first-seen order)."""
    from collections import Counter

    return Counter(values).most_common()


def pretty_json(value: Any) -> str:
    """``value`` as indented JSON (anything JSON cannot hold shown by its ``repr``)."""
    return json.dumps(value, indent=2, sort_keys=True, default=repr, ensure_ascii=False)


SAVE_TYPES = {
    "step_output": "the output of a step",
    "manual": "saved with save_artifact",
    "preexisting": "registered with register_artifact",
    "external": "passed to a step as an ExternalArtifact",
}


def save_type(value: str) -> str:
    """How an artifact version came to be, in words (``zenml.enums.ArtifactSaveType``)."""
    return SAVE_TYPES.get(value, value)


FILTERS = {
    "save_type": save_type,
    "countby": countby,
    "status_class": status_class,
    "when": when,
    "utc": utc,
    "duration": duration,
    "size": size_text,
    "pretty_json": pretty_json,
}
