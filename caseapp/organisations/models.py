from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.db import Base
from caseapp.enums import ORGANISATION_TYPES, check_in


class Gemeente(Base):
    __tablename__ = "gemeente"
    __table_args__ = (
        CheckConstraint("structural_attention_threshold BETWEEN 2 AND 50", name="structural_attention_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    cbs_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    # Whether the APV has the duty-of-care rule that art. 151d Gemeentewet (gedragsaanwijzing) requires.
    apv_151d: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # A person in at least this many meldingen within 12 months "vraagt structureel aandacht" (caseapp/meldingen).
    structural_attention_threshold: Mapped[int] = mapped_column(default=3, server_default=text("3"))

    wijken: Mapped[list["Wijk"]] = relationship(
        back_populates="gemeente", order_by="Wijk.name", cascade="all, delete-orphan"
    )

    def __str__(self):
        return self.name


class Wijk(Base):
    __tablename__ = "wijk"
    __table_args__ = (UniqueConstraint("gemeente_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    gemeente: Mapped[Gemeente] = relationship(back_populates="wijken")

    def __str__(self):
        return self.name


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(check_in("type", ORGANISATION_TYPES), name="type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    type: Mapped[str] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def type_label(self):
        return ORGANISATION_TYPES[self.type]

    def __str__(self):
        return self.name
