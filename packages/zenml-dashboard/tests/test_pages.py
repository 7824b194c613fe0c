"""The pages, over real HTTP, against the session's real run history."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import pytest

if TYPE_CHECKING:
    from conftest import History


def _run_links(body: str) -> list[str]:
    return re.findall(r'<a href="/runs/([0-9a-f]{32})">', body)


def _step_path(run_id: str, name: str) -> str:
    return f"/runs/{run_id}/step?{urlencode({'name': name})}"


def test_the_home_page_leads_to_the_runs(get: Any) -> None:
    answer = get("/")
    assert answer.status == 303
    assert answer.headers["location"] == "/runs"


def test_the_runs_page_lists_runs_newest_first_with_pipeline_status_start_and_duration(
    get: Any, history: History
) -> None:
    answer = get("/runs?pipeline=showcase")
    assert answer.status == 200
    assert _run_links(answer.body) == [history.cached.id, history.completed.id]
    assert html.escape(history.completed.name) in answer.body
    assert answer.body.count('class="badge status-completed">completed<') == 2
    assert re.search(r"<td>\d+\.\d\ds</td>", answer.body)  # durations
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT", answer.body)


def test_runs_are_filtered_by_status_and_pipeline(get: Any, history: History) -> None:
    failed = _run_links(get("/runs?status=failed").body)
    assert failed == [history.hostile.id, history.failed.id]
    assert _run_links(get("/runs?pipeline=broken&status=completed").body) == []
    assert "No runs match these filters." in get("/runs?pipeline=nothing").body
    assert get("/runs?status=exploded").status == 400


def test_runs_are_paged_through_the_store(get: Any, history: History) -> None:
    seen: list[str] = []
    page, pages = 1, 0
    while True:
        body = get(f"/runs?pipeline=ticks&page={page}").body
        found = _run_links(body)
        assert 0 < len(found) <= 50
        seen += found
        pages += 1
        if 'rel="next"' not in body:
            break
        page += 1
    assert (len(seen), len(set(seen)), pages) == (history.paging_runs, history.paging_runs, 3)
    assert 'rel="prev" href="/runs?pipeline=ticks&amp;page=2"' in body
    assert get("/runs?page=0").status == 400
    assert get("/runs?page=x").status == 400


def test_the_run_page_draws_every_step_with_its_status(get: Any, history: History) -> None:
    body = get(f"/runs/{history.failed.id}").body
    nodes = {
        name: status
        for status, name in re.findall(r'<a class="node status-(\w+)" href="[^"]+" data-step="([^"]+)"', body)
    }
    assert nodes == {"load_image": "completed", "explode": "failed", "never": "skipped"}  # the planned graph
    assert body.count("marker-end=") == 2
    assert "data-live-run" not in body  # finished: nothing to poll
    cached = get(f"/runs/{history.cached.id}").body
    assert set(re.findall(r'class="node status-(\w+)"', cached)) == {"cached"}


def test_a_large_run_lists_its_steps_on_a_page_of_their_own(
    get: Any, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenml.integrations.dashboard import pages

    run_page = get(f"/runs/{history.failed.id}").body
    assert '<dd id="step-counts">3 (1 completed, 1 failed, 1 skipped)</dd>' in run_page
    assert '<table class="steps" id="steps">' in run_page
    monkeypatch.setattr(pages, "INLINE_STEPS", 2)
    large = get(f"/runs/{history.failed.id}").body
    assert '<table class="steps" id="steps">' not in large
    assert f'<a href="/runs/{history.failed.id}/steps">All 3 steps as a table</a>' in large
    listed = get(f"/runs/{history.failed.id}/steps").body
    assert listed.count('<tr class="status-') == 3
    assert 'data-step="explode"' in listed


def test_the_status_answer_has_the_run_and_every_step(get: Any, history: History) -> None:
    data = get(f"/runs/{history.completed.id}/status").json()
    assert data["status"] == "completed"
    assert data["duration"].endswith("s")
    assert set(data["steps"]) == {"load_image", "make_rows", "describe", "report"}
    assert {step["status"] for step in data["steps"].values()} == {"completed"}


def test_the_step_page_shows_status_timings_parameters_cache_and_artifacts(get: Any, history: History) -> None:
    run = history.completed
    body = get(_step_path(run.id, "load_image")).body
    assert "completed" in body
    assert "<dt>Duration</dt><dd>" in body
    assert "<tr><th>size</th><td><pre>32</pre></td></tr>" in body
    assert f"<code>{run.steps['load_image'].cache_key}</code>" in body
    assert "<dt>Cached</dt><dd>no</dd>" in body
    image = run.steps["load_image"].outputs["image"][0]
    assert f'href="/artifacts/{image.id}">image</a>' in body
    assert 'href="/runs/' + run.id + '/step?name=describe">describe</a>' in body  # downstream
    describe = get(_step_path(run.id, "describe")).body
    assert f'href="/artifacts/{image.id}">load_image.image</a>' in describe  # its input, linked
    cached = get(_step_path(history.cached.id, "load_image")).body
    assert "<dt>Cached</dt><dd>yes" in cached


def test_the_step_page_shows_configuration_attempts_and_output_metadata(get: Any, history: History) -> None:
    body = get(_step_path(history.retried.id, "flaky")).body
    configuration = body.partition('id="configuration"')[2].partition("</table>")[0]
    assert "<tr><th>extra</th><td><pre>{\n  &#34;owner&#34;: &#34;ml team&#34;\n}</pre></td></tr>" in configuration
    assert "&#34;max_retries&#34;: 2" in configuration
    attempts = body.partition('id="attempts"')[2].partition("</table>")[0]
    assert attempts.count("<tr class=") == 2
    assert '<span class="badge">retried</span>' in attempts
    assert "<code>RuntimeError: the first attempt fails</code>" in attempts
    metadata = body.partition('id="metadata"')[2].partition("</table>")[0]
    assert "<tr><th>score: accuracy</th><td><pre>0.93</pre></td></tr>" in metadata
    score = history.retried.steps["flaky"].outputs["score"][0]
    assert "<tr><th>accuracy</th><td><pre>0.93</pre></td></tr>" in get(f"/artifacts/{score.id}").body


def test_a_failed_step_shows_its_error_traceback_and_logs(get: Any, history: History) -> None:
    body = get(_step_path(history.failed.id, "explode")).body
    assert '<section class="error" id="error">' in body
    assert "ValueError: an image of mean 0.50 is too &lt;b&gt;bright&lt;/b&gt;" in body
    traceback = body.partition('<pre class="traceback" id="traceback">')[2].partition("</pre>")[0]
    assert traceback.startswith("Traceback (most recent call last):")
    assert ", in explode\n" in traceback
    assert traceback.endswith("ValueError: an image of mean 0.50 is too &lt;b&gt;bright&lt;/b&gt;\n")
    assert f'<pre class="logs" id="logs">{traceback}</pre>' in body  # the traceback ends the logs


def test_the_step_page_shows_what_the_step_printed(get: Any, history: History) -> None:
    body = get(_step_path(history.completed.id, "describe")).body
    assert '<pre class="logs" id="logs">describing an image of shape (32, 32) and 30 rows\n</pre>' in body
    assert "The step printed nothing." in get(_step_path(history.completed.id, "report")).body


def test_the_artifact_page_shows_type_materializer_size_uri_lineage_and_preview(get: Any, history: History) -> None:
    run = history.completed
    image = run.steps["load_image"].outputs["image"][0]
    body = get(f"/artifacts/{image.id}").body
    assert "<code>numpy:ndarray</code>" in body
    assert "NumpyMaterializer" in body
    assert f"({image.size:,} bytes)" in body
    assert f"<code>{image.full_uri}</code>" in body
    assert re.search(r"Produced by</dt><dd><a [^>]*>load_image</a>", body)
    assert re.search(r"Read by</dt><dd><a [^>]*>describe</a></dd>", body)
    assert "<tr><th>shape</th><td>(32, 32)</td></tr>" in body
    assert "<tr><th>max</th><td>1</td></tr>" in body
    png = get(f"/artifacts/{image.id}/image.png")
    assert png.status == 200
    assert png.headers["content-type"] == "image/png"
    rows = get(f"/artifacts/{run.steps['make_rows'].outputs['rows'][0].id}").body
    assert "<th>square</th>" in rows
    assert "The first 20 of 30 rows." in rows
    summary = get(f"/artifacts/{run.steps['describe'].outputs['summary'][0].id}").body
    assert "&#34;rows&#34;: 30" in summary
    assert get(f"/artifacts/{run.steps['describe'].outputs['summary'][0].id}/image.png").status == 404


def test_unknown_runs_steps_and_artifacts_are_404_pages(get: Any, history: History) -> None:
    assert get("/runs/" + "0" * 32).status == 404
    assert get(_step_path(history.completed.id, "nope")).status == 404
    missing = get("/artifacts/nope")
    assert missing.status == 404
    assert "no artifact with id" in missing.body
    assert get("/nothing/here").status == 404


def test_markup_from_the_stores_is_shown_as_text_everywhere(get: Any, history: History) -> None:
    XSS = history.markup
    escaped = html.escape(XSS)
    pages = [
        "/runs",
        f"/runs/{history.hostile.id}",
        _step_path(history.hostile.id, "markup"),
        _step_path(history.hostile.id, "fail_with_markup"),
        f"/artifacts/{history.hostile.steps['markup'].outputs['payload'][0].id}",
        _step_path(history.retried.id, "flaky"),
        f"/runs/{history.foreign_run_id}",
        _step_path(history.foreign_run_id, XSS),
        f"/runs?{urlencode({'pipeline': 'pipe ' + XSS})}",
    ]
    for path in pages:
        body = get(path).body
        assert XSS not in body, path
        assert "<img src=x" not in body, path
        assert escaped in body or html.escape(XSS, quote=False) in body, path
    # the foreign step's link carries its name URL-encoded
    assert quote(XSS, safe="") in get(f"/runs/{history.foreign_run_id}").body.replace("%2F", "%2F")
