"""Case conferences: scheduling, the agenda, the record per agenda case, and the vaststelling that closes it.

A conference is held for one or more gemeenten and invites organisations. Every list here goes through
caseapp.access: a partner sees the conferences their organisation is invited to and, of an agenda, only
the cases assigned to their organisation. Once vastgesteld, the record is read-only. Every write is audited.
"""

import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import conference_item_scope, conference_scope, visible_cases
from caseapp.accounts.models import User, user_gemeente
from caseapp.audit.operations import apply_changes, change_detail, record, record_search, today, utcnow
from caseapp.cases.models import Case
from caseapp.conferences.models import Conference, ConferenceItem, conference_gemeente
from caseapp.organisations.models import Organisation
from caseapp.plans import operations as plans
from caseapp.plans.models import PlanAction
from caseapp.plans.operations import PlanError
from caseapp.versions import check_version, flush_or_conflict
from caseapp.workflow.definitions import start_of_day

ESTABLISHED = "Dit overleg is vastgesteld: het verslag en de agenda kunnen niet meer worden gewijzigd."
NOT_HELD_YET = "Een overleg kan pas worden vastgesteld als het heeft plaatsgevonden."
NO_AGENDA = "Zet eerst een casus op de agenda."
REFERENCE = re.compile(r"^\s*(\d{4})-(\d{1,9})\s*$")


# -- who may do what ----------------------------------------------------------------------------------------

def may_manage(user, conference):
    """Whether `user` runs this conference: a coordinator of every gemeente it is held for, so no agenda item
    is out of their sight."""
    return user.role == "coordinator" and {g.id for g in conference.gemeenten} <= set(user.gemeente_ids)


def chair_choices(gemeente_ids):
    """The active coordinators of these gemeenten: who may chair a conference held for them."""
    return db.session().scalars(
        select(User).where(User.role == "coordinator", User.active, User.id.in_(
            select(user_gemeente.c.user_id).where(user_gemeente.c.gemeente_id.in_(gemeente_ids))))
        .order_by(User.name)).all()


def invitee_choices():
    return db.session().scalars(select(Organisation).where(Organisation.active).order_by(Organisation.name)).all()


def attendee_choices(conference):
    """Who may be recorded as present in person: the chair, the coordinators of the conference's gemeenten and
    the casework users of the invited organisations."""
    invited = [organisation.id for organisation in conference.organisations]
    return db.session().scalars(
        select(User).where(User.active, User.role.in_(("coordinator", "partner")),
                           (User.id == conference.chair_id)
                           | User.organisation_id.in_(invited)
                           | ((User.role == "coordinator") & User.id.in_(
                               select(user_gemeente.c.user_id).where(user_gemeente.c.gemeente_id.in_(
                                   [g.id for g in conference.gemeenten])))))
        .options(selectinload(User.organisation)).order_by(User.name)).all()


def _check_open(conference):
    if conference.established:
        raise PlanError(ESTABLISHED)


def _check_fields(actor, chair, gemeenten):
    if not gemeenten or not {g.id for g in gemeenten} <= set(actor.gemeente_ids):
        raise PlanError("Kies gemeenten waarvoor u werkt.", "gemeente_ids")
    if chair is None or chair.id not in {user.id for user in chair_choices([g.id for g in gemeenten])}:
        raise PlanError("Kies als voorzitter een coördinator van een van de gekozen gemeenten.", "chair_id")


# -- reading ------------------------------------------------------------------------------------------------

def upcoming(actor):
    """The visible conferences from today on, the first first."""
    return (select(Conference).where(conference_scope(actor), Conference.starts_at >= start_of_day(today()))
            .order_by(Conference.starts_at, Conference.id))


def past(actor):
    """The visible conferences before today, the latest first."""
    return (select(Conference).where(conference_scope(actor), Conference.starts_at < start_of_day(today()))
            .order_by(Conference.starts_at.desc(), Conference.id.desc()))


