"""Steps of bench_ray.py, in a module of their own: Ray's workers import steps by reference."""

from __future__ import annotations

import time

from zenml import pipeline, step


@step(enable_cache=False)
def tick(previous: int) -> int:
    return previous + 1


@step(enable_cache=False)
def first() -> int:
    return 0


@pipeline(enable_cache=False)
def chain(length: int = 10) -> None:
    value = first()
    for index in range(length - 1):
        value = tick(value, id=f"tick_{index}")


@step(enable_cache=False)
def nap(previous: int, seconds: float) -> int:
    time.sleep(seconds)
    return previous


@step(enable_cache=False)
def gather(a: int, b: int) -> int:
    return a + b


@pipeline(enable_cache=False)
def diamond(seconds: float = 2.0) -> None:
    root = first()
    gather(nap(root, seconds=seconds, id="left"), nap(root, seconds=seconds, id="right"))


@pipeline(enable_cache=False)
def fan_out(width: int = 20, seconds: float = 0.5) -> None:
    root = first()
    for index in range(width):
        nap(root, seconds=seconds, id=f"nap_{index}")
