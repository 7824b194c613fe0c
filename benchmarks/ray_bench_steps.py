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


_CONNECTIONS: dict[str, object] = {}


def bare_io_tick(base: str, run: str, index: int, previous: dict[str, str] | None) -> dict[str, str]:
    """The store I/O of a trivial step, as a bare Ray task (the second baseline of bench_ray.py): look up the input's
    row, read the input file, write the output file (temporary file, then rename) and record a step row and the
    output's row in one SQLite transaction, with one connection per worker process (as a worker keeps its stack
    for a run)."""
    import json
    import os
    import sqlite3

    conn = _CONNECTIONS.get(base)
    if not isinstance(conn, sqlite3.Connection):
        conn = _CONNECTIONS[base] = sqlite3.connect(f"{base}/metadata.db", timeout=30, isolation_level=None)
        conn.execute("PRAGMA synchronous = NORMAL")
    value = 0
    if previous is not None:
        (uri,) = conn.execute("SELECT uri FROM artifacts WHERE id = ?", (previous["id"],)).fetchone()
        with open(uri, encoding="utf-8") as handle:
            value = json.load(handle) + 1
    uri = f"{base}/artifacts/{run}/{index}/output.json"
    os.makedirs(os.path.dirname(uri), exist_ok=True)
    with open(f"{uri}.tmp", "w", encoding="utf-8") as handle:
        json.dump(value, handle)
    os.replace(f"{uri}.tmp", uri)
    artifact = f"{run}-{index}"
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO steps (run, name, ended_at) VALUES (?, ?, ?)", (run, str(index), time.time()))
    conn.execute("INSERT INTO artifacts (id, uri, created_at) VALUES (?, ?, ?)", (artifact, uri, time.time()))
    conn.execute("COMMIT")
    return {"id": artifact}


def bare_io_store(base: str) -> None:
    """The SQLite file of :func:`bare_io_tick` (WAL, as zenml's metadata store)."""
    import os
    import sqlite3

    os.makedirs(f"{base}/artifacts", exist_ok=True)
    with sqlite3.connect(f"{base}/metadata.db") as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS steps (run TEXT, name TEXT, ended_at REAL, PRIMARY KEY (run, name))")
        conn.execute("CREATE TABLE IF NOT EXISTS artifacts (id TEXT PRIMARY KEY, uri TEXT, created_at REAL)")
