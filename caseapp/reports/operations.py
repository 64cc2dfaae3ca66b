"""Aggregate counts for analysts: numbers per group, counted in SQL, never the cases behind them."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import extract, func, select

from caseapp import AMSTERDAM, db
from caseapp.cases.models import Case
from caseapp.enums import CASE_STATUSES, CASE_TYPES

YEARS_SHOWN = 5
OPEN_STATUSES = {value: label for value, label in CASE_STATUSES.items() if value != "afgesloten"}


@dataclass
class CountTable:
    """Counts per (row, column) with totals; every row and column is shown, also when its count is zero."""

    rows: list[tuple]  # (key, label)
    columns: list[tuple]
    counts: dict

    def count(self, row, column):
        return self.counts.get((row, column), 0)

    def row_total(self, row):
        return sum(self.count(row, column) for column, _ in self.columns)

    def column_total(self, column):
        return sum(self.count(row, column) for row, _ in self.rows)

    @property
    def total(self):
        return sum(self.row_total(row) for row, _ in self.rows)


def report_years():
    """The last YEARS_SHOWN calendar years, oldest first, ending with the current year in Dutch time."""
    this_year = datetime.now(AMSTERDAM).year
    return list(range(this_year - YEARS_SHOWN + 1, this_year + 1))


def _analyst_cases(user, gemeente_id=None, status=None):
    """WHERE clauses for the cases an analyst may count: those of the gemeenten they work for.

    Not access.visible_cases: analysts may never see a case, so that scope is empty for them;
    they may only count cases, and these clauses are used for nothing but COUNT ... GROUP BY.
    """
    clauses = [Case.gemeente_id.in_(user.gemeente_ids)]
    if gemeente_id is not None:
        clauses.append(Case.gemeente_id == gemeente_id)
    if status is not None:
        clauses.append(Case.status == status)
    return clauses


def cases_opened_per_type_and_year(user, years, gemeente_id=None, status=None):
    """Cases opened (by opening date) per case type and calendar year, for the given years."""
    year = extract("year", Case.opened_on)
    statement = (
        select(Case.type, year, func.count())
        .where(
            *_analyst_cases(user, gemeente_id, status),
            Case.opened_on >= date(years[0], 1, 1),
            Case.opened_on <= date(years[-1], 12, 31),
        )
        .group_by(Case.type, year)
    )
    counts = {(case_type, int(opened_in)): n for case_type, opened_in, n in db.session().execute(statement)}
    return CountTable(rows=list(CASE_TYPES.items()), columns=[(y, str(y)) for y in years], counts=counts)


def open_cases_per_gemeente_and_status(user, gemeente_id=None):
    """Cases not closed, per gemeente and current status."""
    statement = (
        select(Case.gemeente_id, Case.status, func.count())
        .where(*_analyst_cases(user, gemeente_id), Case.status.in_(OPEN_STATUSES))
        .group_by(Case.gemeente_id, Case.status)
    )
    counts = {(gemeente, status): n for gemeente, status, n in db.session().execute(statement)}
    gemeenten = [(g.id, g.name) for g in sorted(user.gemeenten, key=lambda g: g.name)
                 if gemeente_id is None or g.id == gemeente_id]
    return CountTable(rows=gemeenten, columns=list(OPEN_STATUSES.items()), counts=counts)
