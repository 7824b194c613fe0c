"""``Flavor``: ZenML's way for an integration to describe a stack component flavor (``Integration.flavors()``).

A flavor class names its component type and flavor name and, only when asked, imports the
class that implements it (``implementation_class``), so listing flavors stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import builtins

    from zenml.stack.component import StackComponent


class Flavor:
    """Subclass and define ``name``, ``type`` and ``implementation_class`` (as properties, as in ZenML)."""

    @property
    def name(self) -> str:
        raise NotImplementedError(f"{type(self).__name__} does not define name")

    @property
    def type(self) -> Any:
        """The component type: a ``StackComponentType`` or its string value (``"artifact_store"``)."""
        raise NotImplementedError(f"{type(self).__name__} does not define type")

    @property
    def implementation_class(self) -> builtins.type[StackComponent]:
        raise NotImplementedError(f"{type(self).__name__} does not define implementation_class")

    @property
    def config_class(self) -> Any:
        """ZenML's configuration model of the flavor; components here take their options as keywords."""
        return None

    @property
    def component_type(self) -> str:
        """``type`` as a plain string."""
        value = self.type
        return str(getattr(value, "value", value))


def reference_flavor(component_type: str, flavor: str, reference: str) -> type[Flavor]:
    """A :class:`Flavor` subclass for a flavor registered by ``"module:Class"`` reference (nothing imported)."""

    def implementation(self: Flavor) -> Any:
        from zenml.utils.imports import import_reference

        return import_reference(reference)

    return type(
        f"{flavor.title().replace('_', '')}{component_type.title().replace('_', '')}Flavor",
        (Flavor,),
        {
            "name": property(lambda self: flavor),
            "type": property(lambda self: component_type),
            "implementation_class": property(implementation),
            "implementation_reference": reference,
        },
    )
