from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.db import Base
from caseapp.enums import ORGANISATION_TYPES, PERSON_ROLES, check_in
from caseapp.organisations.models import Gemeente, Organisation, Wijk
from caseapp.persons.models import Person

KINDS = {
    "melding": "Melding",
    "signaal": "Signaal (vermoeden)",
}

# Who reported it. A partner's melding takes its organisation's type, so every partner type is a source.
SOURCES = {
    "inwoner": "Inwoner / buurtbewoner",
    "anoniem": "Anoniem (bijv. Meld Misdaad Anoniem)",
    **{key: label for key, label in ORGANISATION_TYPES.items() if key not in ("gemeente", "other")},
    "school": "School / onderwijs",
    "gemeente": "Gemeente (medewerker, boa, handhaving)",
    "intern_meldpunt": "Intern meldpunt ondermijning",
    "other": "Overig",
}

# DESIGN §2. The keys are those of the case types where one exists, so a category maps onto a case type.
CATEGORIES = {
    "woonoverlast": "Woonoverlast",
    "verward_gedrag": "Verward gedrag",
    "huiselijk_geweld": "Huiselijk geweld",
    "jeugdoverlast": "Jeugdoverlast",
    "ondermijning": "Ondermijning-signaal",
    "radicalisering": "Radicalisering",
    "cybercrime": "Cybercrime",
    "other": "Overig",
}

TRIAGE_STATUSES = {
    "nieuw": "Nieuw",
    "gekoppeld": "Gekoppeld aan casus",
    "zaak_geopend": "Casus geopend",
    "gesloten": "Gesloten zonder casus",
}


class Melding(Base):
    """An incoming melding or signaal. Triage decides what becomes of it; it is never deleted, so it stays counted."""

    __tablename__ = "melding"
    __table_args__ = (
        CheckConstraint(check_in("kind", KINDS), name="kind"),
        CheckConstraint(check_in("source", SOURCES), name="source"),
        CheckConstraint(check_in("category", CATEGORIES), name="category"),
        CheckConstraint(check_in("triage_status", TRIAGE_STATUSES), name="triage_status"),
        # Triaged exactly when someone triaged it; closing needs a reason; only a linked or opened one has a case
        # (the case may later be purged, which leaves the melding counted without it).
        CheckConstraint("(triage_status = 'nieuw') = (triaged_at IS NULL)", name="triaged_when_not_new"),
        CheckConstraint("triage_status <> 'gesloten' OR triage_reason <> ''", name="reason_when_closed"),
        CheckConstraint("case_id IS NULL OR triage_status IN ('gekoppeld', 'zaak_geopend')", name="case_when_linked"),
        Index("ix_melding_inbox", "gemeente_id", "triage_status", "received_on"),
        Index("ix_melding_gemeente_category_received", "gemeente_id", "category", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(30))
    # The partner organisation that submitted it (source is then its type).
    source_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    category: Mapped[str] = mapped_column(String(30))
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"))
    wijk_id: Mapped[int | None] = mapped_column(ForeignKey("wijk.id"))
    address: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date]
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    registered_at: Mapped[datetime]
    triage_status: Mapped[str] = mapped_column(String(20), default="nieuw")
    triage_reason: Mapped[str] = mapped_column(Text, default="")
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    triaged_at: Mapped[datetime | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    # Optimistic locking: an UPDATE based on an old version changes nothing and raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    gemeente: Mapped[Gemeente] = relationship()
    wijk: Mapped[Wijk | None] = relationship()
    source_organisation: Mapped[Organisation | None] = relationship()
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])
    triaged_by: Mapped[User | None] = relationship(foreign_keys=[triaged_by_id])
    case: Mapped[Case | None] = relationship()
    persons: Mapped[list["MeldingPerson"]] = relationship(
        back_populates="melding", cascade="all, delete-orphan", order_by="MeldingPerson.id"
    )

    @property
    def reference(self):
        return f"M{self.received_on.year}-{self.id:06d}"

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def source_label(self):
        if self.source_organisation is not None:
            return self.source_organisation.name
        return SOURCES[self.source]

    @property
    def category_label(self):
        return CATEGORIES[self.category]

    @property
    def triage_label(self):
        return TRIAGE_STATUSES[self.triage_status]

    @property
    def is_new(self):
        return self.triage_status == "nieuw"


class MeldingPerson(Base):
    """A person's role on one melding (the roles of persons on a case)."""

    __tablename__ = "melding_person"
    __table_args__ = (
        UniqueConstraint("melding_id", "person_id", "role"),
        CheckConstraint(check_in("role", PERSON_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    melding_id: Mapped[int] = mapped_column(ForeignKey("melding.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime]

    melding: Mapped[Melding] = relationship(back_populates="persons")
    person: Mapped[Person] = relationship()

    @property
    def role_label(self):
        return PERSON_ROLES[self.role]
