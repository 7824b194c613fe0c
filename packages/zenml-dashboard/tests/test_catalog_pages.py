"""The artifacts and models pages, over real HTTP, against the session's real runs, saved artifacts and models."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from conftest import History


def _artifact_names(body: str) -> list[str]:
    return [html.unescape(name) for name in re.findall(r'<tr data-artifact="([^"]*)">', body)]


def _versions_path(name: str, page: int = 1) -> str:
    return "/artifact?" + urlencode({"name": name, **({"page": page} if page > 1 else {})})


def _model_version_links(body: str) -> list[str]:
    return re.findall(r'href="/model-versions/([0-9a-f]+)"', body)


def test_every_page_links_to_runs_artifacts_and_models(get: Any) -> None:
    for path in ("/runs", "/artifacts", "/models"):
        nav = get(path).body.partition("<nav>")[2].partition("</nav>")[0]
        assert nav == '<a href="/runs">Runs</a> <a href="/artifacts">Artifacts</a> <a href="/models">Models</a>'


def test_the_artifacts_page_lists_names_newest_first_with_version_counts_and_tags(get: Any, history: History) -> None:
    catalog = history.catalog
    body = get("/artifacts").body
    names = _artifact_names(body)
    # the newest first: the run deleted last, then what was saved outside runs, then the training runs' output
    # (other tests may run pipelines into the session's store before this one)
    made = ["orphan", history.markup, "labels", "baseline", catalog.weights, "ticks::tick::output"]
    assert [name for name in names if name in made] == made
    assert len(names) == len(set(names))
    row = body.partition('<tr data-artifact="baseline">')[2].partition("</tr>")[0]
    assert "<td>2</td>" in row
    assert f'<a href="/artifacts/{catalog.saved[1].id}">2</a>' in row  # the newest version
    assert '<span class="tag">reference</span>' in row
    ticks = body.partition('<tr data-artifact="ticks::tick::output">')[2].partition("</tr>")[0]
    assert f"<td>{history.paging_runs}</td>" in ticks
    weights = body.partition(f'<tr data-artifact="{html.escape(catalog.weights)}">')[2].partition("</tr>")[0]
    assert f'<span class="tag">{html.escape(history.markup)}</span> <span class="tag">candidate</span>' in weights


def test_artifacts_and_their_versions_are_paged(get: Any, http: Any, history: History, stack_of: Any) -> None:
    from zenml.integrations.dashboard.app import Settings, create_app
    from zenml.integrations.dashboard.server import DashboardServer

    everything = _artifact_names(get("/artifacts").body)  # fewer than the default 50: one page
    with DashboardServer(create_app(stack_of(history), Settings(page_size=3)), "127.0.0.1", 0) as server:
        seen: list[str] = []
        page = 1
        while True:
            body = http(f"{server.url}/artifacts?page={page}").body
            found = _artifact_names(body)
            assert 0 < len(found) <= 3
            seen += found
            if 'rel="next"' not in body:
                break
            page += 1
        assert seen == everything
        assert page == -(-len(everything) // 3)
        assert f'rel="prev" href="/artifacts?page={page - 1}"' in body
        assert _artifact_names(http(f"{server.url}/artifacts?page={page + 1}").body) == []  # past the end
        versions = http(f"{server.url}{_versions_path('ticks::tick::output', 2)}").body
        assert re.findall(r'<tr data-version="(\d+)">', versions) == ["117", "116", "115"]
        assert 'rel="prev" href="/artifact?name=ticks%3A%3Atick%3A%3Aoutput"' in versions
        assert 'rel="next" href="/artifact?name=ticks%3A%3Atick%3A%3Aoutput&amp;page=3"' in versions
        models = http(f"{server.url}/models?page=1").body
        assert 'rel="next"' not in models
        assert len(re.findall(r"<tr data-model=", models)) == 2


def test_an_artifact_lists_its_versions_with_type_producer_created_and_tags(get: Any, history: History) -> None:
    catalog = history.catalog
    body = get(_versions_path(catalog.weights)).body
    assert f"<h1>{html.escape(catalog.weights)} <span" in body
    assert re.findall(r'<tr data-version="(\d+)">', body) == ["2", "1"]
    for run, row in zip(catalog.trainings[::-1], body.split('<tr data-version="')[1:], strict=True):
        version = run.steps["train"].output
        assert f'<a href="/artifacts/{version.id}">{version.version}</a>' in row  # the artifact-version page
        assert '<code>builtins:dict</code> <span class="subtle">ModelArtifact</span>' in row
        assert f'<a href="/runs/{run.id}/step?name=train">train</a> in <a href="/runs/{run.id}">{run.name}</a>' in row
        assert '<time datetime="' in row
        assert '<span class="tag">candidate</span>' in row


def test_artifacts_saved_or_registered_outside_a_run_have_their_pages(get: Any, history: History) -> None:
    catalog = history.catalog
    saved = get(_versions_path("baseline")).body
    assert saved.count('<span class="subtle">saved with save_artifact</span>') == 2
    page = get(f"/artifacts/{catalog.saved[0].id}")
    assert page.status == 200
    assert '<h1>baseline <span class="subtle">version 1</span></h1>' in page.body
    assert "<dt>Produced by</dt><dd>no run: saved with save_artifact</dd>" in page.body
    assert "<tr><th>shape</th><td>(3, 4)</td></tr>" in page.body  # the preview
    assert '<dd id="tags"><span class="tag">reference</span></dd>' in page.body
    assert get(f"/artifacts/{catalog.saved[0].id}/image.png").headers["content-type"] == "image/png"
    registered = get(f"/artifacts/{catalog.registered.id}").body
    assert "no run: registered with register_artifact" in registered
    assert f"<code>{catalog.registered.uri}</code>" in registered
    orphan = get(f"/artifacts/{catalog.orphan.id}")
    assert orphan.status == 200
    assert f"doomed_output in run <code>{catalog.orphan.producer_pipeline_run_id}</code>, deleted since" in orphan.body
    assert "in a deleted run" in get(_versions_path("orphan")).body
    # a run output's page names its artifact and links to its versions
    run_output = get(f"/artifacts/{catalog.trainings[0].steps['train'].output.id}").body
    assert f'<dt>Artifact</dt><dd><a href="{html.escape(_versions_path(catalog.weights))}">' in run_output


def test_the_models_page_lists_models_with_their_versions_and_stages(get: Any, history: History) -> None:
    body = get("/models").body
    models = [html.unescape(name) for name in re.findall(r'<tr data-model="([^"]*)">', body)]
    assert models == [history.catalog.foreign_model, history.catalog.model]  # the newest first
    row = body.partition('<tr data-model="iris">')[2].partition("</tr>")[0]
    assert "<td>2</td>" in row
    assert re.search(r'>2</a> <span class="badge stage-production">production</span>, <a href="[^"]+">1</a>', row)
    assert f'<div class="subtle">flowers {html.escape(history.markup)}</div>' in row  # the description


def test_a_model_lists_its_versions_newest_first(get: Any, history: History) -> None:
    body = get("/model?name=iris").body
    assert "<dt>License</dt><dd>MIT</dd>" in body
    assert re.findall(r'<tr data-version="([^"]+)">', body) == ["2", "1"]
    versions = body.partition('id="versions"')[2]
    assert versions.count('<span class="badge stage-production">production</span>') == 1
    assert len(_model_version_links(versions)) == 2


def test_a_model_version_shows_stage_metadata_artifacts_and_runs(get: Any, history: History) -> None:
    catalog = history.catalog
    newest = _model_version_links(get("/model?name=iris").body)[0]
    body = get(f"/model-versions/{newest}").body
    assert '<dd id="stage">production</dd>' in body
    metadata = body.partition('id="metadata"')[2].partition("</table>")[0]
    assert "<tr><th>accuracy</th><td><pre>0.9</pre></td></tr>" in metadata
    run = catalog.trainings[1]
    artifacts = body.partition('id="artifacts"')[2].partition("</table>")[0]
    assert f'<a href="/artifacts/{run.steps["train"].output.id}">2</a>' in artifacts
    assert f'href="{html.escape(_versions_path(catalog.weights))}"' in artifacts
    runs = body.partition('id="runs"')[2].partition("</table>")[0]
    assert re.findall(r'<a href="/runs/([0-9a-f]+)">', runs) == [run.id]
    older = get(f"/model-versions/{_model_version_links(get('/model?name=iris').body)[1]}").body
    assert '<dd id="stage">none</dd>' in older
    assert "<tr><th>accuracy</th><td><pre>0.5</pre></td></tr>" in older


def test_unknown_artifacts_and_models_are_404_pages_and_a_missing_name_is_400(get: Any) -> None:
    for path in (_versions_path("nope"), "/model?name=nope", "/model-versions/" + "0" * 32):
        answer = get(path)
        assert answer.status == 404, path
        assert "nope" in answer.body or "0" * 32 in answer.body
    assert get("/artifact").status == 400
    assert get("/model?name=").status == 400
    assert get("/models?page=0").status == 400


def test_markup_in_artifact_and_model_names_tags_and_metadata_is_text(get: Any, history: History) -> None:
    catalog = history.catalog
    pages = [
        "/artifacts",
        "/models",
        _versions_path(history.markup),
        _versions_path(catalog.weights),
        f"/artifacts/{catalog.hostile.id}",
        "/model?" + urlencode({"name": catalog.foreign_model}),
        "/model?name=iris",
        *(f"/model-versions/{vid}" for vid in _model_version_links(get("/models").body)),
    ]
    for path in pages:
        body = get(path).body
        assert history.markup not in body, path
        assert "<img src=x" not in body, path
        assert html.escape(history.markup) in body or html.escape(history.markup, quote=False) in body, path
