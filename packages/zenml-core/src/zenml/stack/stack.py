"""A stack: the artifact store, metadata store and orchestrator a pipeline runs on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml.stack.config import StackConfigError
from zenml.stack.flavors import ARTIFACT_STORE, METADATA_STORE, ORCHESTRATOR

if TYPE_CHECKING:
    from collections.abc import Mapping

    from zenml.artifact_stores.base import ArtifactStore
    from zenml.metadata_stores.base import MetadataStore
    from zenml.orchestrators.base import BaseOrchestrator
    from zenml.stack.component import StackComponent
    from zenml.stack.config import StackConfig


class Stack:
    """A named artifact store + metadata store + orchestrator."""

    def __init__(
        self,
        name: str,
        artifact_store: ArtifactStore,
        metadata_store: MetadataStore,
        orchestrator: BaseOrchestrator,
    ) -> None:
        self.name = name
        self.artifact_store = artifact_store
        self.metadata_store = metadata_store
        self.orchestrator = orchestrator

    @classmethod
    def from_config(cls, config: StackConfig, name: str | None = None) -> Stack:
        """Build stack ``name`` (default: the active one) from a config; components connect lazily."""
        parts = config.stack(name) if name else config.active_stack_parts()
        name = name or config.active_stack
        built = {
            kind: build_component(kind, parts[kind], config.component(kind, parts[kind]), source=str(config.path))
            for kind in (ARTIFACT_STORE, METADATA_STORE, ORCHESTRATOR)
        }
        return cls(name, built[ARTIFACT_STORE], built[METADATA_STORE], built[ORCHESTRATOR])  # type: ignore[arg-type]

    def components(self) -> dict[str, StackComponent]:
        return {
            ARTIFACT_STORE: self.artifact_store,
            METADATA_STORE: self.metadata_store,
            ORCHESTRATOR: self.orchestrator,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain data from which :meth:`from_dict` rebuilds this stack in another process."""
        return {
            "name": self.name,
            **{
                kind: {"name": component.name, "flavor": component.FLAVOR, **component.config}
                for kind, component in self.components().items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Stack:
        """Rebuild a stack from :meth:`to_dict` output."""
        built = {}
        for kind in (ARTIFACT_STORE, METADATA_STORE, ORCHESTRATOR):
            table = dict(data[kind])
            built[kind] = build_component(kind, table.pop("name"), table, source="stack description")
        return cls(data["name"], built[ARTIFACT_STORE], built[METADATA_STORE], built[ORCHESTRATOR])  # type: ignore[arg-type]

    def describe(self) -> dict[str, Any]:
        """A JSON-serialisable description for the CLI."""
        return {"name": self.name, **{kind: c.describe() for kind, c in self.components().items()}}

    def __repr__(self) -> str:
        return f"Stack({self.name!r})"


class StackNotShareableError(StackConfigError):
    """The stack has a store that only this machine can reach, and its steps would run on other machines."""


def check_shareable(stack: Stack, *, nodes: int, where: str) -> None:
    """Refuse (:class:`StackNotShareableError`) a stack whose artifact or metadata store is local to this
    machine when its steps run on ``nodes`` machines (``where`` names them, e.g. "the Ray cluster at ...").

    One node is fine: a local directory or SQLite file is reachable from every process of this machine.
    """
    if nodes <= 1:
        return
    local = [
        f"{kind.replace('_', ' ')} {component.name!r} ({component.FLAVOR})"
        for kind, component in stack.components().items()
        if kind != ORCHESTRATOR and component.is_local
    ]
    if local:
        raise StackNotShareableError(
            f"stack {stack.name!r} cannot run on {where}, which has {nodes} nodes: its {' and '.join(local)} "
            "can only be reached from this machine, so steps on other nodes could not share its artifacts and "
            "records. Use stores every node can reach (e.g. `zenml artifact-store register shared --flavor gcp "
            "--path gs://BUCKET/zen` and `zenml metadata-store register shared --flavor gcp --path "
            "gs://BUCKET/zen-meta`, then `zenml stack register ...`), or a single-node cluster"
        )


def build_component(kind: str, name: str, table: Mapping[str, Any], *, source: str | None = None) -> StackComponent:
    """Instantiate one component from its config table (imports only the flavor's class).

    A flavor that core does not provide activates the installed integrations first (once per process).

    Every failure the user can fix (no or unknown flavor, a flavor whose code
    cannot be imported, unknown or invalid options) is a
    :class:`~zenml.stack.config.StackConfigError` or
    :class:`~zenml.stack.flavors.UnknownFlavorError` naming the component, after
    ``source`` (the config file it comes from) when there is one.
    """
    from zenml.stack.component import InvalidOptionError, MissingOptionsError, UnknownOptionsError
    from zenml.stack.config import StackConfigError
    from zenml.stack.flavors import UnknownFlavorError, flavor_registry

    label = f"{source}: " if source else ""
    label += f"{kind.replace('_', ' ')} {name!r}"
    flavor = table.get("flavor")
    if not isinstance(flavor, str):
        raise StackConfigError(f"{label} has no flavor")
    try:
        flavor_registry.reference(kind, flavor)
    except UnknownFlavorError:  # not one of core's: an installed integration's, registered when they are activated
        from zenml.integrations.registry import activate_integrations

        activate_integrations()
    try:
        cls = flavor_registry.load(kind, flavor)
    except UnknownFlavorError as exc:
        raise UnknownFlavorError(f"{label}: {exc}") from None
    except (ImportError, TypeError) as exc:
        reference = flavor_registry.reference(kind, flavor)
        raise StackConfigError(
            f"{label}: cannot load its flavor {flavor!r} ({reference}): {type(exc).__name__}: {exc}. "
            "Check that the integration providing it is installed and working: `zenml integration list`"
        ) from exc
    try:
        return cls.from_config(name, table)
    except (UnknownOptionsError, MissingOptionsError, InvalidOptionError) as exc:
        exc.args = (f"{label}: {exc}",)  # same class: the CLI tells usage errors by it
        raise exc from None
    except StackConfigError as exc:
        raise StackConfigError(f"{label} ({flavor}): {exc}") from None
    except (TypeError, ValueError) as exc:  # the flavor refused a value: a usage error, like an unknown option
        raise InvalidOptionError(f"{label} ({flavor}) has an invalid option: {exc}") from None


_ACTIVE: dict[str, Stack] = {}


def get_active_stack() -> Stack:
    """The active stack of the config in effect here (built once per config file and active stack).

    Integrations are activated only if a component's flavor is not one of core's, so that reading run
    history from the default stack activates none (see :func:`build_component`).
    """
    from zenml.stack.config import StackConfig

    config = StackConfig.load()
    key = f"{config.path}::{config.active_stack}::{sorted(_flatten(config).items())!r}"
    stack = _ACTIVE.get(key)
    if stack is None:
        stack = Stack.from_config(config)
        _evict_all()
        _ACTIVE[key] = stack
    return stack


def _evict_all() -> None:
    """Forget the cached stacks, closing their components' connections (those that have ``close()``)."""
    stacks = list(_ACTIVE.values())
    _ACTIVE.clear()
    for old in stacks:
        for component in old.components().values():
            close = getattr(component, "close", None)
            if callable(close):
                close()


def _flatten(config: StackConfig) -> dict[str, list[tuple[str, str]]]:
    parts = config.active_stack_parts()
    return {kind: sorted((str(k), repr(v)) for k, v in config.component(kind, parts[kind]).items()) for kind in parts}
