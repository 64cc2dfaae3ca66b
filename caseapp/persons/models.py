from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.db import Base


class Person(Base):
    """A natural person, registered once and linked to any number of cases."""

    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("bsn IS NULL OR length(bsn) = 9", name="bsn_length"),
        Index("ix_person_name_dob", "last_name", "date_of_birth"),
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
