"""Every URL rule, as every role and anonymous, against records that role may not see.

A rule that names a record must answer 404 to a role that has the area (the record's existence is not
revealed), 403 to a role that never has the area, and send anonymous users to the login page: never 200,
never 500. A rule without a record shows the role's own area (200) or refuses it the same way, and never
shows the hidden records. Every endpoint must be listed below, so a new route cannot skip this test.
"""

import re

import pytest
from sqlalchemy import func, select

from caseapp.audit.operations import utcnow
from caseapp.models import AuditEntry, CasePartner, CasePerson, Intervention, Note, Notification

ROLES = ("anonymous", "coordinator", "partner", "analyst", "admin")
CASEWORK = {"coordinator", "partner"}
EVERY_ROLE = {"coordinator", "partner", "analyst", "admin"}

# Which roles have the area each endpoint belongs to.
AREAS = {
    "cases.worklist": CASEWORK,
    "cases.show": CASEWORK,
    "cases.add_note": CASEWORK,
    "cases.new": {"coordinator"},
    "cases.edit": {"coordinator"},
    "cases.add_person": {"coordinator"},
    "cases.link_person": {"coordinator"},
    "cases.unlink_person": {"coordinator"},
    "cases.assign_partner": {"coordinator"},
    "cases.unassign_partner": {"coordinator"},
    "cases.change_status": {"coordinator"},
    "cases.new_intervention": {"coordinator"},
    "interventions.show": CASEWORK,
    "interventions.fire_transition": CASEWORK,
    "workflow.index": CASEWORK,
    "workflow.show": CASEWORK,
    "persons.search": CASEWORK,
    "persons.show": CASEWORK,
    "persons.edit": {"coordinator"},
    "persons.duplicates": {"coordinator"},
    "persons.merge": {"coordinator"},
    "reports.overview": {"analyst"},
    "deadlines.index": CASEWORK,
    "notifications.index": CASEWORK,
    "notifications.show": CASEWORK,
    "notifications.mark_all_read": CASEWORK,
    "meldingen.index": CASEWORK,
    "meldingen.new": CASEWORK,
    "meldingen.signaal": {"coordinator", "analyst"},  # the gemeente's own staff; this world's partner is politie
    "meldingen.sent": {"coordinator", "partner", "analyst"},
    "meldingen.show": CASEWORK,
    "meldingen.edit": {"coordinator"},
    "meldingen.add_person": {"coordinator"},
    "meldingen.link_person": {"coordinator"},
    "meldingen.unlink_person": {"coordinator"},
    "meldingen.link_case": {"coordinator"},
    "meldingen.close": {"coordinator"},
    "meldingen.open_case": {"coordinator"},
    "documents.index": CASEWORK,
    "documents.upload": CASEWORK,
    "documents.download": CASEWORK,
    "documents.delete": CASEWORK,
    "letters.draft": {"coordinator"},
    "letters.save": {"coordinator"},
    "letters.templates": {"admin"},
    "letters.edit_template": {"admin"},  # <kind> stays unknown, so it answers 404
    "accounts.account": EVERY_ROLE,
    "accounts.account_recovery_codes": EVERY_ROLE,  # refused without a code: the page again, with the message
    "accounts.account_reenrol": EVERY_ROLE,
    "accounts.account_confirm_enrolment": EVERY_ROLE,
    "plans.worklist": CASEWORK,
    "plans.show_action": CASEWORK,
    "plans.complete_action": CASEWORK,
    "plans.new_goal": {"coordinator"},
    "plans.edit_goal": {"coordinator"},
    "plans.new_action": {"coordinator"},
    "plans.edit_action": {"coordinator"},
    "conferences.index": CASEWORK,
    "conferences.show": CASEWORK,
    "conferences.item": CASEWORK,
    "conferences.new": {"coordinator"},
    "conferences.edit": {"coordinator"},
    "conferences.add_item": {"coordinator"},
    "conferences.schedule_case": {"coordinator"},
    "conferences.remove_item": {"coordinator"},
    "conferences.record_item": {"coordinator"},
    "conferences.add_item_action": {"coordinator"},
    "conferences.establish": {"coordinator"},
    "api_tokens.index": {"admin"},
    "api_tokens.new": {"admin"},
    "api_tokens.revoke": {"admin"},
    "indicators.report": {"analyst"},
    "indicators.export": {"analyst"},
    "indicators.targets": {"analyst", "admin"},
    "indicators.edit_targets": {"analyst", "admin"},  # gemeente and indicator ids do not exist: 404
    "indicators.set_baseline": {"analyst", "admin"},
    "indicators.delete_baseline": {"analyst", "admin"},
    "indicators.set_target": {"analyst", "admin"},
    "indicators.delete_target": {"analyst", "admin"},
    "indicators.edit_indicator": {"admin"},
    "indicators.delete_indicator": {"admin"},
    "indicator_imports.index": {"analyst", "admin"},
    "indicator_imports.upload": {"analyst", "admin"},
    "indicator_imports.show": {"analyst", "admin"},  # no import in the world: <import_id> answers 404
}
ADMIN_PREFIXES = ("accounts.user", "organisations.", "audit.", "retention.")
# The session's own pages: open to anyone, or redirects to the role's landing page. The second factor's login
# steps send anyone who has not just given a password back to the login page (tests/test_second_factor.py).
SESSION_ENDPOINTS = {"static", "accounts.login", "accounts.second_factor", "accounts.enrol", "accounts.logout",
                     "home.index", "api.openapi"}  # the API's OpenAPI document holds no data
