"""Issue 4's flow in a real browser: a coordinator opens a case from a melding in the inbox, sets a goal, gives a
partner an action and puts the case on a conference agenda; the partner finds the action in their worklist and
reports it done, and sees of the conference only their own case.

Runs once, on a SQLite file served by a live werkzeug server, with CSRF on as in production.
Set SCREENSHOT_DIR to keep screenshots of the pages at 1366x768.
"""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from caseapp import db
from caseapp.audit.operations import utcnow
from caseapp.cases.operations import assign_partner, open_case
from caseapp.conferences import operations as conferences
from caseapp.models import Case
from tests import test_browser
from tests.factories import PASSWORD
from tests.test_browser import CHROMIUM, expect, screenshot

# The first browser tests' fixtures: a Chromium, the live server of this module's live_app, a fresh tab, and the
# login with password and second factor.
browser, live_server, page, log_in = test_browser.browser, test_browser.live_server, test_browser.page, \
    test_browser.log_in

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")

COORDINATOR_EMAIL = "coordinator@example.nl"
PARTNER_EMAIL = "politie@example.nl"
POLITIE_CASE = "Kerkstraat 8, Lisse"  # the politie is assigned; the coordinator gives it an action
GGZ_CASE = "Grachtweg 21, Lisse"  # only the GGZ is assigned: the politie must not see it on the agenda
ACTION = "Wijkagent legt samen met de woningcorporatie een huisbezoek af."


def _add_test_data(make):
    lisse = make.gemeente("Lisse")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    coordinator = make.user("coordinator", team, [lisse], email=COORDINATOR_EMAIL)
    politie, ggz = make.organisation("politie", "Politie Bollenstreek"), make.organisation("ggz", "GGZ Rivierduinen")
    make.user("partner", politie, [lisse], email=PARTNER_EMAIL)
    opened = {"gemeente": lisse, "wijk": lisse.wijken[0], "coordinator": coordinator,
              "opened_on": date.today() - timedelta(days=20)}
    # The politie case starts as a melding in the inbox; the coordinator opens it in the first test.
    make.melding(lisse, coordinator, address=POLITIE_CASE, received_on=date.today() - timedelta(days=2),
                 description="Aanhoudende overlast en huurachterstand; betrokkene mijdt hulp.",
                 persons=[(make.person("Ruud", "Kramer"), "betrokkene")])
    ggz_case = open_case(coordinator, type="verward_gedrag", address=GGZ_CASE, risk_level="hoog",
                         description="Verward gedrag op straat; zorgmijdend.", leefgebieden=["verslaving"], **opened)
    make.session.flush()
    assign_partner(coordinator, ggz_case, ggz)
    tafel = conferences.schedule(coordinator, kind="zorg_veiligheidstafel", starts_at=utcnow() - timedelta(hours=1),
                                 location="Gemeentehuis Lisse, kamer 2.14", chair=coordinator, gemeenten=[lisse],
                                 organisations=[team, politie, ggz])
    conferences.add_to_agenda(coordinator, tafel, ggz_case)
    make.session.commit()


@pytest.fixture(scope="module")
def live_app():
    """The app on a migrated SQLite file with test data (the fixtures of tests/test_browser.py serve it)."""
    with test_browser.app_with(_add_test_data) as app:
        yield app


def case_url(app, address):
    with app.app_context():
        return f"/casussen/{db.session().scalar(select(Case.id).where(Case.address == address))}"


def test_coordinator_opens_a_case_from_a_melding_in_the_inbox_and_sets_a_goal(page, log_in):
    log_in(page, COORDINATOR_EMAIL, PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=re.compile("^Meldingen")).click()
    page.get_by_role("row").filter(has_text=POLITIE_CASE).get_by_role("link").first.click()
    page.get_by_role("link", name="Casus openen vanuit deze melding").click()
    expect(page.get_by_label("Adres")).to_have_value(POLITIE_CASE)
    page.get_by_label("Schulden").check()
    screenshot(page, "melding-casus-openen")
    page.get_by_role("button", name="Casus openen").click()
    expect(page.get_by_role("region", name="Personen")).to_contain_text("Ruud Kramer")
    page.get_by_label("Partnerorganisatie").select_option(label="Politie Bollenstreek (Politie)")
    page.get_by_role("button", name="Partner koppelen").click()
    expect(page.get_by_role("region", name="Partners")).to_contain_text("Politie Bollenstreek")
    page.get_by_role("region", name="Plan van aanpak").get_by_role("link", name="Doel toevoegen").click()
    page.get_by_label("Leefgebied").select_option(label="Schulden")
    page.get_by_label("Doel", exact=True).fill("Huurachterstand ingelopen; vaste lasten worden betaald.")
    page.get_by_role("button", name="Doel toevoegen").click()
    expect(page.get_by_role("region", name="Plan van aanpak")).to_contain_text("Huurachterstand ingelopen")


