from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.db import Base
from caseapp.enums import check_in
from caseapp.organisations.models import Gemeente, Organisation

CONFERENCE_KINDS = {
    "casusoverleg": "Casusoverleg",
    "zorg_veiligheidstafel": "Zorg- en veiligheidstafel",
    "lokale_kamer": "Lokale kamer",
}

CONFERENCE_STATUSES = {
    "gepland": "Gepland",
    "vastgesteld": "Vastgesteld",
}

# The gemeenten a conference is held for: their coordinators see it, and their cases may be on its agenda.
conference_gemeente = Table(
    "conference_gemeente",
    Base.metadata,
    Column("conference_id", ForeignKey("conference.id", ondelete="CASCADE"), primary_key=True),
    Column("gemeente_id", ForeignKey("gemeente.id"), primary_key=True, index=True),
)

# The invited organisations: their users see the conference, and of its agenda only their own cases.
conference_organisation = Table(
    "conference_organisation",
    Base.metadata,
    Column("conference_id", ForeignKey("conference.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True, index=True),
)

# Who was present when an agenda item was discussed.
conference_item_organisation = Table(
    "conference_item_organisation",
    Base.metadata,
    Column("item_id", ForeignKey("conference_item.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True, index=True),
)

conference_item_user = Table(
    "conference_item_user",
    Base.metadata,
    Column("item_id", ForeignKey("conference_item.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id"), primary_key=True, index=True),
)


class Conference(Base):
    """A casusoverleg, zorg- en veiligheidstafel or lokale kamer; read-only once its record is vastgesteld."""

    __tablename__ = "conference"
    __table_args__ = (
        CheckConstraint(check_in("kind", CONFERENCE_KINDS), name="kind"),
        CheckConstraint(check_in("status", CONFERENCE_STATUSES), name="status"),
        CheckConstraint("(status = 'vastgesteld') = (established_at IS NOT NULL)", name="established_when_vastgesteld"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    location: Mapped[str] = mapped_column(String(200))
    chair_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(20), default="gepland")
    established_at: Mapped[datetime | None]
    established_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # Optimistic locking: an UPDATE based on an old version changes nothing and raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    established_by: Mapped[User | None] = relationship(foreign_keys=[established_by_id])
    gemeenten: Mapped[list[Gemeente]] = relationship(secondary=conference_gemeente, order_by=Gemeente.name)
    organisations: Mapped[list[Organisation]] = relationship(secondary=conference_organisation,
                                                             order_by=Organisation.name)
    items: Mapped[list["ConferenceItem"]] = relationship(back_populates="conference", cascade="all, delete-orphan",
                                                         order_by="ConferenceItem.position")

    @property
    def kind_label(self):
        return CONFERENCE_KINDS[self.kind]

    @property
    def status_label(self):
        return CONFERENCE_STATUSES[self.status]

    @property
    def established(self):
        return self.status == "vastgesteld"


class ConferenceItem(Base):
    """A case on a conference's agenda, with the record of its discussion."""

    __tablename__ = "conference_item"
    __table_args__ = (UniqueConstraint("conference_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    decisions: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    added_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    conference: Mapped[Conference] = relationship(back_populates="items")
    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    present_organisations: Mapped[list[Organisation]] = relationship(secondary=conference_item_organisation,
                                                                     order_by=Organisation.name)
    present_users: Mapped[list[User]] = relationship(secondary=conference_item_user, order_by=User.name)
    actions = relationship("PlanAction", back_populates="conference_item", order_by="PlanAction.id")

    @property
    def recorded(self):
        return self.recorded_at is not None
