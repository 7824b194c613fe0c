"""The base class of every stack component (artifact store, metadata store, orchestrator)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from collections.abc import Mapping


class StackComponent:
    """A configured part of a stack.

    Subclasses set ``TYPE`` (one of :data:`zenml.stack.flavors.COMPONENT_TYPES`)
    and ``FLAVOR``, and take their configuration as keyword arguments, exactly
    as it is kept in the stack config file. Construction must be cheap and
    must not touch the network or import heavy libraries: connect lazily, on
    first use.
    """

    TYPE: ClassVar[str] = ""
    FLAVOR: ClassVar[str] = ""

    def __init__(self, name: str = "default", **config: object) -> None:
        self.name = name
        self.config: dict[str, object] = dict(config)

    @classmethod
    def from_config(cls, name: str, config: Mapping[str, object]) -> StackComponent:
        """Build a component from its config-file table (``flavor`` excluded)."""
        return cls(name=name, **{k: v for k, v in config.items() if k != "flavor"})

    def describe(self) -> dict[str, object]:
        """A JSON-serialisable description, with no secrets, for CLI output."""
        return {"name": self.name, "type": self.TYPE, "flavor": self.FLAVOR, **self.config}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, flavor={self.FLAVOR!r})"
