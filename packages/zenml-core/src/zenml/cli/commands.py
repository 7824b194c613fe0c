"""The table of ``zenml`` subcommands, shared by the click-free fast path and the click group.

Each command is named by reference (``"module:attribute"``), so that listing
them imports none of their modules.
"""

from __future__ import annotations

HELP = "zenml: ML pipelines whose integrations load only when they are used."

# command name -> ("module:attribute", one-line help shown by `zenml --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "integration": ("zenml.cli.integration:integration", "List, check, install and uninstall integrations."),
    "stack": ("zenml.cli.stack:stack", "Register, list, show and switch stacks."),
    "artifact-store": ("zenml.cli.stack:artifact_store", "Register, list and delete artifact stores."),
    "metadata-store": ("zenml.cli.stack:metadata_store", "Register, list and delete metadata stores."),
    "run": ("zenml.cli.run:run", "List and inspect pipeline runs."),
    "pipeline": ("zenml.cli.history:pipeline", "List pipelines."),
    "artifact": ("zenml.cli.history:artifact", "List and inspect artifacts and their versions."),
    "model": ("zenml.cli.history:model", "List and inspect models and their versions."),
    "orchestrator": ("zenml.cli.stack:orchestrator", "Register, list and delete orchestrators."),
    "step": ("zenml.cli.step:step", "Run one step of a pipeline run from its payload."),
    "init": ("zenml.cli.stack:init", "Keep this directory's stacks in ./.zen/config.toml."),
    "version": ("zenml.cli.version:version", "Show the version of zenml."),
}


def version_line() -> str:
    """What ``zenml version`` prints (ZenML's ``version: X.Y.Z``); the click-free fast path prints it too."""
    from zenml.__about__ import __version__

    return f"version: {__version__}"
