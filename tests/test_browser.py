"""The app in a real browser: login, keyboard order, error messages tied to fields, a huisverbod through its
procedure, what a partner may see of it, and screenshots.

Runs once, on a SQLite file served by a live werkzeug server, with CSRF on as in production.
Set SCREENSHOT_DIR to keep screenshots of the pages at 1366x768.
"""

import os
import re
import tempfile
import threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from werkzeug.serving import make_server

from caseapp import AMSTERDAM, create_app, db
from caseapp.cases.operations import assign_partner, link_person, open_case
from caseapp.db import make_engine
from caseapp.migrate import upgrade
from caseapp.models import Case, User
from caseapp.reports.operations import report_years
from caseapp.workflow.engine import fire, start
from tests.factories import PASSWORD, Factory, totp_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ANALYST_EMAIL = "analist@example.nl"
COORDINATOR_EMAIL = "coordinator@example.nl"
PARTNER_EMAIL = "politie@example.nl"
NEW_USER_EMAIL = "nieuw@example.nl"  # has no second factor yet
HUISVERBOD_ADDRESS = "Kanaalstraat 12, Lisse"  # huiselijk geweld: an adult and a child; the politie is partner
GESPREK_ADDRESS = "Schoolstraat 5, Lisse"  # woonoverlast, with a talk planned
VEILIG_THUIS_FIRST = "Er zijn minderjarigen in het huishouden: leg eerst vast dat Veilig Thuis is geraadpleegd."
VIEWPORT = {"width": 1366, "height": 768}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def _add_test_data(make):
    """Users and cases; run in an app context, as the cases the tests work on are made through the app's own
    operations and workflow engine, so their history, deadlines and notifications are what real use leaves."""
    lisse, hillegom = make.gemeente("Lisse"), make.gemeente("Hillegom")
    make.user("analyst", gemeenten=[lisse, hillegom], email=ANALYST_EMAIL)
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    coordinator = make.user("coordinator", team, [lisse], email=COORDINATOR_EMAIL)
    politie = make.organisation("politie", "Politie Bollenstreek")
    make.user("partner", politie, [lisse], email=PARTNER_EMAIL)
    make.user("coordinator", team, [lisse], email=NEW_USER_EMAIL, second_factor=False)
    for offset, (gemeente, case_type, status) in enumerate([
        (lisse, "woonoverlast", "aangemeld"), (lisse, "verward_gedrag", "onderzoek"),
        (lisse, "huiselijk_geweld", "afgesloten"), (hillegom, "jeugdoverlast", "monitoring"),
        (hillegom, "ondermijning", "plan_van_aanpak"),
    ]):
        year = report_years()[-1 - offset % 3]
        make.case(gemeente, type=case_type, status=status, opened_on=date(year, 3, 1 + offset))

    # Opened two weeks ago, so the case the partner test creates today stays first in the partner's list.
    opened = {"gemeente": lisse, "wijk": lisse.wijken[0], "coordinator": coordinator, "leefgebieden": [],
              "opened_on": date.today() - timedelta(days=14)}
    household = open_case(coordinator, type="huiselijk_geweld", address=HUISVERBOD_ADDRESS, risk_level="hoog",
                          description="Melding van de politie na een incident in de woning; twee kinderen.", **opened)
    make.session.flush()
    link_person(coordinator, household, make.person("Dennis", "Verhoef", date(1979, 2, 3)), "betrokkene")
    child_born = date(date.today().year - 9, 1, 15)  # a minor, whatever today is
    link_person(coordinator, household, make.person("Sem", "Verhoef", child_born), "minderjarige")
    assign_partner(coordinator, household, politie)
    fire(coordinator, household, "onderzoeken")
    make.session.commit()

    nuisance = open_case(coordinator, type="woonoverlast", address=GESPREK_ADDRESS, risk_level="midden",
                         description="Harde muziek in de nacht.", **opened)
    make.session.flush()
    neighbour = make.person("Ilse", "de Graaf", date(1990, 11, 20))
    link_person(coordinator, nuisance, neighbour, "betrokkene")
    start(coordinator, nuisance, "gesprek", owner_organisation=team, person=neighbour,
          due_on=date.today() + timedelta(days=10), description="Keukentafelgesprek over de overlast.")
    make.session.commit()


