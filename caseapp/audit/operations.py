from datetime import UTC, datetime

from flask import has_request_context, request

from caseapp import db
from caseapp.audit.models import AuditEntry


def utcnow():
    """Naive UTC: both databases store it alike, and every timestamp in the system is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def record(user, action, *, record_type="", record_id=None, case_id=None, person_id=None,
           outcome="allowed", detail=""):
    """Add an audit entry to the current transaction; the caller's commit writes it with the change."""
    entry = AuditEntry(
        at=utcnow(),
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
