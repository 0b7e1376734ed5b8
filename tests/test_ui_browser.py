"""End to end in a real browser: `trialmatch serve` on the test data, driven by Debian's Chromium via Playwright.

Opens a page by its URL first (the router must still run), then fills the patient form (NTRK1
amplification, 9 copies), submits, checks that NCT04879121 is the first card, opens its Trial page and
sees similar trials. Screenshots go to a temporary directory whose path is printed (run with `-s`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, sync_playwright

from tests.ui_data import MODEL_TRIAL, NTRK_TRIALS, built_data_dir

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`trialmatch serve` on the test data directory; yields its URL."""
    data_dir = built_data_dir(tmp_path_factory)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "trialmatch", "--data-dir", str(data_dir), "--backend", "embedded", "serve",
         "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{url}/_stcore/health", timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.3)
    if process.poll() is not None or time.monotonic() >= deadline:
        process.kill()
        pytest.fail(f"trialmatch serve did not come up on {url}: {process.communicate()[0]}")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def shots() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="trialmatch-ui-screenshots-"))
    print(f"\nscreenshots in {directory}")
    return directory


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1280, "height": 1600})
        browser.close()


def choose(page: Page, label: str, text: str) -> None:
    """Type into a select box and take the (first) option, as a user picking from the list would."""
    box = page.get_by_role("combobox", name=label, exact=True)  # "Gene" is not "Genes tested"
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")


def add(page: Page, label: str, text: str) -> None:
    """Type a new entry into a multiselect, add it, and close its list."""
    choose(page, label, text)
    page.keyboard.press("Escape")


def test_a_patient_finds_the_model_trial_first_and_opens_it_with_similar_trials(server, shots, page):
    page.goto(f"{server}/compare", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Compare trials").wait_for(timeout=30_000)
    assert page.get_by_test_id("stSidebarNav").get_by_text("Find trials").is_visible()

    page.goto(server, wait_until="domcontentloaded")
    age = page.get_by_role("spinbutton", name="Age (years)")
    age.fill("52")
    add(page, "Diagnosis", "metastatic colorectal adenocarcinoma")
    choose(page, "Gene", "NTRK1")
    choose(page, "Alteration", "amplification")
    page.get_by_role("spinbutton", name="Copies").fill("9")
    page.get_by_role("spinbutton", name="Copies").press("Tab")
    page.screenshot(path=shots / "1-patient-form.png")

    started = time.monotonic()
    page.get_by_role("button", name="Find trials").click()
    cards = page.locator("[class*='st-key-card-']")
    cards.first.wait_for(timeout=30_000)
    print(f"first result card {time.monotonic() - started:.2f} s after submit")
    assert f"st-key-card-{MODEL_TRIAL}" in cards.first.get_attribute("class").split()
    first = cards.first
    first.get_by_text("Criteria (").click()
    first.locator("mark").first.wait_for(timeout=10_000)
    first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "2-results.png")

    first.get_by_role("link", name="Trial page").click()
    page.wait_for_url(f"**/trial?nct={MODEL_TRIAL}", timeout=30_000)
    similar = page.locator("[class*='st-key-similar-']")
    similar.first.wait_for(timeout=30_000)
    facts = page.get_by_test_id("stTableStyledTable")
    facts.wait_for(timeout=30_000)
    assert "NTRK1 amplification ≥7 copies" in facts.inner_text()
    page.get_by_role("heading", name="Eligibility").scroll_into_view_if_needed()
    page.screenshot(path=shots / "3-trial-eligibility.png")
    similar.first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "4-similar-trials.png")
    shown = {cls.removeprefix("st-key-similar-") for el in similar.all()
             for cls in el.get_attribute("class").split() if cls.startswith("st-key-similar-")}
    assert len(shown & NTRK_TRIALS) >= 5


def fill_model_patient(page: Page) -> None:
    """The NTRK1-amplified patient of the issue (age 52, colorectal adenocarcinoma, 9 copies)."""
    page.get_by_role("spinbutton", name="Age (years)").fill("52")
    add(page, "Diagnosis", "metastatic colorectal adenocarcinoma")
    choose(page, "Gene", "NTRK1")
    choose(page, "Alteration", "amplification")
    page.get_by_role("spinbutton", name="Copies").fill("9")
    page.get_by_role("spinbutton", name="Copies").press("Tab")


def near(page: Page, place: str) -> None:
    """Open the Location section and type a place in words."""
    page.get_by_text("Location (optional)").click()
    box = page.get_by_role("textbox", name="Near")
    box.fill(place)
    box.press("Tab")


