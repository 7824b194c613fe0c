"""The ``Integration`` base class (as in the seed text) and its metaclass."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import ClassVar

    from zenml.stack.flavor import Flavor


class IntegrationMeta(type):
    """Registers every :class:`Integration` subclass in the integration registry when it is created.

    (It records the class in :data:`zenml.integrations.defined.DEFINED`, the
    table that :data:`zenml.integrations.registry.integration_registry` keeps
    its classes in.)
    """

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> None:
        super().__init__(name, bases, namespace)
        integration_name = namespace.get("NAME")
        if bases and isinstance(integration_name, str) and integration_name:
            from zenml.integrations.defined import DEFINED

            DEFINED[integration_name] = cls  # type: ignore[assignment]  # cls is an Integration subclass


class Integration(metaclass=IntegrationMeta):
    """Base class for an integration.

    Subclasses set ``NAME`` and ``REQUIREMENTS`` and declare what they add,
    by reference, so that activating them imports nothing heavy:

    - ``FLAVORS``: ``{(component type, flavor): "module:Class"}``
    - ``MATERIALIZERS``: ``{"module:Class": ("package:Type", ...)}``: the
      materializer and the public paths of the types it handles
      (``"keras:Model"``). Its module is imported the first time a step sees
      such a type, which the user's code has then imported already; until
      then nothing is. These are also the integration's trusted materializers:
      artifacts recorded with them can be loaded (an empty tuple: known, but
      chosen for no type).
    - ``COMMANDS``: ``{name: ("module:command", "one-line help")}``: ``zenml``
      subcommands (click commands), imported only when run; an official
      integration lists the same in ``[tool.zenml] commands`` so that
      ``zenml --help`` shows them without importing anything.
    """

    NAME: ClassVar[str] = ""
    REQUIREMENTS: ClassVar[list[str]] = []
    APT_PACKAGES: ClassVar[list[str]] = []  # system packages it needs (listed, never installed by zenml)
    REQUIREMENTS_IGNORED_ON_UNINSTALL: ClassVar[list[str]] = []  # prefixes kept by `integration uninstall`
    DISTRIBUTION: ClassVar[str] = ""
    FLAVORS: ClassVar[dict[tuple[str, str], str]] = {}
    MATERIALIZERS: ClassVar[dict[str, tuple[str, ...]]] = {}
    COMMANDS: ClassVar[dict[str, tuple[str, str]]] = {}

    @classmethod
    def check_installation(cls) -> bool:
        """Whether every requirement is installed with a matching version."""
        return not cls.problems()

    @classmethod
    def problems(cls) -> list[str]:
        """Why the integration is not usable, one sentence per problem; empty when usable.

        Each missing distribution and each version conflict is named (requirements whose
        marker does not apply here are skipped), and so is an installed ``zenml-core``
        outside the range the integration's distribution supports.
        """
        from zenml.integrations.requirements import check_requirements

        return check_requirements([*cls.get_requirements(), *cls.core_requirements()])

    @classmethod
    def get_requirements(cls, target_os: str | None = None, python_version: str | None = None) -> list[str]:
        """The integration's requirements (ZenML's signature; override to vary them by OS or Python)."""
        del target_os, python_version
        return list(cls.REQUIREMENTS)

    @classmethod
    def get_uninstall_requirements(cls, target_os: str | None = None) -> list[str]:
        """What to remove on uninstall: requirements without a ``REQUIREMENTS_IGNORED_ON_UNINSTALL`` prefix."""
        return [
            requirement
            for requirement in cls.get_requirements(target_os=target_os)
            if not any(requirement.startswith(prefix) for prefix in cls.REQUIREMENTS_IGNORED_ON_UNINSTALL)
        ]

    @classmethod
    def flavors(cls) -> list[type[Flavor]]:
        """The stack component flavors it adds, as :class:`~zenml.stack.flavor.Flavor` classes.

        By default these describe ``FLAVORS`` (nothing is imported until a flavor's
        ``implementation_class`` is read). A ZenML-style integration overrides this and
        returns its own flavor classes; activation registers them by reference.
        """
        from zenml.stack.flavor import reference_flavor

        return [reference_flavor(kind, name, reference) for (kind, name), reference in cls.FLAVORS.items()]

    @classmethod
    def core_requirements(cls) -> list[str]:
        """The ``zenml-core`` range that the integration's installed distribution declares, if any."""
        if not cls.DISTRIBUTION:
            return []
        from importlib.metadata import PackageNotFoundError, requires

        from zenml.integrations.requirements import core_requirements_of

        try:
            return core_requirements_of(requires(cls.DISTRIBUTION) or [])
        except PackageNotFoundError:
            return []

    @classmethod
    def requirement_status(cls) -> list[tuple[str, str | None]]:
        """Each requirement with its problem in words, or ``None`` when it is met."""
        from zenml.integrations.requirements import requirement_problem

        return [(text, requirement_problem(text)) for text in [*cls.get_requirements(), *cls.core_requirements()]]

    @classmethod
    def version(cls) -> str | None:
        """The installed version of the integration's own distribution."""
        if not cls.DISTRIBUTION:
            return None
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(cls.DISTRIBUTION)
        except PackageNotFoundError:
            return None

    @classmethod
    def activate(cls) -> None:
        """Register the integration's flavors and materializers, by reference only."""
        from zenml.materializers.registry import materializer_registry
        from zenml.stack.flavors import flavor_registry

        for (component_type, flavor), reference in cls.FLAVORS.items():
            flavor_registry.register(component_type, flavor, reference, owner=cls.NAME)
        for materializer, types in cls.MATERIALIZERS.items():
            try:
                materializer_registry.register(materializer, *types, replace=False)
            except ValueError as error:
                raise ValueError(
                    f"MATERIALIZERS of {cls.__name__}: {error}; expected "
                    '{"package.module:Class": ("package:Type", ...)}'
                ) from None


def register_flavor_classes(cls: type[Integration]) -> None:
    """Register the flavor classes of an integration that overrides ``flavors()`` (ZenML-style), by reference."""
    if getattr(cls.flavors, "__func__", None) is getattr(Integration.flavors, "__func__", None):
        return  # the default describes FLAVORS, registered already
    from zenml.stack.flavors import flavor_registry

    for flavor in cls.flavors():
        instance = flavor()
        flavor_registry.register(
            instance.component_type, instance.name, f"{flavor.__module__}:{flavor.__qualname__}", owner=cls.NAME
        )
