"""Hit/no-hit: when a coordinator adds a person to a case, whether another gemeente of the region has that person
on an active case, and whom to contact; never anything about that case."""

from datetime import date

import pytest
from sqlalchemy import select

from caseapp import db
from caseapp.models import AuditEntry, CasePerson
from caseapp.persons.operations import hit_no_hit


@pytest.fixture
def region(make):
    lisse, hillegom, teylingen = make.gemeente("Lisse"), make.gemeente("Hillegom"), make.gemeente("Teylingen")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    other = make.user("coordinator", team, [hillegom], email="i.bakker@example.nl")
    return {
        "lisse": lisse,
        "hillegom": hillegom,
        "teylingen": teylingen,
        "team": team,
        "coordinator": make.user("coordinator", team, [lisse]),
        "other_coordinator": other,
        "politie": make.organisation("politie", "Politie Bollenstreek"),
    }


SECRET_ADDRESS, SECRET_DESCRIPTION = "Geheimstraat 13, Hillegom", "Vermoeden van drugshandel vanuit de woning."


def elsewhere(make, region, person, **fields):
    """`person` on a case of Hillegom, which the Lisse coordinator does not work for."""
    defaults = {"type": "ondermijning", "address": SECRET_ADDRESS, "description": SECRET_DESCRIPTION,
                "coordinator": region["other_coordinator"]}
    return make.case(region["hillegom"], persons=[(person, "betrokkene")], **{**defaults, **fields})


def check(session, region, person):
    """Hit/no-hit as the Lisse coordinator, with its audit entry written."""
    result = hit_no_hit(region["coordinator"], person)
    db.session().commit()
    return result


def test_hit_names_the_other_cases_coordinator(make, region, session, app):
    person = make.person("Piet", "de Boer", date(1990, 1, 1))
    case = elsewhere(make, region, person)
    with app.app_context():
        result = check(session, region, person)
    assert result.hit
    assert result.contacts == (f"{region['other_coordinator'].name} (i.bakker@example.nl)",)
    assert "Hit:" in result.message and "i.bakker@example.nl" in result.message
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "hit-no-hit"))
    assert (entry.user_id, entry.person_id, entry.outcome) == (region["coordinator"].id, person.id, "hit")
    assert entry.detail == f"cases {case.id}"  # for the admin's audit log only


@pytest.mark.parametrize(("theirs", "ours", "hit"), [
    ({"bsn": None}, {"bsn": None}, True),  # another record, same name and date of birth
    ({"bsn": "999990019"}, {"bsn": None}, True),  # one has no BSN: name and date of birth decide
    ({"bsn": "999990019"}, {"bsn": "999990020"}, False),  # both have one, and they differ
    ({"bsn": None, "date_of_birth": date(1991, 1, 1)}, {"bsn": None}, False),
    ({"bsn": None, "first_name": "Klaas"}, {"bsn": None}, False),
])
def test_match_on_bsn_when_both_have_one_else_on_name_and_date_of_birth(make, region, session, app, theirs, ours,
                                                                          hit):
    registered = {"first_name": "Piet", "last_name": "de Boer", "date_of_birth": date(1990, 1, 1)}
    elsewhere(make, region, make.person(**{**registered, **theirs}))
    person = make.person("piet", "De Boer", date(1990, 1, 1), **ours)
    with app.app_context():
        assert check(session, region, person).hit is hit


@pytest.mark.parametrize(("case_fields", "hit"), [
    ({"status": "uitvoering"}, True),
    ({"status": "afgesloten"}, False),
])
def test_a_closed_case_is_no_hit(make, region, session, app, case_fields, hit):
    person = make.person("Piet", "de Boer", date(1990, 1, 1))
    elsewhere(make, region, person, **case_fields)
    with app.app_context():
        assert check(session, region, person).hit is hit


def test_a_case_of_a_gemeente_the_coordinator_works_for_is_no_hit(make, region, session, app):
    person = make.person("Piet", "de Boer", date(1990, 1, 1))
    make.case(region["lisse"], persons=[(person, "betrokkene")])
    both = make.user("coordinator", region["team"], [region["lisse"], region["hillegom"]])
    elsewhere(make, region, person)
    with app.app_context():
        result = hit_no_hit(both, person)
    assert not result.hit and result.contacts == ()
    assert result.message.startswith("No-hit:")


def test_without_a_coordinator_the_gemeentes_team_is_the_contact(make, region, session, app):
    person = make.person("Piet", "de Boer", date(1990, 1, 1))
    elsewhere(make, region, person, coordinator=None)
    with app.app_context():
        result = check(session, region, person)
    assert result.contacts == ("het team Zorg en Veiligheid van gemeente Hillegom",)


def test_partner_users_never_get_the_check(make, region, login, session, app):
    agent = make.user("partner", region["politie"])
    person = make.person("Piet", "de Boer", date(1990, 1, 1))
    elsewhere(make, region, person)
    case = make.case(region["lisse"], partners=[region["politie"]])
    with app.app_context():
        assert hit_no_hit(agent, person) is None
    client = login(agent)
    assert client.post(f"/casussen/{case.id}/personen/koppelen",
                       data={"person_id": person.id, "role": "melder"}).status_code == 403
    assert client.post(f"/casussen/{case.id}/personen/nieuw", data={
        "role": "betrokkene", "first_name": "Piet", "last_name": "de Boer", "date_of_birth": "1990-01-01",
    }).status_code == 403
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "hit-no-hit")) is None


def test_registering_a_person_tells_hit_without_any_case_details(make, region, login, session):
    other = elsewhere(make, region, make.person("Piet", "de Boer", date(1990, 1, 1)))
    case = make.case(region["lisse"])
    client = login(region["coordinator"])
    response = client.post(f"/casussen/{case.id}/personen/nieuw", data={
        "role": "betrokkene", "first_name": "Piet", "tussenvoegsel": "de", "last_name": "Boer",
        "date_of_birth": "1990-01-01"}, follow_redirects=True)
    page = response.text
    assert "Hit: deze persoon staat in een lopende casus van een andere gemeente" in page
    assert "i.bakker@example.nl" in page
    for detail in (other.reference, SECRET_ADDRESS, SECRET_DESCRIPTION, "Ondermijning", f"/casussen/{other.id}"):
        assert detail not in page
    added = session.scalar(select(CasePerson).where(CasePerson.case_id == case.id))
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "hit-no-hit"))
    assert (entry.person_id, entry.outcome) == (added.person_id, "hit")


def test_linking_a_known_person_tells_no_hit(make, region, login, session):
    person = make.person("Anna", "Visser", date(1985, 2, 2))
    make.case(region["lisse"], persons=[(person, "melder")])
    case = make.case(region["lisse"])
    response = login(region["coordinator"]).post(f"/casussen/{case.id}/personen/koppelen",
                                                 data={"person_id": person.id, "role": "slachtoffer"},
                                                 follow_redirects=True)
    assert "No-hit: deze persoon staat niet in een lopende casus van een andere gemeente" in response.text
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "hit-no-hit"))
    assert (entry.person_id, entry.outcome, entry.detail) == (person.id, "no hit", "")
