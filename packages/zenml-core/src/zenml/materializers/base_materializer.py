"""ZenML's module path of :class:`BaseMaterializer` (``from zenml.materializers.base_materializer import ...``)."""

from __future__ import annotations

from zenml.materializers.base import BaseMaterializer, BaseMaterializerMeta

__all__ = ["BaseMaterializer", "BaseMaterializerMeta"]
