"""Models and model versions as recorded (ZenML's ``ModelResponse``/``ModelVersionResponse``): the views
live in :mod:`zenml.pipelines.runs` with the other views of recorded history; the lookups in
:mod:`zenml.model.lookup`."""

from __future__ import annotations

from zenml.model.lookup import SETTABLE_STAGES, STAGES, find_version, stages, version_by_id
from zenml.pipelines.runs import ModelVersionView, ModelView

__all__ = ["SETTABLE_STAGES", "STAGES", "ModelVersionView", "ModelView", "find_version", "stages", "version_by_id"]
