"""The integration registry (minimal: to be completed with discovery and activation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zenml.integrations.integration import Integration


class IntegrationRegistry:
    def __init__(self) -> None:
        self._integrations: dict[str, type[Integration]] = {}

    def register(self, integration: type[Integration]) -> None:
        self._integrations[integration.NAME] = integration


integration_registry = IntegrationRegistry()
