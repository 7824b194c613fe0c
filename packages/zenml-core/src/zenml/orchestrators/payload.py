"""The step payload: one step of one run as typed, versioned JSON, run the same way in any process.

A payload holds the run's deployment (its configuration, the plan of the step to run and the plans
of the steps whose outputs it reads: what running it needs, so that a payload's size and decoding
cost do not grow with the number of steps in the pipeline), the name of the step to run, the
stack's serialised config and the versions of Python, zenml-core and each installed integration
that wrote it (as Dagster's ``ExecuteStepArgs`` does). Every orchestrator
runs its steps through it: the local one in this process (a JSON round-trip per step, so the
code path is the one other machines take), the Ray one in a Ray task per step, and
``zenml step run --payload FILE`` in any process. Running a payload returns only small metadata;
artifacts go through the artifact store and state through the metadata store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml.orchestrators.deployment import Deployment
    from zenml.orchestrators.entrypoint import RunState
    from zenml.stack.stack import Stack

KIND = "zenml.step-payload"
VERSION = 1  # bump when a reader of the previous version would misread a payload; readers refuse newer ones


class PayloadError(ValueError):
    """A step payload cannot be read: not JSON, not a payload, written by a newer or different zenml."""


class NotImportableError(ValueError):
    """A step, type or hook of the pipeline is defined where another process cannot import it."""


@dataclass(frozen=True)
class StepPayload:
    """One step of one run: ``deployment`` (``Deployment.to_dict()`` with parameters encoded exactly, holding
    the step's plan and its upstream steps' plans), ``step`` (its id), ``stack`` (``Stack.to_dict()``) and the
    ``versions`` that wrote it."""

    deployment: dict[str, Any]
    step: str
    stack: dict[str, Any]
    versions: dict[str, str]

    def to_json(self) -> str:
        import json

        return json.dumps(
            {
                "kind": KIND,
                "version": VERSION,
                "step": self.step,
                "versions": self.versions,
                "stack": self.stack,
                "deployment": self.deployment,
            },
            allow_nan=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> StepPayload:
        """Read a payload; :class:`PayloadError` says what is wrong with one this zenml cannot run."""
        import json

        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as error:
            raise PayloadError(f"not a step payload: invalid JSON ({error})") from None
        if not isinstance(data, dict) or data.get("kind") != KIND:
            raise PayloadError(f'not a step payload: expected a JSON object with "kind": {KIND!r}')
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise PayloadError(f"step payload has no valid version (got {version!r})")
        if version > VERSION:
            writer = data.get("versions", {}).get("zenml-core", "a newer zenml-core") if isinstance(
                data.get("versions"), dict) else "a newer zenml-core"  # fmt: skip
            raise PayloadError(
                f"step payload version {version} was written by zenml-core {writer}; this zenml-core "
                f"{_core_version()} reads versions up to {VERSION}: install the writer's zenml-core here"
            )
        shapes = {"step": str, "versions": dict, "stack": dict, "deployment": dict}
        for key, kind in shapes.items():
            if not isinstance(data.get(key), kind):
                raise PayloadError(f"step payload field {key!r} must be a JSON {kind.__name__}, got {data.get(key)!r}")
        steps = data["deployment"].get("steps")
        if not isinstance(steps, list) or data["step"] not in {s.get("id") for s in steps if isinstance(s, dict)}:
            raise PayloadError(f"step payload names step {data['step']!r}, which its deployment does not have")
        return cls(data["deployment"], data["step"], data["stack"], data["versions"])

    def run(
        self,
        *,
        stack: Stack | None = None,
        original: Deployment | None = None,
        state: RunState | None = None,
    ) -> dict[str, Any]:
        """Run the step and record it; return ``{"step", "status", "artifacts"}`` (small metadata only).

        ``stack`` is the caller's stack object when it is the payload's stack (built from the payload
        otherwise); ``original`` the caller's deployment, whose in-process step objects and hooks are
        used instead of importing them by reference (the local orchestrator); ``state`` what this
        process already knows of the run's artifacts.
        """
        from zenml.orchestrators.entrypoint import run_step
        from zenml.stack.stack import Stack

        self.check_versions()
        deployment = decode_deployment(self.deployment)
        if original is not None:
            for plan in deployment.steps:
                plan.adopt(original.step(plan.id))
        _know_planned_materializers(deployment)
        if stack is None:
            stack = Stack.from_dict(self.stack)
        return run_step(deployment, deployment.step(self.step), stack, state)

    def check_versions(self) -> None:
        """Activate this process's integrations, then refuse (:class:`PayloadError`) a payload written by other
        zenml package versions than the ones installed here (before its stack is built from the payload)."""
        from zenml.integrations.registry import activate_integrations

        activate_integrations()
        problems = version_skew(self.versions, writer_versions())
        if problems:
            raise PayloadError(
                f"step {self.step!r} cannot run here: {'; '.join(problems)}. Install the same zenml packages "
                "here as where the pipeline was started"
            )


def _know_planned_materializers(deployment: Deployment) -> None:
    """Register the materializers the deployment chose for its outputs, so that their artifacts load here.

    The payload comes from whoever runs the step (it names the step functions to import as well),
    not from stored data; a step's inputs may have been written with a materializer that only
    another step's module defines.
    """
    from zenml.materializers.registry import materializer_registry

    for plan in deployment.steps:
        for reference, _ in plan.outputs.values():
            if reference:
                materializer_registry.register(reference)


def step_payloads(deployment: Deployment, stack: Stack) -> dict[str, StepPayload]:
    """A payload for every step of ``deployment`` (step id -> payload), sliced from one encoding of the run.

    Each payload's deployment keeps the run's fields and only the plans its step needs: its own and
    those of the steps it reads outputs from (for their materializers), in the run's order.
    """
    shared = encode_deployment(deployment)
    plans = {plan["id"]: plan for plan in shared["steps"]}
    position = {step_id: index for index, step_id in enumerate(plans)}
    stack_data = stack.to_dict()
    versions = writer_versions()
    payloads = {}
    for plan in deployment.steps:
        needed = {plan.id, *plan.upstream}
        for source in plan.inputs.values():
            needed.update(item[0] for item in (source if isinstance(source, list) else [source]) if item[0])
        sliced = {**shared, "steps": [plans[step_id] for step_id in sorted(needed, key=position.__getitem__)]}
        payloads[plan.id] = StepPayload(sliced, plan.id, stack_data, versions)
    return payloads


def encode_deployment(deployment: Deployment) -> dict[str, Any]:
    """``deployment.to_dict()`` with each step's parameters encoded so that they round-trip exactly (tuples stay
    tuples); :class:`PayloadError` names a parameter that cannot be encoded."""
    from zenml.materializers.json_codec import EncodeError, encode

    data = deployment.to_dict()
    for plan in data["steps"]:
        try:
            plan["parameters"] = encode(plan["parameters"], f"step {plan['id']!r} parameters")
        except EncodeError as error:
            raise PayloadError(f"{error}; pass such a value as the output of a step instead") from None
    return data


def decode_deployment(data: dict[str, Any]) -> Deployment:
    """The :class:`~zenml.orchestrators.deployment.Deployment` of :func:`encode_deployment` output."""
    from zenml.materializers.json_codec import DecodeError, decode
    from zenml.orchestrators.deployment import Deployment

    try:
        steps = [{**plan, "parameters": decode(plan["parameters"])} for plan in data["steps"]]
        return Deployment.from_dict({**data, "steps": steps})
    except (DecodeError, KeyError, TypeError, ValueError, IndexError) as error:
        raise PayloadError(f"step payload has an invalid deployment: {type(error).__name__}: {error}") from None


def _core_version() -> str:
    from zenml.__about__ import __version__

    return __version__


_VERSIONS: dict[str, str] = {}


def writer_versions() -> dict[str, str]:
    """Python's, zenml-core's and every installed integration's version in this process (cached).

    The integrations' versions come from the activation cache's listing, which installs invalidate:
    package metadata (tens of milliseconds to read) is read only when it is stale.
    """
    if not _VERSIONS:
        import sys

        from zenml.integrations.registry import integration_registry

        _VERSIONS["python"] = ".".join(str(part) for part in sys.version_info[:3])
        _VERSIONS["zenml-core"] = _core_version()
        for installed, _problems in integration_registry.installed_status().values():
            _VERSIONS[installed.distribution] = installed.version
    return dict(_VERSIONS)


def version_skew(writer: dict[str, str], here: dict[str, str], *, python: bool = False) -> list[str]:
    """What differs between two :func:`writer_versions`: zenml packages installed on both sides at different
    versions (and with ``python=True`` the Python minor version), one sentence each."""
    problems = []
    if python and writer.get("python", "").split(".")[:2] != here.get("python", "").split(".")[:2]:
        problems.append(f"Python {writer.get('python')} wrote it, Python {here.get('python')} would run it")
    for name in sorted(set(writer) & set(here)):
        if name.startswith("zenml-") and writer[name] != here[name]:
            problems.append(f"{name} {writer[name]} wrote it, {name} {here[name]} is installed here")
    return problems


def check_importable(deployment: Deployment) -> None:
    """Refuse (:class:`NotImportableError`) steps, types and hooks that other processes cannot import:
    those defined in the script being run (``__main__``) or inside a function."""
    import typing

    from zenml.steps.typing_utils import strip_annotated

    def classes(annotation: Any) -> list[type]:
        annotation = strip_annotated(annotation)
        found = [annotation] if isinstance(annotation, type) else []
        for argument in typing.get_args(annotation):
            found += classes(argument)
        return found

    for plan in deployment.steps:
        step = plan.resolve_step()
        _check_reference(step.reference, f"step {plan.id!r}")
        for name, annotation in {**step.inputs, **step.outputs}.items():
            for cls in classes(annotation):
                _check_reference(f"{cls.__module__}:{cls.__qualname__}", f"type {cls.__qualname__!r} of step "
                                 f"{plan.id!r} ({name!r})")  # fmt: skip
        for name, (materializer, _version) in plan.outputs.items():
            if materializer:
                _check_reference(materializer, f"materializer of step {plan.id!r} output {name!r}")
        for kind, reference in plan.hook_references().items():
            _check_reference(reference, f"{kind} hook of step {plan.id!r}")


def _check_reference(reference: str, what: str) -> None:
    module, _, qualname = reference.partition(":")
    if module == "__main__":
        raise NotImportableError(
            f"{what} is defined in the script being run (__main__), which the processes that run steps elsewhere "
            f"cannot import: move {qualname!r} into a module of your project (e.g. steps.py next to the script) "
            "and import it from there"
        )
    if "<locals>" in qualname:
        outer = qualname.split(".<locals>")[0]
        raise NotImportableError(
            f"{what} is defined inside function {outer!r} of module {module!r}, which the processes that run steps "
            f"elsewhere cannot import: move {qualname.rsplit('.', 1)[-1]!r} to the top level of a module"
        )
