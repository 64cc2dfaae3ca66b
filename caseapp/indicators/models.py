"""Indicators as data: what is counted or imported, the counts kept up to date, targets and baselines.

Counted indicators are rows inserted by the migrations; the rule that counts each one is code, keyed by the row's
`key` (caseapp.indicators.counting.RULES). Imported indicators are created by an import (caseapp.indicators.imports).
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.db import Base
from caseapp.enums import check_in
from caseapp.organisations.models import Gemeente

KINDS = {"geteld": "Geteld uit de registratie", "import": "Geïmporteerd"}

THEMES = {
    "ondermijning": "Ondermijning",
    "overlast": "(Woon)overlast en verward gedrag",
    "jeugd": "Jeugd",
    "huiselijk_geweld": "Huiselijk geweld",
    "cybercrime": "Cybercrime",
    "extern": "Reeksen van buiten (politie, brandweer)",
}

# Which way is good, for the trend and for reading a bare streefwaarde ("230" is "at most 230" when lower is better).
BETTER = {"lager": "Lager is beter", "hoger": "Hoger is beter", "neutraal": "Geen richting"}

COMPARISONS = {"<": "kleiner dan", "<=": "ten hoogste", "=": "gelijk aan", ">=": "ten minste", ">": "groter dan"}
COMPARISON_SIGNS = {"<": "<", "<=": "≤", "=": "=", ">=": "≥", ">": ">"}

MIN_YEAR, MAX_YEAR = 1990, 2100


class Indicator(Base):
    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint(check_in("kind", KINDS), name="kind"),
        CheckConstraint(check_in("theme", THEMES), name="theme"),
        CheckConstraint(check_in("better", BETTER), name="better"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    definition: Mapped[str] = mapped_column(Text)  # exactly what is counted; shown next to every number
    unit: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    theme: Mapped[str] = mapped_column(String(20))
    better: Mapped[str] = mapped_column(String(10), default="neutraal")
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def counted(self):
        return self.kind == "geteld"

    @property
    def theme_label(self):
        return THEMES[self.theme]

    def __str__(self):
        return self.name


class IndicatorFact(Base):
    """One thing counted: a record's contribution to an indicator, on a gemeente, wijk and month.

    Facts are derived from the records and kept in step with them when they change (caseapp.indicators.counting);
    they are not removed when the record is deleted or anonymised, so the counts survive the retention purge.
    `subject_id` is the person counted by indicators of distinct persons: a bare number, the person's row id.
    """

    __tablename__ = "indicator_fact"
    __table_args__ = (
        Index("ix_indicator_fact_source", "source_type", "source_id"),
        Index("ix_indicator_fact_subject", "indicator_id", "gemeente_id", "subject_id", "year", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    source_type: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int]
    subject_id: Mapped[int | None]
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"))
    wijk_id: Mapped[int | None]  # no foreign key: the count outlives a wijk that is removed
    year: Mapped[int]
    month: Mapped[int]


class IndicatorCount(Base):
    """The pre-aggregated count of an indicator for a gemeente (wijk_id 0) or one wijk, per year (quarter 0,
    month 0), quarter (month 0) or month. A report reads these rows only, so its cost does not grow with the
    number of records."""

    __tablename__ = "indicator_count"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), primary_key=True)
    wijk_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    quarter: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int]


class IndicatorImport(Base):
    """One uploaded file of figures from outside (police, brandweer)."""

    __tablename__ = "indicator_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), index=True)
    source: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    row_count: Mapped[int]
    value_count: Mapped[int]
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    imported_at: Mapped[datetime]

    gemeente: Mapped[Gemeente] = relationship()
    imported_by: Mapped[User] = relationship()


class IndicatorValue(Base):
    """A yearly figure of an imported indicator for a gemeente; a later import of the same year replaces it."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "gemeente_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), index=True)
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(100), default="")  # e.g. "t/m september": a partial year
    import_id: Mapped[int] = mapped_column(ForeignKey("indicator_import.id"), index=True)

    indicator: Mapped[Indicator] = relationship()


class IndicatorTarget(Base):
    """A streefwaarde: the value an indicator should have in a year, in a gemeente ("< 80 in 2023")."""

    __tablename__ = "indicator_target"
    __table_args__ = (
        UniqueConstraint("indicator_id", "gemeente_id", "year"),
        CheckConstraint(check_in("comparison", COMPARISONS), name="comparison"),
        CheckConstraint(f"year BETWEEN {MIN_YEAR} AND {MAX_YEAR}", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), index=True)
    year: Mapped[int]
    comparison: Mapped[str] = mapped_column(String(2))
    value: Mapped[float] = mapped_column(Float)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    set_at: Mapped[datetime]

    indicator: Mapped[Indicator] = relationship()
    gemeente: Mapped[Gemeente] = relationship()

    @property
    def sign(self):
        return COMPARISON_SIGNS[self.comparison]

    def met_by(self, value):
        return {"<": value < self.value, "<=": value <= self.value, "=": value == self.value,
                ">=": value >= self.value, ">": value > self.value}[self.comparison]


class IndicatorBaseline(Base):
    """The nulmeting of an indicator in a gemeente: a year, and its value when the series does not hold that year
    (a nulmeting from before the registration, such as seed 003's 74 cybercrime meldingen)."""

    __tablename__ = "indicator_baseline"
    __table_args__ = (CheckConstraint(f"year BETWEEN {MIN_YEAR} AND {MAX_YEAR}", name="year_range"),)

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id"), primary_key=True)
    year: Mapped[int]
    value: Mapped[float | None] = mapped_column(Float)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    set_at: Mapped[datetime]

    indicator: Mapped[Indicator] = relationship()
    gemeente: Mapped[Gemeente] = relationship()
