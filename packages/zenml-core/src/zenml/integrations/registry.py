"""The integration registry: discovery by entry points, loading, and activation.

Installed integrations are found through the ``zenml.integrations``
entry-point group, from package metadata only: listing them imports none of
them. :meth:`IntegrationRegistry.get` imports one integration's module (which
is light by contract), and :func:`activate_integrations` activates every
installed, usable integration once, registering their components by
reference so that no heavy library is imported.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from zenml.integrations.defined import DEFINED

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint
    from typing import Any

    from zenml.integrations.catalog import CatalogEntry
    from zenml.integrations.integration import Integration

from zenml.exceptions import IntegrationError

ENTRY_POINT_GROUP = "zenml.integrations"


class UnknownIntegrationError(IntegrationError, KeyError):
    """No integration of that name is installed or in the catalog (a ``KeyError``, as ZenML raises)."""

    def __init__(self, name: str, known: list[str]) -> None:
        from zenml.utils.suggestions import unknown_choice

        self.name = name
        self.known = known
        super().__init__(unknown_choice("integration", name, known))

    def __str__(self) -> str:
        return str(self.args[0])


class IntegrationNotInstalledError(IntegrationError, LookupError):
    """An official integration that is known from the catalog but not installed."""


class BrokenIntegrationError(IntegrationError):
    """An installed integration whose entry point cannot be loaded, or points at the wrong thing."""


class IntegrationWarning(UserWarning):
    """An installed integration was skipped during activation (the message says which and why)."""


class InstalledIntegration:
    """An installed integration as its package metadata describes it; nothing is imported."""

    __slots__ = ("distribution", "entry_point", "name", "requires_dist", "version")

    def __init__(
        self, name: str, distribution: str, version: str, entry_point: str, requires_dist: list[str] | None = None
    ) -> None:
        self.name = name
        self.distribution = distribution
        self.version = version
        self.entry_point = entry_point  # "package.module:Class"
        self.requires_dist = requires_dist  # the distribution's Requires-Dist lines, when read already

    def __repr__(self) -> str:
        return f"InstalledIntegration({self.name!r}, {self.distribution!r} {self.version!r}, {self.entry_point!r})"

    def describe_entry_point(self) -> str:
        """``name = module:Class (distribution version)``, for messages."""
        return f"entry point '{self.name} = {self.entry_point}' of {self.distribution} {self.version}"

    def requirements(self) -> list[str]:
        """The requirements the distribution declares, as the integration states them (see
        :func:`~zenml.integrations.requirements.requirements_of_distribution`)."""
        from importlib.metadata import PackageNotFoundError

        from zenml.integrations.requirements import declared_requirements, requirements_of_distribution

        if self.requires_dist is not None:
            return declared_requirements(self.requires_dist)
        try:
            return requirements_of_distribution(self.distribution)
        except PackageNotFoundError:  # pragma: no cover - uninstalled while running
            return []

    def problems(self) -> list[str]:
        """Why the integration is not usable, read from metadata; empty when usable.

        The entry point's module must be findable (without importing it) and
        every declared requirement met.
        """
        from zenml.integrations.requirements import check_requirements

        problems = []
        module = self.entry_point.partition(":")[0]
        if not _module_findable(module):
            problems.append(f"module {module!r} of the {self.describe_entry_point()} is not found")
        try:
            requirements = self.requirements()
        except ValueError as error:  # a Requires-Dist line that does not parse
            return [*problems, str(error)]
        return problems + check_requirements(requirements)


def _module_findable(module: str) -> bool:
    """Whether ``module`` can be found, importing at most its light parent packages.

    For ``zenml.integrations.<name>...`` the integration's own package is looked
    up (importing only core's ``zenml.integrations``); for others, the
    top-level package, which imports nothing.
    """
    from importlib.util import find_spec

    parts = module.split(".")
    target = ".".join(parts[:3]) if parts[:2] == ["zenml", "integrations"] else parts[0]
    try:
        return find_spec(target) is not None
    except (ImportError, ValueError):
        return False


class ActivationReport:
    """What :func:`activate_integrations` did: the names it activated and why it skipped the others."""

    __slots__ = ("activated", "skipped")

    def __init__(self, activated: list[str], skipped: dict[str, str]) -> None:
        self.activated = activated
        self.skipped = skipped  # name -> reason, in words

    @property
    def ok(self) -> bool:
        """Whether nothing was skipped."""
        return not self.skipped

    def __repr__(self) -> str:
        return f"ActivationReport(activated={self.activated!r}, skipped={self.skipped!r})"


class IntegrationRegistry:
    """Every integration class created so far, plus the installed ones found through entry points."""

    def __init__(self, group: str = ENTRY_POINT_GROUP, classes: dict[str, type[Integration]] | None = None) -> None:
        self.group = group
        # name -> class; the process-wide registry shares zenml.integrations.defined.DEFINED with IntegrationMeta
        self._integrations: dict[str, type[Integration]] = {} if classes is None else classes
        self._installed: dict[str, InstalledIntegration] | None = None
        self._entry_points: dict[str, EntryPoint] = {}
        self._duplicates: dict[str, list[str]] = {}
        self._report: ActivationReport | None = None
        self._lock = threading.RLock()

    # -- registration (IntegrationMeta) ----------------------------------------------------------

    # These three take no lock: a class is registered while its module is being imported, possibly
    # in another thread than an activation that holds the lock and waits for that same import.
    # Single dict operations are atomic.

    def register(self, integration: type[Integration]) -> None:
        """Record an integration class (:class:`IntegrationMeta` records each subclass in the process-wide registry)."""
        self._integrations[integration.NAME] = integration

    def unregister(self, name: str) -> None:
        """Forget the class registered as ``name`` (tests, plug-ins that unload)."""
        self._integrations.pop(name, None)

    def registered(self) -> dict[str, type[Integration]]:
        """The integration classes created so far, by name."""
        return self._integrations.copy()

    # -- discovery (metadata only) ---------------------------------------------------------------

    def installed(self, *, refresh: bool = False) -> dict[str, InstalledIntegration]:
        """The installed integrations, by name, read from entry-point metadata (nothing is imported)."""
        with self._lock:
            if self._installed is None or refresh:
                self._discover()
            assert self._installed is not None
            return dict(self._installed)

    def _discover(self) -> None:
        from importlib.metadata import entry_points

        installed: dict[str, InstalledIntegration] = {}
        found: dict[str, EntryPoint] = {}
        duplicates: dict[str, list[str]] = {}
        for entry_point in sorted(entry_points(group=self.group), key=lambda ep: ep.name):
            dist = entry_point.dist
            metadata = dist.metadata if dist is not None else None  # parse METADATA once per distribution
            distribution = (metadata["Name"] if metadata is not None else None) or "an unknown distribution"
            version = (metadata["Version"] if metadata is not None else None) or "?"
            requires_dist = (metadata.get_all("Requires-Dist") or []) if metadata is not None else None
            if entry_point.name in installed:
                duplicates.setdefault(entry_point.name, [installed[entry_point.name].distribution]).append(distribution)
                continue
            installed[entry_point.name] = InstalledIntegration(
                entry_point.name, distribution, version, entry_point.value, requires_dist
            )
            found[entry_point.name] = entry_point
        self._installed = installed
        self._entry_points = found
        self._duplicates = duplicates

    def duplicates(self) -> dict[str, list[str]]:
        """Names declared by more than one installed distribution (the first one wins)."""
        self.installed()
        return {name: list(dists) for name, dists in self._duplicates.items()}

    def known(self) -> dict[str, tuple[CatalogEntry | None, InstalledIntegration | None]]:
        """Every known integration: the official catalog and the installed ones, by name."""
        from zenml.integrations.catalog import CATALOG

        installed = self.installed()
        names = sorted({*CATALOG, *installed})
        return {name: (CATALOG.get(name), installed.get(name)) for name in names}

    def names(self) -> list[str]:
        """The names of every known integration: catalog, installed and registered classes."""
        return sorted({*self.known(), *self.registered()})

    # -- loading ---------------------------------------------------------------------------------

    def get(self, name: str) -> type[Integration]:
        """The integration class called ``name``, importing its module through its entry point.

        Raises :class:`UnknownIntegrationError` (with the known names and the
        closest match), :class:`IntegrationNotInstalledError` for an official
        integration that is not installed, or :class:`BrokenIntegrationError`
        naming the entry point and its distribution.
        """
        installed = self.installed()
        if name in installed:
            return self._load(installed[name])
        registered = self.registered()
        if name in registered:
            return registered[name]
        from zenml.integrations.catalog import CATALOG

        entry = CATALOG.get(name)
        if entry is not None:
            raise IntegrationNotInstalledError(
                f"integration {name!r} is not installed: run `zenml integration install {name}` "
                f"(or pip install {entry.install_requirement()})."
            )
        raise UnknownIntegrationError(name, self.names())

    def _load(self, installed: InstalledIntegration) -> type[Integration]:
        from zenml.integrations.integration import Integration

        where = installed.describe_entry_point()
        fix = f"Reinstall or uninstall {installed.distribution}."
        module = installed.entry_point.partition(":")[0]
        try:
            value = self._entry_points[installed.name].load()
        except ModuleNotFoundError as error:
            missing = error.name or module
            raise BrokenIntegrationError(f"{where}: module {missing!r} is not found. {fix}") from error
        except AttributeError as error:
            raise BrokenIntegrationError(f"{where}: {error}. {fix}") from error
        except Exception as error:
            raise BrokenIntegrationError(
                f"{where}: importing it raised {type(error).__name__}: {error}. {fix}"
            ) from error
        if not (isinstance(value, type) and issubclass(value, Integration)):
            raise BrokenIntegrationError(
                f"{where}: it points at {value!r}, which is not an Integration subclass. {fix}"
            )
        if installed.name != value.NAME:
            raise BrokenIntegrationError(
                f"{where}: the class declares NAME {value.NAME!r}, not {installed.name!r}. {fix}"
            )
        return value

    # -- activation ------------------------------------------------------------------------------

    def activate_integrations(self) -> ActivationReport:
        """Activate every installed, usable integration once; see :func:`activate_integrations`."""
        with self._lock:
            if self._report is None:
                try:
                    self._report = self._activate_all()
                except Exception as error:  # discovery itself failed: corrupt metadata
                    import warnings

                    reason = f"discovering integrations raised {type(error).__name__}: {error}"
                    warnings.warn(f"no integration was activated: {reason}", IntegrationWarning, stacklevel=3)
                    self._report = ActivationReport([], {"*": reason})
            return self._report

    def _activate_all(self) -> ActivationReport:
        from zenml.integrations import activation_cache

        key = activation_cache.environment_key(self.group)
        plan = activation_cache.load(key)
        if plan is None:
            plan = self._plan()
            activation_cache.save(key, plan)
        classes: dict[str, type[Integration]] = {}
        skipped: dict[str, str] = dict(plan.get("skipped", {}))
        for name, reference in plan.get("activate", []):
            try:
                classes[name] = self._load_reference(name, reference)
            except BrokenIntegrationError as error:
                skipped[name] = str(error)
        # Classes defined outside any installed distribution (user code) are checked each time.
        for name, cls in self.registered().items():
            if name in classes or name in skipped:
                continue
            problem = _problem_of(cls)
            if problem:
                skipped[name] = problem
            else:
                classes[name] = cls
        activated = []
        for name, cls in sorted(classes.items()):
            try:
                cls.activate()
                from zenml.integrations.integration import register_flavor_classes

                register_flavor_classes(cls)
            except Exception as error:
                skipped[name] = f"activate() raised {type(error).__name__}: {error}"
                continue
            activated.append(name)
        if skipped:
            import warnings

            for name, reason in sorted(skipped.items()):
                warnings.warn(f"integration {name!r} was not activated: {reason}", IntegrationWarning, stacklevel=4)
        return ActivationReport(activated, skipped)

    def _plan(self) -> dict[str, Any]:
        """Decide from metadata which installed integrations are usable (the slow, cached part)."""
        activate: list[list[str]] = []
        skipped: dict[str, str] = {}
        for name, installed in self.installed().items():
            try:
                cls = self._load(installed)
            except BrokenIntegrationError as error:
                skipped[name] = str(error)
                continue
            problem = _problem_of(cls)
            if problem:
                skipped[name] = problem
            else:
                activate.append([name, installed.entry_point])
        for name, dists in self._duplicates.items():
            skipped.setdefault(f"{name} (duplicate)", f"declared by {', '.join(dists)}; the first one is used")
        return {"activate": activate, "skipped": skipped}

    def _load_reference(self, name: str, reference: str) -> type[Integration]:
        """Import a cached ``module:Class`` entry point without reading metadata."""
        from zenml.integrations.integration import Integration
        from zenml.utils.imports import import_reference

        try:
            value = import_reference(reference)
        except Exception as error:
            raise BrokenIntegrationError(
                f"entry point '{name} = {reference}': importing it raised {type(error).__name__}: {error}"
            ) from error
        if not (isinstance(value, type) and issubclass(value, Integration)) or name != value.NAME:
            raise BrokenIntegrationError(f"entry point '{name} = {reference}' is not the Integration {name!r}")
        return value

    # -- ZenML's registry API ---------------------------------------------------------------------------

    @property
    def integrations(self) -> dict[str, type[Integration]]:
        """Every integration class by name: the installed ones (their light modules imported through their
        entry points; broken ones left out) and those defined in code."""
        found: dict[str, type[Integration]] = {}
        for name, installed in self.installed().items():
            try:
                found[name] = self._load(installed)
            except BrokenIntegrationError:
                continue
        for name, cls in self.registered().items():
            found.setdefault(name, cls)
        return found

    @integrations.setter
    def integrations(self, value: object) -> None:
        raise IntegrationError(
            "Please do not manually change the integrations within the registry. If you would like to register a "
            "new integration manually, please use `integration_registry.register_integration()`."
        )

    def register_integration(self, key: str, type_: type[Integration]) -> None:
        """Register an integration class under ``key`` (ZenML's name for :meth:`register`)."""
        self._integrations[key] = type_

    @property
    def list_integration_names(self) -> list[str]:
        """Every known integration name: installed, official (catalog) and defined in code; nothing is imported."""
        return self.names()

    def _requirements_of(self, name: str, target_os: str | None, *, uninstall: bool = False) -> list[str]:
        known = self.known()
        if name not in known and name not in self.registered():
            raise UnknownIntegrationError(name, self.names())
        entry, installed = known.get(name, (None, None))
        if installed is None and name not in self.registered():
            assert entry is not None
            return [entry.install_requirement()]
        cls = self.get(name)
        if uninstall:
            return cls.get_uninstall_requirements(target_os=target_os)
        return [*cls.get_requirements(target_os=target_os), *cls.core_requirements()]

    def select_integration_requirements(
        self, integration_name: str | None = None, target_os: str | None = None
    ) -> list[str]:
        """Requirement lines of one integration (of every installed one without a name), for pip.

        For an official integration that is not installed, its distribution. An unknown name
        raises :class:`UnknownIntegrationError` (a ``KeyError``).
        """
        names = [integration_name] if integration_name else sorted(self.installed())
        lines: list[str] = []
        for name in names:
            lines += [line for line in self._requirements_of(name, target_os) if line not in lines]
        return lines

    def select_uninstall_requirements(
        self, integration_name: str | None = None, target_os: str | None = None
    ) -> list[str]:
        """Like :meth:`select_integration_requirements`, leaving out ``REQUIREMENTS_IGNORED_ON_UNINSTALL``."""
        names = [integration_name] if integration_name else sorted(self.installed())
        lines: list[str] = []
        for name in names:
            lines += [line for line in self._requirements_of(name, target_os, uninstall=True) if line not in lines]
        return lines

    def is_installed(self, integration_name: str | None = None) -> bool:
        """Whether an integration is installed and usable (every requirement met); without a name, all of them.

        Judged from package metadata for installed distributions. An unknown name raises
        :class:`UnknownIntegrationError` (a ``KeyError``).
        """
        if not integration_name:
            return all(self.is_installed(name) for name in self.names())
        installed = self.installed().get(integration_name)
        if installed is not None:
            return not installed.problems()
        registered = self.registered().get(integration_name)
        if registered is not None:
            return registered.check_installation()
        if integration_name in self.known():
            return False
        raise UnknownIntegrationError(integration_name, self.names())

    def get_installed_integrations(self) -> list[str]:
        """The names of the integrations that are installed and usable."""
        return [name for name in self.names() if name in self.installed() or name in self.registered()
                if self.is_installed(name)]  # fmt: skip

    def reset_activation(self) -> None:
        """Forget that activation happened, so that the next call activates again (tests)."""
        with self._lock:
            self._report = None


def _problem_of(cls: type[Integration]) -> str:
    """Why an integration class is not usable, in one line; empty when it is."""
    try:
        problems = cls.problems()
    except Exception as error:
        return f"checking its requirements raised {type(error).__name__}: {error}"
    return "; ".join(problems)


integration_registry = IntegrationRegistry(classes=DEFINED)


def activate_integrations() -> ActivationReport:
    """Activate every installed, usable integration, once per process.

    Idempotent and safe to call from several threads: the first call does the
    work and later calls return the same report. An integration that cannot
    be loaded, is not usable (missing or conflicting requirements) or raises
    in ``activate()`` is skipped with an :class:`IntegrationWarning` naming it
    and the reason; the others are still activated, and this never raises.
    Activation registers components by reference and imports no heavy library.
    """
    return integration_registry.activate_integrations()
