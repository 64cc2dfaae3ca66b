from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Case
from caseapp.db import Base
from caseapp.enums import CASE_RESULTS, check_in

MIN_YEARS, MAX_YEARS = 1, 30


class RetentionPeriod(Base):
    """How many years after closing a case with this result keeps its personal data and free text."""

    __tablename__ = "retention_period"
    __table_args__ = (
        CheckConstraint(check_in("result", CASE_RESULTS), name="result"),
        CheckConstraint(f"years BETWEEN {MIN_YEARS} AND {MAX_YEARS}", name="years_range"),
    )

    result: Mapped[str] = mapped_column(String(20), primary_key=True)
    years: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    updated_by: Mapped[User | None] = relationship()

    @property
    def result_label(self):
        return CASE_RESULTS[self.result]


class CaseAnonymised(PermissionError):
    """A change to an anonymised case, or to anything on it, was refused."""

    MESSAGE = ("Deze casus is geanonimiseerd omdat de bewaartermijn verstreken is. Er kan niets meer aan worden "
               "gewijzigd of toegevoegd; er is niets opgeslagen.")

    def __init__(self):
        super().__init__(self.MESSAGE)


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_anonymised_cases(session, _context, _instances):
    """An anonymised case stays as the purge left it: whatever was added later would never be purged.

    Covers the case row and every record that names a case (notes, persons' roles, interventions, status
    history, deadlines, and what later areas add), whichever code path writes it. The audit log is exempt.
    """
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, AuditEntry):
                continue
            case = obj if isinstance(obj, Case) else _case_of(session, obj)
            if case is not None and _was_anonymised(case):
                raise CaseAnonymised()


def _case_of(session, obj):
    case = getattr(obj, "case", None)
    if isinstance(case, Case):
        return case
    case_id = getattr(obj, "case_id", None)
    return session.get(Case, case_id) if isinstance(case_id, int) else None


def _was_anonymised(case):
    """Whether the case was anonymised before this flush (the purge itself sets the mark in it)."""
    state = inspect(case)
    if state.transient or state.pending:
        return False
    return state.committed_state.get("anonymised_at", case.anonymised_at) is not None
