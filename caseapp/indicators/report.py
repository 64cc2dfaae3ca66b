"""The indicator report: per indicator its values per period, nulmeting, streefwaarde and trend.

Counted indicators are read from the pre-aggregated buckets (IndicatorCount), imported ones from their yearly
values; nothing here reads a case, melding or person, so the report costs the same at any number of records.
"""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from caseapp import db
from caseapp.audit.operations import today
from caseapp.indicators.models import (
    THEMES,
    Indicator,
    IndicatorBaseline,
    IndicatorCount,
    IndicatorTarget,
    IndicatorValue,
)

GRANULARITIES = {"jaar": "Per jaar", "kwartaal": "Per kwartaal", "maand": "Per maand"}
MAX_PERIODS = {"jaar": 15, "kwartaal": 16, "maand": 24}
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
SUPPRESSED = "<5"  # DESIGN §4: counts of 1 to 4 can identify people


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int = 0
    month: int = 0

    @property
    def label(self):
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.year} K{self.quarter}" if self.quarter else str(self.year)

    @property
    def key(self):
        """As the API and the exports name it: 2024, 2024-K1, 2024-03."""
        if self.month:
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}-K{self.quarter}" if self.quarter else str(self.year)

    @property
    def last_day(self):
        last_month = self.month or (self.quarter * 3 if self.quarter else 12)
        return date(self.year, last_month, monthrange(self.year, last_month)[1])

    def complete(self, on):
        return self.last_day < on


