"""A transfer progress bar that appears only on a terminal and only for transfers that take a while.

``rich`` is imported only when a bar is actually shown.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import TracebackType

SHOW_AFTER_SECONDS = 1.0


def stderr_is_terminal() -> bool:
    stream = sys.stderr
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


class TransferProgress:
    """Counts transferred bytes; shows a rich bar once a transfer has run for ``show_after`` seconds (default 1).

    ``enabled=None`` means: only when stderr is a terminal. Use as a context
    manager (or call :meth:`close`); :meth:`advance` is cheap when no bar is shown.
    """

    def __init__(
        self,
        description: str,
        total: int | None,
        *,
        enabled: bool | None = None,
        show_after: float | None = None,
        console: Any = None,
    ) -> None:
        self.description = description
        self.total = total
        self.done = 0
        self.enabled = stderr_is_terminal() if enabled is None else enabled
        self.show_after = SHOW_AFTER_SECONDS if show_after is None else show_after
        self._console = console
        self._started = time.monotonic()
        self._progress: Any = None
        self._task: Any = None

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self._started < self.show_after:
                return
            self._start_bar()
        self._progress.update(self._task, completed=self.done)

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        console = self._console if self._console is not None else Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.description, total=self.total, completed=self.done)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=self.done)
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> TransferProgress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
