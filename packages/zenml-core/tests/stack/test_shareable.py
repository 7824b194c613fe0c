"""Components say whether other machines can reach them; multi-node runs refuse stacks with local stores."""

from __future__ import annotations

import pytest

from zenml.artifact_stores.local import LocalArtifactStore
from zenml.metadata_stores.sqlite import SQLiteMetadataStore
from zenml.orchestrators.local import LocalOrchestrator
from zenml.stack.config import StackConfigError
from zenml.stack.stack import Stack, StackNotShareableError, check_shareable


def _stack(tmp_path: object) -> Stack:
    return Stack(
        "laptop",
        LocalArtifactStore("files", path=f"{tmp_path}/artifacts"),
        SQLiteMetadataStore("db", path=f"{tmp_path}/metadata.db"),
        LocalOrchestrator("local"),
    )


def test_local_flavors_say_they_are_local(tmp_path: object) -> None:
    stack = _stack(tmp_path)
    assert all(component.is_local for component in stack.components().values())


def test_one_node_can_use_local_stores(tmp_path: object) -> None:
    check_shareable(_stack(tmp_path), nodes=1, where="the Ray cluster at 127.0.0.1:6379")


def test_several_nodes_refuse_local_stores_naming_them_and_the_fix(tmp_path: object) -> None:
    with pytest.raises(StackNotShareableError) as info:
        check_shareable(_stack(tmp_path), nodes=3, where="the Ray cluster at 10.0.0.1:6379")
    message = str(info.value)
    assert "stack 'laptop' cannot run on the Ray cluster at 10.0.0.1:6379, which has 3 nodes" in message
    assert "artifact store 'files' (local) and metadata store 'db' (sqlite)" in message
    assert "--flavor gcp" in message
    assert isinstance(info.value, StackConfigError)  # the CLI reports it as a user error