def reference_of(app, address):
    """The reference of the case at `address`."""
    with app.app_context():
        return db.session().scalar(select(Case).where(Case.address == address)).reference


@contextmanager
def app_with(add_test_data):
    """The app on a migrated SQLite file, filled by `add_test_data(make)`."""
    with tempfile.TemporaryDirectory(prefix="caseapp-browser-") as folder:
        url = f"sqlite:///{Path(folder) / 'browser.db'}"
        engine = make_engine(url)
        with engine.begin() as connection:
            upgrade(connection)
        engine.dispose()

        app = create_app("test", DATABASE_URL=url)
        with app.app_context():
            add_test_data(Factory(db.session()))
        try:
            yield app
        finally:
            app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def live_app():
    """The app on a migrated SQLite file with test data."""
    with app_with(_add_test_data) as app:
        yield app


@pytest.fixture(scope="module")
def live_server(live_app):
    """The app served on a free local port; yields its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


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


@pytest.fixture
def log_in(live_app):
    """Log a tab in: e-mail address and password, then, when the password is right, a code of the second factor."""

    def log_in(page, email, password):
        forget_last_code(live_app, email)
        page.goto("/inloggen")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_label("Wachtwoord").press("Enter")
        if password == PASSWORD:
            expect(page).to_have_url(re.compile(r"/inloggen/code$"))
            screenshot(page, "inloggen-code")
            page.get_by_label("Code uit uw authenticator-app").fill(totp_code())
            page.get_by_label("Code uit uw authenticator-app").press("Enter")
            expect(page).not_to_have_url(re.compile(r"/inloggen"))

    return log_in


def forget_last_code(app, email):
    """Test-only: a code is accepted once, and these tests log the same users in within one 30-second step."""
    with app.app_context():
        db.session().execute(update(User).where(User.email == email).values(totp_last_step=None))
        db.session().commit()


def test_analyst_logs_in_and_lands_on_the_indicators(page, log_in):
    page.goto("/inloggen")
    screenshot(page, "inloggen")
    log_in(page, ANALYST_EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/indicatoren/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicatoren")
    expect(page.get_by_role("table", name="Meldingen woonoverlast")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Meldingen woonoverlast"))).to_be_visible()
    screenshot(page, "indicatoren")

    page.get_by_label("Gemeente", exact=True).select_option(label="Hillegom")
    page.get_by_label("Indeling").select_option(label="Per maand")
    page.get_by_label("Van jaar").fill(str(date.today().year))
    page.get_by_role("button", name="Tonen").click()
    expect(page).to_have_url(re.compile(r"gemeente=\d+.*indeling=maand"))
    expect(page.get_by_text(re.compile(r"^Hillegom, per maand"))).to_be_visible()
    screenshot(page, "indicatoren-hillegom-per-maand")

    page.get_by_role("link", name="Casussen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht casussen")
    expect(page.get_by_role("table", name=re.compile("^Geopende casussen per type en jaar"))).to_be_visible()
    screenshot(page, "overzicht")


def test_a_new_user_links_an_app_by_typing_the_key_and_gets_the_recovery_codes(page):
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(NEW_USER_EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    expect(page).to_have_url(re.compile(r"/inloggen/koppelen$"))
    qr_code = page.get_by_role("img", name="QR-code om uw authenticator-app te koppelen")
    expect(qr_code).to_be_visible()
    assert qr_code.bounding_box()["width"] >= 200, "the stylesheet sizes the QR code for a phone camera"
    screenshot(page, "tweede-factor-koppelen")

    secret = page.locator(".totp-secret code").inner_text().replace(" ", "")  # typed over by hand
    page.get_by_label("Code uit de app").fill(totp_code(secret))
    page.get_by_label("Code uit de app").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    screenshot(page, "herstelcodes")
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    expect(page).to_have_url(re.compile(r"/casussen/$"))


def test_mijn_account_offers_a_recovery_code_behind_a_disclosure(page, log_in):
    log_in(page, ANALYST_EMAIL, PASSWORD)
    page.get_by_role("link", name="Mijn account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
    renewal = page.get_by_role("region", name="Nieuwe herstelcodes")
    expect(renewal.get_by_label("Herstelcode")).to_be_hidden()
    renewal.get_by_text("Geen toegang tot uw app? Gebruik een herstelcode").click()
    expect(renewal.get_by_label("Herstelcode")).to_be_visible()
    screenshot(page, "mijn-account")
    renewal.get_by_role("button", name="Nieuwe herstelcodes maken").click()
    expect(page.get_by_role("region", name="Nieuwe herstelcodes")).to_contain_text(
        "Vul de code uit uw authenticator-app in, of een herstelcode.")


def focused(page):
    """A short description of the element that has keyboard focus."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        const text = el.tagName === 'SELECT' ? '' : (el.textContent || '').trim();  // not every option
        return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ':' + text;
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


