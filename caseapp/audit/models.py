from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.db import Base
from caseapp.organisations.models import Organisation


class AuditEntry(Base):
    """Who did what to which record, when, as which organisation and role, from where. Append-only."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_user_at", "user_id", "at"),
        Index("ix_audit_entry_case_at", "case_id", "at"),
        Index("ix_audit_entry_person_at", "person_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
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

    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()  # the user's organisation at the time


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, _context, _instances):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry):
            raise PermissionError("audit entries are append-only")
