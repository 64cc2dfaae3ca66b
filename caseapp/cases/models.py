from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.db import Base
from caseapp.enums import (
    CASE_RESULTS,
    CASE_STATUSES,
    CASE_TYPES,
    LEEFGEBIEDEN,
    NOTE_VISIBILITY,
    PERSON_ROLES,
    RISK_LEVELS,
    check_in,
)
from caseapp.organisations.models import Gemeente, Organisation, Wijk
from caseapp.persons.models import Person


class Case(Base):
    __tablename__ = "case"
    __table_args__ = (
        CheckConstraint(check_in("type", CASE_TYPES), name="type"),
        CheckConstraint(check_in("status", CASE_STATUSES), name="status"),
        CheckConstraint(check_in("risk_level", RISK_LEVELS), name="risk_level"),
        CheckConstraint(check_in("result", CASE_RESULTS), name="result"),
        # A closed case has a result, and only a closed case has one.
        CheckConstraint("(status = 'afgesloten') = (result IS NOT NULL)", name="result_when_closed"),
        Index("ix_case_gemeente_status_opened", "gemeente_id", "status", "opened_on"),
        Index("ix_case_result_closed", "result", "closed_at"),  # the retention purge's query
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30), default="aangemeld")
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"))
    wijk_id: Mapped[int | None] = mapped_column(ForeignKey("wijk.id"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    risk_level: Mapped[str] = mapped_column(String(10))
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    opened_on: Mapped[date]
    result: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None]
    suspended_since: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]  # retention: personal data and free text removed, counts kept
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # Optimistic locking: an UPDATE based on an old version changes nothing and raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    gemeente: Mapped[Gemeente] = relationship()
    wijk: Mapped[Wijk | None] = relationship()
    coordinator: Mapped[User | None] = relationship()
    leefgebieden: Mapped[list["CaseLeefgebied"]] = relationship(cascade="all, delete-orphan")
    persons: Mapped[list["CasePerson"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CasePerson.id"
    )
    partners: Mapped[list["CasePartner"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CasePartner.id"
    )
    interventions = relationship(
        "Intervention", back_populates="case", cascade="all, delete-orphan", order_by="Intervention.id"
    )

    @property
    def reference(self):
        return f"{self.opened_on.year}-{self.id:06d}"

    @property
    def type_label(self):
        return CASE_TYPES[self.type]

    @property
    def status_label(self):
        return CASE_STATUSES[self.status]

    @property
    def result_label(self):
        return CASE_RESULTS.get(self.result, "")

    @property
    def process(self):
        from caseapp.workflow.processes import CASE_PROCESS

        return CASE_PROCESS

    @property
    def risk_label(self):
        return RISK_LEVELS[self.risk_level]

    @property
    def leefgebied_labels(self):
        return [LEEFGEBIEDEN[item.leefgebied] for item in self.leefgebieden]


class CaseLeefgebied(Base):
    __tablename__ = "case_leefgebied"
    __table_args__ = (CheckConstraint(check_in("leefgebied", LEEFGEBIEDEN), name="leefgebied"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    leefgebied: Mapped[str] = mapped_column(String(30), primary_key=True)


class CasePerson(Base):
    """A person's role on one case."""

    __tablename__ = "case_person"
    __table_args__ = (
        UniqueConstraint("case_id", "person_id", "role"),
        CheckConstraint(check_in("role", PERSON_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime]

    case: Mapped[Case] = relationship(back_populates="persons")
    person: Mapped[Person] = relationship()

    @property
    def role_label(self):
        return PERSON_ROLES[self.role]


class CasePartner(Base):
    """A partner organisation assigned to a case: its users may see the case."""

    __tablename__ = "case_partner"
    __table_args__ = (UniqueConstraint("case_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    assigned_at: Mapped[datetime]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    case: Mapped[Case] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship()
    assigned_by: Mapped[User | None] = relationship()


class Note(Base):
    """A timeline entry on a case."""

    __tablename__ = "note"
    __table_args__ = (
        CheckConstraint(check_in("visibility", NOTE_VISIBILITY), name="visibility"),
        Index("ix_note_case_created", "case_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    visibility: Mapped[str] = mapped_column(String(20), default="partners")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()

    @property
    def visibility_label(self):
        return NOTE_VISIBILITY[self.visibility]