def periods(granularity, year_from, year_to):
    years = range(year_from, year_to + 1)
    if granularity == "maand":
        return [Period(y, (m - 1) // 3 + 1, m) for y in years for m in range(1, 13)]
    if granularity == "kwartaal":
        return [Period(y, q) for y in years for q in range(1, 5)]
    return [Period(y) for y in years]


@dataclass(frozen=True)
class Cell:
    value: float | None
    note: str = ""  # an imported value for part of the year: "t/m september"
    complete: bool = True


@dataclass(frozen=True)
class Trend:
    before: Period
    after: Period
    first: float  # the value in `before`
    last: float  # the value in `after`
    better: str  # the indicator's direction

    @property
    def change(self):
        return self.last - self.first

    @property
    def direction(self):
        return "stijgt" if self.change > 0 else "daalt" if self.change < 0 else "gelijk"

    @property
    def judgement(self):
        """gunstig, ongunstig, or "" when the indicator has no direction or nothing changed."""
        if not self.change or self.better == "neutraal":
            return ""
        return "gunstig" if (self.change < 0) == (self.better == "lager") else "ongunstig"

    def text(self, publication=False):
        """"daalt 17 (2024 t.o.v. 2023), gunstig"; empty in publication mode when either count is hidden."""
        if suppressed(self.first, publication) or suppressed(self.last, publication):
            return ""
        text = f"{self.direction} {number(abs(self.change))}" if self.change else self.direction
        text += f" ({self.after.label} t.o.v. {self.before.label})"
        return f"{text}, {self.judgement}" if self.judgement else text


@dataclass(frozen=True)
class TargetStatus:
    target: IndicatorTarget
    value: float | None
    final: bool  # the target year is over (and the value complete)

    @property
    def label(self):
        if self.value is None:
            return "Geen waarde"
        if not self.final:
            return "Loopt nog"
        return "Gehaald" if self.target.met_by(self.value) else "Niet gehaald"


@dataclass
class Row:
    indicator: Indicator
    cells: list
    baseline_year: int | None = None
    baseline_value: float | None = None
    target: TargetStatus | None = None
    trend: Trend | None = None


@dataclass
class Report:
    granularity: str
    periods: list
    gemeente_ids: list
    wijk_id: int | None
    rows: list = field(default_factory=list)
    imported_left_out: bool = False  # imported series are yearly and per gemeente

    @property
    def per_gemeente(self):
        return len(self.gemeente_ids) == 1 and self.wijk_id is None

    def themes(self):
        """[(theme label, rows)] in the order of THEMES."""
        grouped = {}
        for row in self.rows:
            grouped.setdefault(row.indicator.theme, []).append(row)
        return [(THEMES[theme], grouped[theme]) for theme in THEMES if theme in grouped]


def indicators():
    return db.session().scalars(select(Indicator).order_by(Indicator.kind, Indicator.position, Indicator.name)).all()


def build(gemeente_ids, wijk_id, granularity, year_from, year_to, only=None):
    """The report for these gemeenten (summed), or one wijk of one of them, from `year_from` to `year_to`.

    `only`: an indicator to report alone (the API). Baselines and targets are set per gemeente, so they are shown
    when one gemeente is chosen as a whole. The caller has checked that the user may see these gemeenten.
    """
    report = Report(granularity, periods(granularity, year_from, year_to), list(gemeente_ids), wijk_id)
    chosen = [only] if only else indicators()
    imported_shown = report.per_gemeente and granularity == "jaar"
    report.imported_left_out = not imported_shown and any(not i.counted for i in chosen)
    held = _held_series(report.gemeente_ids) if imported_shown else set()
    chosen = [i for i in chosen if i.counted or i.id in held]
    counts = _counts(report, [i.id for i in chosen if i.counted])
    values = _imported(report.gemeente_ids, [i.id for i in chosen if not i.counted], year_from, year_to)
    on = today()
    for indicator in chosen:
        if indicator.counted:
            cells = [Cell(counts.get((indicator.id, p), 0), complete=p.complete(on)) for p in report.periods]
        else:
            cells = [_imported_cell(values.get((indicator.id, p.year)), p, on) for p in report.periods]
        report.rows.append(Row(indicator, cells, trend=_trend(indicator, report.periods, cells)))
    if report.per_gemeente:
        _add_baselines_and_targets(report, report.gemeente_ids[0], on)
    return report


def _held_series(gemeente_ids):
    """The imported series with a value in one of these gemeenten: another gemeente's series are not shown."""
    return set(db.session().scalars(select(IndicatorValue.indicator_id).where(
        IndicatorValue.gemeente_id.in_(gemeente_ids)).distinct()))


def _counts(report, indicator_ids):
    if not indicator_ids:
        return {}
    c = IndicatorCount
    level = {"jaar": (c.quarter == 0, c.month == 0), "kwartaal": (c.quarter > 0, c.month == 0),
             "maand": (c.month > 0,)}[report.granularity]
    rows = db.session().execute(
        select(c.indicator_id, c.year, c.quarter, c.month, func.sum(c.value))
        .where(c.indicator_id.in_(indicator_ids), c.gemeente_id.in_(report.gemeente_ids),
               c.wijk_id == (report.wijk_id or 0), c.year.between(report.periods[0].year, report.periods[-1].year),
               *level)
        .group_by(c.indicator_id, c.year, c.quarter, c.month))
    return {(indicator_id, Period(year, quarter, month)): value for indicator_id, year, quarter, month, value in rows}


def _imported(gemeente_ids, indicator_ids, year_from, year_to):
    if not indicator_ids:
        return {}
    rows = db.session().scalars(select(IndicatorValue).where(
        IndicatorValue.indicator_id.in_(indicator_ids), IndicatorValue.gemeente_id.in_(gemeente_ids),
        IndicatorValue.year.between(year_from, year_to)))
    return {(v.indicator_id, v.year): v for v in rows}


def _imported_cell(value, period, on):
    if value is None:
        return Cell(None)
    return Cell(value.value, value.note, complete=not value.note and period.complete(on))


def _trend(indicator, periods_, cells):
    """The change between the last two complete periods that have a value."""
    known = [(p, c) for p, c in zip(periods_, cells, strict=True) if c.complete and c.value is not None]
    if len(known) < 2:
        return None
    (before, first), (after, last) = known[-2], known[-1]
    return Trend(before, after, first.value, last.value, indicator.better)


def _add_baselines_and_targets(report, gemeente_id, on):
    ids = [row.indicator.id for row in report.rows]
    baselines = {b.indicator_id: b for b in db.session().scalars(select(IndicatorBaseline).where(
        IndicatorBaseline.gemeente_id == gemeente_id, IndicatorBaseline.indicator_id.in_(ids)))}
    targets = {}
    for target in db.session().scalars(select(IndicatorTarget).where(
            IndicatorTarget.gemeente_id == gemeente_id, IndicatorTarget.indicator_id.in_(ids))
            .order_by(IndicatorTarget.year)):
        targets.setdefault(target.indicator_id, []).append(target)
    last_year = report.periods[-1].year
    chosen_targets = {indicator_id: _target_for(found, last_year) for indicator_id, found in targets.items()}
    years = {b.year for b in baselines.values()} | {t.year for t in chosen_targets.values()}
    yearly = _yearly(report.rows, gemeente_id, years)
    for row in report.rows:
        baseline = baselines.get(row.indicator.id)
        if baseline:
            row.baseline_year = baseline.year
            row.baseline_value = baseline.value if baseline.value is not None else _value(
                yearly.get((row.indicator.id, baseline.year)))
        target = chosen_targets.get(row.indicator.id)
        if target:
            cell = yearly.get((row.indicator.id, target.year))
            row.target = TargetStatus(target, _value(cell), final=bool(cell and cell.complete))


def _target_for(targets, last_year):
    """The latest target up to the report's last year, else the first one after it."""
    earlier = [t for t in targets if t.year <= last_year]
    return earlier[-1] if earlier else targets[0]


def _value(cell):
    return cell.value if cell else None


def _yearly(rows, gemeente_id, years):
    """{(indicator id, year): Cell} for the whole gemeente in these years: the nulmeting and streefwaarde years."""
    if not years:
        return {}
    on, found = today(), {}
    counted = [row.indicator.id for row in rows if row.indicator.counted]
    c = IndicatorCount
    for indicator_id, year, value in db.session().execute(
            select(c.indicator_id, c.year, c.value).where(
                c.indicator_id.in_(counted), c.gemeente_id == gemeente_id, c.wijk_id == 0, c.year.in_(years),
                c.quarter == 0, c.month == 0)):
        found[(indicator_id, year)] = Cell(value, complete=Period(year).complete(on))
    for indicator_id in counted:  # a year without a single fact counted nothing
        for year in years:
            found.setdefault((indicator_id, year), Cell(0, complete=Period(year).complete(on)))
    imported = [row.indicator.id for row in rows if not row.indicator.counted]
    for value in db.session().scalars(select(IndicatorValue).where(
            IndicatorValue.indicator_id.in_(imported), IndicatorValue.gemeente_id == gemeente_id,
            IndicatorValue.year.in_(years))):
        found[(value.indicator_id, value.year)] = _imported_cell(value, Period(value.year), on)
    return found


# -- showing numbers --------------------------------------------------------------------------------------

def number(value, publication=False):
    """A value as Dutch text: 1.234 and 7,4; with `publication`, counts of 1 to 4 as "<5"; no value as "–"."""
    if value is None:
        return "–"
    if publication and 1 <= value <= 4:
        return SUPPRESSED
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def suppressed(value, publication):
    return publication and value is not None and 1 <= value <= 4
