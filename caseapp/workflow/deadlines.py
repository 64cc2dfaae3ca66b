"""Stored deadlines: opened, moved and closed as a subject's status changes, and shifted by suspension."""

from datetime import UTC, timedelta

from sqlalchemy import select

from caseapp import AMSTERDAM, db
from caseapp.cases.models import Case
from caseapp.workflow.definitions import local_date
from caseapp.workflow.models import Deadline


def subject_keys(subject):
    """(case_id, intervention_id) of a case or an intervention."""
    if isinstance(subject, Case):
        return subject.id, None
    return subject.case_id, subject.id


def _where(subject):
    case_id, intervention_id = subject_keys(subject)
    if intervention_id is None:
        return Deadline.case_id == case_id, Deadline.intervention_id.is_(None)
    return Deadline.case_id == case_id, Deadline.intervention_id == intervention_id


def deadlines_of(subject):
    """Every deadline the subject has had, oldest first."""
    return db.session().scalars(select(Deadline).where(*_where(subject)).order_by(Deadline.id)).all()


def recompute(subject, process, fired, from_status, now):
    """Open the deadlines the new state starts, move those whose dates changed, close those it ends."""
    latest = {row.key: row for row in deadlines_of(subject)}
    case_id, intervention_id = subject_keys(subject)
    for rule in process.deadlines:
        row = latest.get(rule.key)
        active = subject.status in rule.states
        if row is not None and row.closed_at is None:
            due = rule.due(subject, row.started_at) if active else None
            if fired.name in rule.closed_by:
                row.closed_at, row.met = now, True
            elif due is None:
                row.closed_at = now
            else:
                moved = shifted(due, row.shift_days)
                if moved != row.due_at:  # a new due moment gets its own reminder
                    row.due_at, row.reminded_at = moved, None
            continue
        if not active or fired.name in rule.closed_by or (row is not None and from_status in rule.states):
            continue  # done already in this stretch of states, or not started
        due = rule.due(subject, now)
        if due is not None:
            db.session().add(Deadline(
                case_id=case_id, intervention_id=intervention_id, key=rule.key, label=rule.label, kind=rule.kind,
                lapses=rule.lapses, owner_organisation_id=getattr(subject, "owner_organisation_id", None),
                started_at=now, due_at=due,
            ))


def shifted(moment, days):
    """`moment` moved by `days` Dutch calendar days, at the same time on the Dutch clock (DST included)."""
    local = moment.replace(tzinfo=UTC).astimezone(AMSTERDAM) + timedelta(days=days)
    return local.astimezone(UTC).replace(tzinfo=None)


def suspend(subject, _values, now):
    subject.suspended_since = now


def resume(subject, _values, now):
    """End the suspension: every open deadline moves back by the calendar days it lasted."""
    since = subject.suspended_since
    days = (local_date(now) - local_date(since)).days
    subject.suspended_since = None
    moved = 0
    for row in deadlines_of(subject):
        if row.closed_at is None and days:
            row.shift_days += days
            row.due_at, row.reminded_at = shifted(row.due_at, days), None
            moved += 1
    return (f"Opgeschort van {local_date(since):%d-%m-%Y} tot {local_date(now):%d-%m-%Y}: {days} dagen; "
            f"{moved} open termijn(en) {days} dagen opgeschoven.")
