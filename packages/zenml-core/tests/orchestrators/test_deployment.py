"""Deployment: the run as plain data; finding a step's plan by id."""

from __future__ import annotations

import pytest

from zenml.orchestrators.deployment import Deployment, StepPlan


def _plan(step_id: str) -> StepPlan:
    return StepPlan(step_id, "module:func", inputs={}, parameters={}, upstream=[], enable_cache=False, outputs={})


def test_step_finds_plans_by_id_and_follows_changes_to_the_list() -> None:
    deployment = Deployment("p", "id", "name", [_plan(f"s{index}") for index in range(1000)])
    assert deployment.step("s999").id == "s999"
    assert deployment.step("s0") is deployment.steps[0]
    replacement = _plan("s0")
    deployment.steps[0] = replacement  # same id, new object: the current one is returned
    assert deployment.step("s0") is replacement
    deployment.steps.insert(0, _plan("new"))  # positions move
    assert deployment.step("s5") is deployment.steps[6]
    assert deployment.step("new") is deployment.steps[0]
    with pytest.raises(KeyError, match="run 'name' has no step 'missing'"):
        deployment.step("missing")
    round_trip = Deployment.from_dict(deployment.to_dict())
    assert round_trip.step("s999").id == "s999"
