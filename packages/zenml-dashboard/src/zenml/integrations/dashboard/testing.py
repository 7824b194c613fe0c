"""Looking at the dashboard in a real browser: where Chromium is, and the flags it runs with here.

The package's browser tests and ``benchmarks/bench_dashboard.py`` drive it through Playwright with
``executable_path=chromium_path()`` (never ``playwright install``, which downloads a browser build).
"""

from __future__ import annotations

import os
import shutil

# Headless as root on a closed network: no sandbox (root), no GPU, and nothing that calls home.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
INSTALL_HINT = (
    "`python3 dev.py ci-setup --package dashboard` installs Debian's chromium "
    "(or set ZENML_TEST_CHROMIUM to a Chromium or Chrome binary)"
)


def chromium_path() -> str | None:
    """``$ZENML_TEST_CHROMIUM``, else Debian's ``/usr/bin/chromium``, else Chromium or Chrome on PATH."""
    for candidate in (os.environ.get("ZENML_TEST_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("google-chrome")):  # fmt: skip
        if candidate and os.path.exists(candidate):
            return candidate
    return None