# The BI API takes a token in the Authorization header, never a session: every role, logged in or not, gets 401.
# tests/test_api.py runs these routes with tokens: valid, revoked, expired, of a user deactivated or given another role.
TOKEN_ENDPOINTS = {"api.gemeenten", "api.indicatoren", "api.waarden"}

HIDDEN_NAME, HIDDEN_ADDRESS = "Geheimhouder", "Verborgen Laan 1"


def area_of(endpoint):
    if endpoint in AREAS:
        return AREAS[endpoint]
    if endpoint in TOKEN_ENDPOINTS:
        return set()
    if endpoint.startswith(ADMIN_PREFIXES):
        return {"admin"}
    raise AssertionError(f"{endpoint} is not classified in tests/test_routes_by_role.py: add it to AREAS")


@pytest.fixture
def world(make, session):
    """Users of every role in Lisse, and a case of Teylingen that none of them may see."""
    lisse, teylingen = make.gemeente("Lisse"), make.gemeente("Teylingen")
    team = make.organisation("gemeente")
    politie, ggz = make.organisation("politie"), make.organisation("ggz")
    users = {
        "coordinator": make.user("coordinator", team, [lisse]),
        "partner": make.user("partner", politie, [lisse, teylingen]),
        "analyst": make.user("analyst", team, [lisse]),
        "admin": make.user("admin", team, [lisse]),
    }
    hidden_person = make.person("Gerrit", HIDDEN_NAME)
    other_coordinator = make.user("coordinator", team, [teylingen])
    hidden = make.case(teylingen, address=HIDDEN_ADDRESS, persons=[(hidden_person, "betrokkene")], partners=[ggz],
                       coordinator=other_coordinator)
    note = make.note(hidden, other_coordinator, body="Vertrouwelijke notitie")
    intervention = Intervention(case=hidden, type="gesprek", status="gepland", owner_organisation=ggz,
                                created_at=utcnow(), updated_at=utcnow())
    session.add(intervention)
    session.commit()
    notification = Notification(user_id=other_coordinator.id, text="Casus toegewezen", link=f"/casussen/{hidden.id}",
                                created_at=utcnow())
    make.session.add(notification)
    make.session.commit()
    make.case(lisse, address="Zichtbare Weg 2")  # so the own area is not empty
    # A namesake in Lisse who sounds like the hidden person: the duplicates pages must not pair them.
    make.case(lisse, persons=[(make.person("Gerrit", "Geheimhauder"), "betrokkene")])
    document = make.document(hidden, other_coordinator, visibility="partners", title=f"Brief aan {HIDDEN_NAME}")
    hidden_melding = make.melding(teylingen, other_coordinator, address=HIDDEN_ADDRESS,
                                  persons=[(hidden_person, "betrokkene")])
    make.melding(lisse, users["coordinator"], address="Zichtbare Weg 3")
    make.melding(lisse, users["partner"], address="Zichtbare Weg 4", source="politie", source_organisation=politie)
    goal = make.plan_goal(hidden, description=f"Doel voor {HIDDEN_NAME}")
    action = make.plan_action(hidden, ggz, goal=goal, description=f"Bezoek aan {HIDDEN_ADDRESS}")
    conference = make.conference([teylingen], other_coordinator, [team, ggz], location=HIDDEN_ADDRESS)
    item = make.conference_item(conference, hidden, decisions=f"Besluit over {HIDDEN_NAME}", present=[ggz])
    ids = {
        "case_id": hidden.id,
        "person_id": hidden_person.id,
        "link_id": hidden.persons[0].id,
        "assignment_id": hidden.partners[0].id,
        "note_id": note.id,
        "notification_id": notification.id,
        "intervention_id": intervention.id,
        "melding_id": hidden_melding.id,
        "document_id": document.id,
        "goal_id": goal.id,
        "action_id": action.id,
        "conference_id": conference.id,
        "item_id": item.id,
        "filetype": "csv",  # the indicator export's format: not a record
        "transition": "afronden",  # a step that exists; "key" stays unknown, so /procedures/<key> answers 404
    }
    return users, ids


