"""The app in a real browser: login, keyboard order, error messages tied to fields, and screenshots.

Runs once, on a SQLite file served by a live werkzeug server, with CSRF on as in production.
Set SCREENSHOT_DIR to keep screenshots of the pages at 1366x768.
"""

import os
import re
import tempfile
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from caseapp import create_app
from caseapp.db import make_engine
from caseapp.migrate import upgrade
from caseapp.reports.operations import report_years
from tests.factories import PASSWORD, Factory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ANALYST_EMAIL = "analist@example.nl"
COORDINATOR_EMAIL = "coordinator@example.nl"
PARTNER_EMAIL = "politie@example.nl"
VIEWPORT = {"width": 1366, "height": 768}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def _add_test_data(make):
    lisse, hillegom = make.gemeente("Lisse"), make.gemeente("Hillegom")
    make.user("analyst", gemeenten=[lisse, hillegom], email=ANALYST_EMAIL)
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    make.user("coordinator", team, [lisse], email=COORDINATOR_EMAIL)
    make.user("partner", make.organisation("politie", "Politie Bollenstreek"), [lisse], email=PARTNER_EMAIL)
    for offset, (gemeente, case_type, status) in enumerate([
        (lisse, "woonoverlast", "aangemeld"), (lisse, "verward_gedrag", "onderzoek"),
        (lisse, "huiselijk_geweld", "afgesloten"), (hillegom, "jeugdoverlast", "monitoring"),
        (hillegom, "ondermijning", "plan_van_aanpak"),
    ]):
        year = report_years()[-1 - offset % 3]
        make.case(gemeente, type=case_type, status=status, opened_on=date(year, 3, 1 + offset))


@pytest.fixture(scope="module")
def live_server():
    """The app on a migrated SQLite file with test data, served on a free local port; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="caseapp-browser-") as folder:
        url = f"sqlite:///{Path(folder) / 'browser.db'}"
        engine = make_engine(url)
        with engine.begin() as connection:
            upgrade(connection)
        with Session(engine) as session:
            _add_test_data(Factory(session))
        engine.dispose()

        app = create_app("test", DATABASE_URL=url)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=10)
            app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab with no cookies, at the viewport the screenshots use."""
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL", base_url=live_server)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def screenshot(page, name):
    """Keep a full-page screenshot when SCREENSHOT_DIR is set."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page, email, password):
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_label("Wachtwoord").press("Enter")


def test_analyst_logs_in_and_lands_on_the_overview(page):
    page.goto("/inloggen")
    screenshot(page, "inloggen")
    log_in(page, ANALYST_EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/overzicht/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht casussen")
    expect(page.get_by_role("table", name=re.compile("^Geopende casussen per type en jaar"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Open casussen per gemeente en status"))).to_be_visible()
    screenshot(page, "overzicht")

    page.get_by_label("Gemeente", exact=True).select_option(label="Hillegom")
    page.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(r"gemeente_id=\d+"))
    expect(page.get_by_role("table", name=re.compile("Hillegom"))).to_have_count(2)
    screenshot(page, "overzicht-hillegom")


def focused(page):
    """A short description of the element that has keyboard focus."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ':' + (el.textContent || '').trim();
    }""")


def test_keyboard_reaches_skip_link_first_then_the_form_in_order(page):
    page.goto("/inloggen")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Naar de inhoud")
    expect(skip_link).to_be_focused()
    assert skip_link.bounding_box()["x"] >= 0, "the focused skip link must be on screen"
    screenshot(page, "inloggen-skiplink")

    order = []
    for _ in range(10):
        page.keyboard.press("Tab")
        order.append(focused(page))
        if order[-1] == "input#email:":
            screenshot(page, "inloggen-focus")
        if order[-1].startswith("button"):
            break
    form_stops = [stop for stop in order if stop.startswith(("input", "button"))]
    assert form_stops == ["input#email:", "input#password:", "button:Inloggen"], order


def test_wrong_password_shows_a_dutch_message_tied_to_the_field(page):
    log_in(page, ANALYST_EMAIL, "niet het goede wachtwoord")
    message = "Deze combinatie van e-mailadres en wachtwoord is onbekend."
    password = page.get_by_label("Wachtwoord")
    expect(password).to_have_attribute("aria-invalid", "true")
    described_by = password.get_attribute("aria-describedby")
    assert described_by, "the password field must point at its error message"
    expect(page.locator(f"#{described_by}")).to_contain_text(message)
    expect(password).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page).to_have_url(re.compile(r"/inloggen$"))
    screenshot(page, "inloggen-fout")


def test_coordinator_opens_a_case_adds_a_person_and_a_partner_who_then_adds_a_note(page, browser, live_server):
    log_in(page, COORDINATOR_EMAIL, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Casussen")
    screenshot(page, "casussen")
    page.get_by_role("link", name="Nieuwe casus").click()
    page.get_by_label("Soort casus").select_option(label="Woonoverlast")
    page.get_by_label("Wijk").select_option(label="Lisse – Centrum")
    page.get_by_label("Adres van de casus").fill("Heereweg 200, Lisse")
    page.get_by_label("Omschrijving").fill("Aanhoudende geluidsoverlast; buren voelen zich bedreigd.")
    page.get_by_label("Risico").select_option(label="Hoog")
    page.get_by_label("Schulden").check()
    screenshot(page, "casus-nieuw")
    page.get_by_role("button", name="Casus aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text("is aangemaakt")
    case_url = page.url

    page.get_by_role("link", name="Persoon toevoegen").first.click()
    new_person = page.get_by_role("region", name="Nieuwe persoon registreren")
    new_person.get_by_label("Voornaam").fill("Ricardo")
    new_person.get_by_label("Achternaam").fill("Pinas")
    new_person.get_by_label("Geboortedatum").fill("1984-07-12")
    new_person.get_by_role("button", name="Persoon registreren en toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("Ricardo Pinas is toegevoegd")
    expect(page.get_by_role("region", name="Personen")).to_contain_text("12-07-1984")

    page.get_by_label("Partnerorganisatie").select_option(label="Politie Bollenstreek (Politie)")
    page.get_by_role("button", name="Partner koppelen").click()
    expect(page.get_by_role("region", name="Partners")).to_contain_text("Politie Bollenstreek")
    screenshot(page, "casus")

    partner = browser.new_context(viewport=VIEWPORT, locale="nl-NL", base_url=live_server).new_page()
    log_in(partner, PARTNER_EMAIL, PASSWORD)
    partner.get_by_role("link", name=re.compile(r"^\d{4}-\d{6}$")).first.click()
    assert partner.url == case_url
    partner.get_by_label("Notitie").fill("Wijkagent heeft betrokkene gesproken.")
    partner.get_by_role("button", name="Notitie toevoegen").click()
    expect(partner.get_by_role("region", name="Tijdlijn")).to_contain_text("Wijkagent heeft betrokkene gesproken.")
    expect(partner.get_by_role("link", name="Casus bewerken")).to_have_count(0)
    screenshot(partner, "casus-partner")
    partner.context.close()
