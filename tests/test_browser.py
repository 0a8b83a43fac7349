"""End to end: the embeddable page in headless Chromium (Debian's /usr/bin/chromium via Playwright).

Runs the real server (uvicorn in a thread, 127.0.0.1, a free port) over an
index of tests/fixtures/records, and over an index of the bundled corpus's open
trials (plus a few completed ones) for the search near a place. Screenshots go
to tests/artifacts/.
"""
from __future__ import annotations

import http.server
import re
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
def expected_console() -> list[str]:
    """Console errors a test expects (Chromium logs every 4xx answer, even one the page handles)."""
    return []


@pytest.fixture
def page(browser, server, expected_console):
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
    problems = [p for p in problems if not any(allowed in p for allowed in expected_console)]
    assert not problems, f"errors in the page: {problems}"


TAB_ORDER = ["age", "sex", "location", "within", "country", "include-closed", "submit"]


def search_by_keyboard(page, text: str) -> None:
    page.get_by_label("Patient description").click()
    page.keyboard.type(text)
    order = []
    for _ in TAB_ORDER:  # every control of the form in reading order, then the button
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id"))
    assert order == TAB_ORDER
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


# -- open trials near the patient ---------------------------------------------------------------
OPEN = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE"}
NEAR_TEXT = "67 year old man with type 2 diabetes and kidney disease in Columbus, Ohio"  # the example
SITE = re.compile(r"^Nearest site: .+ \u2014 ([\d.]+) km \(([\d.]+) mi\)$")


@pytest.fixture(scope="module")
def open_server(open_index):
    with background_server(create_app(open_index, rate_limit=None)) as base:
        yield base


