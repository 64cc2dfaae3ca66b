from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, event, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.audit.chain import CHAINED_FIELDS, GENESIS, entry_digest
from caseapp.db import Base
from caseapp.organisations.models import Organisation

# The key of the PostgreSQL advisory lock that serialises appending to the chain (7513: NEN 7513, the logging norm).
CHAIN_LOCK = 7513


class AuditEntry(Base):
    """Who did what to which record, when, as which organisation and role, from where. Append-only, hash-chained."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_user_at", "user_id", "at"),
        Index("ix_audit_entry_case_at", "case_id", "at"),
        Index("ix_audit_entry_person_at", "person_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # set when chained: the head's id + 1
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    role: Mapped[str] = mapped_column(String(20), default="")
    action: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(10), default="allowed")
    record_type: Mapped[str] = mapped_column(String(30), default="")
    record_id: Mapped[int | None]
    case_id: Mapped[int | None]  # no foreign key: entries outlive the records they describe
    person_id: Mapped[int | None]
    client_address: Mapped[str] = mapped_column(String(45), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")
    previous_hash: Mapped[str] = mapped_column(String(64))  # see caseapp/audit/chain.py
    entry_hash: Mapped[str] = mapped_column(String(64))

    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()  # the user's organisation at the time


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state):
    """UPDATE and DELETE statements through the ORM skip the flush, so they are refused here."""
    if (state.is_update or state.is_delete) and any(mapper.class_ is AuditEntry for mapper in state.all_mappers):
        raise PermissionError("audit entries are append-only")


@event.listens_for(Session, "before_flush")
def _guard_and_chain(session, _context, _instances):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry):
            raise PermissionError("audit entries are append-only")
    new = sorted((obj for obj in session.new if isinstance(obj, AuditEntry)), key=lambda obj: inspect(obj).insert_order)
    if new:
        _chain(session.connection(), new)


def _chain(connection, entries):
    """Give new entries the ids after the chain's head and chain them onto it, in the order they were added.

    The head is read under a lock held until this transaction ends, so no other transaction can chain onto the
    same entry: on PostgreSQL an advisory lock; SQLite lets one writer at a time in already (BEGIN IMMEDIATE).
    Taking ids from the head rather than from a sequence keeps them gapless, so a removed entry shows as a gap.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    head = connection.execute(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)  # by primary key
    ).first()
    last_id, previous = head or (0, GENESIS)
    for entry in entries:
        _normalise(entry)
        last_id += 1
        entry.id = last_id
        entry.previous_hash = previous
        entry.entry_hash = previous = entry_digest({name: getattr(entry, name) for name in CHAINED_FIELDS}, previous)


def _normalise(entry):
    """Give every chained field the value the database will hand back, so the hash still matches when read."""
    for name in CHAINED_FIELDS:
        column = AuditEntry.__table__.c[name]
        value = getattr(entry, name)
        if value is None and column.default is not None:
            value = column.default.arg
        elif isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
        elif value is not None:
            value = column.type.python_type(value)
        setattr(entry, name, value)
