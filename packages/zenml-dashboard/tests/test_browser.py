"""The dashboard in a real browser: headless Chromium (Debian's package) driven by Playwright.

Marked ``e2e``: the tests-dashboard sessions run these on the main Python only. Screenshots of
the main pages are kept in ``$ZENML_TEST_OUTPUT/screenshots`` (CI uploads that folder).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import BrowserContext, Page

    from conftest import History
    from zenml.integrations.dashboard.server import DashboardServer

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 20_000


def chromium() -> str:
    """The browser to drive; the test fails, saying how to install one, when there is none."""
    from zenml.integrations.dashboard.testing import INSTALL_HINT, chromium_path

    path = chromium_path()
    if path is None:
        pytest.fail(f"the browser tests need Chromium: {INSTALL_HINT}")
    return path


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = os.environ.get("ZENML_TEST_OUTPUT")
    folder = Path(base) / "screenshots" if base else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """One headless Chromium for the session, with a fresh profile (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    from zenml.integrations.dashboard.testing import CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium(),
            headless=True,
            args=list(CHROMIUM_FLAGS),
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    """A new tab that fails the test on any script error or dialog (an alert would mean injected script)."""
    tab = browser.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield tab
    tab.close()
    assert problems == []


def test_the_runs_page_lists_the_runs_and_opens_one(
    page: Page, dashboard: DashboardServer, history: History, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{dashboard.url}/runs?pipeline=showcase")
    rows = page.locator("#runs-body tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(history.cached.name)
    expect(rows.first.locator(".badge")).to_have_text("completed")
    page.screenshot(path=screenshots / "runs.png", full_page=True)
    rows.nth(1).get_by_role("link", name=history.completed.name).click()
    expect(page).to_have_url(f"{dashboard.url}/runs/{history.completed.id}")


def test_the_dag_shows_every_step_with_its_status_and_opens_a_step(
    page: Page, dashboard: DashboardServer, history: History, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{dashboard.url}/runs/{history.completed.id}")
    nodes = page.locator("svg.dag a.node")
    expect(nodes).to_have_count(4)
    for name in ("load_image", "make_rows", "describe", "report"):
        node = page.locator(f'svg.dag a.node[data-step="{name}"]')
        expect(node).to_have_class("node status-completed")
        expect(node.locator("text.status")).to_have_text("completed")
        assert node.bounding_box() is not None  # laid out and visible
    assert page.locator("svg.dag .edges path").count() == 3
    page.screenshot(path=screenshots / "run.png", full_page=True)
    page.locator('svg.dag a.node[data-step="describe"]').click()
    expect(page.locator("h1")).to_contain_text("describe")
    expect(page.locator("#inputs")).to_contain_text("load_image.image")
    page.screenshot(path=screenshots / "step.png", full_page=True)


def test_a_failed_step_shows_its_error(
    page: Page, dashboard: DashboardServer, history: History, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{dashboard.url}/runs/{history.failed.id}")
    expect(page.locator('svg.dag a.node[data-step="explode"] text.status')).to_have_text("failed")
    expect(page.locator('svg.dag a.node[data-step="never"] text.status')).to_have_text("skipped")
    page.locator('svg.dag a.node[data-step="explode"]').click()
    expect(page.locator("#error pre").first).to_have_text("ValueError: an image of mean 0.50 is too <b>bright</b>")
    expect(page.locator("#traceback")).to_contain_text(", in explode")
    page.screenshot(path=screenshots / "failed-step.png", full_page=True)


def test_a_numpy_artifact_shows_its_statistics_and_image(
    page: Page, dashboard: DashboardServer, history: History, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    image = history.completed.steps["load_image"].outputs["image"][0]
    page.goto(f"{dashboard.url}/runs/{history.completed.id}/step?name=load_image")
    page.locator("#outputs").get_by_role("link", name="image").click()
    expect(page).to_have_url(f"{dashboard.url}/artifacts/{image.id}")
    facts = page.locator("#preview table.facts-table")
    expect(facts).to_contain_text("shape(32, 32)")
    expect(facts).to_contain_text("mean0.5")
    picture = page.locator("#preview img.preview-image")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 32
    page.screenshot(path=screenshots / "artifact.png", full_page=True)


def test_the_runs_page_leads_to_an_artifact_and_its_versions(
    page: Page, dashboard: DashboardServer, history: History, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    saved = history.catalog.saved[0]
    page.goto(f"{dashboard.url}/runs")
    page.locator("header nav").get_by_role("link", name="Artifacts").click()
    expect(page).to_have_url(f"{dashboard.url}/artifacts")
    expect(page.locator('#artifacts tr[data-artifact="baseline"]')).to_contain_text("reference")  # its tag
    page.screenshot(path=screenshots / "artifacts.png", full_page=True)
    page.locator('#artifacts tr[data-artifact="baseline"]').get_by_role("link", name="baseline").click()
    expect(page.locator("#versions tbody tr")).to_have_count(2)
    expect(page.locator("#versions tbody tr").first).to_contain_text("saved with save_artifact")
    page.locator('#versions tr[data-version="1"]').get_by_role("link", name="1", exact=True).click()
    expect(page).to_have_url(f"{dashboard.url}/artifacts/{saved.id}")
    expect(page.locator("#preview table.facts-table")).to_contain_text("shape(3, 4)")
    page.locator("header nav").get_by_role("link", name="Models").click()
    page.locator('#models tr[data-model="iris"]').get_by_role("link", name="2", exact=True).click()
    expect(page.locator("#stage")).to_have_text("production")
    page.screenshot(path=screenshots / "model-version.png", full_page=True)


def test_markup_in_names_values_and_errors_runs_no_script(
    page: Page, dashboard: DashboardServer, history: History
) -> None:
    from playwright.sync_api import expect

    markup = history.markup
    page.goto(f"{dashboard.url}/runs/{history.hostile.id}")
    expect(page.locator("h1")).to_contain_text(markup)
    page.goto(f"{dashboard.url}/runs/{history.hostile.id}/step?name=fail_with_markup")
    expect(page.locator("#error pre").first).to_have_text(f"RuntimeError: {markup}")
    page.goto(f"{dashboard.url}/runs/{history.hostile.id}/step?name=markup")
    expect(page.locator("#logs")).to_have_text(f"{markup}\n")
    page.goto(f"{dashboard.url}/runs/{history.foreign_run_id}")
    node = page.locator("svg.dag a.node")
    expect(node.locator("title")).to_have_text(markup)
    node.click()
    expect(page.locator("h1")).to_contain_text(markup)
    expect(page.locator("#parameters")).to_contain_text(markup)
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    page.goto(f"{dashboard.url}/artifacts")
    expect(page.locator("#artifacts")).to_contain_text(markup)
    expect(page.locator("#artifacts")).to_contain_text(history.catalog.weights)
    assert page.evaluate("document.querySelectorAll('script:not([src]), img').length") == 0


LIVE_PIPELINE = textwrap.dedent(
    """
    import sys

    from zenml import pipeline, step


    @step
    def first() -> int:
        return 1


    @step
    def wait_for_release(value: int) -> int:
        sys.__stdout__.write("waiting\\n")
        sys.__stdout__.flush()
        with open(sys.argv[1]) as fifo:  # blocks until the test opens the other end
            fifo.read()
        return value + 1


    @step
    def last(value: int) -> int:
        return value + 1


    @pipeline(enable_cache=False)
    def live() -> None:
        last(wait_for_release(first()))


    live()
    """
)


def test_a_run_in_progress_turns_completed_without_a_reload(
    page: Page, dashboard: DashboardServer, history: History, stack_of: Any, tmp_path: Path, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    from zenml.client import Client

    script, release = tmp_path / "live.py", tmp_path / "release"
    script.write_text(LIVE_PIPELINE)
    os.mkfifo(release)
    env = {**os.environ, "ZENML_CONFIG_DIR": str(history.home / "config")}
    process = subprocess.Popen([sys.executable, str(script), str(release)], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "waiting", process.stderr.read() if process.stderr else ""
        run = Client(stack_of(history)).list_runs(pipeline_name="live", limit=1)[0]
        page.goto(f"{dashboard.url}/runs?pipeline=live")
        expect(page.locator("#runs-body .badge")).to_have_text("running")
        page.goto(f"{dashboard.url}/runs/{run.id}")
        expect(page.locator("[data-run-status]")).to_have_text("running")
        for name, status in (("first", "completed"), ("wait_for_release", "running"), ("last", "pending")):
            expect(page.locator(f'svg.dag a.node[data-step="{name}"] text.status')).to_have_text(status)
        page.evaluate("window.notReloaded = true")
        page.screenshot(path=screenshots / "run-in-progress.png", full_page=True)
        with open(release, "w") as fifo:
            fifo.write("go")
        assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    finally:
        if process.poll() is None:
            process.kill()
    expect(page.locator("[data-run-status]")).to_have_text("completed")
    for name in ("first", "wait_for_release", "last"):
        expect(page.locator(f'svg.dag a.node[data-step="{name}"] text.status')).to_have_text("completed")
    assert page.evaluate("window.notReloaded") is True
