"""The one place a status changes: `fire` (and `start`, which fires a process's first transition).

Firing checks the actor's role, the current state and the guards, locks the row, changes the status,
appends a history row, recomputes the stored deadlines and writes the audit entry, all in the caller's
transaction; notifications are queued and e-mail goes out only after the commit.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from caseapp import db
from caseapp.audit.operations import record, utcnow
from caseapp.interventions.models import Intervention
from caseapp.notifications.operations import notify_transition
from caseapp.workflow import deadlines
from caseapp.workflow.models import StatusChange
from caseapp.workflow.processes import RESUME, SUSPEND, process_of

CONFLICT = ("Iemand anders heeft dit intussen gewijzigd. Bekijk de nieuwe stand hieronder en probeer het zo nodig "
            "opnieuw; er is niets opgeslagen.")


class WorkflowError(Exception):
    """A refused transition; `messages` say, in Dutch, what is not allowed or what is missing."""

    def __init__(self, *messages):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


class Conflict(WorkflowError):
    """The record changed since the user looked at it."""

    def __init__(self):
        super().__init__(CONFLICT)


def may_fire(actor, subject, transition):
    """Whether the actor's role may fire `transition` on this subject (a partner only on what they own)."""
    if actor.role not in transition.roles:
        return False
    if actor.role == "partner":
        return getattr(subject, "owner_organisation_id", None) == actor.organisation_id
    return True


def available(actor, subject):
    """The transitions the actor may fire from the subject's current state (guards are checked on firing)."""
    return [t for t in process_of(subject).transitions.values()
            if t.sources and _state_allows(subject, t) and may_fire(actor, subject, t)]


def _state_allows(subject, transition):
    if subject.status not in transition.sources:
        return False
    if transition.name == RESUME:
        return subject.suspended_since is not None
    return subject.suspended_since is None or transition.while_suspended


def start(actor, case, type, *, reason="", now=None, **values):
    """Create an intervention of `type` on `case` through its process's first transition."""
    now = now or utcnow()
    with db.session().no_autoflush:  # the new intervention is saved by fire, once it passed every check
        intervention = Intervention(case=case, type=type, created_by_id=actor.id, created_at=now, updated_at=now)
        try:
            return fire(actor, intervention, process_of(intervention).start.name, reason=reason, now=now, **values)
        except WorkflowError:
            case.interventions.remove(intervention)  # or the case's cascade would still save it
            raise


def fire(actor, subject, name, *, reason="", expected_version=None, now=None, **values):
    """Fire transition `name` on a case or intervention; raises WorkflowError (nothing changed) if refused."""
    now = now or utcnow()
    process = process_of(subject)
    transition = process.transitions.get(name)
    if transition is None:
        raise WorkflowError("Deze handeling bestaat niet in deze procedure.")
    session = db.session()
    if subject.id is not None:
        _lock(subject)
        if expected_version is not None and subject.version != expected_version:
            raise Conflict()
    if not may_fire(actor, subject, transition):
        raise WorkflowError(f"U mag ‘{transition.label}’ niet uitvoeren.")
    if not transition.sources:
        if subject.status is not None:
            raise WorkflowError(f"‘{transition.label}’ kan alleen bij het begin van de procedure.")
    elif not _state_allows(subject, transition):
        raise WorkflowError(_state_refusal(process, subject, transition))
    messages = _missing(transition, values, reason)
    if not messages:  # guards may rely on the values being there
        with session.no_autoflush:  # checking writes nothing
            messages = [m for guard in transition.guards if (m := guard.check(subject, values, now))]
    if messages:
        raise WorkflowError(*messages)

    from_status = subject.status
    with session.no_autoflush:  # one UPDATE of the subject, so one version step
        for field in transition.fields:
            if hasattr(type(subject), field.name) and field.name in values:
                setattr(subject, field.name, values[field.name])
        note = transition.apply(subject, values, now) if transition.apply else None
        if transition.target:
            subject.status = transition.target
            if process.is_final(transition.target):
                subject.suspended_since = None  # stopped or closed while suspended: nothing left to resume
        subject.updated_at = now
    session.add(subject)
    try:
        session.flush()
    except StaleDataError:  # changed by someone else since it was read (SQLite has no row lock)
        raise Conflict() from None
    case_id, intervention_id = deadlines.subject_keys(subject)
    session.add(StatusChange(case_id=case_id, intervention_id=intervention_id, transition=name,
                             from_status=from_status, to_status=subject.status, actor_id=actor.id if actor else None,
                             at=now, reason=reason.strip(), note=note or ""))
    deadlines.recompute(subject, process, transition, from_status, now)
    record(actor, "create" if from_status is None else "status",
           record_type="case" if intervention_id is None else "intervention",
           record_id=subject.id, case_id=case_id, person_id=getattr(subject, "person_id", None),
           detail=f"{process.key}.{name}: {from_status or '-'} -> {subject.status}", at=now)
    notify_transition(actor, subject, transition, from_status, now)
    session.flush()
    return subject


def _lock(subject):
    """Re-read the row under a row lock (PostgreSQL; SQLite has one writer at a time anyway)."""
    model = type(subject)
    db.session().execute(
        select(model).where(model.id == subject.id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def _state_refusal(process, subject, transition):
    state = process.states[subject.status].label.lower()
    if transition.name == RESUME:
        return "Dit is niet opgeschort."
    if subject.suspended_since is not None and subject.status in transition.sources:
        return "Dit is opgeschort. Hervat het eerst."
    if transition.name == SUSPEND:
        return f"Opschorten kan niet in de status ‘{state}’."
    return f"‘{transition.label}’ kan niet in de status ‘{state}’."


def _missing(transition, values, reason):
    messages = []
    for field in transition.fields:
        value = values.get(field.name)
        if field.required and value in (None, ""):
            messages.append(f"Vul ‘{field.label}’ in.")
        elif field.choices is not None and value not in (None, "") and value not in field.choices:
            messages.append(f"Kies een geldige waarde voor ‘{field.label}’.")
    if transition.reason_required and not reason.strip():
        messages.append("Geef een toelichting.")
    return messages


def history(subject):
    """The status changes of a case (its own, not its interventions') or of one intervention, newest first."""
    case_id, intervention_id = deadlines.subject_keys(subject)
    where = StatusChange.intervention_id.is_(None) if intervention_id is None \
        else StatusChange.intervention_id == intervention_id
    return db.session().scalars(
        select(StatusChange).where(StatusChange.case_id == case_id, where).options(selectinload(StatusChange.actor))
        .order_by(StatusChange.at.desc(), StatusChange.id.desc())
    ).all()
