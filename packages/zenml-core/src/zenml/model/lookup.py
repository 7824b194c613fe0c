"""Finding model versions by name, number, stage or id, and their current stages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml.metadata_stores.base import ModelNotFoundError

if TYPE_CHECKING:
    from zenml.metadata_stores.base import MetadataStore
    from zenml.metadata_stores.models import ModelVersionRecord

STAGES = ("none", "staging", "production", "archived", "latest")
SETTABLE_STAGES = ("none", "staging", "production", "archived")


def stages(store: MetadataStore, versions: list[ModelVersionRecord]) -> dict[str, str]:
    """Version id -> its current stage (``"none"`` when never set)."""
    from zenml.metadata_stores.annotations import stages_of
    from zenml.metadata_stores.models import MODEL_VERSION

    found = stages_of(store.list_annotations(MODEL_VERSION, [version.id for version in versions]))
    return {version.id: found.get(version.id, "none") for version in versions}


def find_version(store: MetadataStore, model_name: str, version: Any) -> ModelVersionRecord:
    """Version ``version`` of a model: a stage (``"production"``, ``ModelStages.LATEST``), a number (``3``,
    ``"3"``), a version name, or a version id; :class:`ModelNotFoundError` naming what exists otherwise."""
    versions = store.list_model_versions(model_name)
    if not versions:
        store.get_model(model_name)  # a clear error for an unknown model
        raise ModelNotFoundError(f"model {model_name!r} has no versions yet; a pipeline run with model= creates one")
    text = str(getattr(version, "value", version)) if version is not None else "latest"
    if text == "latest":
        return versions[-1]
    if text in STAGES:
        current = stages(store, versions)
        matching = [record for record in versions if current[record.id] == text]
        if not matching:
            raise ModelNotFoundError(
                f"no version of model {model_name!r} is in stage {text!r}; set one with "
                f"Client().get_model_version({model_name!r}, <version>).set_stage({text!r})"
            )
        return matching[-1]
    for record in versions:
        if (text.isdigit() and record.number == int(text)) or text in (record.name, record.id):
            return record
    names = ", ".join(record.name for record in versions[-5:])
    raise ModelNotFoundError(f"model {model_name!r} has no version {text!r} (newest versions: {names})")


def version_by_id(store: MetadataStore, version_id: str) -> ModelVersionRecord:
    for record in store.list_model_versions():
        if record.id == version_id:
            return record
    raise ModelNotFoundError(f"no model version with id {version_id!r} in metadata store {store.name!r}")