def url_for_rule(rule, ids):
    def value(match):
        name = match.group(1).split(":")[-1]
        return str(ids.get(name, 999_999))  # admin records: an id that does not exist

    return re.sub(r"<([^>]+)>", value, rule.rule)


def counts(session):
    return [session.scalar(select(func.count()).select_from(model)) for model in (CasePerson, CasePartner, Note)]


def rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SESSION_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


@pytest.mark.parametrize("role", ROLES)
def test_every_route_as_every_role(app, world, login, client, session, role):
    users, ids = world
    if role != "anonymous":
        login(users[role])
    before = counts(session)
    checked = 0
    for rule, method in rules(app):
        url = url_for_rule(rule, ids)
        response = client.open(url, method=method, data={})
        where = f"{method} {url} ({rule.endpoint}) as {role}"
        allowed = role in area_of(rule.endpoint)
        assert response.status_code != 500, where
        if rule.endpoint in TOKEN_ENDPOINTS:
            assert response.status_code == 401, where
        elif role == "anonymous":
            assert response.status_code == 302 and "/inloggen" in response.location, where
        elif not allowed:
            assert response.status_code == 403, where
        elif rule.arguments - {"filetype"}:
            assert response.status_code == 404, where
        else:
            assert response.status_code == 200, where
            assert HIDDEN_NAME not in response.text and HIDDEN_ADDRESS not in response.text, where
        checked += 1
    assert checked >= 20
    assert counts(session) == before  # nothing refused changed anything


def test_refusals_of_records_are_audited(app, world, login, session):
    users, ids = world
    client = login(users["partner"])
    client.get(f"/casussen/{ids['case_id']}")
    client.get(f"/personen/{ids['person_id']}")
    denied = session.scalars(select(AuditEntry).where(AuditEntry.user_id == users["partner"].id,
                                                      AuditEntry.outcome == "denied")).all()
    assert {(e.record_type, e.case_id, e.person_id) for e in denied} == {
        ("case", ids["case_id"], None), ("person", None, ids["person_id"])}


def test_every_endpoint_is_classified(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in SESSION_ENDPOINTS:
            area_of(rule.endpoint)
