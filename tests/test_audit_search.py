"""The audit log: an admin searches it by user, case and person; nothing can change or remove an entry."""

from datetime import datetime

import pytest
from sqlalchemy import select

from caseapp.models import AuditEntry


def rows(html):
    """The markers of the test entries shown on a result page, in the order shown."""
    return sorted((marker for marker in ("entry-a", "entry-b", "entry-c", "entry-d") if marker in html), key=html.index)


@pytest.fixture
def trail(make):
    """Two users' entries on two cases and two persons, at known times."""
    politie = make.organisation("politie", name="Politie Bollenstreek")
    agent = make.user("partner", organisation=politie)
    coordinator = make.user("coordinator")
    make.audit_entry(agent, "view", at=datetime(2026, 3, 1, 9, 0), record_type="case", record_id=11, case_id=11,
                     detail="entry-a", client_address="10.0.0.1")
    make.audit_entry(agent, "view", at=datetime(2026, 3, 2, 9, 0), record_type="person", record_id=21,
                     case_id=12, person_id=21, outcome="denied", detail="entry-b")
    make.audit_entry(coordinator, "update", at=datetime(2026, 3, 3, 9, 0), record_type="case", record_id=11,
                     case_id=11, detail="entry-c")
    make.audit_entry(coordinator, "export", at=datetime(2026, 3, 4, 23, 30), record_type="person", record_id=22,
                     person_id=22, detail="entry-d")
    return agent, coordinator


def test_lists_every_entry_newest_first_with_its_columns(as_admin, trail):
    agent, _coordinator = trail
    html = as_admin.get("/beheer/audit/").text
    assert rows(html) == ["entry-d", "entry-c", "entry-b", "entry-a"]
    before = html[:html.index("entry-a")]
    row = before[before.rindex("<tr>"):]  # the row of entry-a
    assert "01-03-2026 10:00" in row  # 09:00 UTC is 10:00 in Amsterdam in winter
    assert agent.name in row and "Politie Bollenstreek" in row and "Partnermedewerker" in row
    assert "Bekijken" in row and "Toegestaan" in row and "case 11" in row and "10.0.0.1" in row
    assert '<span class="badge denied">Geweigerd</span>' in html


def test_search_by_user(as_admin, trail):
    agent, coordinator = trail
    assert rows(as_admin.get(f"/beheer/audit/?user_id={agent.id}").text) == ["entry-b", "entry-a"]
    assert rows(as_admin.get(f"/beheer/audit/?user_id={coordinator.id}").text) == ["entry-d", "entry-c"]


def test_search_by_case(as_admin, trail):
    assert rows(as_admin.get("/beheer/audit/?case_id=11").text) == ["entry-c", "entry-a"]
    assert rows(as_admin.get("/beheer/audit/?case_id=12").text) == ["entry-b"]


def test_search_by_person(as_admin, trail):
    assert rows(as_admin.get("/beheer/audit/?person_id=21").text) == ["entry-b"]
    html = as_admin.get("/beheer/audit/?person_id=999").text
    assert rows(html) == []
    assert 'class="empty"' in html and "Geen audit-regels gevonden" in html


def test_search_by_action_outcome_and_dutch_calendar_days(as_admin, trail):
    agent, _coordinator = trail
    assert rows(as_admin.get("/beheer/audit/?action=view").text) == ["entry-b", "entry-a"]
    assert rows(as_admin.get("/beheer/audit/?outcome=denied").text) == ["entry-b"]
    assert rows(as_admin.get(f"/beheer/audit/?user_id={agent.id}&action=update").text) == []
    # 4 March 23:30 UTC is already 5 March in the Netherlands (CET, UTC+1).
    assert rows(as_admin.get("/beheer/audit/?date_from=2026-03-02&date_to=2026-03-04").text) == [
        "entry-c", "entry-b"]
    assert rows(as_admin.get("/beheer/audit/?date_from=2026-03-05").text) == ["entry-d"]


def test_search_is_itself_audited(as_admin, admin, session, trail):
    as_admin.get("/beheer/audit/?case_id=11&action=view")
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "search")).all()
    assert (entry.user_id, entry.role, entry.record_type) == (admin.id, "admin", "audit")
    assert entry.case_id == 11 and entry.person_id is None
    assert entry.detail == "case_id=11, action=view; 1 resultaten"

    html = as_admin.get("/beheer/audit/?case_id=11").text
    assert "case_id=11, action=view; 1 resultaten" in html  # the first search now shows in the case's trail
    assert rows(html) == ["entry-c", "entry-a"]


def test_search_does_not_show_its_own_entry_in_its_results(as_admin, admin):
    html = as_admin.get(f"/beheer/audit/?user_id={admin.id}&action=search").text
    assert 'class="empty"' in html


def test_results_are_paginated(as_admin, make, app):
    user = make.user("coordinator")
    for number in range(app.config["PAGE_SIZE"] + 3):
        make.audit_entry(user, "view", at=datetime(2026, 1, 1, 12, number), detail=f"regel-{number:02d}")
    first = as_admin.get(f"/beheer/audit/?user_id={user.id}").text
    assert "Pagina 1 van 2" in first and "regel-12" in first and "regel-02" not in first
    second = as_admin.get(f"/beheer/audit/?user_id={user.id}&page=2").text
    assert "regel-02" in second and "regel-00" in second and "regel-12" not in second


@pytest.mark.parametrize(("query", "message"), [
    ("case_id=abc", "Ongeldig getal."),
    ("person_id=-4", "Een persoonsnummer is een positief geheel getal."),
    ("case_id=99999999999", "Een casusnummer is een positief geheel getal."),
    ("date_from=31-02-2026", "Ongeldige datum."),
    ("date_from=2026-03-05&date_to=2026-03-01", "De einddatum ligt vóór de begindatum."),
    ("user_id=999999", "Ongeldige keuze."),
    ("outcome=maybe", "Ongeldige keuze."),
])
def test_bad_criteria_get_a_message_and_search_nothing(as_admin, session, trail, query, message):
    response = as_admin.get(f"/beheer/audit/?{query}")
    assert response.status_code == 200
    assert message in response.text
    assert rows(response.text) == []
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "search")).all() == []


def test_audit_pages_only_read(app, as_admin):
    methods = {method for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")
               for method in rule.methods}
    assert methods <= {"GET", "HEAD", "OPTIONS"}
    assert as_admin.post("/beheer/audit/").status_code == 405
    assert as_admin.delete("/beheer/audit/").status_code == 405


def test_an_audit_entry_cannot_be_updated(make, session):
    entry = make.audit_entry(action="login", detail="origineel")
    entry.detail = "vervalst"
    with pytest.raises(PermissionError, match="append-only"):
        session.flush()
    session.rollback()
    assert session.get(AuditEntry, entry.id).detail == "origineel"


def test_an_audit_entry_cannot_be_deleted(make, session):
    entry = make.audit_entry(action="login")
    session.delete(entry)
    with pytest.raises(PermissionError, match="append-only"):
        session.flush()
    session.rollback()
    assert session.get(AuditEntry, entry.id) is not None


@pytest.mark.parametrize("role", ["coordinator", "partner", "analyst"])
def test_other_roles_cannot_search_the_audit_log(make, login, session, role):
    client = login(make.user(role, gemeenten=[make.gemeente()]))
    response = client.get("/beheer/audit/?case_id=1")
    assert response.status_code == 403
    assert "Geen toegang" in response.text
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "search")).all() == []
