"""The transfer progress bar: shown on a terminal for slow transfers only; rich imported only then."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import textwrap

import pytest

from zenml.integrations.gcp.progress import TransferProgress

TRANSFER = textwrap.dedent(
    """
    import sys
    from zenml.integrations.gcp import progress
    from zenml.integrations.gcp.artifact_store import GCPArtifactStore
    progress.SHOW_AFTER_SECONDS = float(sys.argv[2])
    store = GCPArtifactStore("remote", path=sys.argv[1], chunk_size_mb=0.25)
    with store.open("bar.bin", "wb") as handle:
        for _ in range(8):
            handle.write(b"x" * 256 * 1024)
    with store.open("bar.bin", "rb") as handle:
        while handle.read(256 * 1024):
            pass
    print("RICH" if "rich" in sys.modules else "NO-RICH", flush=True)
    """
)


def test_bar_appears_after_the_delay_and_counts_bytes() -> None:
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    states = []
    with TransferProgress("upload gs://b/o", 1000, enabled=True, show_after=0.0, console=console) as bar:
        bar.advance(400)
        states.append(bar.shown)
        bar.advance(600)
    states.append(bar.shown)
    assert states == [True, False]
    assert bar.done == 1000
    assert "upload gs://b/o" in out.getvalue()


def test_quick_transfers_and_non_terminals_show_nothing() -> None:
    quick = TransferProgress("x", 10, enabled=True, show_after=60.0)
    quick.advance(10)
    assert not quick.shown
    off = TransferProgress("x", 10, enabled=False, show_after=0.0)
    off.advance(10)
    assert not off.shown


@pytest.mark.gcs
def test_no_terminal_no_bar_and_no_rich(gcs_bucket: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", TRANSFER, f"gs://{gcs_bucket}/zen", "0"],
        capture_output=True,
        text=True,
        # google.api_core warns about old Pythons (3.10) on stderr: not ours, and not a progress bar.
        env={**os.environ, "PYTHONWARNINGS": "ignore::FutureWarning"},
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "NO-RICH"
    assert result.stderr == ""


@pytest.mark.gcs
def test_on_a_terminal_a_slow_transfer_shows_a_bar(gcs_bucket: str) -> None:
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", TRANSFER, f"gs://{gcs_bucket}/zen", "0"],
            stdout=subprocess.PIPE,
            stderr=terminal,
            env={**os.environ, "COLUMNS": "120"},
            text=True,
        )
        os.close(terminal)
        terminal = -1
        seen = b""
        while True:
            try:
                data = os.read(controller, 65536)
            except OSError:
                break
            if not data:
                break
            seen += data
        stdout, _ = process.communicate(timeout=120)
    finally:
        os.close(controller)
        if terminal != -1:
            os.close(terminal)
    assert process.returncode == 0
    assert stdout.strip() == "RICH"
    assert b"upload gs://" in seen or b"download gs://" in seen, seen[-500:]
