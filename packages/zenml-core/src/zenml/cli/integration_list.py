"""``zenml integration list`` without click: what it shows, and how.

The command's records come from the activation cache (:meth:`IntegrationRegistry.installed_status`)
and core's catalog; nothing here imports click, so :mod:`zenml.cli.main` answers
``zenml integration list [--json]`` directly, as it answers ``zenml --help``.
"""

from __future__ import annotations

from zenml.cli.output import print_json, print_table


def listing() -> list[dict[str, object]]:
    """One record per known integration (official or installed): installed, version, usable, problems."""
    from zenml.integrations.catalog import CATALOG
    from zenml.integrations.registry import integration_registry

    found = integration_registry.installed_status()
    records: list[dict[str, object]] = []
    for name in sorted({*CATALOG, *found}):
        entry = CATALOG.get(name)
        installed, problems = found.get(name, (None, []))
        records.append(
            {
                "name": name,
                "distribution": installed.distribution if installed else entry.distribution if entry else None,
                "installed": installed is not None,
                "version": installed.version if installed else None,
                "usable": installed is not None and not problems,
                "problems": problems,
                "summary": entry.summary if entry else "",
                "entry_point": installed.entry_point if installed else None,
            }
        )
    return records


def print_listing(records: list[dict[str, object]], *, as_json: bool) -> None:
    """Print the records as JSON, or as a table with one status per integration."""
    if as_json:
        print_json(records)
        return
    rows = []
    for record in records:
        problems = record["problems"]
        if not record["installed"]:
            status = f"not installed: zenml integration install {record['name']}"
        elif isinstance(problems, list) and problems:
            status = "not usable: " + "; ".join(problems)
        else:
            status = "usable"
        rows.append((record["name"], record["distribution"], record["version"] or "-", status))
    print_table(("integration", "distribution", "version", "status"), rows)
