"""The first vertical slice: cases, persons, partners, notes, worklist, and their audit trail."""

from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.models import AuditEntry, Case, CasePartner, CasePerson, Person


@pytest.fixture
def region(make):
    lisse = make.gemeente("Lisse", wijken=("Centrum", "De Engel"))
    hillegom = make.gemeente("Hillegom", wijken=("Elsbroek",))
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    return {
        "lisse": lisse,
        "hillegom": hillegom,
        "coordinator": make.user("coordinator", team, [lisse]),
        "politie": make.organisation("politie", "Politie Bollenstreek"),
        "ggz": make.organisation("ggz", "GGZ Rivierduinen"),
    }


def audit(session, **where):
    return session.scalars(select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)).all()


def case_form(region, **overrides):
    data = {
        "type": "woonoverlast",
        "gemeente_id": region["lisse"].id,
        "wijk_id": region["lisse"].wijken[0].id,
        "address": "Heereweg 12, Lisse",
        "description": "Buren melden al maanden harde muziek en bedreigingen.",
        "risk_level": "hoog",
        "leefgebieden": ["schulden", "verslaving"],
        "coordinator_id": region["coordinator"].id,
        "opened_on": "2026-11-02",
    }
    return {**data, **overrides}


def test_coordinator_opens_a_case(region, login, session):
    client = login(region["coordinator"])
    response = client.post("/casussen/nieuw", data=case_form(region))
    assert response.status_code == 302
    case = session.scalar(select(Case).where(Case.address == "Heereweg 12, Lisse"))
    assert (case.type, case.status, case.risk_level, case.gemeente_id) == ("woonoverlast", "aangemeld", "hoog",
                                                                           region["lisse"].id)
    assert sorted(case.leefgebied_labels) == ["Schulden", "Verslaving"]
    assert [e.action for e in audit(session, case_id=case.id)] == ["create"]
    page = client.get(response.location).text
    assert "Heereweg 12, Lisse" in page and "Buren melden al maanden" in page


