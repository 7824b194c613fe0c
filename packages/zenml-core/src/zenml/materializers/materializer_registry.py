"""ZenML's module path of the materializer registry (``from zenml.materializers.materializer_registry import ...``)."""

from __future__ import annotations

from zenml.materializers.registry import MaterializerRegistry, materializer_registry

__all__ = ["MaterializerRegistry", "materializer_registry"]
