"""Step logs: what a step prints, kept in the artifact store with its run.

While a step runs, the ``write`` method of the ``sys.stdout`` and ``sys.stderr`` objects is
wrapped, as ZenML does: everything written to the console by the step, by the libraries it
calls and by :mod:`logging` handlers (which hold those same stream objects) is shown as
before and also kept. Records that the logging configuration does not print are not kept
either (``logging.basicConfig(level=logging.INFO)`` prints and keeps INFO records).

What is kept is bounded: the first and the last :data:`PART` characters, with a line saying
how much was left out between them. After the step, the text (and the traceback of a failed
step) is written atomically to ``logs/<run id>/<step id>.log`` in the run's artifact store,
and its name recorded with the step. A step that prints nothing costs two attribute
assignments per stream and writes no file.

``ZENML_DISABLE_STEP_LOGS_STORAGE=true`` (ZenML's variable) turns capture off.
"""

from __future__ import annotations

import os
import sys
from collections import deque

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TextIO

    from zenml.artifact_stores.base import ArtifactStore

DISABLE_ENV = "ZENML_DISABLE_STEP_LOGS_STORAGE"
PART = 512 * 1024  # characters kept from the start, and as many from the end
MAX_TRACEBACK = 64 * 1024  # characters of a traceback kept
_MISSING = object()


def enabled() -> bool:
    """Whether step output is captured (unless ``ZENML_DISABLE_STEP_LOGS_STORAGE`` is true)."""
    return os.environ.get(DISABLE_ENV, "").strip().lower() not in ("1", "true", "yes", "on")


class StepOutput:
    """The text written to stdout and stderr while it is started, bounded to its first and last :data:`PART`."""

    def __init__(self) -> None:
        self.head: list[str] = []
        self.head_size = 0
        self.tail: deque[str] = deque()
        self.tail_size = 0
        self.total = 0
        self._wrapped: list[tuple[TextIO, object]] = []

    def keep(self, text: str) -> None:
        """Add ``text`` (the middle is dropped once more than twice :data:`PART` has been written)."""
        if not isinstance(text, str) or not text:
            return
        self.total += len(text)
        if self.head_size < PART:
            taken = text[: PART - self.head_size]
            self.head.append(taken)
            self.head_size += len(taken)
            text = text[len(taken) :]
            if not text:
                return
        self.tail.append(text)
        self.tail_size += len(text)
        while self.tail_size - len(self.tail[0]) >= PART:
            self.tail_size -= len(self.tail.popleft())

    def text(self) -> str:
        """What was kept, with a line in place of what was left out."""
        head, tail = "".join(self.head), "".join(self.tail)
        if len(tail) > PART:
            tail = tail[len(tail) - PART :]
        left_out = self.total - len(head) - len(tail)
        if left_out <= 0:
            return head + tail
        return f"{head}\n[... {left_out:,} characters left out ...]\n{tail}"

    def start(self) -> StepOutput:
        """Keep what is written to ``sys.stdout`` and ``sys.stderr`` from now on (each still shows it)."""
        for stream in (sys.stdout, sys.stderr):
            if stream is None:
                continue
            saved = vars(stream).get("write", _MISSING) if hasattr(stream, "__dict__") else _MISSING
            try:
                stream.write = self._tee(stream.write)  # type: ignore[method-assign]
            except (AttributeError, TypeError):  # a stream object that takes no attributes: not captured
                continue
            self._wrapped.append((stream, saved))
        return self

    def _tee(self, write: Callable[[str], Any]) -> Callable[[str], Any]:
        keep = self.keep

        def tee(text: str) -> Any:
            keep(text)
            return write(text)

        return tee

    def stop(self) -> None:
        """Stop keeping: the streams write as they did before :meth:`start`."""
        while self._wrapped:
            stream, saved = self._wrapped.pop()
            try:
                if saved is _MISSING:
                    del stream.write
                else:
                    stream.write = saved  # type: ignore[method-assign,assignment]
            except AttributeError:  # pragma: no cover - replaced meanwhile by someone else: leave theirs
                pass


def capture() -> StepOutput | None:
    """A started :class:`StepOutput`, or ``None`` when capture is off."""
    return StepOutput().start() if enabled() else None


def logs_name(run_id: str, step: str) -> str:
    """Where a step's logs go in the run's artifact store."""
    return f"logs/{run_id}/{step}.log"


def format_traceback(error: BaseException) -> str:
    """The traceback of ``error`` as Python prints it, from the first frame outside zenml's step runner
    (at most :data:`MAX_TRACEBACK` characters, its end)."""
    import traceback

    frames = error.__traceback__
    while frames is not None and frames.tb_next is not None and _is_runner(frames.tb_frame.f_globals):
        frames = frames.tb_next
    text = "".join(traceback.format_exception(type(error), error, frames))
    return text if len(text) <= MAX_TRACEBACK else "[...]\n" + text[-MAX_TRACEBACK:]


def _is_runner(module_globals: dict[str, Any]) -> bool:
    return module_globals.get("__name__") == "zenml.orchestrators.entrypoint"


def save_logs(output: StepOutput | None, store: ArtifactStore, name: str, traceback: str | None = None) -> str | None:
    """Stop ``output`` and write it (and ``traceback``) to ``name`` in ``store``; the name, or ``None`` if
    there was nothing to write. A store that refuses the write costs the logs, never the step: the
    reason goes to stderr."""
    if output is None:
        return None
    output.stop()
    text = output.text()
    if traceback:
        text += ("" if not text or text.endswith("\n") else "\n") + traceback
    if not text:
        return None
    try:
        with store.open(name, "wb") as handle:
            handle.write(text.encode("utf-8", "replace"))
    except Exception as error:  # the step's own outcome matters more than its logs
        where = f"{store.path.rstrip('/')}/{name}"
        sys.stderr.write(f"zenml: could not store the step's logs at {where}: {type(error).__name__}: {error}\n")
        return None
    return name


def read_logs(store: ArtifactStore, name: str) -> str:
    """The logs stored at ``name`` (``FileNotFoundError`` if they are gone)."""
    with store.open(name, "rb") as handle:
        return handle.read().decode("utf-8", "replace")
