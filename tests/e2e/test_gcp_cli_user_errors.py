"""GCS stack mistakes through the real CLI: misspelled options are refused, credential and bucket errors are clean."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import TYPE_CHECKING

import pytest

from zenml.integrations.gcp.testing import GCSEmulator

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.gcs

ZENML = [sys.executable, "-c", "from zenml.cli.main import cli; cli()"]


@pytest.fixture(scope="module")
def emulator() -> Iterator[GCSEmulator]:
    with GCSEmulator() as running:
        yield running


def zenml(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ZENML, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False, timeout=120)


def private_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_APPLICATION_CREDENTIALS", "STORAGE_EMULATOR_HOST")}
    return {**env, "ZENML_CONFIG_DIR": str(tmp_path / "config"), **extra}


def assert_clean_failure(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_misspelled_gcp_option_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    env = private_env(tmp_path)
    for kind in ("artifact-store", "metadata-store"):
        args = [kind, "register", "x", "-f", "gcp", "-p", "gs://bucket/x", "--option", "credential_file=/k.json"]
        result = zenml(args, env, tmp_path)
        assert result.returncode == 2, result.stderr
        assert "unknown option 'credential_file' (did you mean 'credentials_file'?)" in result.stderr
    assert not (tmp_path / "config" / "config.toml").exists()


def test_missing_credentials_file_is_refused_when_registered_and_a_clean_error_later(tmp_path: Path) -> None:
    env = private_env(tmp_path)
    key = tmp_path / "missing-key.json"
    register = ["metadata-store", "register", "m", "-f", "gcp", "-p", "gs://bucket/meta"]
    refused = zenml([*register, "--option", f"credentials_file={key}"], env, tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert f"credentials_file: {str(key)!r} does not exist" in refused.stderr
    key.write_text("{}")
    for args in (
        [*register, "--option", f"credentials_file={key}"],
        ["stack", "register", "s", "-a", "default", "-m", "m", "--set"],
    ):
        assert zenml(args, env, tmp_path).returncode == 0
    key.unlink()  # deleted after it was registered
    assert_clean_failure(zenml(["run", "list"], env, tmp_path), str(key))
    assert_clean_failure(zenml(["run", "show", "abc"], env, tmp_path), str(key))


@pytest.mark.parametrize(
    ("kind", "option"),
    [
        ("artifact-store", "retry_timeout=-3"),
        ("artifact-store", "retry_timeout=nan"),
        ("metadata-store", "retry_timeout=abc"),
        ("artifact-store", "chunk_size_mb=abc"),
        ("artifact-store", "chunk_size_mb=0.1"),
        ("artifact-store", "progress=maybe"),
        ("metadata-store", "cache_events=-1"),
        ("metadata-store", "cache_events=many"),
    ],
)
def test_invalid_gcp_option_values_are_usage_errors(tmp_path: Path, kind: str, option: str) -> None:
    env = private_env(tmp_path)
    result = zenml([kind, "register", "x", "-f", "gcp", "-p", "gs://bucket/x", "--option", option], env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert option.split("=", maxsplit=1)[0] in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "config" / "config.toml").exists()


def test_missing_bucket_is_a_clean_error(emulator: GCSEmulator, tmp_path: Path) -> None:
    bucket = f"absent-{uuid.uuid4().hex[:10]}"
    env = private_env(tmp_path, STORAGE_EMULATOR_HOST=emulator.endpoint)
    for args in (
        ["metadata-store", "register", "m", "-f", "gcp", "-p", f"gs://{bucket}/meta", "--option", "retry_timeout=2"],
        ["stack", "register", "s", "-a", "default", "-m", "m", "--set"],
    ):
        assert zenml(args, env, tmp_path).returncode == 0
    assert_clean_failure(zenml(["run", "list"], env, tmp_path), bucket)


@pytest.mark.slow
def test_an_unreachable_endpoint_with_default_settings_fails_within_30_seconds_saying_what_it_retries(
    tmp_path: Path,
) -> None:
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}"  # closed once the block ends: nobody listens
    env = private_env(tmp_path, STORAGE_EMULATOR_HOST=endpoint)
    for args in (
        ["metadata-store", "register", "m", "-f", "gcp", "-p", "gs://bucket/meta"],  # no retry_timeout
        ["stack", "register", "s", "-a", "default", "-m", "m", "--set"],
    ):
        assert zenml(args, env, tmp_path).returncode == 0
    import re

    began = time.monotonic()
    result = zenml(["run", "list"], env, tmp_path)
    assert time.monotonic() - began < 60  # 30 s of retries, plus the interpreter's start on a busy machine
    assert result.returncode == 1
    *progress, error = result.stderr.strip().splitlines()
    assert error.startswith(f"Error: cannot reach Google Cloud Storage at {endpoint} to open bucket 'bucket'")
    retried = re.search(r"after retries for (\d+) s", error)
    assert retried is not None
    assert int(retried.group(1)) <= 31
    assert progress[0] == (
        f"reaching {endpoint} to open bucket 'bucket' failed (ConnectionError); retrying for up to 30 s in all "
        "(the component option retry_timeout sets this)"
    )
    assert "Traceback" not in result.stderr
