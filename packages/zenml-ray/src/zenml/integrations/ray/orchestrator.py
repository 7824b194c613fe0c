"""The ``ray`` orchestrator: each step is a Ray task that runs the step's payload.

Upstream task references order the steps, so independent branches run in parallel. Tasks
return only small metadata: artifacts go through the artifact store and state through the
metadata store, never through Ray's object store. This process (the driver) owns the run:
it records it, and records a step whose worker died before the step could record itself.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

from zenml.integrations.ray.connection import RayConnectionError
from zenml.orchestrators.base import BaseOrchestrator
from zenml.stack.component import InvalidOptionError

if TYPE_CHECKING:
    from types import ModuleType

    from zenml.orchestrators.deployment import Deployment, StepPlan
    from zenml.stack.stack import Stack

logger = logging.getLogger(__name__)
SETTINGS_KEYS = ("orchestrator.ray", "orchestrator")  # ZenML's step settings keys for orchestrator settings
STEP_OPTIONS = ("num_cpus", "num_gpus", "memory", "max_retries", "runtime_env")


class RayOrchestrator(BaseOrchestrator):
    """Runs each step as a Ray task (flavor ``ray``).

    Options: ``address`` (a Ray head, ``host:port`` or ``ray://host:port``; unset: zenml starts a local
    Ray, one node on loopback, with ``local_num_cpus`` CPUs), ``runtime_env`` (Ray's: ``working_dir`` /
    ``py_modules`` to ship your code, ``env_vars``), ``auth_token_file`` or ``auth_token_env`` (Ray's
    token auth: a file holding the token, or the name of an environment variable holding it),
    ``connect_timeout`` (seconds), and the defaults of each step's ``num_cpus`` (1), ``num_gpus`` (0),
    ``memory`` (bytes) and ``max_retries`` (0: a step may not be idempotent; Ray retries a step whose
    worker died, not one that raised). Steps override them with ``settings={"orchestrator.ray": {...}}``
    (or ZenML's ``settings={"resources": ResourceSettings(cpu_count=..., gpu_count=..., memory="4GB")}``).
    """

    FLAVOR: ClassVar[str] = "ray"
    RUNS_STEPS_ELSEWHERE: ClassVar[bool] = True

    def __init__(
        self,
        name: str = "default",
        *,
        address: str | None = None,
        runtime_env: dict[str, Any] | None = None,
        auth_token_file: str | None = None,
        auth_token_env: str | None = None,
        local_num_cpus: int | None = None,
        connect_timeout: float = 10.0,
        num_cpus: float = 1,
        num_gpus: float = 0,
        memory: int | None = None,
        max_retries: int = 0,
        **config: object,
    ) -> None:
        if address is not None and (not isinstance(address, str) or not address.strip()):
            raise InvalidOptionError(f"the ray orchestrator's address must be 'host:port' or 'ray://host:port', "
                                     f"not {address!r}")  # fmt: skip
        if runtime_env is not None and not isinstance(runtime_env, dict):
            raise InvalidOptionError(f"runtime_env must be a table (Ray's runtime_env), not {runtime_env!r}")
        for option, value in (("num_cpus", num_cpus), ("num_gpus", num_gpus), ("connect_timeout", connect_timeout)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise InvalidOptionError(f"{option} must be a number >= 0, not {value!r}")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidOptionError(f"max_retries must be a whole number >= 0, not {max_retries!r}")
        given = {"address": address, "runtime_env": runtime_env, "auth_token_file": auth_token_file,
                 "auth_token_env": auth_token_env, "local_num_cpus": local_num_cpus}  # fmt: skip
        defaults = {"connect_timeout": (connect_timeout, 10.0), "num_cpus": (num_cpus, 1), "num_gpus": (num_gpus, 0),
                    "memory": (memory, None), "max_retries": (max_retries, 0)}  # fmt: skip
        stored: dict[str, object] = {k: v for k, v in given.items() if v is not None}
        stored.update({k: v for k, (v, default) in defaults.items() if v != default})
        super().__init__(name, **stored, **config)
        self.step_defaults: dict[str, Any] = {"num_cpus": num_cpus, "num_gpus": num_gpus, "memory": memory,
                                              "max_retries": max_retries}  # fmt: skip
        from zenml.integrations.ray.connection import Target

        self.target = Target(address, runtime_env=runtime_env, auth_token_file=auth_token_file,
                             auth_token_env=auth_token_env, local_num_cpus=local_num_cpus,
                             connect_timeout=float(connect_timeout), name=name)  # fmt: skip

    @property
    def is_local(self) -> bool:
        """A zenml-started Ray runs on this machine; a cluster at an address may span machines."""
        return not self.target.address

    def prepare(self, deployment: Deployment, stack: Stack) -> None:
        """Connect, then refuse version skew and stores the cluster's nodes cannot reach, before the run starts."""
        from zenml.stack.stack import check_shareable

        ray = self._connect()
        nodes = [node for node in ray.nodes() if node.get("Alive")]
        check_shareable(stack, nodes=len(nodes), where=self.target.where)

    def _connect(self) -> ModuleType:
        from zenml.integrations.ray.connection import _CONNECTED, connect

        ray = connect(self.target)
        if _CONNECTED.get("checked") != self.target.key():
            _check_versions(ray, self.target.where)
            _CONNECTED["checked"] = self.target.key()
        return ray

    def execute(self, deployment: Deployment, stack: Stack) -> None:
        from zenml.orchestrators.payload import step_payloads

        ray = self._connect()
        task = _remote(ray)
        payloads = step_payloads(deployment, stack)
        refs: dict[str, Any] = {}
        try:
            for plan in deployment.steps:  # dependency order: every upstream ref exists already
                options = self.task_options(plan)
                upstream = [refs[step_id] for step_id in plan.upstream]
                refs[plan.id] = task.options(**options).remote(payloads[plan.id].to_json(), *upstream)
            _wait_all(ray, list(refs.values()))
        except BaseException:
            for ref in refs.values():
                ray.cancel(ref, force=True)
            raise
        self._raise_first_failure(ray, deployment, stack, refs)

    def task_options(self, plan: StepPlan) -> dict[str, Any]:
        """The Ray task options of one step: the orchestrator's defaults, then the step's settings."""
        settings: dict[str, Any] = (getattr(plan, "config", None) or {}).get("settings") or {}
        chosen = dict(self.step_defaults)
        resources = settings.get("resources") or {}
        if hasattr(resources, "model_dump"):
            resources = resources.model_dump()
        for ours, theirs in (("num_cpus", "cpu_count"), ("num_gpus", "gpu_count"), ("memory", "memory")):
            if resources.get(theirs) is not None:
                chosen[ours] = resources[theirs]
        for key in SETTINGS_KEYS:
            values = settings.get(key) or {}
            if hasattr(values, "model_dump"):
                values = values.model_dump()
            unknown = sorted(set(values) - set(STEP_OPTIONS))
            if unknown:
                raise InvalidOptionError(
                    f"step {plan.id!r}: unknown Ray setting(s) {', '.join(unknown)} in settings[{key!r}]; "
                    f"known: {', '.join(STEP_OPTIONS)}"
                )
            chosen.update({name: value for name, value in values.items() if value is not None})
        options: dict[str, Any] = {
            "name": f"zenml:{plan.id}",
            "num_cpus": chosen["num_cpus"],
            "num_gpus": chosen["num_gpus"],
            "max_retries": int(chosen["max_retries"]),
            "retry_exceptions": False,  # a step that raised is retried by its own retry configuration, not by Ray
        }
        if chosen.get("memory") is not None:
            options["memory"] = _bytes(chosen["memory"], plan.id)
        if chosen.get("runtime_env"):
            options["runtime_env"] = chosen["runtime_env"]
        return options

    def _raise_first_failure(self, ray: ModuleType, deployment: Deployment, stack: Stack, refs: dict[str, Any]) -> None:
        """Raise the failure of the first failed step in dependency order (its descendants never ran)."""
        from ray.exceptions import RayError, RayTaskError
        from zenml.steps.errors import StepFailedError

        failed: set[str] = set()
        first: BaseException | None = None
        for plan in deployment.steps:
            try:
                result = ray.get(refs[plan.id])
                logger.debug("step %r of run %r ran in Ray worker process %s, which %s the run's stack", plan.id,
                             deployment.run_name, result.get("pid"),
                             "built" if result.get("built_stack") else "had built already")  # fmt: skip
                continue
            except RayTaskError as error:
                cause = error.cause if isinstance(getattr(error, "cause", None), BaseException) else error
                if any(step_id in failed for step_id in plan.upstream):
                    failed.add(plan.id)  # never ran: its upstream failed
                    continue
                failed.add(plan.id)
                if isinstance(cause, StepFailedError):
                    problem: BaseException = cause  # the worker recorded the step already
                else:
                    problem = self._record_lost(deployment, plan, stack, f"{type(cause).__name__}: {cause}")
            except RayError as error:  # the worker or its node died, the task was cancelled, ...
                if any(step_id in failed for step_id in plan.upstream):
                    failed.add(plan.id)
                    continue
                failed.add(plan.id)
                retries = self.task_options(plan)["max_retries"]
                problem = self._record_lost(
                    deployment,
                    plan,
                    stack,
                    f"its Ray worker process died while running it ({type(error).__name__}) after "
                    f"{retries} Ray retr{'y' if retries == 1 else 'ies'} (max_retries={retries}): {error}",
                )
            if first is None:
                first = problem
        if first is not None:
            raise first

    def _record_lost(self, deployment: Deployment, plan: StepPlan, stack: Stack, error: str) -> BaseException:
        """Record a step that could not record itself as failed; the StepFailedError to raise."""
        from zenml.orchestrators.entrypoint import record_lost_step
        from zenml.steps.errors import StepFailedError

        record_lost_step(deployment, plan, stack, error=error)
        return StepFailedError(
            plan.id,
            f"step {plan.id!r} of pipeline {deployment.pipeline_name!r} failed: {error}",
            run_id=deployment.run_id,
            run_name=deployment.run_name,
        )


_REMOTE: dict[str, Any] = {}


def _remote(ray: ModuleType) -> Any:
    """The Ray remote function that runs a payload (made once per process)."""
    if "run" not in _REMOTE:
        from zenml.integrations.ray.task import run_payload

        _REMOTE["run"] = ray.remote(run_payload)
    return _REMOTE["run"]


def _wait_all(ray: ModuleType, refs: list[Any]) -> None:
    """Wait until every task has finished (succeeded or failed), without fetching any result."""
    pending = refs
    while pending:
        _ready, pending = ray.wait(pending, num_returns=len(pending), timeout=None, fetch_local=False)


def _check_versions(ray: ModuleType, where: str) -> None:
    """Refuse a cluster whose workers run another Python minor, Ray or zenml package version than this process."""
    from ray.exceptions import RayError
    from zenml.integrations.ray.task import worker_versions
    from zenml.orchestrators.payload import version_skew

    here = worker_versions()
    try:
        there = ray.get(ray.remote(worker_versions).options(num_cpus=0, name="zenml:versions").remote())
    except RayError as error:
        raise VersionSkewError(
            f"{where} cannot run zenml steps: a worker failed to report its versions ({type(error).__name__}: "
            f"{str(error).strip().splitlines()[-1]}). Install zenml-core {here['zenml-core']} and zenml-ray "
            f"{here.get('zenml-ray', '')} on the cluster's nodes (or ship them with runtime_env)"
        ) from None
    problems = version_skew(there, here, python=True)
    if there.get("ray") != here["ray"]:
        problems.insert(0, f"Ray {there.get('ray')} runs there, Ray {here['ray']} here")
    for name in sorted(set(here) - set(there)):
        if name.startswith("zenml-"):
            problems.append(f"{name} {here[name]} is installed here but not on the cluster's workers")
    if problems:
        problems = [problem.replace("wrote it", "runs on the cluster").replace("would run it", "here")
                    .replace("is installed here", "here") for problem in problems]  # fmt: skip
        raise VersionSkewError(
            f"{where} and this process differ: {'; '.join(problems)}. Install the same versions on both sides"
        )


class VersionSkewError(RayConnectionError):
    """The cluster's workers run other Python, Ray or zenml versions than the driver."""


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "KIB": 2**10, "MIB": 2**20,
          "GIB": 2**30, "TIB": 2**40}  # fmt: skip


def _bytes(value: Any, step_id: str) -> int:
    """Memory as bytes: an int, or a string like ``"4GB"`` / ``"512MiB"`` (ZenML's ResourceSettings)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return int(value)
    if isinstance(value, str):
        import re

        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", value)
        if match and match.group(2).upper() in _UNITS:
            return int(float(match.group(1)) * _UNITS[match.group(2).upper()])
    raise InvalidOptionError(f"step {step_id!r}: memory must be bytes or a size like '4GB', not {value!r}")
