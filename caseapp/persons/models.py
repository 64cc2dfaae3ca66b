from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.db import Base
from caseapp.persons import matching


def _search_text(length):
    """A normalised search column: byte order on PostgreSQL too, so an index answers a prefix as a range."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Person(Base):
    """A natural person, registered once and linked to any number of cases."""

    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("bsn IS NULL OR length(bsn) = 9", name="bsn_length"),
        # Prefix search in name order; duplicates and hit/no-hit compare name and date of birth.
        Index("ix_person_search_name_dob", "search_name", "date_of_birth"),
        Index("ix_person_search_phonetic_dob", "search_phonetic", "date_of_birth"),
        Index("ix_person_search_address", "search_address"),
        Index("ix_person_search_postcode", "search_postcode"),
        Index("ix_person_date_of_birth", "date_of_birth"),
        # Misspelt names on PostgreSQL (pg_trgm); on SQLite this is a B-tree, which also serves name prefixes.
        Index("ix_person_search_name_trgm", "search_name", postgresql_using="gin",
              postgresql_ops={"search_name": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    tussenvoegsel: Mapped[str] = mapped_column(String(20), default="")
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None]
    bsn: Mapped[str | None] = mapped_column(String(9), unique=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Kept up to date on every write (refresh_search_columns below); see caseapp.persons.matching.
    search_name: Mapped[str] = mapped_column(_search_text(250), default="", server_default="")
    search_phonetic: Mapped[str] = mapped_column(_search_text(250), default="", server_default="")
    search_address: Mapped[str] = mapped_column(_search_text(200), default="", server_default="")
    search_postcode: Mapped[str] = mapped_column(_search_text(20), default="", server_default="")

    # Optimistic locking: an UPDATE based on an old version changes nothing and raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self):
        return " ".join(part for part in (self.first_name, self.tussenvoegsel, self.last_name) if part)

    @property
    def is_minor(self):
        if self.date_of_birth is None:
            return False
        today = date.today()
        years = today.year - self.date_of_birth.year
        if (today.month, today.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years < 18

    def __str__(self):
        return self.full_name


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def refresh_search_columns(_mapper, _connection, person):
    names = (person.first_name, person.last_name)
    person.search_name = matching.search_name(*names)
    person.search_phonetic = matching.search_phonetic(*names)
    person.search_address = matching.search_address(person.address)
    person.search_postcode = matching.search_postcode(person.address)


class PersonMerge(Base):
    """The trace of a merge: which person was merged into which, by whom, and both records as they were.

    No foreign keys to person: the trace outlives both records (and a merged person's old links
    redirect through it to the person kept).
    """

    __tablename__ = "person_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_person_id: Mapped[int] = mapped_column(index=True)
    merged_person_id: Mapped[int] = mapped_column(unique=True)
    merged_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    merged_at: Mapped[datetime]
    merged_record: Mapped[dict] = mapped_column(JSON)  # the merged person's fields as they were
    kept_record: Mapped[dict] = mapped_column(JSON)  # the kept person's fields before the merge
    moved: Mapped[str] = mapped_column(String(300), default="")  # which links moved, per table

    merged_by: Mapped[User] = relationship()
