"""End to end: the embeddable page in headless Chromium (Debian's /usr/bin/chromium via Playwright).

Runs the real server (uvicorn in a thread, 127.0.0.1, a free port) over an
index of tests/fixtures/records. Screenshots go to tests/artifacts/.
"""
from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

from matcher.api import background_server, create_app  # noqa: E402
from matcher.ingest import ingest  # noqa: E402

RECORDS = Path(__file__).parent / "fixtures" / "records"
ARTIFACTS = Path(__file__).parent / "artifacts"
SEED = "NCT05858684"
VIGNETTE = (
    "A 34-year-old woman with refractory systemic lupus erythematosus, SELENA-SLEDAI 12, "
    "normal blood counts and kidney function"
)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "ix"
    ingest([str(RECORDS)], path, update=False)
    with background_server(create_app(path, rate_limit=None)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1:", "data:")) else foreign.append(r.url))
    problems: list[str] = []  # script errors and console errors (a CSP violation is one)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not foreign, f"the page requested other hosts: {foreign}"
    assert not problems, f"errors in the page: {problems}"


def search_by_keyboard(page, text: str) -> None:
    page.get_by_label("Patient description").click()
    page.keyboard.type(text)
    for _ in range(4):  # age, sex, country, then the button
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "submit"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "keyboard focus must be visible"
    page.keyboard.press("Enter")


def test_search_explain_and_screenshots(page, server):
    page.goto(server + "/")
    assert page.title() == "Find a clinical trial"
    # every control has a label
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input, select, textarea')].filter(e => !e.labels.length).map(e => e.id)"
    )
    assert unlabelled == []

    search_by_keyboard(page, VIGNETTE)
    first = page.locator("#results > li").first
    first.wait_for()
    assert first.get_attribute("data-nct-id") == SEED
    assert page.locator("#status").get_attribute("aria-live") == "polite"
    assert "found" in page.locator("#status").inner_text()
    reasons = first.locator(".reasons li")
    assert reasons.count() >= 1
    assert reasons.first.is_visible()
    assert "34" in reasons.first.inner_text()
    assert first.locator(".badge").first.inner_text().strip().endswith("eligible")
    link = first.get_by_role("link", name=f"View {SEED} on ClinicalTrials.gov")
    assert link.get_attribute("href") == f"https://clinicaltrials.gov/study/{SEED}"
    assert page.locator("#questions li").count() >= 1

    # expand: every criterion with its verdict and reason, loaded from /explain
    toggle = first.locator("button[aria-controls]")
    assert toggle.inner_text() == "Show all criteria"
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    criteria = first.locator(".criterion")
    criteria.first.wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert criteria.count() > 20
    assert first.locator(".criterion-reason").first.is_visible()
    verdicts = set(first.locator(".criterion").evaluate_all("els => els.map(e => e.dataset.verdict)"))
    assert "pass" in verdicts and "unknown" in verdicts
    assert first.get_by_text("Exclusion criteria (these would rule you out)", exact=False).is_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    # a phone: no sideways scrolling, and the screenshot for a look
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(100)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "search-phone.png"), full_page=False)
    page.locator("#results > li").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "search-phone-results.png"), full_page=False)

    # collapsing hides the list again
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not first.locator(".details").is_visible()


def test_empty_search_names_the_field(page, server):
    page.goto(server + "/")
    page.get_by_role("button", name="Find trials").click()
    error = page.locator("#text-error")
    error.wait_for()
    assert "Describe the patient" in error.inner_text()
    assert page.get_by_label("Patient description").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "text"


def test_age_error_from_the_form(page, server):
    page.goto(server + "/")
    page.get_by_label("Patient description").fill("lupus")
    page.get_by_label("Age in years").fill("250")
    page.get_by_role("button", name="Find trials").click()
    page.locator("#age-error").wait_for()
    assert page.evaluate("document.activeElement.id") == "age"


@pytest.fixture
def embedder(server):
    """Another origin (same loopback host, another port) whose page frames ours."""
    body = (f'<!doctype html><title>Clinic</title><h1>Our clinic</h1>'
            f'<iframe src="{server}/" title="Trial search" width="800" height="900"></iframe>').encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_page_works_inside_an_iframe_of_another_site(page, embedder):
    page.goto(embedder)
    frame = page.frame_locator("iframe")
    frame.get_by_label("Patient description").fill(VIGNETTE)
    frame.get_by_role("button", name="Find trials").click()
    first = frame.locator("#results > li").first
    first.wait_for()
    assert first.get_attribute("data-nct-id") == SEED


@pytest.fixture(scope="module", autouse=True)
def _clean_artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    for stale in ARTIFACTS.glob("search*.png"):
        stale.unlink()
    yield
    if not any(ARTIFACTS.iterdir()):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