def submit_and_wait(page) -> tuple[dict, dict]:
    """Press Find trials: the /search request body, and the response once the page has rendered it."""
    with page.expect_response(lambda r: r.url.endswith("/search") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Find trials").click()
    page.locator("#results-section:not([aria-busy])").wait_for(state="attached")  # rendered
    assert answer.value.ok, answer.value.text()
    return answer.value.request.post_data_json, answer.value.json()


def cards(page) -> list[dict]:
    return page.locator("#results > li, #excluded > li").evaluate_all("""els => els.map(e => ({
        id: e.dataset.nctId, enrolling: e.dataset.enrolling === "true", text: e.innerText,
        badge: [...e.querySelector(".meta .badge").childNodes]
            .filter(n => !(n.getAttribute && n.getAttribute("aria-hidden"))).map(n => n.textContent).join(""),
        site: (e.querySelector(".nearest-site") || {}).innerText || null}))""")


def check_cards(page, data: dict, *, within_miles: float | None = None) -> list[dict]:
    """Every card agrees with the API: open trials with an eligibility and a distance, closed ones never joinable."""
    shown = cards(page)
    returned = {r["nct_id"]: r for r in data["results"] + data["excluded"]}
    assert [c["id"] for c in shown] == list(returned)
    for card in shown:
        result = returned[card["id"]]
        assert card["enrolling"] == result["enrolling"]
        if card["enrolling"]:
            assert card["badge"] in ("Likely eligible", "Possibly eligible", "Not eligible"), card
            assert "Not recruiting" not in card["text"]
        else:
            status = result["status"].replace("_", " ").capitalize()
            assert card["badge"] == f"Not recruiting ({status})", card
            assert "Likely eligible" not in card["text"] and "Possibly eligible" not in card["text"], card
            assert "not enrolling" in card["text"]
        if result["nearest_site"] is None:
            assert card["site"] is None
            continue
        match = SITE.match(card["site"] or "")
        assert match, card["site"]
        assert abs(float(match.group(1)) - result["nearest_site"]["km"]) <= 1
        if within_miles is not None:
            assert float(match.group(2)) <= within_miles, card
    return shown


def test_open_trials_near_the_patient(page, open_server):
    page.goto(open_server + "/")
    # "Trials as of ..." before any search, from /health
    health = page.request.get(open_server + "/health").json()
    date = page.locator("#data-date")
    date.wait_for()
    assert date.inner_text().startswith("Trials as of ")
    assert date.locator("time").get_attribute("datetime") == health["data_date"]
    attribution = page.locator("footer")
    assert "Place data from GeoNames (geonames.org)" in attribution.inner_text()
    assert "CC BY 4.0" in attribution.inner_text()
    assert attribution.get_by_role("link", name="GeoNames").get_attribute("href") == "https://www.geonames.org/"

    # the place is in the description: the location field stays empty
    page.get_by_label("Patient description").fill(NEAR_TEXT)
    sent, data = submit_and_wait(page)
    assert sent == {"top": 10, "text": NEAR_TEXT}
    assert data["patient"]["location"]["label"] == "Columbus, Ohio, United States"
    everywhere = check_cards(page, data)
    assert everywhere and all(c["enrolling"] for c in everywhere), "only open trials by default"
    assert all(c["site"] for c in everywhere), "every open trial shows its nearest site"
    assert data["closed"] > 0
    note = page.locator("#closed-note")
    assert note.is_visible()
    assert note.inner_text().startswith(f"{data['closed']} close match")
    assert "Include trials that are no longer recruiting" in note.inner_text()
    understood = page.locator("#understood").inner_text()
    assert "Where: Columbus, Ohio" in understood
    assert date.locator("time").get_attribute("datetime") == data["data_date"]

    # within 50 miles: the list narrows (or stays), every site shown is that close
    page.get_by_label("Distance").select_option("50mi")
    sent, data = submit_and_wait(page)
    assert sent["filters"] == {"within": "50mi"}, "sent without a location: the API finds the place in the text"
    near = check_cards(page, data, within_miles=50)
    assert len(near) <= len(everywhere)
    if not near:
        assert "larger distance" in page.locator("#status").inner_text()

    # with trials that no longer recruit: they show, badged and never joinable
    page.get_by_label("Include trials that are no longer recruiting").check()
    sent, data = submit_and_wait(page)
    assert sent["filters"] == {"within": "50mi", "include_closed": True}
    with_closed = check_cards(page, data, within_miles=50)
    assert any(not c["enrolling"] for c in with_closed), "a completed trial near Columbus"
    assert page.locator(".badge-closed", has_text="Not recruiting (Completed)").first.is_visible()
    assert not page.locator("#closed-note").is_visible()

    # any distance, closed included: open and closed cards side by side, for the screenshot
    page.get_by_label("Distance").select_option("")
    _, data = submit_and_wait(page)
    both = check_cards(page, data)
    assert {c["enrolling"] for c in both} == {True, False}
    assert any(r["eligibility"] != "ineligible" for r in data["results"] if not r["enrolling"]), \
        "a closed trial the patient might fit: its eligibility must still not be shown"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-near.png"), full_page=True)

    # the location field, when given, is the patient's place (here a ZIP code in Cleveland)
    page.get_by_label("Where do you live?").fill("44106")
    sent, data = submit_and_wait(page)
    assert sent["patient"] == {"location": "44106"}
    assert "Where: 44106 (Cleveland)" in page.locator("#understood").inner_text()
    check_cards(page, data)


@pytest.mark.parametrize(("fill", "field", "words"), [
    ({"Where do you live?": "Nowhere-on-earth"}, "location", "unknown place"),
    ({"Distance": "50mi"}, "location", "say where you live"),
    ({"Where do you live?": "Ohio", "Distance": "50mi"}, "location", "city or US ZIP code"),
    ({"Country": "Narnia"}, "country", "unknown country"),
])
def test_place_errors_name_the_field(page, server, expected_console, fill, field, words):
    expected_console.append("the server responded with a status of 422")
    page.goto(server + "/")
    page.get_by_label("Patient description").fill("lupus")
    for label, value in fill.items():
        control = page.get_by_label(label)
        if label == "Distance":
            control.select_option(value)
        else:
            control.fill(value)
    page.get_by_role("button", name="Find trials").click()
    error = page.locator(f"#{field}-error")
    error.wait_for()
    assert words in error.inner_text()
    assert page.locator(f"#{field}").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == field
    assert page.locator("#status").inner_text() == "Please correct the highlighted field."


@pytest.fixture(scope="module", autouse=True)
def _clean_artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    for stale in ARTIFACTS.glob("search*.png"):
        stale.unlink()
    yield
    if not any(ARTIFACTS.iterdir()):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
