"""Meldingen and signalen: registration by each kind of user, the inbox, triage, and structural attention."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from caseapp import db
from caseapp.audit.operations import today
from caseapp.meldingen import operations
from caseapp.models import AuditEntry, Case, CasePerson, Gemeente, Melding, MeldingPerson, StatusChange


@pytest.fixture
def region(make):
    lisse = make.gemeente("Lisse", wijken=("Centrum", "De Engel"))
    hillegom = make.gemeente("Hillegom", wijken=("Elsbroek",))
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    politie = make.organisation("politie", "Politie Bollenstreek")
    ggz = make.organisation("ggz", "GGZ Rivierduinen")
    return {
        "lisse": lisse,
        "hillegom": hillegom,
        "team": team,
        "politie": politie,
        "coordinator": make.user("coordinator", team, [lisse]),
        "partner": make.user("partner", politie, [lisse]),
        "ggz_partner": make.user("partner", ggz, [lisse, hillegom]),
        "analyst": make.user("analyst", team, [lisse]),
    }


def audit(session, **where):
    return session.scalars(select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)).all()


def melding_count(session):
    return session.scalar(select(func.count()).select_from(Melding))


def melding_form(region, **overrides):
    data = {
        "gemeente_id": region["lisse"].id,
        "wijk_id": region["lisse"].wijken[0].id,
        "kind": "melding",
        "source": "inwoner",
        "category": "woonoverlast",
        "received_on": today().isoformat(),
        "address": "Kanaalstraat 12, Lisse",
        "description": "Bewoner van nummer 14 meldt al weken harde muziek na middernacht.",
    }
    return {**data, **overrides}


# -- registration ----------------------------------------------------------------------------------------------

def test_coordinator_registers_a_melding(region, login, session):
    response = login(region["coordinator"]).post("/meldingen/nieuw", data=melding_form(region))
    assert response.status_code == 302
    melding = session.scalar(select(Melding))
    assert response.location.endswith(f"/meldingen/{melding.id}")
    assert (melding.gemeente_id, melding.wijk_id, melding.kind, melding.source, melding.category) == (
        region["lisse"].id, region["lisse"].wijken[0].id, "melding", "inwoner", "woonoverlast")
    assert (melding.received_on, melding.address, melding.triage_status) == (today(), "Kanaalstraat 12, Lisse",
                                                                            "nieuw")
    assert melding.registered_by_id == region["coordinator"].id and melding.registered_at is not None
    assert [(e.action, e.record_type) for e in audit(session, record_id=melding.id, record_type="melding")] == [
        ("create", "melding")]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"gemeente_id": ""}, "Kies de gemeente."),
    ({"gemeente_id": "hillegom"}, "Kies een gemeente waarvoor u werkt."),
    ({"wijk_id": "elsbroek"}, "Deze wijk hoort niet bij de gekozen gemeente."),
    ({"kind": "gerucht"}, "Ongeldige keuze."),
    ({"source": ""}, "Kies wie het meldde."),
    ({"source": "buurman"}, "Ongeldige keuze."),
    ({"category": ""}, "Kies de soort melding."),
    ({"category": "vuurwerk"}, "Ongeldige keuze."),
    ({"received_on": ""}, "Vul de datum van de melding in."),
    ({"received_on": "31-02-2026"}, "Vul de datum van de melding in."),
    ({"received_on": "tomorrow"}, "De datum van de melding ligt in de toekomst."),
    ({"address": "  "}, "Vul het adres of de plek in."),
    ({"address": "x" * 201}, "Gebruik ten hoogste 200 tekens."),
    ({"description": ""}, "Beschrijf wat er is gemeld."),
    ({"description": "x" * 10001}, "Gebruik ten hoogste 10.000 tekens."),
])
def test_invalid_melding_is_refused_with_a_message_and_nothing_saved(region, login, session, overrides, message):
    values = {"hillegom": region["hillegom"].id, "elsbroek": region["hillegom"].wijken[0].id,
              "tomorrow": (today() + timedelta(days=1)).isoformat()}
    overrides = {name: values.get(value, value) for name, value in overrides.items()}
    response = login(region["coordinator"]).post("/meldingen/nieuw", data=melding_form(region, **overrides))
    assert response.status_code == 200
    assert message in response.text and 'class="error"' in response.text
    kept = "Bewoner van nummer 14" if "description" not in overrides else "Kanaalstraat 12, Lisse"
    assert kept in response.text  # what was typed is kept
    assert melding_count(session) == 0


def test_partner_submits_to_their_gemeenten_and_gets_a_confirmation(region, login, session):
    client = login(region["partner"])
    form = melding_form(region, kind="signaal", source="inwoner")  # a partner chooses neither
    response = client.post("/meldingen/nieuw", data=form)
    assert response.status_code == 302 and response.location.endswith("/meldingen/verzonden")
    melding = session.scalar(select(Melding))
    assert (melding.source, melding.source_organisation_id, melding.kind) == ("politie", region["politie"].id,
                                                                              "melding")
    confirmation = client.get(response.location).text
    assert melding.reference in confirmation and "Uw melding is verzonden" in confirmation
    assert "Bewoner van nummer 14" not in confirmation  # a confirmation, not the melding

    client.post("/meldingen/nieuw", data=melding_form(region, category="ondermijning"))
    assert session.scalars(select(Melding.kind).order_by(Melding.id)).all() == ["melding", "signaal"]

    refused = client.post("/meldingen/nieuw", data=melding_form(region, gemeente_id=region["hillegom"].id))
    assert "Kies een gemeente waarvoor u werkt." in refused.text
    assert melding_count(session) == 2


def test_partner_sees_only_what_they_submitted_and_not_what_became_of_it(region, make, login, session):
    own = make.melding(region["lisse"], region["partner"], source="politie", source_organisation=region["politie"],
                       address="Achterweg 3, Lisse")
    others = make.melding(region["lisse"], region["ggz_partner"], source="ggz", address="Schoolstraat 8, Lisse")
    client = login(region["partner"])
    listing = client.get("/meldingen/").text
    assert "Achterweg 3" in listing and "Schoolstraat 8" not in listing
    assert client.get(f"/meldingen/{own.id}").status_code == 200
    assert client.get(f"/meldingen/{others.id}").status_code == 404
    assert audit(session, user_id=region["partner"].id, record_type="melding", outcome="denied")[0].record_id == \
        others.id

    coordinator = login(region["coordinator"])
    coordinator.post(f"/meldingen/{own.id}/afsluiten", data={"reason": "Doorverwezen naar Stek Wonen",
                                                             "expected_version": "1"})
    page = login(region["partner"]).get(f"/meldingen/{own.id}").text
    assert "Beoordeeld door de gemeente" in page
    assert "Doorverwezen naar Stek Wonen" not in page and region["coordinator"].name not in page


def test_partner_without_gemeenten_is_told_why_they_cannot_submit(make, login, region):
    lonely = make.user("partner", region["politie"], [])
    page = login(lonely).get("/meldingen/nieuw").text
    assert "U werkt nog niet voor een gemeente" in page


# -- the signaal form --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "afterwards"), [
    ("analyst", 403),  # aggregates only: not even what they submitted
    ("gemeente_partner", 200),  # what they submitted, as any partner user
])
def test_team_members_submit_an_ondermijning_signaal_in_a_short_form(region, make, login, session, who, afterwards):
    user = region["analyst"] if who == "analyst" else make.user("partner", region["team"], [region["lisse"]])
    client = login(user)
    response = client.post("/meldingen/signaal", data={"gemeente_id": region["lisse"].id,
                                                       "address": "Bollenschuur Achterweg 40, Lisse",
                                                       "description": "Ramen afgeplakt, 's nachts veel verkeer."})
    assert response.status_code == 302 and response.location.endswith("/meldingen/verzonden")
    melding = session.scalar(select(Melding))
    assert (melding.kind, melding.category, melding.source, melding.received_on) == (
        "signaal", "ondermijning", "intern_meldpunt", today())
    assert "Uw signaal is verzonden" in client.get(response.location).text
    assert client.get(f"/meldingen/{melding.id}").status_code == afterwards
    assert melding.reference in login(region["coordinator"]).get("/meldingen/").text


@pytest.mark.parametrize(("field", "message"), [
    ("address", "Vul het adres of pand in waar het signaal over gaat."),
    ("description", "Beschrijf wat u heeft gezien of gehoord."),
    ("gemeente_id", "Kies een gemeente waarvoor u werkt."),
])
def test_signaal_form_refuses_what_is_missing(region, login, session, field, message):
    data = {"gemeente_id": region["lisse"].id, "address": "Heereweg 1, Lisse", "description": "Vreemde gang van zaken"}
    data[field] = region["hillegom"].id if field == "gemeente_id" else ""
    response = login(region["analyst"]).post("/meldingen/signaal", data=data)
    assert response.status_code == 200 and message in response.text
    assert melding_count(session) == 0


def test_signaal_form_is_for_the_gemeentes_own_staff_only(region, make, login):
    assert login(region["partner"]).get("/meldingen/signaal").status_code == 403  # politie
    assert login(make.user("admin", region["team"])).get("/meldingen/signaal").status_code == 403
    assert login(region["analyst"]).get("/meldingen/signaal").status_code == 200


def test_coordinator_signaal_goes_to_the_melding_itself(region, login, session):
    response = login(region["coordinator"]).post("/meldingen/signaal", data={
        "gemeente_id": region["lisse"].id, "address": "Heereweg 1, Lisse", "description": "Kapsalon zonder klanten"})
    assert response.location.endswith(f"/meldingen/{session.scalar(select(Melding.id))}")


# -- the inbox ---------------------------------------------------------------------------------------------------

def test_inbox_holds_the_untriaged_meldingen_of_the_users_gemeenten_oldest_first(region, make, login):
    coordinator = region["coordinator"]
    for days, address in ((3, "Derde 1"), (30, "Oudste 1"), (10, "Middelste 1")):
        make.melding(region["lisse"], coordinator, address=address, received_on=today() - timedelta(days=days))
    make.melding(region["hillegom"], coordinator, address="Andere Gemeente 1")
    make.melding(region["lisse"], coordinator, address="Al Gesloten 1", triage_status="gesloten",
                 triage_reason="dubbel", triaged_at=today())
    client = login(coordinator)
    page = client.get("/meldingen/").text
    assert page.index("Oudste 1") < page.index("Middelste 1") < page.index("Derde 1")
    assert "30 dagen" in page and "3 dagen" in page
    assert "Andere Gemeente 1" not in page and "Al Gesloten 1" not in page
    assert "3 meldingen te beoordelen" in page
    assert 'nav-count">3<' in page  # the header's count
    closed = client.get("/meldingen/?triage_status=gesloten").text
    assert "Al Gesloten 1" in closed and "Oudste 1" not in closed
    assert "Andere Gemeente 1" not in client.get("/meldingen/?triage_status=alle").text


def test_inbox_pages_and_has_an_empty_state(region, make, login, session):
    client = login(region["coordinator"])
    assert "Er zijn geen meldingen die op beoordeling wachten" in client.get("/meldingen/").text
    for day in range(12):
        make.melding(region["lisse"], region["coordinator"], address=f"Dorpsstraat {day + 1}",
                     received_on=today() - timedelta(days=40 - day))
    first = client.get("/meldingen/").text
    assert "Pagina 1 van 2" in first
    assert "<td>Dorpsstraat 1</td>" in first and "<td>Dorpsstraat 10</td>" in first
    assert "<td>Dorpsstraat 11</td>" not in first
    second = client.get("/meldingen/?page=2").text
    assert "<td>Dorpsstraat 11</td>" in second and "<td>Dorpsstraat 12</td>" in second
    assert audit(session, action="search", record_type="melding")[-1].detail.endswith("12 resultaten")


# -- persons on a melding --------------------------------------------------------------------------------------

def test_coordinator_registers_a_new_person_on_a_melding(region, make, login, session):
    melding = make.melding(region["lisse"], region["coordinator"])
    client = login(region["coordinator"])
    person = {"role": "betrokkene", "first_name": "Kees", "last_name": "Ouwehand", "date_of_birth": "1971-04-02",
              "bsn": "", "address": "Kanaalstraat 12, Lisse", "phone": ""}
    response = client.post(f"/meldingen/{melding.id}/personen/nieuw", data=person)
    assert response.status_code == 302
    link = session.scalar(select(MeldingPerson))
    assert (link.melding_id, link.person.full_name, link.role) == (melding.id, "Kees Ouwehand", "betrokkene")
    assert [e.record_type for e in audit(session, person_id=link.person_id, action="create")] == [
        "person", "melding_person"]
    assert "Kees Ouwehand" in client.get(f"/meldingen/{melding.id}").text


def test_an_existing_person_is_offered_and_linked_instead_of_a_duplicate(region, make, login, session):
    known = make.person("Fatima", "El Amrani", date(1975, 3, 4))
    make.case(region["lisse"], persons=[(known, "betrokkene")])
    melding = make.melding(region["lisse"], region["coordinator"])
    client = login(region["coordinator"])
    offered = client.post(f"/meldingen/{melding.id}/personen/nieuw", data={
        "role": "melder", "first_name": "Fatima", "last_name": "El Amrani", "date_of_birth": "1975-03-04"})
    assert "Deze persoon is mogelijk al bekend" in offered.text
    found = client.get(f"/meldingen/{melding.id}/personen/nieuw?zoek-date_of_birth=1975-03-04").text
    assert "Fatima El Amrani" in found
    client.post(f"/meldingen/{melding.id}/personen/koppelen", data={"person_id": known.id, "role": "melder"})
    assert [(link.person_id, link.role) for link in session.scalars(select(MeldingPerson))] == [(known.id, "melder")]
    link = session.scalar(select(MeldingPerson))
    client.post(f"/meldingen/{melding.id}/personen/{link.id}/ontkoppelen")
    assert session.scalar(select(func.count()).select_from(MeldingPerson)) == 0
    assert [e.action for e in audit(session, record_type="melding_person")] == ["create", "delete"]


def test_adding_a_person_to_a_melding_tells_hit_or_no_hit(region, make, login, session):
    known = make.person("Dirk", "Kok", bsn="999990019")
    make.case(region["lisse"], persons=[(known, "betrokkene")])
    make.case(region["hillegom"], persons=[(known, "betrokkene")], address="Hoofdstraat 1, Hillegom")
    melding = make.melding(region["lisse"], region["coordinator"])
    client = login(region["coordinator"])
    linked = client.post(f"/meldingen/{melding.id}/personen/koppelen", data={"person_id": known.id,
                                                                             "role": "betrokkene"},
                         follow_redirects=True).text
    assert "Hit: deze persoon staat in een lopende casus van een andere gemeente" in linked
    assert "Hoofdstraat 1" not in linked  # only whom to contact, nothing of that case
    new = client.post(f"/meldingen/{melding.id}/personen/nieuw", data={
        "role": "melder", "first_name": "Sanne", "last_name": "Vos", "date_of_birth": "1990-01-01"},
        follow_redirects=True).text
    assert "No-hit" in new
    assert len(audit(session, action="hit-no-hit")) == 2


def test_persons_of_a_triaged_melding_stay_as_they_were(region, make, login, session):
    person = make.person()
    make.case(region["lisse"], persons=[(person, "betrokkene")])
    melding = make.melding(region["lisse"], region["coordinator"], triage_status="gesloten", triage_reason="dubbel",
                           triaged_at=today())
    client = login(region["coordinator"])
    response = client.post(f"/meldingen/{melding.id}/personen/koppelen", data={"person_id": person.id,
                                                                               "role": "betrokkene"})
    assert response.status_code == 302
    assert "al afgehandeld" in client.get(response.location).text
    assert session.scalar(select(func.count()).select_from(MeldingPerson)) == 0


# -- triage --------------------------------------------------------------------------------------------------------

def test_candidates_are_the_cases_at_the_same_address_or_with_a_melding_person(region, make, login):
    person = make.person("Piet", "Bulk")
    same_address = make.case(region["lisse"], address="Kanaalstraat 12, 2161 AB Lisse")
    make.case(region["lisse"], address="Kanaalstraat 120, Lisse")
    with_person = make.case(region["lisse"], address="Elders 1, Lisse", persons=[(person, "betrokkene")])
    make.case(region["hillegom"], address="Kanaalstraat 12, Lisse")  # another gemeente
    melding = make.melding(region["lisse"], region["coordinator"], address="kanaalstraat 12, Lisse",
                           persons=[(person, "betrokkene")])
    page = login(region["coordinator"]).get(f"/meldingen/{melding.id}").text
    candidates = page[page.index("1. Koppelen"):page.index("2. Een nieuwe casus")]
    found = set(re.findall(r'name="case_id" value="(\d+)"', candidates))
    assert found == {str(same_address.id), str(with_person.id)}


def test_case_search_on_the_melding_page_finds_cases_of_its_gemeente(region, make, login):
    jan = make.person("Jan", "Zonneveld")
    case = make.case(region["lisse"], persons=[(jan, "betrokkene")])
    make.case(region["hillegom"], persons=[(jan, "betrokkene")], address="Hoofdstraat 9, Hillegom")
    melding = make.melding(region["lisse"], region["coordinator"])
    page = login(region["coordinator"]).get(f"/meldingen/{melding.id}?zoek=zonneveld").text
    assert case.reference in page and "Hoofdstraat 9" not in page


def test_link_to_an_existing_case(region, make, login, session):
    case = make.case(region["lisse"], address="Kanaalstraat 12, Lisse")
    melding = make.melding(region["lisse"], region["coordinator"], address="Kanaalstraat 12, Lisse")
    client = login(region["coordinator"])
    response = client.post(f"/meldingen/{melding.id}/koppelen", data={"case_id": case.id, "expected_version": 1})
    assert response.status_code == 302
    session.refresh(melding)
    assert (melding.triage_status, melding.case_id, melding.triaged_by_id) == ("gekoppeld", case.id,
                                                                               region["coordinator"].id)
    assert melding.triaged_at is not None
    entry = audit(session, record_type="melding", action="status")[0]
    assert (entry.record_id, entry.case_id, entry.detail) == (melding.id, case.id, "triage: nieuw -> gekoppeld")
    case_page = client.get(f"/casussen/{case.id}").text
    assert "Meldingen" in case_page and melding.reference in case_page


def test_case_page_shows_a_partner_only_the_meldingen_they_submitted(region, make, login):
    case = make.case(region["lisse"], partners=[region["politie"]])
    ours = make.melding(region["lisse"], region["partner"], source="politie", source_organisation=region["politie"],
                        triage_status="gekoppeld", triaged_at=today(), case=case)
    theirs = make.melding(region["lisse"], region["coordinator"], triage_status="gekoppeld", triaged_at=today(),
                          case=case)
    page = login(region["partner"]).get(f"/casussen/{case.id}").text
    assert ours.reference in page and theirs.reference not in page
    coordinator_page = login(region["coordinator"]).get(f"/casussen/{case.id}").text
    assert ours.reference in coordinator_page and theirs.reference in coordinator_page


@pytest.mark.parametrize(("which", "message"), [
    ("closed", "is afgesloten. Heropen de casus eerst"),
    ("other_gemeente", "Koppel de melding aan een casus van dezelfde gemeente."),
])
def test_link_is_refused_to_a_closed_case_or_another_gemeente(region, make, login, session, which, message):
    coordinator = make.user("coordinator", region["team"], [region["lisse"], region["hillegom"]])
    case = make.case(region["lisse"], status="afgesloten") if which == "closed" else make.case(region["hillegom"])
    melding = make.melding(region["lisse"], coordinator)
    response = login(coordinator).post(f"/meldingen/{melding.id}/koppelen",
                                       data={"case_id": case.id, "expected_version": 1})
    assert response.status_code == 422 and message in response.text
    session.refresh(melding)
    assert (melding.triage_status, melding.case_id) == ("nieuw", None)


def test_link_to_a_case_the_user_may_not_see_answers_404(region, make, login, session):
    hidden = make.case(region["hillegom"])
    melding = make.melding(region["lisse"], region["coordinator"])
    response = login(region["coordinator"]).post(f"/meldingen/{melding.id}/koppelen",
                                                 data={"case_id": hidden.id, "expected_version": 1})
    assert response.status_code == 404
    session.refresh(melding)
    assert melding.triage_status == "nieuw"


def test_open_a_case_from_a_melding_carries_its_data_over(region, make, login, session):
    subject, neighbour = make.person("Ria", "Leliveld"), make.person("Joke", "Bos")
    wijk = region["lisse"].wijken[1]
    melding = make.melding(region["lisse"], region["coordinator"], category="verward_gedrag", wijk=wijk,
                           address="Grachtweg 7, Lisse", description="Bewoonster dwaalt 's nachts verward rond.",
                           received_on=today() - timedelta(days=2),
                           persons=[(subject, "betrokkene"), (neighbour, "melder")])
    client = login(region["coordinator"])
    form = client.get(f"/meldingen/{melding.id}/casus").text
    assert re.search(r'<option selected value="verward_gedrag">', form)
    assert "Grachtweg 7, Lisse" in form and "dwaalt" in form
    assert f'value="{(today() - timedelta(days=2)).isoformat()}"' in form

    response = client.post(f"/meldingen/{melding.id}/casus", data={
        "type": "verward_gedrag", "gemeente_id": region["lisse"].id, "wijk_id": wijk.id,
        "address": "Grachtweg 7, Lisse", "description": "Bewoonster dwaalt 's nachts verward rond.",
        "risk_level": "hoog", "coordinator_id": region["coordinator"].id,
        "opened_on": (today() - timedelta(days=2)).isoformat(), "expected_version": 1})
    assert response.status_code == 302
    case = session.scalar(select(Case))
    assert response.location.endswith(f"/casussen/{case.id}")
    assert (case.type, case.gemeente_id, case.wijk_id, case.address, case.status) == (
        "verward_gedrag", region["lisse"].id, wijk.id, "Grachtweg 7, Lisse", "aangemeld")
    assert sorted((link.person_id, link.role) for link in session.scalars(select(CasePerson))) == sorted(
        [(subject.id, "betrokkene"), (neighbour.id, "melder")])
    assert session.scalars(select(StatusChange.transition).where(StatusChange.case_id == case.id)).all() == [
        "aanmelden"]  # opened through the case process
    session.refresh(melding)
    assert (melding.triage_status, melding.case_id) == ("zaak_geopend", case.id)
    assert [(e.record_type, e.action) for e in audit(session, case_id=case.id)] == [
        ("case", "create"), ("case_person", "create"), ("case_person", "create"), ("melding", "status")]


def test_a_category_without_a_case_type_leaves_the_type_to_choose(region, make, login):
    melding = make.melding(region["lisse"], region["coordinator"], category="cybercrime")
    form = login(region["coordinator"]).get(f"/meldingen/{melding.id}/casus").text
    assert re.search(r'<option selected value="">Kies een soort', form)


def test_close_needs_a_reason_and_keeps_the_melding_counted(region, make, login, session):
    melding = make.melding(region["lisse"], region["coordinator"])
    client = login(region["coordinator"])
    refused = client.post(f"/meldingen/{melding.id}/afsluiten", data={"reason": "  ", "expected_version": 1})
    assert refused.status_code == 422
    assert "Geef de reden waarom de melding zonder casus wordt gesloten." in refused.text
    response = client.post(f"/meldingen/{melding.id}/afsluiten", data={"reason": "Burenruzie, doorverwezen naar "
                                                                                 "buurtbemiddeling",
                                                                       "expected_version": 1})
    assert response.status_code == 302
    session.refresh(melding)
    assert (melding.triage_status, melding.triage_reason) == ("gesloten",
                                                              "Burenruzie, doorverwezen naar buurtbemiddeling")
    assert melding_count(session) == 1
    assert audit(session, record_type="melding", action="status")[0].detail == "triage: nieuw -> gesloten"


@pytest.mark.parametrize("second", ["close", "link", "open", "edit"])
def test_a_triaged_melding_cannot_be_triaged_or_changed_again(region, make, login, session, second):
    case = make.case(region["lisse"])
    melding = make.melding(region["lisse"], region["coordinator"])
    client = login(region["coordinator"])
    client.post(f"/meldingen/{melding.id}/afsluiten", data={"reason": "Geen grond", "expected_version": 1})
    session.refresh(melding)
    version = melding.version
    if second == "close":
        response = client.post(f"/meldingen/{melding.id}/afsluiten", data={"reason": "Nogmaals",
                                                                           "expected_version": version})
    elif second == "link":
        response = client.post(f"/meldingen/{melding.id}/koppelen", data={"case_id": case.id,
                                                                          "expected_version": version})
    elif second == "open":
        response = client.post(f"/meldingen/{melding.id}/casus", data={"type": "woonoverlast"}, follow_redirects=True)
    else:
        response = client.post(f"/meldingen/{melding.id}/bewerken", data=melding_form(region), follow_redirects=True)
    assert "is al afgehandeld" in response.text
    session.refresh(melding)
    assert (melding.triage_status, melding.triage_reason, melding.case_id) == ("gesloten", "Geen grond", None)
    assert session.scalar(select(func.count()).select_from(Case)) == 1


def test_a_stale_triage_form_is_refused_and_keeps_what_was_typed(region, make, login, session):
    melding = make.melding(region["lisse"], region["coordinator"])
    client = login(region["coordinator"])
    client.post(f"/meldingen/{melding.id}/bewerken", data=melding_form(region, expected_version=1,
                                                                       category="jeugdoverlast"))
    response = client.post(f"/meldingen/{melding.id}/afsluiten", data={"reason": "Jongeren al bekend bij Halt",
                                                                       "expected_version": 1})
    assert response.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in response.text
    assert "Jongeren al bekend bij Halt" in response.text
    session.refresh(melding)
    assert (melding.triage_status, melding.category, melding.version) == ("nieuw", "jeugdoverlast", 2)
    again = client.post(f"/meldingen/{melding.id}/afsluiten", data={"reason": "Jongeren al bekend bij Halt",
                                                                    "expected_version": 2})
    assert again.status_code == 302


def test_a_stale_edit_shows_what_changed(region, make, login, session):
    melding = make.melding(region["lisse"], region["coordinator"], address="Heereweg 1, Lisse")
    client = login(region["coordinator"])
    client.post(f"/meldingen/{melding.id}/bewerken", data=melding_form(region, expected_version=1,
                                                                       address="Heereweg 2, Lisse"))
    response = client.post(f"/meldingen/{melding.id}/bewerken", data=melding_form(region, expected_version=1,
                                                                                  address="Heereweg 3, Lisse"))
    assert response.status_code == 409
    assert "Iemand anders heeft deze melding intussen gewijzigd" in response.text
    assert "Heereweg 2, Lisse" in response.text and "Heereweg 3, Lisse" in response.text
    session.refresh(melding)
    assert melding.address == "Heereweg 2, Lisse"
    assert [("address" in entry.detail) for entry in audit(session, record_type="melding", action="update")] == [True]


def test_a_partners_melding_keeps_its_organisation_as_source_when_corrected(region, make, login, session):
    melding = make.melding(region["lisse"], region["partner"], source="politie", source_organisation=region["politie"])
    client = login(region["coordinator"])
    assert 'name="source"' not in client.get(f"/meldingen/{melding.id}/bewerken").text
    client.post(f"/meldingen/{melding.id}/bewerken", data=melding_form(region, expected_version=1,
                                                                       source="inwoner", category="jeugdoverlast"))
    session.refresh(melding)
    assert (melding.source, melding.source_organisation_id, melding.category) == (
        "politie", region["politie"].id, "jeugdoverlast")


# -- structural attention --------------------------------------------------------------------------------------

ON = date(2026, 6, 30)


@pytest.mark.parametrize(("days_ago", "threshold", "flagged"), [
    ((0, 100, 200), 3, True),  # N meldingen within the window
    ((0, 100), 3, False),  # N - 1
    ((0, 100, 364), 3, True),  # the oldest on the window's first day
    ((0, 100, 365), 3, False),  # the oldest a day before it: 12 months and a day
    ((0, 100), 2, True),  # the gemeente's own threshold
    ((0, 100, -1), 3, False),  # a melding after the day does not count yet
])
def test_structural_attention_threshold_and_window(app, region, make, days_ago, threshold, flagged):
    lisse = region["lisse"]
    lisse.structural_attention_threshold = threshold
    make.session.commit()
    person = make.person()
    for days in days_ago:
        make.melding(lisse, region["coordinator"], received_on=ON - timedelta(days=days),
                     persons=[(person, "betrokkene")])
    with app.app_context():
        assert operations.is_flagged(person, lisse, ON) is flagged
        flagged_ids = set(db.session().scalars(operations.flagged_persons(lisse.id, ON, ON)))
        assert (person.id in flagged_ids) is flagged  # the aggregate agrees with the single check


def test_structural_attention_counts_the_betrokkene_of_the_gemeentes_own_meldingen(app, region, make):
    person = make.person()
    make.melding(region["lisse"], region["coordinator"], received_on=ON, persons=[(person, "betrokkene")])
    make.melding(region["lisse"], region["coordinator"], received_on=ON, persons=[(person, "melder")])
    make.melding(region["hillegom"], region["coordinator"], received_on=ON, persons=[(person, "betrokkene")])
    make.melding(region["lisse"], region["coordinator"], received_on=ON,
                 persons=[(person, "betrokkene"), (person, "melder")])  # one melding, counted once
    with app.app_context():
        assert operations.attention_counts(region["lisse"].id, ON, [person.id]) == {person.id: 2}
        assert operations.is_flagged(person, region["lisse"], ON) is False


def test_flagged_persons_of_a_period_include_those_flagged_on_any_day_of_it(app, region, make):
    lisse, coordinator = region["lisse"], region["coordinator"]
    early, late, before, never = make.person(), make.person(), make.person(), make.person()
    for day in (date(2025, 2, 1), date(2025, 3, 1), date(2026, 1, 15)):  # flagged from 15 to 31 January only
        make.melding(lisse, coordinator, received_on=day, persons=[(early, "betrokkene")])
    for day in (date(2026, 1, 5), date(2026, 11, 1), date(2026, 12, 31)):  # the third on the last day
        make.melding(lisse, coordinator, received_on=day, persons=[(late, "betrokkene")])
    for day in (date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 31)):  # flagged on the period's first day
        make.melding(lisse, coordinator, received_on=day, persons=[(before, "betrokkene")])
    for day in (date(2025, 1, 1), date(2025, 6, 1), date(2026, 6, 2)):  # never three within 365 days
        make.melding(lisse, coordinator, received_on=day, persons=[(never, "betrokkene")])
    with app.app_context():
        year = set(db.session().scalars(operations.flagged_persons(lisse.id, date(2026, 1, 1), date(2026, 12, 31))))
        assert year == {early.id, late.id, before.id}
        december = set(db.session().scalars(operations.flagged_persons(lisse.id, date(2026, 12, 1),
                                                                       date(2026, 12, 31))))
        assert december == {late.id}
        first_quarter = set(db.session().scalars(operations.flagged_persons(lisse.id, date(2026, 1, 1),
                                                                            date(2026, 3, 31))))
        assert first_quarter == {early.id, before.id}
        assert set(db.session().scalars(operations.flagged_persons(region["hillegom"].id, date(2026, 1, 1),
                                                                   date(2026, 12, 31)))) == set()


def test_the_melding_page_shows_the_flag_next_to_the_person(region, make, login):
    person, neighbour = make.person("Henk", "Warmerdam"), make.person("Wilma", "Prins")
    for days in (40, 20):
        make.melding(region["lisse"], region["coordinator"], received_on=today() - timedelta(days=days),
                     persons=[(person, "betrokkene")])
    melding = make.melding(region["lisse"], region["coordinator"], persons=[(person, "betrokkene"),
                                                                            (neighbour, "melder")])
    page = login(region["coordinator"]).get(f"/meldingen/{melding.id}").text
    rows = {name: page[page.index(name):page.index("</tr>", page.index(name))] for name in ("Henk Warmerdam",
                                                                                          "Wilma Prins")}
    assert "Vraagt structureel aandacht" in rows["Henk Warmerdam"] and ">3 <" in rows["Henk Warmerdam"]
    assert "Vraagt structureel aandacht" not in rows["Wilma Prins"]


# -- the threshold on the admin's gemeente form -----------------------------------------------------------------

@pytest.mark.parametrize(("value", "saved"), [("1", None), ("51", None), ("2", 2), ("50", 50)])
def test_admin_sets_the_threshold_within_2_to_50(region, as_admin, session, value, saved):
    lisse = region["lisse"]
    response = as_admin.post(f"/beheer/gemeenten/{lisse.id}/bewerken", data={"name": "Lisse",
                                                                             "structural_attention_threshold": value})
    session.refresh(lisse)
    if saved is None:
        assert "Kies een drempel van 2 tot en met 50 meldingen." in response.text
        assert lisse.structural_attention_threshold == 3
    else:
        assert response.status_code == 302 and lisse.structural_attention_threshold == saved


@pytest.mark.parametrize(("model", "values"), [
    (Gemeente, {"structural_attention_threshold": 1}),
    (Gemeente, {"structural_attention_threshold": 51}),
    (Melding, {"triage_status": "gesloten", "triaged_at": date(2026, 1, 1)}),  # closed without a reason
    (Melding, {"triage_status": "gekoppeld"}),  # triaged, but not by anyone at any time
    (Melding, {"triaged_at": date(2026, 1, 1)}),  # new, yet triaged
    (Melding, {"category": "vuurwerk"}),
])
def test_the_database_holds_the_rules_too(region, make, session, model, values):
    make.melding(region["lisse"], region["coordinator"])
    with pytest.raises(IntegrityError):
        session.execute(update(model).values(**values))
        session.flush()
    session.rollback()


def test_a_person_only_on_a_melding_is_found_by_its_coordinators_and_no_one_else(region, make, login):
    person = make.person("Meike", "Alleenmelding")
    make.melding(region["lisse"], region["partner"], persons=[(person, "betrokkene")])
    coordinator = login(region["coordinator"])
    assert f"/personen/{person.id}\"" in coordinator.get("/personen/?q=Alleenmelding").text
    assert coordinator.get(f"/personen/{person.id}").status_code == 200
    other = make.user("coordinator", region["team"], [region["hillegom"]])
    assert login(other).get(f"/personen/{person.id}").status_code == 404
    # The partner who submitted the melding does not see whom the gemeente registered on it.
    assert login(region["partner"]).get(f"/personen/{person.id}").status_code == 404
