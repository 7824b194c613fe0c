"""Steps of the zenml-ray tests: a module workers import by reference (on PYTHONPATH for the session)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from zenml import pipeline, step


@step
def start() -> int:
    return os.getpid()


@step
def left(upstream: int, seconds: float = 0.0) -> int:
    time.sleep(seconds)
    return os.getpid()


@step
def right(upstream: int, seconds: float = 0.0) -> int:
    time.sleep(seconds)
    return os.getpid()


@step
def join(a: int, b: int) -> list[int]:
    return [a, b, os.getpid()]


@pipeline(enable_cache=True)
def diamond(seconds: float = 0.0) -> None:
    first = start()
    join(left(first, seconds=seconds), right(first, seconds=seconds))


@step
def fails(upstream: int) -> int:
    raise ValueError("this step always fails")


@pipeline
def failing() -> None:
    fails(start())


@step
def wait_for_file(upstream: int, marker: str) -> int:
    """Write this process id next to ``marker``, then wait (bounded) until ``marker`` exists."""
    Path(marker + ".pid").write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while not Path(marker).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return os.getpid()


@step
def after(value: int) -> int:
    return value


@pipeline
def killable(marker: str) -> None:
    first = start()
    after(wait_for_file(first, marker=marker))
    right(first)


@step(enable_cache=False)
def zero() -> int:
    return 0


@step(enable_cache=False)
def add(value: int, offset: int) -> int:
    return value + offset


@pipeline(enable_cache=False)
def counting(offset: int) -> None:
    """A chain of five steps: 0, then ``offset`` added four times."""
    value = zero()
    for index in range(4):
        value = add(value, offset=offset, id=f"add_{index}")