def test_wrong_password_shows_a_dutch_message_tied_to_the_field(page, log_in):
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


def test_coordinator_opens_a_case_adds_a_person_and_a_partner_who_then_adds_a_note(page, log_in, browser, live_server):
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
    expect(page.get_by_role("status").first).to_contain_text("Ricardo Pinas is toegevoegd")
    expect(page.get_by_role("status").nth(1)).to_contain_text("No-hit")
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


def find_case(page, address):
    """Find the case at `address` in the worklist and open it; returns its reference."""
    page.goto("/casussen/")
    page.get_by_label("Zoek op adres of naam").fill(address)
    page.get_by_role("button", name="Filteren").click()
    page.get_by_role("row", name=re.compile(re.escape(address))).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Casus ")
    return page.get_by_role("heading", level=1).inner_text().split()[1]


def step(page, label):
    """The folded form of step `label`: a <details> whose summary is the step's name."""
    return page.locator("details.step").filter(
        has=page.locator("summary", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")))


def open_step(page, label):
    """Click a step's summary to unfold its form; returns the <details>."""
    details = step(page, label)
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    return details


def test_coordinator_imposes_a_huisverbod_only_after_consulting_veilig_thuis(page, log_in):
    log_in(page, COORDINATOR_EMAIL, PASSWORD)
    reference = find_case(page, HUISVERBOD_ADDRESS)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Huiselijk geweld")
    page.get_by_role("link", name="Interventie starten").click()
    screenshot(page, "interventie-kiezen")
    page.get_by_role("link", name="Tijdelijk huisverbod", exact=True).click()
    page.get_by_label("Persoon").select_option(label="Dennis Verhoef")
    screenshot(page, "huisverbod-starten")
    page.get_by_role("button", name="Huisverbod voorbereiden").click()
    expect(page.get_by_role("status")).to_contain_text("‘Tijdelijk huisverbod’ is gestart.")
    expect(page.locator(".status-line")).to_contain_text("In voorbereiding")

    # There is a child in the household: imposing is refused, and says so at the form that was sent.
    imposing = open_step(page, "Huisverbod opleggen")
    imposing.get_by_role("button", name="Huisverbod opleggen").click()
    imposing = step(page, "Huisverbod opleggen")
    expect(imposing).to_have_attribute("open", "")
    refusal = imposing.get_by_role("alert")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("‘Huisverbod opleggen’ kon niet worden vastgelegd")
    expect(refusal).to_contain_text(VEILIG_THUIS_FIRST)
    expect(refusal).to_have_attribute("tabindex", "-1")  # focusable by script, not a Tab stop
    expect(step(page, "Veilig Thuis geraadpleegd")).not_to_have_attribute("open", "")
    expect(page.locator(".status-line")).to_contain_text("In voorbereiding")
    screenshot(page, "huisverbod-geweigerd")

    # A missing time is named in the error summary, whose link takes focus to the field.
    consulting = open_step(page, "Veilig Thuis geraadpleegd")
    consulting.get_by_label("Tijdstip raadpleging").fill("")
    consulting.get_by_role("button", name="Veilig Thuis geraadpleegd").click()
    consulting = step(page, "Veilig Thuis geraadpleegd")
    consulting.get_by_role("link", name="Tijdstip raadpleging: Vul ‘Tijdstip raadpleging’ in.").click()
    moment = consulting.get_by_label("Tijdstip raadpleging")
    expect(moment).to_be_focused()
    expect(moment).to_have_attribute("aria-invalid", "true")
    expect(moment).to_have_accessible_description("Vul ‘Tijdstip raadpleging’ in.")
    moment.fill(datetime.now(AMSTERDAM).strftime("%Y-%m-%dT%H:%M"))
    consulting.get_by_role("button", name="Veilig Thuis geraadpleegd").click()
    expect(page.get_by_role("status")).to_contain_text("‘Veilig Thuis geraadpleegd’ is vastgelegd.")

    open_step(page, "Huisverbod opleggen").get_by_role("button", name="Huisverbod opleggen").click()
    expect(page.get_by_role("status")).to_contain_text("De status is nu ‘Opgelegd’.")
    expect(page.locator(".status-line")).to_contain_text("Opgelegd")
    deadlines = page.get_by_role("region", name="Termijnen en taken")
    expect(deadlines.get_by_role("listitem").filter(has_text="Einde huisverbod")).to_contain_text(
        re.compile(r"nog (9|10) dagen"))
    expect(deadlines.get_by_role("listitem").filter(has_text="Contactadres opgeven (24 uur)")).to_contain_text(
        re.compile(r"nog 1 dag\b|vandaag"))
    place = page.get_by_role("region", name="Plaats in de procedure")
    expect(place.locator("[aria-current=step]")).to_have_count(1)
    expect(place.locator("[aria-current=step]")).to_contain_text("Opgelegd")
    history = page.get_by_role("region", name="Geschiedenis")
    expect(history.get_by_role("listitem")).to_have_count(3)
    expect(history.get_by_role("listitem").first).to_contain_text(
        "Huisverbod opleggen: van ‘In voorbereiding’ naar ‘Opgelegd’")
    expect(history).to_contain_text("Veilig Thuis geraadpleegd: status bleef ‘In voorbereiding’")
    expect(history).to_contain_text("Huisverbod voorbereiden: gestart in ‘In voorbereiding’")
    screenshot(page, "huisverbod-opgelegd")

    page.get_by_role("link", name=f"← Casus {reference}").click()
    row = page.get_by_role("region", name="Interventies").get_by_role("row").filter(has_text="Tijdelijk huisverbod")
    expect(row).to_contain_text("Dennis Verhoef")
    expect(row).to_contain_text("Opgelegd")
    expect(row).to_contain_text("Contactadres opgeven (24 uur)")
    screenshot(page, "casus-huisverbod")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Termijnen").click()
    due_soon = page.get_by_role("region", name=re.compile(r"^Binnen 7 dagen"))
    task = due_soon.get_by_role("row").filter(has_text=reference).filter(has_text="Contactadres opgeven (24 uur)")
    expect(task).to_contain_text("Tijdelijk huisverbod")
    expect(task).to_contain_text(re.compile("morgen|vandaag"))
    expect(due_soon.get_by_role("row").filter(has_text=reference).filter(has_text="Einde huisverbod")).to_have_count(0)
    screenshot(page, "termijnen")


def test_partner_sees_the_huisverbod_and_its_procedure_but_no_steps(page, log_in, live_app):
    """The politie on the case follows the huisverbod the coordinator imposed in the test above."""
    reference = reference_of(live_app, HUISVERBOD_ADDRESS)
    log_in(page, PARTNER_EMAIL, PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=re.compile("^Notificaties")).click()
    assigned = page.get_by_role("listitem").filter(has_text=f"Casus {reference} is aan uw organisatie toegewezen.")
    expect(assigned).to_contain_text("Nieuw")
    screenshot(page, "notificaties-partner")
    assigned.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Casus {reference}")
    huisverbod = page.get_by_role("region", name="Interventies").get_by_role("link", name="Tijdelijk huisverbod")
    expect(huisverbod, "the coordinator test above imposes it: run the whole file").to_be_visible()
    huisverbod.click()
    expect(page.locator(".status-line")).to_contain_text("Opgelegd")
    deadlines = page.get_by_role("region", name="Termijnen en taken")
    expect(deadlines).to_contain_text("Einde huisverbod")
    expect(deadlines).to_contain_text("Contactadres opgeven (24 uur)")
    expect(page.get_by_role("region", name="Volgende stap")).to_contain_text("U kunt deze interventie inzien.")
    # No step forms; the only form is the documents section's upload (partners may add documents to their cases).
    expect(page.locator("form[action*='/interventies/']")).to_have_count(0)
    expect(page.get_by_role("region", name="Volgende stap").get_by_role("button")).to_have_count(0)
    screenshot(page, "huisverbod-partner")

    page.get_by_role("link", name="Procedure bekijken").click()
    expect(page).to_have_url(re.compile(r"/procedures/huisverbod$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Procedure: Tijdelijk huisverbod")
    expect(page.get_by_role("region", name="Statussen").get_by_role("listitem")).to_have_text(
        ["In voorbereiding", "Opgelegd", "Verlengd", "Afgerond (eindstatus)", "Niet opgelegd (eindstatus)"])
    extending = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Huisverbod verlengen"))
    expect(extending).to_contain_text("tot ten hoogste 28 dagen na het opleggen")
    screenshot(page, "procedure-huisverbod")


def focus_is_visible(page):
    """Whether the focused element matches :focus-visible and is drawn with an outline or ring."""
    return page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return el.matches(':focus-visible') && (style.outlineStyle !== 'none' || style.boxShadow !== 'none');
    }""")


def test_keyboard_opens_a_step_and_moves_on_into_its_fields(page, log_in):
    log_in(page, COORDINATOR_EMAIL, PASSWORD)
    find_case(page, GESPREK_ADDRESS)
    page.get_by_role("region", name="Interventies").get_by_role("link", name="Gesprek").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gesprek")

    # From the top, Tab passes the header and the links on the page until it reaches the first folded step.
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1].startswith("summary"):
            break
    assert stops[-1] == "summary:Uitkomst vastleggen", stops
    assert focus_is_visible(page), "the focused summary must show a focus ring"
    outcome = step(page, "Uitkomst vastleggen")
    expect(outcome).not_to_have_attribute("open", "")

    page.keyboard.press("Enter")
    expect(outcome).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(outcome.get_by_label("Uitkomst", exact=True)).to_be_focused()
    assert focus_is_visible(page), "the focused field must show a focus ring"
    screenshot(page, "gesprek-stap-toetsenbord")

    # No trap: Tab goes on through the form's fields and button to the next step.
    order = [focused(page)]
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(focused(page))
        if order[-1].startswith("summary"):
            break
    assert order == ["select#afronden-outcome:", "textarea#afronden-outcome_note:", "textarea#afronden-reason:",
                     "button:Uitkomst vastleggen", "summary:Laten vervallen"], order
    page.keyboard.press("Shift+Tab")
    expect(outcome.get_by_role("button", name="Uitkomst vastleggen")).to_be_focused()
