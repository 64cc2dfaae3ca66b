from sqlalchemy import case as case_when
from sqlalchemy import exists, or_, select

from caseapp import db
from caseapp.access import visible_cases
from caseapp.audit.operations import record, utcnow
from caseapp.cases.models import Case, CaseLeefgebied, CasePartner, CasePerson, Note
from caseapp.notifications.operations import notify_case_assignment
from caseapp.persons.models import Person
from caseapp.versions import check_version, flush_or_conflict
from caseapp.workflow.engine import fire

_RISK_ORDER = case_when({"acuut": 4, "hoog": 3, "midden": 2, "laag": 1}, value=Case.risk_level)
SORT_ORDERS = {
    "opened_desc": (Case.opened_on.desc(), Case.id.desc()),
    "opened_asc": (Case.opened_on.asc(), Case.id.asc()),
    "updated_desc": (Case.updated_at.desc(), Case.id.desc()),
    "risk_desc": (_RISK_ORDER.desc(), Case.opened_on.desc(), Case.id.desc()),
    "address_asc": (Case.address.asc(), Case.id.asc()),
}


def worklist(actor, *, q=None, status=None, type=None, gemeente_id=None, wijk_id=None, coordinator_id=None,
             sort="opened_desc"):
    """A statement over the cases the actor may see, filtered and sorted as asked."""
    statement = visible_cases(actor)
    for column, value in ((Case.status, status), (Case.type, type), (Case.gemeente_id, gemeente_id),
                          (Case.wijk_id, wijk_id), (Case.coordinator_id, coordinator_id)):
        if value:
            statement = statement.where(column == value)
    for term in (q or "").split():
        pattern = f"%{term}%"
        named = exists().where(
            CasePerson.case_id == Case.id, CasePerson.person_id == Person.id,
            or_(Person.first_name.ilike(pattern), Person.last_name.ilike(pattern)),
        )
        statement = statement.where(or_(Case.address.ilike(pattern), named))
    return statement.order_by(*SORT_ORDERS.get(sort, SORT_ORDERS["opened_desc"]))


def open_case(actor, *, leefgebieden, **fields):
    """A new case, registered through the case process's first transition (which audits it)."""
    now = utcnow()
    case = Case(created_at=now, updated_at=now, **fields)
    case.leefgebieden = [CaseLeefgebied(leefgebied=value) for value in leefgebieden]
    fire(actor, case, "aanmelden", now=now)
    if case.coordinator is not None:
        notify_case_assignment(actor, case, coordinator=case.coordinator)
    return case


def update_case(actor, case, *, expected_version, leefgebieden, **fields):
    """Save the edit form; refused (Conflict, nothing changed) when the case changed since the user opened it."""
    check_version(case, expected_version)
    new_coordinator = fields.get("coordinator")
    if new_coordinator is not None and new_coordinator.id != case.coordinator_id:
        notify_case_assignment(actor, case, coordinator=new_coordinator)
    with db.session().no_autoflush:  # written at once below, where a stale version is caught
        for name, value in fields.items():
            setattr(case, name, value)
        kept = {item.leefgebied: item for item in case.leefgebieden}
        case.leefgebieden = [kept.get(value) or CaseLeefgebied(leefgebied=value) for value in leefgebieden]
        case.updated_at = utcnow()
    flush_or_conflict()
    record(actor, "update", record_type="case", record_id=case.id, case_id=case.id)
    return case


def link_person(actor, case, person, role):
    """Give `person` a role on `case`; returns None when they already have that role there."""
    already = db.session().scalar(select(CasePerson).where(
        CasePerson.case_id == case.id, CasePerson.person_id == person.id, CasePerson.role == role))
    if already is not None:
        return None
    link = CasePerson(case=case, person=person, role=role, added_at=utcnow())
    db.session().add(link)
    case.updated_at = utcnow()
    db.session().flush()
    record(actor, "create", record_type="case_person", record_id=link.id, case_id=case.id, person_id=person.id,
           detail=role)
    return link


def unlink_person(actor, link):
    record(actor, "delete", record_type="case_person", record_id=link.id, case_id=link.case_id,
           person_id=link.person_id, detail=link.role)
    link.case.updated_at = utcnow()
    db.session().delete(link)


def assign_partner(actor, case, organisation):
    assignment = CasePartner(case=case, organisation=organisation, assigned_at=utcnow(), assigned_by=actor)
    db.session().add(assignment)
    case.updated_at = utcnow()
    db.session().flush()
    record(actor, "create", record_type="case_partner", record_id=assignment.id, case_id=case.id,
           detail=organisation.name)
    notify_case_assignment(actor, case, organisation=organisation)
    return assignment


def unassign_partner(actor, assignment):
    record(actor, "delete", record_type="case_partner", record_id=assignment.id, case_id=assignment.case_id,
           detail=assignment.organisation.name)
    assignment.case.updated_at = utcnow()
    db.session().delete(assignment)


def add_note(actor, case, *, body, visibility):
    note = Note(case=case, author=actor, organisation_id=actor.organisation_id, body=body.strip(),
                visibility=visibility, created_at=utcnow())
    db.session().add(note)
    case.updated_at = utcnow()
    db.session().flush()
    record(actor, "create", record_type="note", record_id=note.id, case_id=case.id)
    return note
