"""Making annotations (metadata, tags, links, stages) and folding them into what they say.

Every store keeps annotations as an append-only list (:class:`~zenml.metadata_stores.models.AnnotationRecord`);
what a resource's metadata, tags, links or stage *are* is computed here, the same way for every store: the
newest value of a metadata key wins, a tag is present if its last event added it, the newest stage wins.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from zenml.metadata_stores.models import LINK, METADATA, STAGE, TAG_ADDED, TAG_REMOVED, AnnotationRecord

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def metadata_annotations(
    resource_type: str, resource_id: str, metadata: Mapping[str, Any], *, now: float | None = None
) -> list[AnnotationRecord]:
    """One ``metadata`` annotation per key (values checked: :class:`TypeError` names a bad one)."""
    from zenml.metadata.metadata_types import to_payload

    moment = time.time() if now is None else now
    return [
        AnnotationRecord(resource_type, resource_id, METADATA, to_payload(key, value), moment)
        for key, value in metadata.items()
    ]


def tag_annotations(
    resource_type: str, resource_id: str, tags: Iterable[str], *, added: bool = True, now: float | None = None
) -> list[AnnotationRecord]:
    """One ``tag_added`` (or ``tag_removed``) annotation per distinct tag."""
    moment = time.time() if now is None else now
    found = []
    for tag in dict.fromkeys(tags):
        if not isinstance(tag, str) or not tag.strip():
            raise TypeError(f"tags must be non-empty strings, not {tag!r}")
        found.append(AnnotationRecord(resource_type, resource_id, TAG_ADDED if added else TAG_REMOVED,
                                      {"tag": tag}, moment))  # fmt: skip
    return found


def link_annotation(resource_type: str, resource_id: str, target_type: str, target_id: str) -> AnnotationRecord:
    """Link a resource (a model version) to another (an artifact version or a run)."""
    return AnnotationRecord(resource_type, resource_id, LINK, {"type": target_type, "id": target_id}, time.time())


def stage_annotation(resource_type: str, resource_id: str, stage: str) -> AnnotationRecord:
    return AnnotationRecord(resource_type, resource_id, STAGE, {"stage": stage}, time.time())


def metadata_of(annotations: Iterable[AnnotationRecord]) -> dict[str, dict[str, Any]]:
    """Resource id -> its metadata (the newest value of each key, typed values restored)."""
    from zenml.metadata.metadata_types import from_payload

    found: dict[str, dict[str, Any]] = {}
    for annotation in annotations:
        if annotation.kind == METADATA and isinstance(annotation.payload.get("key"), str):
            found.setdefault(annotation.resource_id, {})[annotation.payload["key"]] = from_payload(annotation.payload)
    return found


def tags_of(annotations: Iterable[AnnotationRecord]) -> dict[str, list[str]]:
    """Resource id -> its tags (sorted)."""
    state: dict[str, dict[str, bool]] = {}
    for annotation in annotations:
        if annotation.kind in (TAG_ADDED, TAG_REMOVED):
            state.setdefault(annotation.resource_id, {})[str(annotation.payload.get("tag"))] = (
                annotation.kind == TAG_ADDED
            )
    return {rid: sorted(tag for tag, present in tags.items() if present) for rid, tags in state.items()}


def links_of(annotations: Iterable[AnnotationRecord], target_type: str) -> dict[str, list[str]]:
    """Resource id -> the ids of the ``target_type`` resources it is linked to, in link order."""
    found: dict[str, dict[str, None]] = {}
    for annotation in annotations:
        if annotation.kind == LINK and annotation.payload.get("type") == target_type:
            found.setdefault(annotation.resource_id, {})[str(annotation.payload.get("id"))] = None
    return {rid: list(ids) for rid, ids in found.items()}


def stages_of(annotations: Iterable[AnnotationRecord]) -> dict[str, str]:
    """Resource id -> its newest stage."""
    found: dict[str, str] = {}
    for annotation in annotations:
        if annotation.kind == STAGE:
            found[annotation.resource_id] = str(annotation.payload.get("stage"))
    return found
