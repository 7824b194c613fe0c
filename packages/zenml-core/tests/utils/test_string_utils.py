"""Run-name templates: {date}, {time} and user substitutions; an unknown placeholder is an error."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from zenml import pipeline, step
from zenml.utils.string_utils import NameTemplateError, format_name_template

if TYPE_CHECKING:
    from pathlib import Path


def test_date_and_time_come_from_the_start_time_in_utc() -> None:
    name = format_name_template("training_{date}_{time}", start_time=86400 * 365 + 3661.25)
    assert name == "training_1971_01_01_01_01_01_250000"


def test_substitutions_fill_other_placeholders_and_may_override_date() -> None:
    assert format_name_template("run_{who}_{date}", {"who": "ada", "date": "today"}) == "run_ada_today"
    assert format_name_template("literal {{braces}}") == "literal {braces}"


def test_an_unknown_placeholder_is_an_error_naming_it() -> None:
    with pytest.raises(NameTemplateError, match=r"placeholder \{experiment\} has no value") as raised:
        format_name_template("run_{experiment}")
    assert isinstance(raised.value, KeyError)  # as in ZenML
    with pytest.raises(ValueError, match="Empty names"):
        format_name_template("{x}", {"x": ""})


@step
def one() -> int:
    return 1


def test_pipeline_run_names_use_the_template(zen_home: Path) -> None:
    @pipeline(substitutions={"team": "vision"})
    def flow() -> None:
        one()

    run = flow.with_options(run_name="training_{team}_{date}_{time}")()
    assert re.fullmatch(r"training_vision_\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d_\d{6}", run.name), run.name
    assert run.config.run_name == "training_{team}_{date}_{time}"
    with pytest.raises(NameTemplateError, match="experiment"):
        flow.with_options(run_name="x_{experiment}")()
    from zenml.client import Client

    assert [r.name for r in Client().list_runs()] == [run.name]  # the bad template ran nothing
