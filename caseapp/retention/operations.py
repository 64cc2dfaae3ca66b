"""Retention (DESIGN §5): closed cases past the period set for their result are anonymised, and logged.

Anonymising keeps what the indicator counts are made of (the case's gemeente, wijk, type, dates, status,
result and risk, its leefgebieden and partners, its interventions' types, statuses and dates, and its
status history and deadlines) and removes the rest: the subject address, every free text, and the link to
every person. A person on no other record any more is deleted. Each purged case gets one audit entry, and
each deleted person one more. An anonymised case is never changed again (caseapp.retention.models).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, exists, func, or_, select, update

from caseapp import db, models
from caseapp.audit.operations import record, today, utcnow
from caseapp.cases.models import Case, Note
from caseapp.documents.operations import delete_documents_of
from caseapp.enums import CASE_RESULTS
from caseapp.indicators.counting import freeze
from caseapp.interventions.models import Intervention
from caseapp.meldingen.operations import anonymise_meldingen_of
from caseapp.persons.models import Person, PersonMerge
from caseapp.plans.operations import remove_plan_text
from caseapp.retention.models import RetentionPeriod
from caseapp.workflow.definitions import add_months, local_date, start_of_day
from caseapp.workflow.models import StatusChange

# Art. 13b Opiumwet: a closure decision is kept 10 years (DESIGN §3), whatever the result's period says.
SLUITING_TYPES = ("sluiting_13b", "sluiting_174a")
SLUITING_YEARS = 10

# Free text of an intervention (caseapp/workflow/processes.py: the "text" and "textarea" fields).
INTERVENTION_TEXT = ("premises_address", "business_name", "kvk_number", "description", "outcome_note")
# A huisverbod must name a person (CHECK huisverbod_person); after the purge it names an empty stand-in.
STAND_IN_NAME = "Geanonimiseerd"


# -- the periods, set by the admin --------------------------------------------------------------------


def periods():
    """The retention period of each result that has one, by result."""
    return {period.result: period for period in db.session().scalars(select(RetentionPeriod))}


def set_periods(actor, years_by_result):
    """Save the periods; one audit entry per result whose period changed. Returns the changed results."""
    current = periods()
    changed = []
    for result, years in years_by_result.items():
        period = current.get(result)
        if period is not None and period.years == years:
            continue
        before = f"{period.years} jaar" if period is not None else "niet ingesteld"
        if period is None:
            period = RetentionPeriod(result=result)
            db.session().add(period)
        period.years, period.updated_at, period.updated_by_id = years, utcnow(), actor.id
        record(actor, "update", record_type="retention_period", detail=f"{result}: {before} -> {years} jaar")
        changed.append(result)
    return changed


# -- which cases are due ------------------------------------------------------------------------------


@dataclass
class Due:
    """The closed cases of one result that are past their period and not yet anonymised."""

    result: str
    years: int
    case_ids: list[int]
    oldest_closed_on: date | None = None

    @property
    def label(self):
        return CASE_RESULTS[self.result]

    @property
    def count(self):
        return len(self.case_ids)


def _before_years(day, years):
    """Closed before this moment (naive UTC) means: more than `years` years before Dutch calendar day `day`."""
    return start_of_day(add_months(day, -12 * years))


def _due_conditions(period, day):
    """WHERE clauses: closed with this result, past its period on `day`, not anonymised yet."""
    sluiting_decided = exists().where(Intervention.case_id == Case.id, Intervention.type.in_(SLUITING_TYPES),
                                      Intervention.decided_at.is_not(None))
    conditions = [Case.status == "afgesloten", Case.result == period.result, Case.anonymised_at.is_(None),
                  Case.closed_at < _before_years(day, period.years)]
    if period.years < SLUITING_YEARS:
        conditions.append(or_(Case.closed_at < _before_years(day, SLUITING_YEARS), ~sluiting_decided))
    return conditions


def due_for_purge(day=None):
    """Per result with a period, in the order of CASE_RESULTS: the cases due on `day` (default today)."""
    day = day or today()
    found = []
    for result, period in sorted(periods().items(), key=lambda item: list(CASE_RESULTS).index(item[0])):
        rows = db.session().execute(
            select(Case.id, Case.closed_at).where(*_due_conditions(period, day)).order_by(Case.closed_at, Case.id)
        ).all()
        found.append(Due(result, period.years, [case_id for case_id, _ in rows],
                         local_date(rows[0].closed_at) if rows else None))
    return found


# -- the purge ----------------------------------------------------------------------------------------


def _remove_case_text(case):
    case.address, case.description = "", ""
    return ()


def _delete_notes(case):
    db.session().execute(delete(Note).where(Note.case_id == case.id))
    return ()


def _clear_status_reasons(case):
    """The reasons typed at status changes of the case and its interventions; the engine's own notes stay."""
    db.session().execute(update(StatusChange).where(StatusChange.case_id == case.id).values(reason=""))
    return ()


