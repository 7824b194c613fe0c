"""The :class:`~zenml.integrations.integration.Integration` subclasses created in this process, by ``NAME``.

:class:`~zenml.integrations.integration.IntegrationMeta` adds each subclass
here when the class is created, and the process-wide integration registry
keeps its classes in this same table; neither module imports the other for it.
"""

from __future__ import annotations

# Not ``typing.TYPE_CHECKING``: defining an integration must not pay for importing typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.integrations.integration import Integration

DEFINED: dict[str, type[Integration]] = {}