@pytest.mark.parametrize(("overrides", "message"), [
    ({"address": ""}, "Vul het adres in."),
    ({"type": ""}, "Kies de soort casus."),
    ({"description": "  "}, "Beschrijf de casus."),
    ({"wijk_id": "other"}, "Deze wijk hoort niet bij de gekozen gemeente."),
    ({"gemeente_id": "hillegom"}, "Kies een gemeente waarvoor u werkt."),
    ({"opened_on": "2999-01-01"}, "De datum van aanmelding ligt in de toekomst."),
    ({"opened_on": "31-02-2026"}, "Vul de datum van aanmelding in."),
    ({"leefgebieden": ["geen_leefgebied"]}, "is een ongeldige keuze"),
])
def test_invalid_case_is_refused_with_a_message_and_nothing_saved(region, login, session, overrides, message):
    values = {"other": region["hillegom"].wijken[0].id, "hillegom": region["hillegom"].id}
    overrides = {k: values.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    response = login(region["coordinator"]).post("/casussen/nieuw", data=case_form(region, **overrides))
    assert response.status_code == 200
    assert message in response.text
    assert 'class="error"' in response.text
    kept = "Buren melden al maanden" if "address" in overrides else "Heereweg 12"
    assert kept in response.text  # what was typed is kept
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_worklist_shows_only_the_coordinators_gemeenten(region, make, login):
    make.case(region["lisse"], address="Kanaalstraat 1, Lisse")
    make.case(region["hillegom"], address="Hoofdstraat 99, Hillegom")
    page = login(region["coordinator"]).get("/casussen/").text
    assert "Kanaalstraat 1" in page
    assert "Hoofdstraat 99" not in page


def test_worklist_filters_sorts_and_pages(region, make, login, session):
    jan = make.person("Jan", "Bakker")
    for day in range(1, 13):
        make.case(region["lisse"], address=f"Dorpsstraat {day}, Lisse", opened_on=date(2026, 1, day),
                  type="jeugdoverlast" if day == 3 else "woonoverlast", status="onderzoek" if day == 4 else "aangemeld",
                  persons=[(jan, "betrokkene")] if day == 5 else ())
    client = login(region["coordinator"])

    first = client.get("/casussen/").text
    assert "12 casussen" in first and "Pagina 1 van 2" in first
    assert first.index("Dorpsstraat 12,") < first.index("Dorpsstraat 11,")
    second = client.get("/casussen/?page=2").text
    assert "Dorpsstraat 2," in second and "Dorpsstraat 1," in second and "Dorpsstraat 3," not in second
    oldest = client.get("/casussen/?sort=opened_asc").text
    assert oldest.index("Dorpsstraat 1,") < oldest.index("Dorpsstraat 2,")

    assert "Dorpsstraat 3," in client.get("/casussen/?type=jeugdoverlast").text
    assert "1 casus" in client.get("/casussen/?status=onderzoek").text
    by_name = client.get("/casussen/?q=bakker").text
    assert "1 casus" in by_name and "Dorpsstraat 5," in by_name
    assert "1 casus" in client.get("/casussen/?q=Dorpsstraat+11").text
    assert "Geen casussen gevonden" in client.get("/casussen/?q=onbekend").text
    assert "12 casussen" in client.get("/casussen/?status=bogus&gemeente_id=x").text  # a tampered filter is ignored
    searches = audit(session, action="search", record_type="case")
    assert "q=bakker" in searches[-4].detail


def test_worklist_empty_state(region, login):
    assert "Er zijn nog geen casussen" in login(region["coordinator"]).get("/casussen/").text


def test_register_person_offers_an_existing_one_instead_of_a_duplicate(region, make, login, session):
    existing = make.person("Fatima", "El Amrani", date(1975, 3, 4))
    make.case(region["lisse"], persons=[(existing, "betrokkene")])
    case = make.case(region["lisse"])
    client = login(region["coordinator"])
    data = {"role": "melder", "first_name": "fatima", "last_name": "el amrani", "date_of_birth": "1975-03-04"}

    offered = client.post(f"/casussen/{case.id}/personen/nieuw", data=data)
    assert "Deze persoon is mogelijk al bekend" in offered.text
    assert f'name="person_id" value="{existing.id}"' in offered.text
    assert session.scalar(select(func.count()).select_from(Person)) == 1

    linked = client.post(f"/casussen/{case.id}/personen/koppelen", data={"person_id": existing.id, "role": "melder"})
    assert linked.status_code == 302
    assert session.scalar(select(CasePerson).filter_by(case_id=case.id)).person_id == existing.id

    client.post(f"/casussen/{case.id}/personen/nieuw", data={**data, "role": "slachtoffer", "confirm_new": "1"})
    assert session.scalar(select(func.count()).select_from(Person)) == 2  # insisted: a namesake is registered


def test_duplicate_check_does_not_reveal_persons_of_other_gemeenten(region, make, login, session):
    elsewhere = make.person("Piet", "de Boer", date(1990, 1, 1))
    make.case(region["hillegom"], persons=[(elsewhere, "betrokkene")])
    case = make.case(region["lisse"])
    response = login(region["coordinator"]).post(f"/casussen/{case.id}/personen/nieuw", data={
        "role": "betrokkene", "first_name": "Piet", "last_name": "de Boer", "date_of_birth": "1990-01-01"})
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(Person)) == 2


@pytest.mark.parametrize(("bsn", "valid"), [("111222333", True), ("123456782", True), ("123456789", False),
                                            ("12345678", False), ("abcdefghi", False), ("000000000", False)])
def test_bsn_must_pass_the_elfproef(region, make, login, session, bsn, valid):
    case = make.case(region["lisse"])
    response = login(region["coordinator"]).post(f"/casussen/{case.id}/personen/nieuw", data={
        "role": "betrokkene", "first_name": "Kees", "last_name": "Visser", "bsn": bsn})
    assert (response.status_code == 302) is valid
    if not valid:
        assert "Dit is geen geldig BSN" in response.text
        assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_partner_sees_only_assigned_cases_and_adds_notes(region, make, login, session):
    agent = make.user("partner", region["politie"], [region["lisse"]])
    assigned = make.case(region["lisse"], address="Grachtweg 4, Lisse", partners=[region["politie"]])
    other = make.case(region["lisse"], address="Vierlingh 8, Lisse")
    client = login(agent)

    worklist = client.get("/casussen/").text
    assert "Grachtweg 4" in worklist and "Vierlingh 8" not in worklist
    assert client.get(f"/casussen/{other.id}").status_code == 404
    denied = audit(session, user_id=agent.id, outcome="denied")
    assert [(e.action, e.record_type, e.case_id) for e in denied] == [("view", "case", other.id)]

    assert client.post(f"/casussen/{assigned.id}/notities", data={"body": "Melding van overlast opgenomen.",
                                                                  "visibility": "partners"}).status_code == 302
    assert "Melding van overlast opgenomen." in client.get(f"/casussen/{assigned.id}").text
    refused = client.post(f"/casussen/{other.id}/notities", data={"body": "x", "visibility": "partners"})
    assert refused.status_code == 404


