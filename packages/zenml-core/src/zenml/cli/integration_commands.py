"""``zenml`` subcommands that integrations add, known without importing them.

An integration declares its commands by reference, as it declares its flavors: ``COMMANDS``
on its class (``{name: ("module:command", "one-line help")}``), and, for an official one, the
same in ``[tool.zenml] commands``, which core's catalog carries. So ``zenml --help`` lists the
commands of the installed official integrations from the catalog, checking only that their
package directory exists, and ``zenml dashboard`` without zenml-dashboard says what to install.
Commands of other integrations are found through their classes once they are activated. Core's
own commands always win a name clash.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from zenml.integrations.catalog import CatalogEntry


def _package_present(name: str) -> bool:
    """Whether ``zenml.integrations.<name>`` is on the path (a directory with ``__init__.py``; nothing imported)."""
    import zenml.integrations

    return any(os.path.isfile(os.path.join(folder, name, "__init__.py")) for folder in zenml.integrations.__path__)


def _official() -> list[tuple[str, str, str, str]]:
    """(command, reference, help, integration) of every official integration's commands."""
    from zenml.integrations._catalog_data import OFFICIAL

    return [(command, reference, text, entry[0]) for entry in OFFICIAL for command, reference, text in entry[6]]


def installed_commands(core: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """``core``'s commands plus those of the installed official integrations: name -> (reference, help)."""
    table = dict(core)
    for command, reference, text, integration in _official():
        if command not in table and _package_present(integration):
            table[command] = (reference, text)
    return table


def not_installed(command: str) -> CatalogEntry | None:
    """The official integration that adds ``command``, when it is not installed."""
    for name, _, _, integration in _official():
        if name == command and not _package_present(integration):
            from zenml.integrations.catalog import CATALOG

            return CATALOG[integration]
    return None


def install_hint(command: str, entry: CatalogEntry) -> str:
    """What to tell someone who runs ``zenml <command>`` without the integration that adds it."""
    return (
        f"`zenml {command}` comes with the {entry.name} integration, which is not installed: "
        f"pip install {entry.install_requirement()} (or: zenml integration install {entry.name})"
    )


def activated_commands() -> dict[str, tuple[str, str]]:
    """Commands of the installed integrations' classes (activating them; for integrations outside the catalog)."""
    from zenml.integrations.registry import activate_integrations, integration_registry

    activate_integrations()
    table: dict[str, tuple[str, str]] = {}
    for integration in integration_registry.registered().values():
        for command, spec in integration.COMMANDS.items():
            table.setdefault(command, spec)
    return table
