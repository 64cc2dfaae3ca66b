from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.db import Base
from caseapp.enums import check_in

LETTER_KINDS = {
    "waarschuwing": "Bestuurlijke waarschuwing",
    "voornemen_sluiting_13b": "Voornemen tot sluiting (art. 13b Opiumwet)",
    "voornemen_sluiting_174a": "Voornemen tot sluiting (art. 174a Gemeentewet)",
    "voornemen_gedragsaanwijzing": "Voornemen tot gedragsaanwijzing (art. 151d Gemeentewet)",
}
# The letter an intervention of each type gets (Brief opstellen on its page).
LETTER_OF_TYPE = {
    "waarschuwing": "waarschuwing",
    "sluiting_13b": "voornemen_sluiting_13b",
    "sluiting_174a": "voornemen_sluiting_174a",
    "gedragsaanwijzing": "voornemen_gedragsaanwijzing",
}


class LetterTemplate(Base):
    """The text of one kind of letter, kept by the functioneel beheerder; placeholders are filled from the case."""

    __tablename__ = "letter_template"
    __table_args__ = (CheckConstraint(check_in("kind", LETTER_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    __mapper_args__ = {"version_id_col": version}

    updated_by: Mapped[User | None] = relationship()

    @property
    def label(self):
        return LETTER_KINDS[self.kind]
