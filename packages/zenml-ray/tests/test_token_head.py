"""End to end against a token-protected Ray head started from the CLI on loopback (one node).

The driver is another process (see ``driver.py``) whose working directory does not hold the user's code.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from .conftest import RayHead
from .driver import drive

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def token_head(loopback_only: Path, warm_bytecode: None) -> Iterator[RayHead]:
    head = RayHead(loopback_only, token="zr-" + os.urandom(16).hex())
    try:
        yield head
    finally:
        head.stop()


def test_pipeline_on_a_token_protected_head_with_shipped_code(token_head: RayHead, tmp_path: Path) -> None:
    code, result = drive(tmp_path, token_head.address, token_head.token_file)
    assert code == 0, result
    total = result["total"]
    assert total["n"] == 6, "n + len('yes'): the environment variable reached the workers through runtime_env"
    assert {where["shipped"] for where in total["where"]} == {"yes"}
    assert result["driver"] not in {where["pid"] for where in total["where"]}


def test_a_token_protected_head_without_our_token_is_a_clear_error(token_head: RayHead, tmp_path: Path) -> None:
    code, result = drive(tmp_path, token_head.address, None)
    assert code == 1
    error = str(result["error"])
    assert error.startswith("RayAuthenticationError: orchestrator 'cluster': the Ray head at")
    assert "requires token authentication and no token was given" in error
    assert "auth_token_file" in error
    assert result["seconds"] < 15, "rejected fast, not after Ray's own ~20 s of retries"


def test_a_wrong_token_is_reported_as_rejected(token_head: RayHead, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong_token"
    wrong.write_text("not-the-token")
    code, result = drive(tmp_path, token_head.address, wrong)
    assert code == 1
    assert f"rejected the token given by auth_token_file={wrong}" in str(result["error"])
