"""Duplicates in the person registry: detection, the comparison, and a merge that moves every link."""

from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp import db
from caseapp.db import Base
from caseapp.demo import load_demo_data
from caseapp.models import AuditEntry, CasePerson, Intervention, Person, User
from caseapp.persons.models import PersonMerge
from caseapp.persons.operations import _person_references, duplicate_pairs, duplicate_reason


@pytest.fixture
def region(make):
    lisse, hillegom = make.gemeente("Lisse"), make.gemeente("Hillegom")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    return {
        "lisse": lisse,
        "hillegom": hillegom,
        "coordinator": make.user("coordinator", team, [lisse]),
        "politie": make.organisation("politie", "Politie Bollenstreek"),
    }


def on_case(make, gemeente, person, role="betrokkene", **fields):
    return make.case(gemeente, persons=[(person, role)], **fields)


@pytest.fixture
def twins(make, region):
    """One man registered twice in Lisse, once as Janssen with his BSN and once as Jansen with a phone."""
    kept = make.person("Jan", "Janssen", date(1980, 5, 17), bsn="999990019", address="Kanaalstraat 1, 2161 AB Lisse")
    merged = make.person("Jan", "Jansen", date(1980, 5, 17), phone="06-12345678", address="")
    return kept, merged


@pytest.mark.parametrize(("other", "duplicate"), [
    ({"first_name": "Jan", "last_name": "Jansen", "date_of_birth": date(1980, 5, 17)}, True),
    ({"first_name": "jan", "last_name": "JANSSEN", "date_of_birth": date(1980, 5, 17)}, True),
    ({"first_name": "Jan", "last_name": "Jansen", "date_of_birth": date(1980, 5, 18)}, False),
    ({"first_name": "Johan", "last_name": "Janssen", "date_of_birth": date(1980, 5, 17)}, False),
    ({"first_name": "Jan", "last_name": "Janssen", "date_of_birth": None, "address": "Kanaalstraat 1, Lisse"}, True),
    ({"first_name": "Jan", "last_name": "Janssen", "date_of_birth": None, "address": "Heereweg 2, Lisse"}, False),
    ({"first_name": "Jan", "last_name": "Janssen", "date_of_birth": date(1980, 5, 17), "bsn": "999990020"}, False),
])
def test_duplicates_are_detected_on_name_date_of_birth_and_address(make, region, login, other, duplicate):
    one = make.person("Jan", "Janssen", date(1980, 5, 17), bsn="999990019", address="Kanaalstraat 1, 2161 AB Lisse")
    two = make.person(**other)
    for person in (one, two):
        on_case(make, region["lisse"], person)
    client = login(region["coordinator"])
    listed = f"/personen/{one.id}/samenvoegen/{two.id}" in client.get("/personen/dubbel").text
    noticed = "Mogelijk dubbel met" in client.get(f"/personen/{one.id}").text
    assert listed is noticed is duplicate


def test_registration_offers_the_person_whose_name_sounds_the_same(make, region, login, session):
    existing = make.person("Jan", "Janssen", date(1980, 5, 17))
    on_case(make, region["lisse"], existing)
    case = make.case(region["lisse"])
    response = login(region["coordinator"]).post(f"/casussen/{case.id}/personen/nieuw", data={
        "role": "melder", "first_name": "Jan", "last_name": "Jansen", "date_of_birth": "1980-05-17"})
    assert "Deze persoon is mogelijk al bekend" in response.text
    assert f'name="person_id" value="{existing.id}"' in response.text
    assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_duplicates_page_covers_only_the_coordinators_gemeenten_and_pages(make, region, login, session):
    outside = make.person("Piet", "Bakker", date(1970, 1, 1))
    on_case(make, region["hillegom"], outside)
    on_case(make, region["lisse"], make.person("Piet", "Bakker", date(1970, 1, 1)))
    client = login(region["coordinator"])
    assert "Er zijn geen mogelijk dubbele registraties" in client.get("/personen/dubbel").text
    for number in range(12):
        for _ in range(2):
            on_case(make, region["lisse"], make.person("Kees", f"Visser{number:02d}", date(1960, 1, number + 1)))
    page = client.get("/personen/dubbel").text
    assert "12 paren" in page and "Pagina 1 van 2" in page and "Visser00" in page and "Visser11" not in page
    assert "Visser11" in client.get("/personen/dubbel?page=2").text
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "search")).all()[-1]
    assert entry.record_type == "person" and "12 resultaten" in entry.detail


