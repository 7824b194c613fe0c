"""What step log capture costs per step: a chain of steps run with capture on and off, in one process.

The runs alternate (capture off, on, off, ...) so that a slow moment of the machine hits both
alike, and each is timed in CPU time of the process (user + system), which other processes on
a busy machine do not inflate; the cost per step is the difference of the fastest runs divided
by the steps. Also reported: the capture calls alone (start, stop, nothing to store) in a
tight loop, and, measured apart, the cost per step when every step prints one line (then a
log file is written per step).

    python benchmarks/bench_step_logs.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap

LIMIT_MS = 0.2  # the budget per step when a step prints nothing

PROBE = textwrap.dedent(
    """
    import json, os, sys, time
    from zenml import pipeline, step
    from zenml.logging.step_logging import DISABLE_ENV, capture, logs_name, save_logs

    STEPS, REPEAT = int(sys.argv[1]), int(sys.argv[2])

    @step
    def start() -> int:
        return 0

    @step
    def bump(value: int) -> int:
        return value + 1

    @step
    def say(value: int) -> int:
        sys.stdout.write("one line\\n")
        return value + 1

    def chain_of(middle):
        @pipeline(enable_cache=False)
        def chain() -> None:
            value = start()
            for _ in range(STEPS - 1):
                value = middle(value)
        return chain

    quiet, printing = chain_of(bump), chain_of(say)
    sys.stdout = open(os.devnull, "w")  # the printing chain's lines go nowhere; the capture still keeps them
    samples = {"on": [], "off": [], "printing": [], "printing_off": []}
    for chain in (quiet, printing):
        chain()  # warm-up: imports, stores, integrations

    def timed(mode, chain):
        if mode in ("off", "printing_off"):
            os.environ[DISABLE_ENV] = "true"
        began = time.process_time()
        run = chain()
        samples[mode].append(time.process_time() - began)
        os.environ.pop(DISABLE_ENV, None)
        assert run.status == "completed"
        return run

    for number in range(REPEAT):
        for mode in (("off", "on") if number % 2 else ("on", "off")):  # neither always goes first
            run = timed(mode, quiet)
    for _ in range(max(REPEAT // 2, 3)):
        for mode in ("printing_off", "printing"):
            timed(mode, printing)
    store = run.stack.artifact_store
    loops = 20000
    began = time.perf_counter()
    for _ in range(loops):
        save_logs(capture(), store, logs_name("r", "s"))
    samples["calls"] = (time.perf_counter() - began) / loops
    sys.__stdout__.write(json.dumps(samples) + "\\n")
    """
)


def emit(benchmark: str, value: float | None, unit: str, limit: float | None, detail: str) -> None:
    print(json.dumps({"benchmark": benchmark, "value": value, "unit": unit, "limit": limit, "detail": detail}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    steps, repeat = 50, (8 if args.quick else 30)
    drop = {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "ZENML_CONFIG_DIR", "ZENML_DISABLE_STEP_LOGS_STORAGE"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    with tempfile.TemporaryDirectory(prefix="zenml-bench-step-logs-") as tmp:
        env.update({"ZENML_CONFIG_DIR": f"{tmp}/zen", "HOME": tmp})
        done = subprocess.run([sys.executable, "-c", PROBE, str(steps), str(repeat)], env=env, cwd=tmp,
                              capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        emit("step log capture per step, step prints nothing", None, "ms", LIMIT_MS, done.stderr[-500:])
        return 1
    samples = json.loads(done.stdout.strip().splitlines()[-1])
    on, off = min(samples["on"]), min(samples["off"])
    printing, printing_off = min(samples["printing"]), min(samples["printing_off"])
    pairs = sorted((a - b) / steps * 1e3 for a, b in zip(samples["on"], samples["off"], strict=True))
    emit(
        "step log capture per step, step prints nothing",
        round(statistics.median(pairs), 4),
        "ms",
        LIMIT_MS,
        f"{steps}-step chain, cache off, {repeat} interleaved pairs of runs in process CPU time: median of the "
        f"paired differences per step (min {pairs[0]:.3f}, max {pairs[-1]:.3f} ms); fastest run with capture "
        f"{on * 1e3:.1f} ms, without {off * 1e3:.1f} ms ({off / steps * 1e3:.3f} ms per step)",
    )
    emit(
        "step log capture calls alone (start, stop, nothing stored)",
        round(samples["calls"] * 1e3, 4),
        "ms",
        LIMIT_MS,
        "mean of 20,000 capture() + save_logs() pairs with nothing written",
    )
    emit(
        "step log capture per step, step prints a line",
        round((printing - printing_off) / steps * 1e3, 3),
        "ms",
        None,
        f"each step's log written atomically to the local artifact store; fastest of {max(repeat // 2, 3)}, CPU "
        f"time: {printing * 1e3:.1f} ms vs {printing_off * 1e3:.1f} ms without capture",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
