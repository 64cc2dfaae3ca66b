from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.db import Base
from caseapp.enums import LEEFGEBIEDEN, check_in
from caseapp.organisations.models import Organisation

GOAL_STATUSES = {
    "open": "Open",
    "bereikt": "Bereikt",
    "niet_bereikt": "Niet bereikt",
}

ACTION_STATUSES = {
    "open": "Open",
    "gereed": "Gereed",
    "vervallen": "Vervallen",
}


class PlanGoal(Base):
    """A goal of a case's plan van aanpak, in one of the case's leefgebieden."""

    __tablename__ = "plan_goal"
    __table_args__ = (
        CheckConstraint(check_in("leefgebied", LEEFGEBIEDEN), name="leefgebied"),
        CheckConstraint(check_in("status", GOAL_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    leefgebied: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # Optimistic locking: an UPDATE based on an old version changes nothing and raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()

    @property
    def leefgebied_label(self):
        return LEEFGEBIEDEN[self.leefgebied]

    @property
    def status_label(self):
        return GOAL_STATUSES[self.status]


class PlanAction(Base):
    """An agreed action of a plan van aanpak: owned by one coordinator or one organisation, due on a date."""

    __tablename__ = "plan_action"
    __table_args__ = (
        CheckConstraint(check_in("status", ACTION_STATUSES), name="status"),
        # Exactly one owner: a user (a coordinator) or an organisation (the team or a partner on the case).
        CheckConstraint("(owner_user_id IS NULL) <> (owner_organisation_id IS NULL)", name="one_owner"),
        # An open action is not closed; a done or lapsed one records when.
        CheckConstraint("(status = 'open') = (closed_at IS NULL)", name="closed_when_done"),
        # Done means reported back on.
        CheckConstraint("status <> 'gereed' OR report <> ''", name="report_when_done"),
        Index("ix_plan_action_status_due", "status", "due_on"),
        Index("ix_plan_action_organisation_status_due", "owner_organisation_id", "status", "due_on"),
        Index("ix_plan_action_user_status_due", "owner_user_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goal.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="open")
    report: Mapped[str] = mapped_column(Text, default="")  # the owner's report back, or why it lapsed
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Agreed at a case conference: the agenda item it came from.
    conference_item_id: Mapped[int | None] = mapped_column(ForeignKey("conference_item.id", ondelete="SET NULL"),
                                                           index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    goal: Mapped[PlanGoal | None] = relationship()
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    owner_organisation: Mapped[Organisation | None] = relationship()
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    conference_item = relationship("ConferenceItem", back_populates="actions")

    @property
    def owner(self):
        return self.owner_user or self.owner_organisation

    @property
    def status_label(self):
        return ACTION_STATUSES[self.status]

    @property
    def is_open(self):
        return self.status == "open"
