"""The ``zenml`` command line. Subcommands are loaded only when invoked."""