def test_merge_page_shows_both_records_side_by_side_with_choices(make, region, login, twins):
    kept, merged = twins
    on_case(make, region["lisse"], kept)
    on_case(make, region["lisse"], merged)
    page = login(region["coordinator"]).get(f"/personen/{kept.id}/samenvoegen/{merged.id}").text
    for value in ("Janssen", "Jansen", "999990019", "06-12345678", "Kanaalstraat 1, 2161 AB Lisse"):
        assert value in page
    assert f'name="kept_version" type="hidden" value="{kept.version}"' in page
    assert 'name="keep_last_name"' in page and 'name="keep_first_name"' not in page  # only what differs
    assert 'id="keep_phone-merged" value="merged" checked' in page  # an empty value is never preferred


def test_merge_moves_every_link_keeps_chosen_values_and_leaves_a_trace(make, region, login, session, twins):
    kept, merged = twins
    shared = on_case(make, region["lisse"], kept, "betrokkene")
    session.add(CasePerson(case=shared, person=merged, role="betrokkene", added_at=shared.created_at))  # same role
    session.add(CasePerson(case=shared, person=merged, role="melder", added_at=shared.created_at))
    other = on_case(make, region["lisse"], merged, "slachtoffer")
    intervention = make.intervention(other, "gesprek", "gepland", person=merged, owner_organisation=region["politie"])
    session.commit()
    merged_id = merged.id
    coordinator = region["coordinator"]

    response = login(coordinator).post(f"/personen/{kept.id}/samenvoegen/{merged_id}", data={
        "kept_version": kept.version, "merged_version": merged.version,
        "keep_last_name": "merged", "keep_phone": "merged", "keep_bsn": "kept", "keep_address": "kept"})
    assert response.status_code == 302 and response.location.endswith(f"/personen/{kept.id}")

    session.expire_all()
    assert session.get(Person, merged_id) is None
    survivor = session.get(Person, kept.id)
    assert (survivor.last_name, survivor.phone, survivor.bsn, survivor.search_name) == (
        "Jansen", "06-12345678", "999990019", "jansen jan")
    links = sorted((link.case_id, link.role) for link in session.scalars(
        select(CasePerson).where(CasePerson.person_id == kept.id)))
    assert links == sorted([(shared.id, "betrokkene"), (shared.id, "melder"), (other.id, "slachtoffer")])
    assert session.get(Intervention, intervention.id).person_id == kept.id
    trace = session.scalar(select(PersonMerge).where(PersonMerge.merged_person_id == merged_id))
    assert (trace.kept_person_id, trace.merged_by_id) == (kept.id, coordinator.id)
    assert trace.merged_record["last_name"] == "Jansen" and trace.merged_record["date_of_birth"] == "1980-05-17"
    assert trace.kept_record["last_name"] == "Janssen"
    assert "case_person.person_id: 2 moved, 1 removed" in trace.moved
    assert "intervention.person_id: 1 moved" in trace.moved
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).all()
    assert sorted(entry.person_id for entry in entries) == sorted([kept.id, merged_id])
    assert all(f"person {merged_id} merged into {kept.id}" in entry.detail for entry in entries)


def test_merge_moves_the_links_of_every_table_that_refers_to_a_person(make, region, login, session, twins):
    """Generic: whatever tables refer to person.id (meldingen, documents, ...), none points at the merged one."""
    kept, merged = twins
    on_case(make, region["lisse"], kept)
    make.intervention(on_case(make, region["lisse"], merged), "gesprek", "gepland", person=merged,
                      owner_organisation=region["politie"])
    make.melding(region["lisse"], region["coordinator"], persons=[(merged, "betrokkene"), (kept, "melder")])
    references = _person_references()
    assert {(c.table.name, c.name) for c in references} >= {
        ("case_person", "person_id"), ("intervention", "person_id"), ("melding_person", "person_id")}
    login(region["coordinator"]).post(f"/personen/{kept.id}/samenvoegen/{merged.id}", data={
        "kept_version": kept.version, "merged_version": merged.version})
    for column in references:
        assert session.scalar(select(func.count()).select_from(column.table).where(column == merged.id)) == 0
    assert all(column.table in Base.metadata.tables.values() for column in references)


