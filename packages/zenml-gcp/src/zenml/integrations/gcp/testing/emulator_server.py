"""``python -m zenml.integrations.gcp.testing.emulator_server start ...``: gcp-storage-emulator with GCS's
``ifGenerationMatch=0`` precondition on single-request uploads.

Real GCS refuses an upload with ``ifGenerationMatch=0`` when the object exists (HTTP 412); the emulator
ignores the parameter. The metadata store claims version numbers with exactly such uploads, so the tests
run the emulator with this one rule added (checked and applied under a lock, as GCS does atomically);
everything else is the emulator's own code.
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


def install() -> None:
    """Wrap the emulator's upload handler with the precondition (before its server module is imported)."""
    from gcp_storage_emulator.handlers import objects

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


def main() -> int:
    install()
    from gcp_storage_emulator.__main__ import main as emulator_main

    result: int = emulator_main()
    return result


if __name__ == "__main__":
    raise SystemExit(main())
