"""A driver process for the tests against Ray heads started from the CLI: it runs one pipeline and prints JSON.

The driver runs in a working directory that does not hold the user's code: it imports the pipeline from
``code_dir`` by path, and Ray's workers get the code through the orchestrator's ``runtime_env``
(``py_modules``), with an environment variable that only the workers' ``runtime_env`` sets.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

USER_PACKAGE = textwrap.dedent(
    """
    import os
    import time

    from zenml import pipeline, step


    def _where() -> dict:
        import ray

        return {"pid": os.getpid(), "node": ray.get_runtime_context().get_node_id(),
                "shipped": os.environ.get("ZR_SHIPPED", "")}


    @step
    def start() -> dict:
        return _where()


    @step
    def branch(first: dict, seconds: float = 1.0) -> dict:
        time.sleep(seconds)  # both branches at once: on a two-node cluster of one CPU each, one per node
        return _where()


    @step
    def total(a: dict, b: dict, n: int = 3) -> dict:
        return {"n": n + len(a["shipped"]), "where": [a, b, _where()]}


    @pipeline(enable_cache=False)
    def shipped() -> None:
        first = start()
        total(branch(first, id="left"), branch(first, id="right"))
    """
)

DRIVER = textwrap.dedent(
    """
    import json, os, sys, time
    config = json.loads(sys.argv[1])
    sys.path.insert(0, config["code_dir"])  # the driver imports the pipeline from there; workers get it by runtime_env
    import user_pkg
    from zenml.integrations.registry import activate_integrations
    from zenml.integrations.ray.orchestrator import RayOrchestrator
    from zenml.pipelines.pipeline_definition import Pipeline
    from zenml.stack.stack import Stack

    activate_integrations()
    runtime_env = {"py_modules": [os.path.join(config["code_dir"], "user_pkg")], "env_vars": {"ZR_SHIPPED": "yes"},
                   **config.get("runtime_env", {})}
    runtime_env["env_vars"].update(config.get("env_vars", {}))
    orchestrator = RayOrchestrator("cluster", address=config["address"], auth_token_file=config["token_file"],
                                   connect_timeout=3, runtime_env=runtime_env)
    if config.get("bucket"):
        from zenml.integrations.gcp.artifact_store import GCPArtifactStore
        from zenml.integrations.gcp.metadata_store import GCPMetadataStore

        bucket = config["bucket"]
        stores = (GCPArtifactStore("a", path=f"gs://{bucket}/zen"), GCPMetadataStore("m", path=f"gs://{bucket}/meta"))
    else:
        from zenml.artifact_stores.local import LocalArtifactStore
        from zenml.metadata_stores.sqlite import SQLiteMetadataStore

        stores = (LocalArtifactStore("a", path=os.path.join(config["data"], "artifacts")),
                  SQLiteMetadataStore("m", path=os.path.join(config["data"], "metadata.db")))
    stack = Stack("shared", *stores, orchestrator)
    started = time.monotonic()
    try:
        run = Pipeline.run_on(stack, user_pkg.shipped.deployment())
    except Exception as error:
        print(json.dumps({"error": f"{type(error).__name__}: {error}", "seconds": time.monotonic() - started,
                          "runs": len(stack.metadata_store.list_runs())}))
        sys.exit(1)
    print(json.dumps({"total": run.steps["total"].output.load(), "driver": os.getpid(), "status": run.status}))
    """
)


def drive(
    tmp_path: Path, address: str, token_file: Path | None, *, driver_env: dict[str, str] | None = None, **config: Any
) -> tuple[int, dict[str, Any]]:
    """Run the pipeline from a driver process whose working directory does not hold the user's code.

    ``config``: ``bucket`` (GCS stores instead of local ones), ``runtime_env`` and ``env_vars`` (added to the
    orchestrator's); ``driver_env``: variables of the driver process alone.
    """
    import os

    code = tmp_path / "code"
    (code / "user_pkg").mkdir(parents=True, exist_ok=True)
    (code / "user_pkg" / "__init__.py").write_text(USER_PACKAGE)
    cwd = tmp_path / "cwd"
    cwd.mkdir(exist_ok=True)
    settings = {"address": address, "token_file": str(token_file) if token_file else None, "code_dir": str(code),
                "data": str(tmp_path / "data"), **config}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(settings)], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(driver_env or {})}, check=False, timeout=600)  # fmt: skip
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(lines[-1])
    return done.returncode, result