def test_merged_persons_url_leads_to_the_kept_one_for_who_may_see_it(make, region, login, twins):
    kept, merged = twins
    on_case(make, region["lisse"], kept)
    on_case(make, region["lisse"], merged)
    client = login(region["coordinator"])
    client.post(f"/personen/{kept.id}/samenvoegen/{merged.id}", data={
        "kept_version": kept.version, "merged_version": merged.version})
    response = client.get(f"/personen/{merged.id}")
    assert response.status_code == 302 and response.location.endswith(f"/personen/{kept.id}")
    assert "samengevoegd" in client.get(response.location).text
    stranger = make.user("coordinator", gemeenten=[region["hillegom"]])
    assert login(stranger).get(f"/personen/{merged.id}").status_code == 404


def test_stale_merge_is_refused_and_changes_nothing(make, region, login, session, twins):
    kept, merged = twins
    on_case(make, region["lisse"], kept)
    on_case(make, region["lisse"], merged)
    client = login(region["coordinator"])
    seen = (kept.version, merged.version)
    merged.phone = "06-87654321"  # someone else saved the other record meanwhile
    session.commit()
    response = client.post(f"/personen/{kept.id}/samenvoegen/{merged.id}", data={
        "kept_version": seen[0], "merged_version": seen[1]}, follow_redirects=True)
    assert "is gewijzigd sinds u ze vergeleek" in response.text and "06-87654321" in response.text
    assert session.get(Person, merged.id) is not None
    assert session.scalar(select(func.count()).select_from(PersonMerge)) == 0
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "merge")) is None


def test_two_different_bsns_are_never_merged(make, region, login, session):
    one = make.person("Jan", "Jansen", date(1980, 5, 17), bsn="999990019")
    two = make.person("Jan", "Jansen", date(1980, 5, 17), bsn="999990020")
    on_case(make, region["lisse"], one)
    on_case(make, region["lisse"], two)
    client = login(region["coordinator"])
    assert "elk een ander BSN" in client.get(f"/personen/{one.id}/samenvoegen/{two.id}").text
    response = client.post(f"/personen/{one.id}/samenvoegen/{two.id}", data={
        "kept_version": one.version, "merged_version": two.version})
    assert response.status_code == 422
    assert session.get(Person, two.id) is not None


def test_only_a_coordinator_who_sees_both_may_merge(make, region, login, session, twins):
    kept, merged = twins
    on_case(make, region["lisse"], kept, partners=[region["politie"]])
    on_case(make, region["hillegom"], merged, partners=[region["politie"]])
    data = {"kept_version": kept.version, "merged_version": merged.version}
    url = f"/personen/{kept.id}/samenvoegen/{merged.id}"
    assert login(make.user("partner", region["politie"])).post(url, data=data).status_code == 403
    assert login(region["coordinator"]).post(url, data=data).status_code == 404  # Hillegom is not theirs
    assert session.get(Person, merged.id) is not None
    both = make.user("coordinator", gemeenten=[region["lisse"], region["hillegom"]])
    assert login(both).post(url, data=data).status_code == 302


def test_demo_data_has_persons_registered_twice(app):
    with app.app_context():
        load_demo_data(db.session())
        coordinators = {user.email: user for user in db.session().scalars(select(User))}
        everywhere = duplicate_pairs(coordinators["m.vanderhorst@gemeente.example.org"], 1, 50)
        in_lisse = duplicate_pairs(coordinators["y.elamrani@gemeente.example.org"], 1, 50)
    reasons = {duplicate_reason(a, b) for a, b in everywhere.items}
    assert everywhere.total >= 4 and {"Zelfde naam en adres", "Zelfde geboortedatum, naam klinkt gelijk"} <= reasons
    assert 2 <= in_lisse.total < everywhere.total  # the pair across gemeenten is not Lisse's alone
