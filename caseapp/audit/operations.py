from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp import AMSTERDAM, db
from caseapp.audit.chain import CHAINED_FIELDS, GENESIS, entry_digest
from caseapp.audit.models import AuditEntry

VERIFY_BATCH = 10_000  # entries read per query while verifying the chain


def utcnow():
    """Naive UTC: both databases store it alike, and every timestamp in the system is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def today():
    """Today's date on the Dutch calendar (the UTC date is yesterday's until 01:00 or 02:00)."""
    return datetime.now(AMSTERDAM).date()


def record(user, action, *, record_type="", record_id=None, case_id=None, person_id=None,
           outcome="allowed", detail="", at=None):
    """Add an audit entry to the current transaction; the caller's commit writes it with the change."""
    entry = AuditEntry(
        at=at or utcnow(),
        user_id=user.id if user is not None else None,
        organisation_id=user.organisation_id if user is not None else None,
        role=user.role if user is not None else "",
        action=action,
        outcome=outcome,
        record_type=record_type,
        record_id=record_id,
        case_id=case_id,
        person_id=person_id,
        client_address=(request.remote_addr or "") if has_request_context() else "cli",
        detail=detail[:300],
    )
    db.session().add(entry)
    return entry


def apply_changes(obj, **values):
    """Set the attributes whose value differs; what changed, for the audit detail.

    Only names, and the value of flags: the values themselves may be personal data.
    """
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(f"{name}={value}" if isinstance(value, bool) else name)
    return changed


def change_detail(changed):
    return "changed: " + ", ".join(changed) if changed else "no changes"


def search_entries(*, user_id=None, case_id=None, person_id=None, action=None, outcome=None,
                   date_from=None, date_to=None):
    """Audit entries matching every given criterion, newest first; dates are Dutch calendar days."""
    statement = select(AuditEntry).options(joinedload(AuditEntry.user), joinedload(AuditEntry.organisation))
    for column, value in ((AuditEntry.user_id, user_id), (AuditEntry.case_id, case_id),
                          (AuditEntry.person_id, person_id), (AuditEntry.action, action),
                          (AuditEntry.outcome, outcome)):
        if value is not None:
            statement = statement.where(column == value)
    if date_from is not None:
        statement = statement.where(AuditEntry.at >= _utc_start_of(date_from))
    if date_to is not None:
        statement = statement.where(AuditEntry.at < _utc_start_of(date_to + timedelta(days=1)))
    return statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def record_search(user, record_type, criteria, total=None):
    """Audit a list or search: what was asked for and, where counted, how many records it showed."""
    asked = ", ".join(f"{name}={value}" for name, value in criteria.items() if value not in (None, "", []))
    detail = (asked or "geen filter") + (f"; {total} resultaten" if total is not None else "")
    return record(user, "search", record_type=record_type, case_id=criteria.get("case_id"),
                  person_id=criteria.get("person_id"), detail=detail)


def _utc_start_of(day):
    """The naive UTC time at which `day` begins in the Netherlands."""
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM).astimezone(UTC).replace(tzinfo=None)


@dataclass
class ChainCheck:
    """The outcome of walking the chain: how many entries held, and where (and why) it broke, if it did."""

    checked: int
    last_id: int  # the last entry that held, and its hash: note them to notice a truncated tail later
    last_hash: str
    broken_id: int | None = None
    problem: str = ""


def verify_chain(batch_size=VERIFY_BATCH):
    """Walk the whole chain in id order, a batch at a time, up to the first entry that breaks it."""
    session = db.session()
    columns = [AuditEntry.__table__.c[name] for name in (*CHAINED_FIELDS, "previous_hash", "entry_hash")]
    check = ChainCheck(checked=0, last_id=0, last_hash=GENESIS)
    while rows := session.execute(
        select(*columns).where(AuditEntry.id > check.last_id).order_by(AuditEntry.id).limit(batch_size)
    ).all():
        session.rollback()  # one short read per batch: on SQLite a long one would hold up every writer
        for row in rows:
            if problem := _chain_problem(row, check.last_id, check.last_hash):
                check.broken_id, check.problem = row.id, problem
                return check
            check.checked, check.last_id, check.last_hash = check.checked + 1, row.id, row.entry_hash
    session.rollback()
    return check


def _chain_problem(row, previous_id, previous_hash):
    """Why `row` does not follow the entry (`previous_id`, `previous_hash`) before it; None if it does."""
    if entry_digest(row._mapping, row.previous_hash) != row.entry_hash:
        return "content changed: its fields no longer match its hash"
    if row.previous_hash == previous_hash:
        return None
    if row.id != previous_id + 1:
        before = f"entry {previous_id}" if previous_id else "the start of the log"
        return f"entry missing: it does not follow {before}, and the entries in between are gone"
    return (f"link broken: its previous hash is not the hash of entry {previous_id} "
            "(that entry was changed and hashed again, or this one was)")
