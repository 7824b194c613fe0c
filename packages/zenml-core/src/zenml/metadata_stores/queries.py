"""ZenML's list filters (``name="startswith:train"``, ``created="gt:2026-01-01"``, ``sort_by="desc:created"``)
and paging, applied to records in Python or translated to SQL.

A filter value is ``"<op>:<value>"`` or a plain value (``equals``). Ops, as ZenML's ``GenericFilterOps``:
``equals``, ``notequals``, ``contains``, ``startswith``, ``endswith``, ``oneof`` (a JSON list or comma
separated values), ``gt``, ``gte``, ``lt``, ``lte``. Times take seconds since the epoch, ISO dates
(``2026-01-31``, ``2026-01-31 12:00:00``, UTC unless they say otherwise) or ``datetime`` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from zenml.metadata_stores.models import RunRecord

OPS = ("equals", "notequals", "contains", "startswith", "endswith", "oneof", "in", "gt", "gte", "lt", "lte")
_SQL = {"equals": "=", "notequals": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


class FilterError(ValueError):
    """A filter or sort option that cannot be applied; the message names the option."""


def _as_time(value: Any, option: str) -> float:
    from datetime import datetime, timezone

    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FilterError(
            f"{option}: {value!r} is not a time; give seconds since the epoch or an ISO date such as "
            "'2026-01-31 12:00:00'"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


@dataclass(frozen=True)
class Condition:
    """One parsed filter: ``field op value``."""

    field: str
    op: str
    value: Any

    @classmethod
    def parse(cls, name: str, value: Any, *, time: bool = False) -> Condition:
        op = "equals"
        if isinstance(value, str) and ":" in value:
            head, _, rest = value.partition(":")
            if head in OPS:
                op, value = head, rest
        if op in ("oneof", "in"):
            items = value
            if isinstance(value, str):
                import json

                try:
                    items = json.loads(value)
                except ValueError:
                    items = [item.strip() for item in value.split(",") if item.strip()]
            if not isinstance(items, (list, tuple, set)):
                raise FilterError(f"{name}: oneof needs a list of values, not {value!r}")
            value = [_as_time(item, name) if time else str(item) for item in items]
            return cls(name, "oneof", value)
        if op in ("contains", "startswith", "endswith") and time:
            raise FilterError(f"{name}: {op} does not apply to times; use gt, gte, lt or lte")
        if time:
            value = _as_time(value, name)
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            value = str(value)
        return cls(name, op, value)

    def matches(self, actual: Any) -> bool:
        if actual is None:
            return self.op == "notequals"
        if self.op == "oneof":
            return actual in self.value
        if self.op in ("contains", "startswith", "endswith"):
            text = str(actual)
            return {"contains": self.value in text, "startswith": text.startswith(self.value),
                    "endswith": text.endswith(self.value)}[self.op]  # fmt: skip
        value = self.value if not isinstance(actual, str) else str(self.value)
        try:
            return bool({"equals": actual == value, "notequals": actual != value, "gt": actual > value,
                    "gte": actual >= value, "lt": actual < value, "lte": actual <= value}[self.op])  # fmt: skip
        except TypeError:
            return False

    def sql(self, column: str) -> tuple[str, list[Any]]:
        if self.op == "oneof":
            marks = ", ".join("?" * len(self.value)) or "NULL"
            return f"{column} IN ({marks})", list(self.value)
        if self.op in ("contains", "startswith", "endswith"):
            escaped = str(self.value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = {"contains": f"%{escaped}%", "startswith": f"{escaped}%", "endswith": f"%{escaped}"}[self.op]
            return f"{column} LIKE ? ESCAPE '\\'", [pattern]
        return f"{column} {_SQL[self.op]} ?", [self.value]


def parse_sort(sort_by: str, fields: dict[str, str], default: str) -> tuple[str, bool]:
    """``(record field, descending)`` of a ZenML ``sort_by`` (``"created"``, ``"desc:created"``, ``"asc:name"``)."""
    text = sort_by or default
    descending = False
    if ":" in text:
        direction, _, text = text.partition(":")
        if direction not in ("asc", "desc"):
            raise FilterError(f"sort_by: {direction!r} is not a direction; use 'asc:{text}' or 'desc:{text}'")
        descending = direction == "desc"
    if text not in fields:
        raise FilterError(f"sort_by: cannot sort by {text!r}; choose one of {', '.join(sorted(fields))}")
    return fields[text], descending


def check_paging(page: int, size: int) -> None:
    if not isinstance(page, int) or page < 1:
        raise FilterError(f"page must be a whole number from 1 up, not {page!r}")
    if not isinstance(size, int) or size < 1:
        raise FilterError(f"size must be a whole number from 1 up, not {size!r}")


def apply(
    records: Sequence[Any],
    conditions: Sequence[Condition],
    fields: dict[str, str],
    *,
    sort: tuple[str, bool],
    page: int,
    size: int,
    extra: Callable[[Any], bool] | None = None,
) -> tuple[list[Any], int]:
    """Filter, sort and page records in Python: ``(page items, total matches)``."""
    matched = [
        record
        for record in records
        if all(condition.matches(getattr(record, fields[condition.field])) for condition in conditions)
        and (extra is None or extra(record))
    ]
    attribute, descending = sort
    # stable: records arrive in store order, so equal keys keep it (newest first for runs)

    def key(record: Any) -> tuple[bool, Any]:
        value = getattr(record, attribute)
        return (value is None, 0 if value is None else value)  # missing values last (first when descending)

    matched.sort(key=key, reverse=descending)
    start = (page - 1) * size
    return matched[start : start + size], len(matched)


# the filterable fields of runs: ZenML's name -> RunRecord attribute (SQL column of the same name)
RUN_FIELDS = {
    "id": "id",
    "name": "name",
    "pipeline_name": "pipeline_name",
    "status": "status",
    "created": "created_at",
    "start_time": "created_at",
    "end_time": "ended_at",
    "stack_name": "stack_name",
}
RUN_TIME_FIELDS = ("created", "start_time", "end_time")


@dataclass
class RunQuery:
    """A page of runs: conditions on :data:`RUN_FIELDS`, a sort, a page; ``ids`` limits to those runs."""

    conditions: list[Condition] = field(default_factory=list)
    sort: tuple[str, bool] = ("created_at", True)
    page: int = 1
    size: int = 50
    ids: set[str] | None = None

    @classmethod
    def build(cls, *, sort_by: str = "desc:created", page: int = 1, size: int = 50, **filters: Any) -> RunQuery:
        check_paging(page, size)
        conditions = []
        for name, value in filters.items():
            if value is None:
                continue
            if name not in RUN_FIELDS:
                raise FilterError(f"cannot filter runs by {name!r}; filters: {', '.join(sorted(RUN_FIELDS))}")
            conditions.append(Condition.parse(name, value, time=name in RUN_TIME_FIELDS))
        return cls(conditions, parse_sort(sort_by, RUN_FIELDS, "desc:created"), page, size)

    def apply(self, runs: Sequence[RunRecord]) -> tuple[list[RunRecord], int]:
        extra = None if self.ids is None else (lambda run: run.id in self.ids)  # type: ignore[operator]
        return apply(runs, self.conditions, RUN_FIELDS, sort=self.sort, page=self.page, size=self.size, extra=extra)
