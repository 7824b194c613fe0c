"""``python -m zenml.integrations.gcp.testing.emulator_server start ...``: gcp-storage-emulator with two
rules of GCS added that the emulator alone ignores.

- The ``ifGenerationMatch=0`` precondition on single-request uploads. Real GCS refuses an upload with it when
  the object exists (HTTP 412). The metadata store claims version numbers with exactly such uploads, so the
  rule is checked and applied under a lock, as GCS does atomically.
- Paged listings: ``maxResults`` (at most 1000 entries a page, GCS's default and cap), ``pageToken``,
  ``startOffset`` and ``endOffset``; objects and delimiter prefixes count alike, in name order. The emulator
  returns every match in one answer, after a scan of the whole bucket; here a page is found by bisection in
  the sorted names, as GCS lists server-side, so its cost does not grow with the bucket. The metadata store
  reads bounded pages of its indexes: the tests count those requests, the benchmarks time them. Listings
  with ``matchGlob`` or ``softDeleted`` are the emulator's own (one page).

Two costs are removed. The emulator's server (one thread) keeps the listen backlog of 5 connections of
Python's ``socketserver``: a client reading with more threads than that had its connections dropped, each
retried a second later by TCP; the backlog here is 128. And in memory, the emulator rewrote its whole
metadata (every object's) as one JSON file after each write, a file read only at start-up; skipped, a write
costs the same with 10 or 10,000 objects stored.

Everything else is the emulator's own code.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

_LOCK = threading.Lock()


def _exists(storage: Any, bucket: str, name: str) -> bool:
    from gcp_storage_emulator.exceptions import NotFound

    try:
        storage.get_file_obj(bucket, name)
    except NotFound:
        return False
    return True


def _object_name(request: Any) -> str | None:
    if "name" in request.query:
        return str(request.query["name"][0])
    data = request.data
    if isinstance(data, dict):
        meta = data.get("meta") if "meta" in data else data
        if isinstance(meta, dict) and meta.get("name"):
            return str(meta["name"])
    return None


PAGE_CAP = 1000
LISTEN_BACKLOG = 128
_writes = [0]  # bumped on every write: the sorted names below are rebuilt after one
_sorted: dict[str, tuple[tuple[int, int, int], list[str]]] = {}


def _sorted_names(storage: Any, bucket: str) -> list[str]:
    objects = storage.objects.get(bucket, {})
    version = (_writes[0], id(objects), len(objects))
    cached = _sorted.get(bucket)
    if cached is None or cached[0] != version:
        cached = _sorted[bucket] = (version, sorted(objects))
    return cached[1]


def _entries(storage: Any, bucket: str, prefix: str, delimiter: str | None, start: str) -> Iterator[tuple[str, Any]]:
    """``(name, object)`` and ``(prefix, None)`` in name order from ``start``, found by bisection in the sorted
    names and skipping each delimiter prefix's objects in one step, as GCS lists server-side."""
    names = _sorted_names(storage, bucket)
    objects = storage.objects.get(bucket, {})
    low = max(prefix, start)
    index = bisect.bisect_left(names, low)
    while index < len(names) and names[index].startswith(prefix):
        name = names[index]
        cut = name.find(delimiter, len(prefix)) if delimiter else -1
        if cut < 0:
            yield name, objects[name]
            index += 1
            continue
        head = name[: cut + len(delimiter or "")]
        if head >= low:
            yield head, None
        index = bisect.bisect_left(names, head + "\U0010ffff", index)


def _paged_listing(request: Any, response: Any, storage: Any) -> None:
    """One page of a listing, as GCS answers it: entries (objects and prefixes) in name order from
    ``max(startOffset, pageToken)`` up to ``endOffset``, at most ``maxResults`` of them, ``nextPageToken``
    (here: the next entry's name) when more follow."""

    def query(name: str) -> str | None:
        values = request.query.get(name)
        return str(values[0]) if values else None

    bucket = request.params["bucket_name"]
    if bucket not in storage.buckets:
        response.status = HTTPStatus.NOT_FOUND
        return
    start = max(query("startOffset") or "", query("pageToken") or "")
    entries = _entries(storage, bucket, query("prefix") or "", query("delimiter"), start)
    end = query("endOffset")
    size = min(int(query("maxResults") or PAGE_CAP), PAGE_CAP)
    page = list(itertools.islice((entry for entry in entries if end is None or entry[0] < end), size + 1))
    body: dict[str, Any] = {
        "kind": "storage#objects",
        "items": [item for _, item in page[:size] if item is not None],
        "prefixes": [name for name, item in page[:size] if item is None],
    }
    if len(page) > size:
        body["nextPageToken"] = page[size][0]
    response.json(body)


def install() -> None:
    """Wrap the emulator's upload handler with the precondition and its listing with paging (before its server
    module is imported)."""
    from http import server

    from gcp_storage_emulator.handlers import objects
    from gcp_storage_emulator.storage import Storage

    server.HTTPServer.request_queue_size = LISTEN_BACKLOG

    persist = Storage._write_config_to_file

    def write_config(storage: Any) -> None:
        _writes[0] += 1
        if not storage._use_memory_fs:
            persist(storage)

    Storage._write_config_to_file = write_config

    original = objects.insert

    def insert(request: Any, response: Any, storage: Any, *args: Any, **kwargs: Any) -> Any:
        wanted = request.query.get("ifGenerationMatch")
        upload = (request.query.get("uploadType") or [""])[0]
        if wanted != ["0"] or upload not in ("media", "multipart"):
            return original(request, response, storage, *args, **kwargs)
        with _LOCK:
            name = _object_name(request)
            if name is not None and _exists(storage, request.params["bucket_name"], name):
                response.status = HTTPStatus.PRECONDITION_FAILED
                message = "At least one of the pre-conditions you specified did not hold."
                response.json({"error": {"code": 412, "message": message,
                                         "errors": [{"reason": "conditionNotMet", "message": message}]}})  # fmt: skip
                return None
            return original(request, response, storage, *args, **kwargs)

    objects.insert = insert
    unpaged = objects.ls

    def ls(request: Any, response: Any, storage: Any, *args: Any, **kwargs: Any) -> Any:
        if request.query.get("matchGlob") or request.query.get("softDeleted"):
            return unpaged(request, response, storage, *args, **kwargs)  # as the emulator lists them: one page
        return _paged_listing(request, response, storage)

    objects.ls = ls


def main() -> int:
    install()
    from gcp_storage_emulator.__main__ import main as emulator_main

    result: int = emulator_main()
    return result


if __name__ == "__main__":
    raise SystemExit(main())
