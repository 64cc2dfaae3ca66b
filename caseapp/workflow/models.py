from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.db import Base
from caseapp.enums import DEADLINE_KINDS, check_in
from caseapp.organisations.models import Organisation


class StatusChange(Base):
    """One fired transition of a case (intervention_id empty) or of one of its interventions."""

    __tablename__ = "status_change"
    __table_args__ = (Index("ix_status_change_case_at", "case_id", "intervention_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    intervention_id: Mapped[int | None] = mapped_column(ForeignKey("intervention.id", ondelete="CASCADE"))
    transition: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(300), default="")  # what the engine itself adds (days suspended)

    actor: Mapped[User | None] = relationship()


class Deadline(Base):
    """A termijn or task a state started, stored so that "overdue" and "due this week" are plain queries."""

    __tablename__ = "deadline"
    __table_args__ = (
        CheckConstraint(check_in("kind", DEADLINE_KINDS), name="kind"),
        Index("ix_deadline_open_due", "closed_at", "due_at"),
        Index("ix_deadline_subject", "case_id", "intervention_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    intervention_id: Mapped[int | None] = mapped_column(ForeignKey("intervention.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    lapses: Mapped[bool] = mapped_column(default=False)  # a period that simply runs out: never overdue
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    shift_days: Mapped[int] = mapped_column(default=0)  # days of suspension added to the declared due moment
    closed_at: Mapped[datetime | None]
    met: Mapped[bool] = mapped_column(default=False)  # closed by doing it, rather than by leaving the state
    reminded_at: Mapped[datetime | None]

    owner_organisation: Mapped[Organisation | None] = relationship()
    case = relationship("Case")
    intervention = relationship("Intervention")

    @property
    def kind_label(self):
        return DEADLINE_KINDS[self.kind]