def find(page: Page):
    page.get_by_role("button", name="Find trials").click()
    cards = page.locator("[class*='st-key-card-']")
    cards.first.wait_for(timeout=30_000)
    return cards


def test_a_houston_zip_finds_the_model_trial_with_its_md_anderson_site_and_distance(server, shots, page):
    page.goto(server, wait_until="domcontentloaded")
    fill_model_patient(page)
    near(page, "77030")
    first = find(page).first
    assert f"st-key-card-{MODEL_TRIAL}" in first.get_attribute("class").split()
    site = first.locator("p", has_text="Nearest site:")
    assert "M D Anderson Cancer Center, Houston" in site.inner_text() and " km" in site.inner_text()
    assert "Within 100 km of 77030, Houston, TX" in page.get_by_text("Within 100 km").inner_text()
    first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "5-near-77030-1280.png")


def test_a_card_shows_the_contact_its_record_gives(server, shots, page):
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("spinbutton", name="Age (years)").fill("60")
    add(page, "Diagnosis", "thymoma")
    near(page, "Houston, TX")
    card = page.locator("[class*='st-key-card-NCT03295227']")
    find(page)
    contact = card.locator("p", has_text="Contact:")
    assert "Anne S. Tsao" in contact.inner_text() and "astsao@mdanderson.org" in contact.inner_text()
    assert card.get_by_role("link", name="astsao@mdanderson.org").get_attribute("href") == (
        "mailto:astsao@mdanderson.org")
    card.scroll_into_view_if_needed()
    page.screenshot(path=shots / "6-contact-1280.png")
    card.get_by_role("link", name="Trial page").click()
    page.get_by_role("heading", name="How to get in touch").wait_for(timeout=30_000)
    sites = page.get_by_test_id("stDataFrame").last
    sites.wait_for(timeout=30_000)
    sites.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the grid paints its canvas after it is attached
    page.screenshot(path=shots / "6b-trial-sites-1280.png")
    page.set_viewport_size({"width": 400, "height": 1600})
    page.get_by_role("heading", name="How to get in touch").scroll_into_view_if_needed()
    page.screenshot(path=shots / "6c-trial-contact-400.png")


def test_a_400_px_wide_results_page_has_no_horizontal_overflow(server, shots, page):
    page.set_viewport_size({"width": 400, "height": 1600})
    page.goto(server, wait_until="domcontentloaded")
    fill_model_patient(page)
    add(page, "Genes tested", "NTRK")
    first = find(page).first
    page.get_by_text("Show not-eligible trials").click()
    page.get_by_text("Why not:").first.wait_for(timeout=30_000)
    first.get_by_text("Criteria (").click()
    first.locator("mark").first.wait_for(timeout=10_000)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: scrollWidth {widths[0]} > clientWidth {widths[1]}"
    table = first.locator("table.tm-criteria")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    assert table.locator("thead").evaluate("h => getComputedStyle(h).display") == "none"  # stacked rows
    first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "7-results-400.png")
    page.get_by_text("Why not:").first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "8-why-not-400.png")


def test_a_bad_form_names_every_problem_by_the_form_labels(server, shots, page):
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("spinbutton", name="Age (years)").fill("300")
    add(page, "Diagnosis", "metastatic colorectal adenocarcinoma")
    choose(page, "Gene", "NOTAGENE1")
    page.get_by_role("button", name="Find trials").click()
    alert = page.get_by_text("Please correct the form")
    alert.wait_for(timeout=30_000)
    shown = page.get_by_test_id("stAlertContentError").inner_text()
    assert "Age (years):" in shown and "Biomarker 1: gene:" in shown
    assert "biomarkers[" not in shown and "conditions" not in shown
    alert.scroll_into_view_if_needed()
    page.screenshot(path=shots / "9-bad-form-1280.png")
    page.set_viewport_size({"width": 400, "height": 1600})
    alert.scroll_into_view_if_needed()
    page.screenshot(path=shots / "10-bad-form-400.png")


NOTE = """Oncology clinic note
Ms. R is a 58 year old woman with metastatic pancreatic adenocarcinoma, liver metastases.
She received FOLFIRINOX for 6 months with progression on CT.
ECOG performance status 1. No known brain metastases.
NGS (FoundationOne CDx): ETV6-NTRK3 fusion detected; KRAS wild-type; TMB 4 mut/Mb; MSI stable.
PMH: hypertension, type 2 diabetes.
Plan: refer for NTRK inhibitor trial; discuss larotrectinib.
Follow up in 2 weeks."""


