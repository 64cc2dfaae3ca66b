"""No lost updates: two coordinators edit the same case or person; the second save is refused, the first stays.

Each form carries the version its user opened. A save based on an older version changes nothing and shows
what is stored now beside what was typed, which stays in the form. A save that got past that comparison
while another was being written is refused by the version column itself.
"""

import re

import pyotp
import pytest
from sqlalchemy import select, update

from caseapp import db
from caseapp.cases import operations as case_operations
from caseapp.models import AuditEntry, Case, Person
from caseapp.persons.operations import update_person
from caseapp.workflow.engine import Conflict
from tests import factories

REFUSED_CASE = "Iemand anders heeft deze casus intussen gewijzigd"
REFUSED_PERSON = "Iemand anders heeft deze persoonsgegevens intussen gewijzigd"


def signed_in(app, user):
    """A test client of its own, logged in as `user`: two people at once need two browsers."""
    client = app.test_client()
    response = client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
    if response.status_code == 302 and response.location.endswith("/inloggen/code"):
        response = client.post("/inloggen/code", data={"code": pyotp.TOTP(factories.TOTP_SECRET).now()})
    assert response.status_code == 302, response.text
    return client


def opened_version(page):
    """The version the edit form carries in its hidden field."""
    return re.search(r'name="expected_version" type="hidden" value="(\d+)"', page).group(1)


@pytest.fixture
def team(make):
    lisse = make.gemeente("Lisse", wijken=("Centrum", "De Engel"))
    organisation = make.organisation("gemeente")
    first = make.user("coordinator", organisation, [lisse])
    second = make.user("coordinator", organisation, [lisse])
    return lisse, first, second


def case_data(case, version, **changes):
    data = {
        "type": case.type, "gemeente_id": case.gemeente_id, "wijk_id": case.wijk_id or "",
        "address": case.address, "description": case.description, "risk_level": case.risk_level,
        "leefgebieden": ["schulden"], "coordinator_id": case.coordinator_id or "",
        "opened_on": case.opened_on.isoformat(), "expected_version": version,
    }
    return {**data, **changes}


def person_data(person, version, **changes):
    data = {"first_name": person.first_name, "tussenvoegsel": person.tussenvoegsel, "last_name": person.last_name,
            "date_of_birth": person.date_of_birth.isoformat(), "bsn": person.bsn or "", "address": person.address,
            "phone": person.phone, "expected_version": version}
    return {**data, **changes}


def updates(session, **where):
    return session.scalars(select(AuditEntry).filter_by(action="update", **where)).all()


def test_second_save_of_a_case_is_refused_and_the_first_stays(app, make, session, team):
    lisse, first, second = team
    case = make.case(lisse, address="Heereweg 12, Lisse", description="Overlast van harde muziek.",
                     coordinator=first)
    url = f"/casussen/{case.id}/bewerken"
    alice, bob = signed_in(app, first), signed_in(app, second)
    seen_by_alice, seen_by_bob = opened_version(alice.get(url).text), opened_version(bob.get(url).text)
    assert seen_by_alice == seen_by_bob == str(case.version)

    saved = alice.post(url, data=case_data(case, seen_by_alice, address="Heereweg 14, Lisse"))
    assert saved.status_code == 302
    refused = bob.post(url, data=case_data(case, seen_by_bob, description="Bob's verslag van het huisbezoek.",
                                           risk_level="acuut"))

    assert refused.status_code == 409
    page = refused.text
    assert REFUSED_CASE in page and "niet opgeslagen" in page
    assert "Heereweg 14, Lisse" in page  # what is stored now, by the first coordinator
    assert "Bob&#39;s verslag van het huisbezoek." in page  # what the second typed, still in the form
    assert '<option selected value="acuut">' in page
    session.expire_all()
    stored = session.get(Case, case.id)
    assert (stored.address, stored.description, stored.risk_level) == (
        "Heereweg 14, Lisse", "Overlast van harde muziek.", "midden")
    assert [entry.user_id for entry in updates(session, record_type="case", record_id=case.id)] == [first.id]

    # The refused form now carries the version that is stored: saving it again is a deliberate choice.
    assert opened_version(page) == str(stored.version)
    again = bob.post(url, data=case_data(stored, opened_version(page), description="Bob's verslag."))
    assert again.status_code == 302
    session.expire_all()
    assert session.get(Case, case.id).description == "Bob's verslag."


def test_second_save_of_a_person_is_refused_and_the_first_stays(app, make, session, team):
    lisse, first, second = team
    person = make.person("Anouk", "Vermeulen", address="Molenstraat 5, Lisse", phone="0612345678")
    make.case(lisse, persons=[(person, "betrokkene")])
    url = f"/personen/{person.id}/bewerken"
    alice, bob = signed_in(app, first), signed_in(app, second)
    seen_by_alice, seen_by_bob = opened_version(alice.get(url).text), opened_version(bob.get(url).text)

    assert alice.post(url, data=person_data(person, seen_by_alice, phone="0687654321")).status_code == 302
    refused = bob.post(url, data=person_data(person, seen_by_bob, address="Stationsweg 3, Lisse"))

    assert refused.status_code == 409
    page = refused.text
    assert REFUSED_PERSON in page
    assert "0687654321" in page and "0612345678" in page  # stored now beside what the second typed
    assert 'value="Stationsweg 3, Lisse"' in page
    session.expire_all()
    stored = session.get(Person, person.id)
    assert (stored.phone, stored.address) == ("0687654321", "Molenstraat 5, Lisse")
    assert [entry.user_id for entry in updates(session, record_type="person", record_id=person.id)] == [first.id]


def test_a_save_unchanged_since_opening_goes_through(app, make, session, team):
    lisse, first, _ = team
    person = make.person("Henk", "Smit")
    make.case(lisse, persons=[(person, "betrokkene")])
    client = signed_in(app, first)
    url = f"/personen/{person.id}/bewerken"
    version = opened_version(client.get(url).text)
    assert client.post(url, data=person_data(person, version, last_name="Smit-Jansen")).status_code == 302
    session.expire_all()
    stored = session.get(Person, person.id)
    assert stored.last_name == "Smit-Jansen" and stored.version == int(version) + 1


@pytest.mark.parametrize("kind", ["case", "person"])
def test_a_save_racing_past_the_comparison_is_refused_by_the_version_column(app, make, team, kind):
    """This save read version 1; another wrote version 2 before this save's UPDATE reached the database."""
    lisse, first, _ = team
    person = make.person("Fatima", "El Amrani")
    case = make.case(lisse, persons=[(person, "betrokkene")], address="Kerkstraat 1, Lisse")
    model, record_id = (Case, case.id) if kind == "case" else (Person, person.id)
    table = model.__table__
    with app.test_request_context():
        session = db.session()
        mine = session.get(model, record_id)
        read = mine.version
        session.execute(update(table).where(table.c.id == record_id)  # the other save, behind the ORM's back
                        .values(address="Gewijzigd door een ander", version=table.c.version + 1))
        with pytest.raises(Conflict), session.begin_nested():
            if kind == "case":
                case_operations.update_case(first, mine, expected_version=read, leefgebieden=[],
                                            address="Mijn adres", description="Mijn omschrijving")
            else:
                update_person(first, mine, {"address": "Mijn adres"}, expected_version=read)
        stored = session.execute(select(table.c.address, table.c.version).where(table.c.id == record_id)).one()
        assert tuple(stored) == ("Gewijzigd door een ander", read + 1)