def agenda_counts(actor, conferences):
    """{conference id: number of agenda items the actor may see}; the others are not counted."""
    ids = [conference.id for conference in conferences]
    if not ids:
        return {}
    rows = db.session().execute(
        select(ConferenceItem.conference_id, func.count()).where(conference_item_scope(actor),
                                                                 ConferenceItem.conference_id.in_(ids))
        .group_by(ConferenceItem.conference_id))
    return dict(rows.all())


def agenda(actor, conference):
    """The agenda items of `conference` the actor may see, with their records and actions, in agenda order."""
    return db.session().scalars(
        select(ConferenceItem).where(conference_item_scope(actor), ConferenceItem.conference_id == conference.id)
        .options(selectinload(ConferenceItem.case), selectinload(ConferenceItem.present_organisations),
                 selectinload(ConferenceItem.present_users), selectinload(ConferenceItem.recorded_by),
                 selectinload(ConferenceItem.actions).selectinload(PlanAction.owner_user),
                 selectinload(ConferenceItem.actions).selectinload(PlanAction.owner_organisation))
        .order_by(ConferenceItem.position, ConferenceItem.id)).all()


def conferences_of_case(actor, case):
    """The agenda items about `case` in conferences the actor may see, the latest conference first."""
    return db.session().scalars(
        select(ConferenceItem).join(ConferenceItem.conference)
        .where(conference_item_scope(actor), ConferenceItem.case_id == case.id)
        .options(selectinload(ConferenceItem.conference))
        .order_by(Conference.starts_at.desc())).all()


def open_conferences_for(actor, case, limit=20):
    """Conferences not yet vastgesteld that the actor runs and may put `case` on: held for its gemeente."""
    if actor.role != "coordinator":
        return []
    found = db.session().scalars(
        select(Conference).where(
            conference_scope(actor), Conference.status == "gepland",
            Conference.starts_at >= start_of_day(today() - timedelta(days=7)),
            Conference.id.in_(select(conference_gemeente.c.conference_id)
                              .where(conference_gemeente.c.gemeente_id == case.gemeente_id)),
            Conference.id.not_in(select(ConferenceItem.conference_id).where(ConferenceItem.case_id == case.id)))
        .options(selectinload(Conference.gemeenten)).order_by(Conference.starts_at).limit(limit)).all()
    return [conference for conference in found if may_manage(actor, conference)]


def find_case(actor, reference):
    """The visible case with this reference (e.g. 2026-000123), or None; the lookup is audited as a search."""
    match = REFERENCE.match(reference or "")
    case = None
    if match:
        year, case_id = int(match.group(1)), int(match.group(2))
        case = db.session().scalar(visible_cases(actor).where(Case.id == case_id))
        if case is not None and case.opened_on.year != year:
            case = None
    record_search(actor, "case", {"reference": (reference or "").strip()}, 0 if case is None else 1)
    return case


# -- writing ------------------------------------------------------------------------------------------------

def schedule(actor, *, kind, starts_at, location, chair, gemeenten, organisations):
    _check_fields(actor, chair, gemeenten)
    now = utcnow()
    conference = Conference(kind=kind, starts_at=starts_at, location=location.strip(), chair=chair, status="gepland",
                            gemeenten=list(gemeenten), organisations=list(organisations), created_by_id=actor.id,
                            created_at=now, updated_at=now)
    db.session().add(conference)
    db.session().flush()
    record(actor, "create", record_type="conference", record_id=conference.id, detail=kind)
    return conference


def update_conference(actor, conference, *, expected_version, kind, starts_at, location, chair, gemeenten,
                      organisations):
    _check_open(conference)
    check_version(conference, expected_version)
    _check_fields(actor, chair, gemeenten)
    kept = {g.id for g in gemeenten}
    dropped = {item.case.gemeente.name for item in conference.items if item.case.gemeente_id not in kept}
    if dropped:
        raise PlanError(f"Er staan casussen van {', '.join(sorted(dropped))} op de agenda: haal die er eerst af.",
                        "gemeente_ids")
    changed = apply_changes(conference, kind=kind, starts_at=starts_at, location=location.strip(), chair=chair)
    for name, chosen in (("gemeenten", gemeenten), ("organisations", organisations)):
        if {item.id for item in getattr(conference, name)} != {item.id for item in chosen}:
            setattr(conference, name, list(chosen))
            changed.append(name)
    if changed:
        conference.updated_at = utcnow()
    flush_or_conflict()
    record(actor, "update", record_type="conference", record_id=conference.id, detail=change_detail(changed))
    return conference


