"""``python -m zenml.integrations.gcp.testing.emulator_server start ...``: gcp-storage-emulator with two
rules of GCS added that the emulator alone ignores.

- The ``ifGenerationMatch=0`` precondition on single-request uploads. Real GCS refuses an upload with it when
  the object exists (HTTP 412). The metadata store claims version numbers with exactly such uploads, so the
  rule is checked and applied under a lock, as GCS does atomically.
- Paged listings: ``maxResults`` (at most 1000 entries a page, GCS's default and cap), ``pageToken``,
  ``startOffset`` and ``endOffset``; objects and delimiter prefixes count alike, in name order. The emulator
  returns every match in one answer; the metadata store reads bounded pages of its indexes, and the tests
  count those requests.

One cost is removed: in memory, the emulator rewrote its whole metadata (every object's) as one JSON file after
each write, a file read only at start-up; skipped, a write costs the same with 10 or 10,000 objects stored.

Everything else is the emulator's own code.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from typing import Any

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


def _paged_listing(request: Any, response: Any, storage: Any) -> None:
    """One page of a listing, as GCS answers it: entries (objects and prefixes) in name order from
    ``max(startOffset, pageToken)`` up to ``endOffset``, at most ``maxResults`` of them, ``nextPageToken``
    (here: the next entry's name) when more follow."""
    from gcp_storage_emulator.exceptions import BadRequest, NotFound

    def query(name: str) -> str | None:
        values = request.query.get(name)
        return str(values[0]) if values else None

    try:
        files, prefixes = storage.get_file_list(
            request.params["bucket_name"], query("prefix"), query("delimiter"), query("matchGlob")
        )
    except NotFound:
        response.status = HTTPStatus.NOT_FOUND
        return
    except BadRequest:
        response.status = HTTPStatus.BAD_REQUEST
        return
    entries = sorted([(str(item["name"]), item) for item in files] + [(str(name), None) for name in prefixes],
                     key=lambda entry: entry[0])  # fmt: skip
    start = max(query("startOffset") or "", query("pageToken") or "")
    end = query("endOffset")
    entries = [entry for entry in entries if entry[0] >= start and (end is None or entry[0] < end)]
    size = min(int(query("maxResults") or PAGE_CAP), PAGE_CAP)
    page = entries[:size]
    body: dict[str, Any] = {
        "kind": "storage#objects",
        "items": [item for _, item in page if item is not None],
        "prefixes": [name for name, item in page if item is None],
    }
    if len(entries) > size:
        body["nextPageToken"] = entries[size][0]
    response.json(body)


def install() -> None:
    """Wrap the emulator's upload handler with the precondition and its listing with paging (before its server
    module is imported)."""
    from gcp_storage_emulator.handlers import objects
    from gcp_storage_emulator.storage import Storage

    persist = Storage._write_config_to_file

    def write_config(storage: Any) -> None:
        if not storage._use_memory_fs:
            persist(storage)

    Storage._write_config_to_file = write_config  # type: ignore[method-assign]

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
    objects.ls = lambda request, response, storage, *args, **kwargs: _paged_listing(request, response, storage)


def main() -> int:
    install()
    from gcp_storage_emulator.__main__ import main as emulator_main

    result: int = emulator_main()
    return result


if __name__ == "__main__":
    raise SystemExit(main())
