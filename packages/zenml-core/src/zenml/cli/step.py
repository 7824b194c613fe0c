"""``zenml step run --payload FILE|-``: run one step of a run from its payload, in any process.

What other engines (a container, a batch job, a Ray task) run: the payload names the run, the step
and the stack; the step's inputs come from the artifact store, its outputs and record go to the
stores, and the command prints only small metadata (JSON). Exit status 0 when the step completed or
was cached, 1 when it failed (recorded in the run), 2 when the payload cannot be read.
"""

from __future__ import annotations

import sys

import click

from zenml.cli.output import fail, print_json


@click.group("step")
def step() -> None:
    """Run one step of a pipeline run from its payload."""


@step.command("run")
@click.option(
    "--payload",
    "source",
    required=True,
    metavar="FILE|-",
    help="The step payload (JSON, as an orchestrator writes it): a file, or - for standard input.",
)
def run_step(source: str) -> None:
    """Run the step a payload names and record it; print {"step", "status", "artifacts"} as JSON."""
    from zenml.orchestrators.payload import PayloadError, StepPayload
    from zenml.steps.errors import StepFailedError

    try:
        text = sys.stdin.read() if source == "-" else _read(source)
        payload = StepPayload.from_json(text)
    except PayloadError as error:
        raise click.UsageError(f"--payload {source}: {error}") from None
    try:
        result = payload.run()
    except PayloadError as error:
        fail(str(error))
    except StepFailedError as error:
        fail(str(error))
    print_json(result)


def _read(path: str) -> str:
    from zenml.orchestrators.payload import PayloadError

    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise PayloadError(f"cannot read the payload file: {error}") from None