def test_note_visibility_follows_the_partners_organisation(region, make, login):
    agent = make.user("partner", region["politie"], [region["lisse"]])
    nurse = make.user("partner", region["ggz"], [region["lisse"]])
    case = make.case(region["lisse"], partners=[region["politie"], region["ggz"]])
    for visibility in ("partners", "zorgpartners", "intern"):
        make.note(case, region["coordinator"], body=f"Notitie {visibility}", visibility=visibility)

    seen_by = {user: login(user).get(f"/casussen/{case.id}").text for user in (agent, nurse, region["coordinator"])}
    assert [f"Notitie {v}" in seen_by[agent] for v in ("partners", "zorgpartners", "intern")] == [True, False, False]
    assert [f"Notitie {v}" in seen_by[nurse] for v in ("partners", "zorgpartners", "intern")] == [True, True, False]
    assert all(f"Notitie {v}" in seen_by[region["coordinator"]] for v in ("partners", "zorgpartners", "intern"))


def test_empty_note_is_refused_and_the_case_page_is_shown_again(region, make, login):
    case = make.case(region["lisse"])
    response = login(region["coordinator"]).post(f"/casussen/{case.id}/notities", data={"body": " ",
                                                                                      "visibility": "partners"})
    assert response.status_code == 422
    assert "Schrijf de notitie." in response.text


def test_assigning_and_removing_a_partner_controls_its_access(region, make, login, session):
    agent = make.user("partner", region["politie"], [region["lisse"]])
    case = make.case(region["lisse"])
    coordinator = login(region["coordinator"])
    assert coordinator.post(f"/casussen/{case.id}/partners",
                            data={"organisation_id": region["politie"].id}).status_code == 302
    assert login(agent).get(f"/casussen/{case.id}").status_code == 200

    again = login(region["coordinator"]).post(f"/casussen/{case.id}/partners",
                                              data={"organisation_id": region["politie"].id}, follow_redirects=True)
    assert "nog niet aan de casus is gekoppeld" in again.text
    assignment = session.scalar(select(CasePartner).where(CasePartner.case_id == case.id))
    login(region["coordinator"]).post(f"/casussen/{case.id}/partners/{assignment.id}/ontkoppelen")
    assert login(agent).get(f"/casussen/{case.id}").status_code == 404


def test_person_page_lists_only_visible_cases(region, make, login):
    person = make.person("Henk", "Smit")
    make.case(region["lisse"], address="Kerkstraat 1, Lisse", persons=[(person, "betrokkene")])
    make.case(region["hillegom"], address="Hoofdstraat 2, Hillegom", persons=[(person, "melder")])
    page = login(region["coordinator"]).get(f"/personen/{person.id}").text
    assert "Henk Smit" in page and "Lisse" in page and "Hillegom" not in page


def test_person_search_and_edit(region, make, login, session):
    person = make.person("Anouk", "Vermeulen", address="Molenstraat 5, Lisse")
    make.case(region["lisse"], persons=[(person, "slachtoffer")])
    client = login(region["coordinator"])
    assert "Anouk Vermeulen" in client.get("/personen/?q=molenstraat").text
    assert "Geen personen gevonden" in client.get("/personen/?q=zzz").text
    response = client.post(f"/personen/{person.id}/bewerken", data={
        "first_name": "Anouk", "last_name": "Vermeulen-de Wit", "date_of_birth": "1980-05-17"})
    assert response.status_code == 302
    session.refresh(person)
    assert person.last_name == "Vermeulen-de Wit"
    assert [e.action for e in audit(session, person_id=person.id, record_type="person")][-1] == "update"


def test_every_read_of_case_data_is_audited(region, make, login, session):
    person = make.person()
    case = make.case(region["lisse"], persons=[(person, "betrokkene")])
    client = login(region["coordinator"])
    client.get(f"/casussen/{case.id}")
    client.get(f"/personen/{person.id}")
    entries = audit(session, user_id=region["coordinator"].id, action="view")
    assert [(e.record_type, e.record_id) for e in entries] == [("case", case.id), ("person", person.id)]
    assert all(e.role == "coordinator" and e.organisation_id == region["coordinator"].organisation_id
               and e.client_address == "127.0.0.1" for e in entries)