def test_a_pasted_note_says_one_plain_thing_when_empty_and_shows_its_sources_when_read(server, shots, page):
    page.set_viewport_size({"width": 400, "height": 1600})
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_text("Paste a note").click()
    page.get_by_role("button", name="Read note").click()
    alert = page.get_by_test_id("stAlertContentError")
    alert.wait_for(timeout=30_000)
    assert alert.count() == 1 and "The note is empty: paste" in alert.inner_text()
    page.get_by_role("textbox", name="Clinic note, pathology or molecular report").fill(NOTE)
    page.get_by_role("button", name="Read note").click()
    page.get_by_text("The form now holds what the note says").wait_for(timeout=60_000)
    assert page.get_by_test_id("stAlertContentError").count() == 0
    note = page.locator(".tm-text", has_text="Oncology clinic note")
    note.locator("mark").first.wait_for(timeout=30_000)  # the block is drawn after the message above
    marked = set(note.locator("mark").all_inner_texts())
    assert {"58 year old", "ETV6-NTRK3 fusion detected", "KRAS wild-type"} <= marked
    sources = page.get_by_test_id("stTableStyledTable").first
    assert sources.evaluate("e => e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth + 1"), (
        "the table of what the note filled scrolls inside itself: some of its fields are out of sight")
    note.scroll_into_view_if_needed()
    page.screenshot(path=shots / "11-note-read-400.png")


ABSENT_NOTE = """Oncology clinic note
A 62-year-old man with metastatic colorectal adenocarcinoma. NGS: NTRK1 amplification (9 copies).
ECOG 1. He has no history of diabetes mellitus."""


@pytest.mark.parametrize("width", [1280, 400])
def test_the_notes_source_table_shows_every_field_label_whole(server, shots, page, width):
    page.set_viewport_size({"width": width, "height": 5000})
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_text("Paste a note").click()
    page.get_by_role("textbox", name="Clinic note, pathology or molecular report").fill(ABSENT_NOTE)
    page.get_by_role("button", name="Read note").click()
    page.get_by_text("The form now holds what the note says").wait_for(timeout=60_000)
    sources = page.get_by_test_id("stTableStyledTable")
    cell = sources.get_by_role("cell", name="Conditions the patient does not have", exact=True)
    cell.wait_for(timeout=30_000)
    assert cell.evaluate("c => c.scrollWidth <= c.clientWidth + 1 && c.getBoundingClientRect().right "
                         "<= document.documentElement.clientWidth"), "the label is cut or out of sight"
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: scrollWidth {widths[0]} > clientWidth {widths[1]}"
    sources.scroll_into_view_if_needed()
    page.screenshot(path=shots / f"14-note-sources-{width}.png")


def test_a_pasted_notes_absent_condition_shows_in_its_own_field_and_can_be_corrected(server, shots, page):
    page.set_viewport_size({"width": 1280, "height": 5000})
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_text("Paste a note").click()
    page.get_by_role("textbox", name="Clinic note, pathology or molecular report").fill(ABSENT_NOTE)
    page.get_by_role("button", name="Read note").click()
    page.get_by_text("The form now holds what the note says").wait_for(timeout=60_000)
    note = page.locator(".tm-text", has_text="Oncology clinic note")
    note.locator("mark.tm-absent_condition").wait_for(timeout=30_000)
    assert note.locator("mark.tm-absent_condition").inner_text() == "diabetes mellitus"
    field = page.get_by_test_id("stMultiSelect").filter(has_text="Conditions the patient does not have")
    assert "diabetes mellitus" in field.inner_text()
    page.wait_for_timeout(1500)
    page.screenshot(path=shots / "12-note-absent-condition-1280.png", full_page=True)
    box = page.get_by_role("combobox", name="Conditions the patient does not have", exact=True)
    box.click()
    box.fill("breast cancer")
    page.get_by_role("option", name="breast cancer", exact=True).click()  # the same suggestions as Diagnosis
    page.keyboard.press("Escape")
    field.get_by_text("breast cancer", exact=True).wait_for(timeout=30_000)
    assert "diabetes mellitus" in field.inner_text()
    page.get_by_role("button", name="Find trials").click()
    page.get_by_text(MODEL_TRIAL).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=shots / "13-absent-condition-searched-1280.png", full_page=True)
