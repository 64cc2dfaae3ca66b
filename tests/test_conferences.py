"""Case conferences: scheduling, the agenda, the record per agenda case, what partners see of it, and the
vaststelling after which it is read-only."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from caseapp.audit.operations import today, utcnow
from caseapp.models import AuditEntry, CasePartner, Conference, ConferenceItem, PlanAction, User
from tests import factories

HIDDEN_ADDRESS, HIDDEN_DECISION = "Verborgen Laan 7, Lisse", "Besloten: gebiedsverbod voorbereiden."


@pytest.fixture
def region(make):
    lisse, teylingen = make.gemeente("Lisse"), make.gemeente("Teylingen")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    politie, ggz = make.organisation("politie", "Politie Bollenstreek"), make.organisation("ggz", "GGZ Rivierduinen")
    coordinator = make.user("coordinator", team, [lisse])
    return {
        "lisse": lisse, "teylingen": teylingen, "team": team, "politie": politie, "ggz": ggz,
        "coordinator": coordinator, "both": make.user("coordinator", team, [lisse, teylingen]),
        "outsider": make.user("coordinator", team, [teylingen]),
        "agent": make.user("partner", politie, [lisse]), "nurse": make.user("partner", ggz, [lisse]),
        "politie_case": make.case(lisse, partners=[politie], address="Kanaalstraat 3, Lisse", coordinator=coordinator),
        "ggz_case": make.case(lisse, partners=[ggz], address=HIDDEN_ADDRESS, coordinator=coordinator),
    }


def audit(session, **where):
    return session.scalars(select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)).all()


def conference_form(region, **overrides):
    return {"kind": "casusoverleg", "gemeente_ids": [region["lisse"].id],
            "start_date": (today() + timedelta(days=7)).isoformat(), "start_time": "09:30",
            "location": "Gemeentehuis Lisse", "chair_id": region["coordinator"].id,
            "organisation_ids": [region["team"].id, region["politie"].id], **overrides}


@pytest.fixture
def held(make, region):
    """A conference held yesterday for Lisse, the politie and the GGZ invited, with both cases on its agenda."""
    conference = make.conference([region["lisse"]], region["coordinator"],
                                 [region["team"], region["politie"], region["ggz"]],
                                 starts_at=utcnow() - timedelta(days=1))
    visible = make.conference_item(conference, region["politie_case"])
    hidden = make.conference_item(conference, region["ggz_case"], decisions=HIDDEN_DECISION, present=[region["ggz"]])
    return conference, visible, hidden


# -- scheduling ---------------------------------------------------------------------------------------------------

def test_coordinator_schedules_a_conference(region, login, session):
    client = login(region["coordinator"])
    form = client.get("/overleggen/nieuw").text
    assert f'<option selected value="{region["coordinator"].id}">' in form  # the chair defaults to oneself
    response = client.post("/overleggen/nieuw", data=conference_form(region))
    assert response.status_code == 302
    conference = session.scalar(select(Conference))
    assert (conference.kind, conference.status) == ("casusoverleg", "gepland")
    assert conference.location == "Gemeentehuis Lisse"
    assert [g.name for g in conference.gemeenten] == ["Lisse"]
    assert {o.id for o in conference.organisations} == {region["team"].id, region["politie"].id}
    assert conference.starts_at.strftime("%H:%M") in ("08:30", "07:30")  # 09:30 Dutch time, stored as UTC
    assert [e.action for e in audit(session, record_type="conference")] == ["create"]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"kind": ""}, "kind", "Kies de soort overleg."),
    ({"gemeente_ids": []}, "gemeente_ids", "Kies voor welke gemeente het overleg is."),
    ({"gemeente_ids": ["teylingen"]}, "gemeente_ids", "is een ongeldige keuze"),
    ({"start_date": ""}, "start_date", "Vul een geldige datum in."),
    ({"start_date": "2026-02-30"}, "start_date", "Vul een geldige datum in."),
    ({"start_date": "long ago"}, "start_date", "De datum ligt meer dan een jaar terug."),
    ({"start_date": "far ahead"}, "start_date", "Kies een datum binnen twee jaar."),
    ({"start_time": "25:00"}, "start_time", "Vul een geldige tijd in, bijvoorbeeld 09:30."),
    ({"location": " "}, "location", "Vul de locatie in."),
    ({"chair_id": ""}, "chair_id", "Kies de voorzitter."),
    ({"chair_id": "agent"}, "chair_id", "Kies als voorzitter een coördinator van een van de gekozen gemeenten."),
    ({"chair_id": "outsider"}, "chair_id", "Kies als voorzitter een coördinator van een van de gekozen gemeenten."),
    ({"organisation_ids": []}, "organisation_ids", "Nodig ten minste één organisatie uit."),
])
def test_invalid_conference_is_refused_in_dutch_and_nothing_saved(region, login, session, overrides, field, message):
    values = {"teylingen": region["teylingen"].id, "agent": region["agent"].id, "outsider": region["outsider"].id,
              "long ago": (today() - timedelta(days=400)).isoformat(),
              "far ahead": (today() + timedelta(days=800)).isoformat()}
    data = conference_form(region, **{k: [values.get(x, x) for x in v] if isinstance(v, list) else values.get(v, v)
                                      for k, v in overrides.items()})
    response = login(region["coordinator"]).post("/overleggen/nieuw", data=data)
    assert response.status_code == 200
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    if field != "location":
        assert 'value="Gemeentehuis Lisse"' in response.text  # what was typed is kept
    assert session.scalar(select(func.count()).select_from(Conference)) == 0


def test_a_stale_edit_of_a_conference_is_refused(app, region, make, login, session):
    conference = make.conference([region["lisse"]], region["coordinator"], [region["team"]],
                                 starts_at=utcnow() + timedelta(days=3))
    first = login(region["coordinator"])
    other = _login_as(session, region["both"], app.test_client())
    assert 'name="expected_version" type="hidden" value="1"' in first.get(f"/overleggen/{conference.id}/bewerken").text
    assert other.post(f"/overleggen/{conference.id}/bewerken", data=conference_form(
        region, location="Raadzaal", expected_version="1")).status_code == 302
    stale = first.post(f"/overleggen/{conference.id}/bewerken", data=conference_form(
        region, location="Kantine", expected_version="1"))
    assert stale.status_code == 409
    assert "intussen gewijzigd" in stale.text and 'value="Kantine"' in stale.text
    assert "Raadzaal" in stale.text
    session.refresh(conference)
    assert conference.location == "Raadzaal"


def _login_as(session, user, client):
    """Log a second test client in (the `login` fixture drives the first)."""
    session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    session.commit()
    client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
    assert client.post("/inloggen/code", data={"code": factories.totp_code()}).status_code == 302
    return client


def test_list_shows_upcoming_first_and_pages_the_past(region, make, login):
    for days in range(1, 13):
        make.conference([region["lisse"]], region["coordinator"], [region["team"]], location=f"Zaal {days:02d}",
                        starts_at=utcnow() - timedelta(days=days))
    make.conference([region["lisse"]], region["coordinator"], [region["team"]], location="Zaal later",
                    starts_at=utcnow() + timedelta(days=30))
    make.conference([region["lisse"]], region["coordinator"], [region["team"]], location="Zaal straks",
                    starts_at=utcnow() + timedelta(days=2))
    make.conference([region["teylingen"]], region["outsider"], [region["team"]], location="Zaal Teylingen",
                    starts_at=utcnow() + timedelta(days=2))
    client = login(region["coordinator"])
    page = client.get("/overleggen/").text
    assert page.index("Zaal straks") < page.index("Zaal later") < page.index("Zaal 02") < page.index("Zaal 03")
    assert "Zaal Teylingen" not in page  # not held for the coordinator's gemeente
    assert "Pagina 1 van 2" in page and "Zaal 12" not in page
    assert "Zaal 12" in client.get("/overleggen/?page=2").text


# -- the agenda --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("reference", "message"), [
    ("", "Vul het casusnummer in."),
    ("onzin", "Geen casus met dit nummer gevonden"),
    ("1999-{id}", "Geen casus met dit nummer gevonden"),  # the right number, the wrong year
    ("{teylingen}", "Geen casus met dit nummer gevonden"),  # a case the coordinator may not see
    ("{closed}", "Een afgesloten casus kan niet op de agenda."),
    ("{on_agenda}", "staat al op de agenda."),
])
def test_putting_a_case_on_the_agenda_is_checked(region, make, login, session, reference, message):
    conference = make.conference([region["lisse"]], region["coordinator"], [region["team"]],
                                 starts_at=utcnow() + timedelta(days=1))
    make.conference_item(conference, region["politie_case"])
    closed = make.case(region["lisse"], status="afgesloten")
    values = {"id": region["ggz_case"].id, "teylingen": make.case(region["teylingen"]).reference,
              "closed": closed.reference, "on_agenda": region["politie_case"].reference}
    response = login(region["coordinator"]).post(f"/overleggen/{conference.id}/agenda",
                                                 data={"reference": reference.format(**values)})
    assert response.status_code == 200
    assert message in response.text
    assert session.scalar(select(func.count()).select_from(ConferenceItem)) == 1


def test_coordinator_puts_a_case_on_the_agenda_and_takes_it_off_again(region, make, login, session):
    conference = make.conference([region["lisse"]], region["coordinator"], [region["team"]],
                                 starts_at=utcnow() + timedelta(days=1))
    case = region["politie_case"]
    client = login(region["coordinator"])
    assert client.post(f"/overleggen/{conference.id}/agenda", data={"reference": case.reference}).status_code == 302
    item = session.scalar(select(ConferenceItem))
    assert (item.case_id, item.position) == (case.id, 1)
    assert "Kanaalstraat 3, Lisse" in client.get(f"/overleggen/{conference.id}").text
    assert client.post(f"/overleggen/{conference.id}/agenda/{item.id}/verwijderen").status_code == 302
    assert session.scalar(select(func.count()).select_from(ConferenceItem)) == 0
    assert [e.action for e in audit(session, record_type="conference_item")] == ["create", "delete"]


def test_a_coordinator_of_only_some_of_its_gemeenten_cannot_run_it(region, make, login):
    conference = make.conference([region["lisse"], region["teylingen"]], region["both"], [region["team"]],
                                 starts_at=utcnow() + timedelta(days=1))
    client = login(region["coordinator"])  # Lisse only
    assert client.get(f"/overleggen/{conference.id}").status_code == 200
    assert client.get(f"/overleggen/{conference.id}/bewerken").status_code == 403
    assert client.post(f"/overleggen/{conference.id}/agenda", data={"reference": "x"}).status_code == 403


# -- the record --------------------------------------------------------------------------------------------------

def test_coordinator_records_presence_decisions_and_a_new_action(region, make, login, session, held):
    conference, visible, _hidden = held
    client = login(region["coordinator"])
    url = f"/overleggen/{conference.id}/agenda/{visible.id}"
    page = client.get(url).text
    assert "Aanwezige organisaties" in page and 'name="actie-description"' in page
    refused = client.post(f"{url}/verslag", data={"decisions": "", "expected_version": "1"})
    assert "Leg de besluiten vast." in refused.text and "Vink aan welke organisaties aanwezig waren." in refused.text
    outsider_org = make.organisation("woningcorporatie")
    refused = client.post(f"{url}/verslag", data={"decisions": "Iets.", "organisation_ids": [outsider_org.id],
                                                   "expected_version": "1"})
    assert "is een ongeldige keuze" in refused.text  # only invited organisations
    response = client.post(f"{url}/verslag", data={
        "decisions": "Politie bezoekt betrokkene.", "organisation_ids": [region["team"].id, region["politie"].id],
        "user_ids": [region["agent"].id], "expected_version": "1"})
    assert response.status_code == 302
    session.refresh(visible)
    assert visible.decisions == "Politie bezoekt betrokkene." and visible.recorded_by_id == region["coordinator"].id
    assert {o.id for o in visible.present_organisations} == {region["team"].id, region["politie"].id}
    assert [u.id for u in visible.present_users] == [region["agent"].id]

    response = client.post(f"{url}/acties", data={
        "actie-description": "Huisbezoek met de wijkagent.", "actie-owner_id": f"organisation:{region['politie'].id}",
        "actie-due_on": (today() + timedelta(days=5)).isoformat()})
    assert response.status_code == 302
    action = session.scalar(select(PlanAction))
    assert (action.case_id, action.conference_item_id, action.owner_organisation_id) == (
        region["politie_case"].id, visible.id, region["politie"].id)
    assert "Afgesproken in overleg: Casusoverleg" in client.get(f"/casussen/{region['politie_case'].id}").text
    refused = client.post(f"{url}/acties", data={"actie-description": "Iets.", "actie-owner_id":
                                                 f"organisation:{region['ggz'].id}", "actie-due_on": ""})
    assert "Kies als eigenaar een coördinator van de gemeente" in refused.text  # the GGZ is not on this case
    assert "Vul een geldige datum in." in refused.text


# -- what partners see --------------------------------------------------------------------------------------------

def test_invited_partner_sees_only_the_agenda_items_of_their_own_cases(region, login, held):
    conference, visible, hidden = held
    client = login(region["agent"])
    page = client.get(f"/overleggen/{conference.id}").text
    assert "Casusoverleg" in page and "Gemeentehuis Lisse, kamer 2.14" in page
    assert region["coordinator"].name in page and "GGZ Rivierduinen" in page  # chair and invitees
    assert region["politie_case"].reference in page and "Kanaalstraat 3, Lisse" in page
    # The GGZ's case is not shown at all: not its reference, address, record, nor its number on the agenda.
    assert region["ggz_case"].reference not in page and HIDDEN_ADDRESS not in page and HIDDEN_DECISION not in page
    assert page.count('<li>\n          <h3>') == 1
    listing = client.get("/overleggen/").text
    assert "1 casus" in listing and "2 casussen" not in listing
    assert client.get(f"/overleggen/{conference.id}/agenda/{visible.id}").status_code == 200
    assert client.get(f"/overleggen/{conference.id}/agenda/{hidden.id}").status_code == 404
    # Nor does the case page of their own case give the other away.
    assert HIDDEN_DECISION not in client.get(f"/casussen/{region['politie_case'].id}").text


def test_the_ggz_sees_its_own_item_with_its_decisions(region, login, held):
    conference, _visible, hidden = held
    page = login(region["nurse"]).get(f"/overleggen/{conference.id}/agenda/{hidden.id}").text
    assert HIDDEN_DECISION in page and "Kanaalstraat 3" not in page


def test_partner_of_an_organisation_not_invited_gets_404(region, make, login, session, held):
    conference, visible, _hidden = held
    other = make.organisation("woningcorporatie", "Stek Wonen")
    region["politie_case"].partners.append(CasePartner(organisation=other, assigned_at=utcnow()))
    session.commit()
    client = login(make.user("partner", other, [region["lisse"]]))
    assert client.get(f"/overleggen/{conference.id}").status_code == 404
    assert client.get(f"/overleggen/{conference.id}/agenda/{visible.id}").status_code == 404
    assert "Gemeentehuis Lisse, kamer 2.14" not in client.get("/overleggen/").text
    denied = audit(session, record_type="conference", outcome="denied")
    assert [e.record_id for e in denied] == [conference.id, conference.id]  # the conference page, the item page


def test_coordinators_of_other_gemeenten_get_404(region, login, held):
    conference, visible, _hidden = held
    client = login(region["outsider"])
    assert client.get(f"/overleggen/{conference.id}").status_code == 404
    assert client.post(f"/overleggen/{conference.id}/vaststellen").status_code == 404


# -- vaststellen ---------------------------------------------------------------------------------------------------

def test_vaststellen_needs_a_held_meeting_and_a_record_of_every_item(region, make, login, session, held):
    conference, visible, _hidden = held
    client = login(region["coordinator"])
    refused = client.post(f"/overleggen/{conference.id}/vaststellen", data={"expected_version": "1"})
    assert "nog niet bij casus " + region["politie_case"].reference in refused.text
    upcoming = make.conference([region["lisse"]], region["coordinator"], [region["team"]],
                               starts_at=utcnow() + timedelta(days=1))
    make.conference_item(upcoming, region["politie_case"], decisions="Vooraf besproken.", present=[region["team"]])
    assert "pas worden vastgesteld als het heeft plaatsgevonden" in client.post(
        f"/overleggen/{upcoming.id}/vaststellen", data={"expected_version": "1"}).text
    session.refresh(conference), session.refresh(upcoming)
    assert conference.status == upcoming.status == "gepland"


def test_after_vaststellen_the_record_is_read_only(region, make, login, session, held):
    conference, visible, hidden = held
    visible.decisions, visible.recorded_at = "Afspraken gemaakt.", utcnow()
    visible.present_organisations = [region["politie"]]
    session.commit()
    client = login(region["coordinator"])
    response = client.post(f"/overleggen/{conference.id}/vaststellen",
                           data={"expected_version": str(conference.version)})
    assert response.status_code == 302
    session.refresh(conference)
    assert conference.status == "vastgesteld" and conference.established_by_id == region["coordinator"].id
    assert audit(session, record_type="conference", action="update")[-1].detail == "status=vastgesteld"

    page = client.get(f"/overleggen/{conference.id}").text
    assert "Vastgesteld op" in page and "Overleg bewerken" not in page and "Op de agenda zetten" not in page
    assert 'name="actie-description"' not in client.get(f"/overleggen/{conference.id}/agenda/{visible.id}").text
    before = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "denied"))
    attempts = [
        (f"/overleggen/{conference.id}/bewerken", conference_form(region, location="Elders", expected_version="2")),
        (f"/overleggen/{conference.id}/agenda", {"reference": make.case(region["lisse"]).reference}),
        (f"/overleggen/{conference.id}/agenda/{visible.id}/verslag",
         {"decisions": "Achteraf gewijzigd.", "organisation_ids": [region["team"].id], "expected_version": "1"}),
        (f"/overleggen/{conference.id}/agenda/{visible.id}/acties",
         {"actie-description": "Te laat.", "actie-owner_id": f"organisation:{region['team'].id}",
          "actie-due_on": (today() + timedelta(days=3)).isoformat()}),
        (f"/overleggen/{conference.id}/agenda/{visible.id}/verwijderen", {}),
        (f"/overleggen/{conference.id}/vaststellen", {"expected_version": "2"}),
    ]
    for url, data in attempts:
        response = client.post(url, data=data)
        assert response.status_code == 302, url
        assert "Dit overleg is vastgesteld" in client.get(response.location).text, url
    session.refresh(conference), session.refresh(visible)
    assert (conference.location, visible.decisions) == ("Gemeentehuis Lisse, kamer 2.14", "Afspraken gemaakt.")
    assert session.scalar(select(func.count()).select_from(ConferenceItem)) == 2
    assert session.scalar(select(func.count()).select_from(PlanAction)) == 0
    after = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "denied"))
    assert after - before == len(attempts)  # every refused attempt is audited