def _anonymise_interventions(case):
    released = set()
    for intervention in case.interventions:
        for name in INTERVENTION_TEXT:
            setattr(intervention, name, "")
        if intervention.person_id is not None:
            released.add(intervention.person_id)
            intervention.person = _stand_in() if intervention.type == "huisverbod" else None
    return released


def _stand_in():
    """An empty person, on no case, for a measure the database requires to name one."""
    person = Person(first_name="", last_name=STAND_IN_NAME, created_at=utcnow())
    db.session().add(person)
    return person


def _unlink_persons(case):
    released = {link.person_id for link in case.persons}
    case.persons.clear()
    return released


# Each step removes one kind of personal data from the case and returns the ids of the persons it released.
PURGE_STEPS = (_remove_case_text, _delete_notes, _clear_status_reasons, _anonymise_interventions, _unlink_persons,
               anonymise_meldingen_of, remove_plan_text, delete_documents_of)


@dataclass
class Purged:
    """What one run of the purge did."""

    cases: dict = field(default_factory=dict)  # result -> number of cases anonymised
    persons_deleted: int = 0
    persons_kept: int = 0  # released by a purged case, but still on another case or record

    @property
    def total(self):
        return sum(self.cases.values())


def purge(actor=None, day=None):
    """Anonymise every case due on `day` (default today), each in its own transaction (committed here)."""
    day = day or today()
    purged = Purged()
    session = db.session()
    for due in due_for_purge(day):
        period = session.get(RetentionPeriod, due.result)
        for case_id in due.case_ids:
            # Read again under a lock: the case may have been reopened since the list was made.
            case = session.scalar(select(Case).where(Case.id == case_id, *_due_conditions(period, day))
                                  .with_for_update())
            if case is None:
                continue
            deleted, kept = purge_case(actor, case, period)
            session.commit()
            purged.cases[due.result] = purged.cases.get(due.result, 0) + 1
            purged.persons_deleted += deleted
            purged.persons_kept += kept
    return purged


def purge_case(actor, case, period):
    """Anonymise one case (in the caller's transaction); how many persons were deleted and how many kept."""
    session = db.session()
    released = set()
    freeze(session, case.id)  # what the case counted keeps counting
    for step in PURGE_STEPS:
        released |= set(step(case))
    session.flush()
    now = utcnow()
    case.anonymised_at, case.updated_at = now, now  # last: from this flush on, the case cannot change
    session.flush()
    held = _still_held(released)
    for person_id in sorted(released - held):
        session.delete(session.get(Person, person_id))
        session.execute(delete(PersonMerge).where(PersonMerge.kept_person_id == person_id))  # the merged records
        record(actor, "purge", record_type="person", record_id=person_id, person_id=person_id, case_id=case.id,
               detail="bewaartermijn verstreken; op geen andere casus meer", at=now)
    record(actor, "purge", record_type="case", record_id=case.id, case_id=case.id, at=now,
           detail=f"bewaartermijn {period.years} jaar na afsluiten ({case.result}, afgesloten "
                  f"{local_date(case.closed_at):%d-%m-%Y}): geanonimiseerd; personen verwijderd: "
                  f"{len(released - held)}, behouden: {len(held)}")
    session.flush()
    return len(released - held), len(held)


def _still_held(person_ids):
    """Which of these persons a record still refers to (another case, an intervention, a melding, ...).

    Every foreign key to person counts, except those that go with the person (ON DELETE CASCADE or SET NULL):
    so an area that adds a table referring to persons is covered without a change here.
    """
    if not person_ids:
        return set()
    person_id = models.Person.__table__.c.id
    held = set()
    for table in models.Base.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column is person_id and foreign_key.ondelete is None:
                column = foreign_key.parent
                held |= set(db.session().scalars(select(column).where(column.in_(person_ids)).distinct()))
    return held


def anonymised_count():
    """How many cases the purge has anonymised so far."""
    return db.session().scalar(select(func.count()).select_from(Case).where(Case.anonymised_at.is_not(None)))