def _lock(conference):
    """Serialise agenda changes of one conference (PostgreSQL row lock; SQLite has one writer at a time)."""
    db.session().execute(select(Conference.id).where(Conference.id == conference.id).with_for_update())


def add_to_agenda(actor, conference, case):
    _check_open(conference)
    _lock(conference)
    if case.gemeente_id not in {g.id for g in conference.gemeenten}:
        raise PlanError("Deze casus hoort niet bij de gemeenten van dit overleg.", "reference")
    if case.status == "afgesloten":
        raise PlanError("Een afgesloten casus kan niet op de agenda.", "reference")
    on_agenda = db.session().scalars(select(ConferenceItem).where(ConferenceItem.conference_id == conference.id)).all()
    if any(item.case_id == case.id for item in on_agenda):
        raise PlanError(f"Casus {case.reference} staat al op de agenda.", "reference")
    item = ConferenceItem(conference=conference, case=case, added_at=utcnow(),
                          position=max((item.position for item in on_agenda), default=0) + 1)
    db.session().add(item)
    db.session().flush()
    record(actor, "create", record_type="conference_item", record_id=item.id, case_id=case.id,
           detail=f"conference={conference.id}")
    return item


def remove_from_agenda(actor, item):
    _check_open(item.conference)
    if item.recorded or item.actions:
        raise PlanError(f"Over casus {item.case.reference} is in dit overleg al iets vastgelegd: de casus blijft op "
                        "de agenda.")
    record(actor, "delete", record_type="conference_item", record_id=item.id, case_id=item.case_id,
           detail=f"conference={item.conference_id}")
    item.conference.items.remove(item)
    db.session().flush()


def record_item(actor, item, *, expected_version, decisions, organisations, users):
    """The record of one agenda case: who was present and what was decided."""
    _check_open(item.conference)
    check_version(item, expected_version)
    invited = {organisation.id for organisation in item.conference.organisations}
    if not organisations or not {o.id for o in organisations} <= invited:
        raise PlanError("Vink aan welke uitgenodigde organisaties aanwezig waren.", "organisation_ids")
    changed = apply_changes(item, decisions=decisions.strip())
    for name, chosen in (("present_organisations", organisations), ("present_users", users)):
        if {x.id for x in getattr(item, name)} != {x.id for x in chosen}:
            setattr(item, name, list(chosen))
            changed.append(name)
    item.recorded_at, item.recorded_by = utcnow(), actor
    flush_or_conflict()
    record(actor, "update", record_type="conference_item", record_id=item.id, case_id=item.case_id,
           detail=change_detail(changed))
    return item


def add_item_action(actor, item, **fields):
    """A new action agreed on an agenda case: it joins that case's plan van aanpak, marked as from this conference."""
    _check_open(item.conference)
    return plans.add_action(actor, item.case, conference_item=item, **fields)


def establish(actor, conference, *, expected_version, now=None):
    """Vaststellen: the record is complete and becomes read-only."""
    now = now or utcnow()
    _check_open(conference)
    check_version(conference, expected_version)
    if conference.starts_at > now:
        raise PlanError(NOT_HELD_YET)
    if not conference.items:
        raise PlanError(NO_AGENDA)
    missing = [item.case.reference for item in conference.items if not item.recorded]
    if missing:
        raise PlanError("Leg eerst bij elk agendapunt de aanwezigen en besluiten vast; nog niet bij casus "
                        f"{', '.join(missing)}.")
    conference.status, conference.established_at, conference.established_by_id = "vastgesteld", now, actor.id
    conference.updated_at = now
    flush_or_conflict()
    record(actor, "update", record_type="conference", record_id=conference.id, detail="status=vastgesteld", at=now)
    return conference