def test_coordinator_gives_the_politie_an_action_and_puts_the_case_on_the_tafel(page, log_in, live_app):
    log_in(page, COORDINATOR_EMAIL, PASSWORD)
    page.goto(case_url(live_app, POLITIE_CASE))
    plan = page.get_by_role("region", name="Plan van aanpak")
    expect(plan).to_contain_text("Huurachterstand ingelopen")
    plan.get_by_role("link", name=re.compile("^Actie bij dit doel")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Actie toevoegen")
    page.get_by_label("Actie", exact=True).fill(ACTION)
    page.get_by_label("Eigenaar").select_option(label="Politie Bollenstreek (Politie)")
    page.get_by_label("Uiterlijk klaar op").fill((date.today() + timedelta(days=5)).isoformat())
    screenshot(page, "plan-actie-nieuw")
    page.get_by_role("button", name="Actie toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("De actie is toegevoegd aan het plan van aanpak.")
    row = page.get_by_role("region", name="Plan van aanpak").get_by_role("row").filter(has_text=ACTION)
    expect(row).to_contain_text("Politie Bollenstreek")
    expect(row).to_contain_text("nog 5 dagen")

    conferences_panel = page.get_by_role("region", name="Overleggen")
    conferences_panel.get_by_label("Overleg").select_option(index=1)
    conferences_panel.get_by_role("button", name="Op de agenda zetten").click()
    expect(page.get_by_role("status")).to_contain_text("staat op de agenda van het overleg (Zorg- en veiligheidstafel)")
    agenda = page.get_by_role("region", name="Agenda")
    expect(agenda.locator("ol.agenda > li")).to_have_count(2)
    agenda.get_by_role("listitem").filter(has_text=POLITIE_CASE).get_by_role(
        "link", name=re.compile(r"^Verslag en acties vastleggen")).click()
    page.get_by_label("Team Zorg en Veiligheid", exact=True).check()
    page.get_by_label("Politie Bollenstreek", exact=True).check()
    page.get_by_label("Besluiten en afspraken").fill("Politie en woningcorporatie gaan samen langs.")
    page.get_by_role("button", name="Verslag opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Het verslag bij casus")
    screenshot(page, "overleg-agendapunt")
    page.get_by_role("link", name=re.compile("^← Zorg- en veiligheidstafel")).click()
    screenshot(page, "overleg-coordinator")
    page.goto(case_url(live_app, POLITIE_CASE))
    screenshot(page, "plan-casus")


def test_partner_finds_the_action_in_their_worklist_and_reports_it_done(page, log_in):
    """The politie user handles the action the coordinator gave them in the test above."""
    log_in(page, PARTNER_EMAIL, PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Acties").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acties")
    action = page.get_by_role("link", name=ACTION)
    expect(action, "the coordinator test above creates it: run the whole file").to_be_visible()
    screenshot(page, "acties-partner")
    action.click()
    page.get_by_label("Terugkoppeling").fill("Huisbezoek afgelegd; betrokkene wil een betalingsregeling.")
    page.get_by_role("button", name="Gereed melden").click()
    expect(page.get_by_role("status")).to_contain_text("De actie is gereed gemeld.")
    expect(page.locator(".status-line")).to_contain_text("Gereed")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Acties").click()
    expect(page.get_by_role("link", name=ACTION)).to_have_count(0)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overleggen").click()
    page.get_by_role("link", name=re.compile(r"^\d\d-\d\d-\d{4} \d\d:\d\d$")).first.click()
    agenda = page.get_by_role("region", name="Agenda")
    expect(agenda.locator("ol.agenda > li")).to_have_count(1)
    expect(agenda).to_contain_text(POLITIE_CASE)
    expect(page.get_by_role("main")).not_to_contain_text(GGZ_CASE)
    expect(page.get_by_role("region", name="Gegevens")).to_contain_text("GGZ Rivierduinen")  # invited, not shown
    screenshot(page, "overleg-partner")
