"""A minimal zenml pipeline with numpy and builtin types, on the default local stack.

    pip install "zenml-core[numpy]"
    python examples/minimal_pipeline.py     # runs every step and prints where the artifacts went
    python examples/minimal_pipeline.py     # again: every step is reused from the cache

No setup: the default stack keeps artifacts and run history under zenml's
config directory ($ZENML_CONFIG_DIR, else ~/.config/zenml).
"""

from __future__ import annotations

from typing import Annotated

import numpy as np

from zenml import pipeline, step


@step
def make_data(rows: int = 100, seed: int = 7) -> tuple[Annotated[np.ndarray, "x"], Annotated[np.ndarray, "y"]]:
    """A noisy line: y = 3x + 2."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, rows)
    return x, 3.0 * x + 2.0 + rng.normal(0.0, 0.1, rows)


@step
def fit(x: np.ndarray, y: np.ndarray) -> Annotated[dict[str, float], "coefficients"]:
    """Least-squares slope and intercept."""
    slope, intercept = np.polyfit(x, y, 1)
    return {"slope": float(slope), "intercept": float(intercept)}


@step
def report(coefficients: dict[str, float]) -> str:
    """A one-line summary."""
    return f"y = {coefficients['slope']:.2f} x + {coefficients['intercept']:.2f}"


@pipeline
def minimal_pipeline(rows: int = 100) -> None:
    """make_data -> fit -> report."""
    x, y = make_data(rows=rows)
    report(fit(x, y))


def main() -> None:
    run = minimal_pipeline()
    print(f"Run {run.name}: {run.status}")
    for name, step_run in run.steps.items():
        print(f"  {name:<10} {step_run.status}")
        for output, versions in step_run.outputs.items():
            artifact = versions[0]
            print(f"    {output:<13} {artifact.data_type:<22} {artifact.size:>6} B  {artifact.full_uri}")
    print(run.steps["report"].output.load())
    cached = [name for name, step_run in run.steps.items() if step_run.status == "cached"]
    if cached:
        print(f"Cache hits: {', '.join(cached)} (reused from an earlier run)")
    else:
        print("No cache hits yet: run this script again to reuse every step.")


if __name__ == "__main__":
    main()
