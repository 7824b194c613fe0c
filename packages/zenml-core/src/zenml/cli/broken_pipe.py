"""Ending quietly when the reader of stdout goes away (``zenml run list | head -1``)."""

from __future__ import annotations

import os
import sys

# Not ``typing.TYPE_CHECKING``: the fast path of `zenml --help` must not pay for importing typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

# Exit status when the reader of our stdout went away: 128 + SIGPIPE, as for the tools killed by that signal.
BROKEN_PIPE_EXIT = 141


def exit_on_broken_pipe() -> NoReturn:
    """Stop quietly because stdout's reader is gone: point stdout at devnull (so the final flush cannot fail
    again and print "Exception ignored") and exit with :data:`BROKEN_PIPE_EXIT`."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout without a file descriptor
        pass
    raise SystemExit(BROKEN_PIPE_EXIT)
