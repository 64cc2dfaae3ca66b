"""Bar charts of an indicator row, laid out here and drawn as SVG by templates/indicators/_chart.html.

The chart repeats the row's table, which is its accessible alternative; in publication mode a suppressed value
gets no bar, since its height would tell the number.
"""

from dataclasses import dataclass
from math import ceil, floor, log10

from caseapp.indicators.report import MONTHS, number, suppressed

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 18, 44
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
LABEL_WIDTH = 40  # room a period's label takes under the bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar
    year_label: str  # under the label, at the first period of a year
    value: str  # above the bar
    complete: bool


@dataclass(frozen=True)
class Line:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    bars: list
    ticks: list  # Line per gridline
    target: Line | None
    baseline: Line | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def step_for(top):
    """A round gridline step (1, 2 or 5 times a power of ten, at least 1) giving at most five lines up to `top`."""
    if top <= 5:
        return 1
    raw = top / 5
    power = 10 ** floor(log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def bar_chart(row, periods, publication=False):
    values = [cell.value for cell in row.cells]
    target = row.target.target if row.target else None
    references = [v for v in (target.value if target else None, row.baseline_value) if v is not None]
    top = max([v for v in values if v is not None] + references + [1])
    step = step_for(top)
    top = step * -(-top // step)  # rounded up to a whole step

    def y_of(value):
        return TOP + PLOT_HEIGHT * (1 - value / top)

    slot = PLOT_WIDTH / len(periods)
    width = min(48, slot * 0.7)
    every = ceil(LABEL_WIDTH / slot)  # with many periods, a label under every n-th bar (and the last) so none overlap
    bars = []
    for index, (period, cell) in enumerate(zip(periods, row.cells, strict=True)):
        hidden = cell.value is None or suppressed(cell.value, publication)
        height = 0 if hidden else PLOT_HEIGHT * cell.value / top
        labelled = index % every == 0 or index == len(periods) - 1
        label, year_label = _labels(period, index) if labelled else ("", "")
        bars.append(Bar(x=LEFT + slot * index + (slot - width) / 2, y=TOP + PLOT_HEIGHT - height, width=width,
                        height=height, label=label, year_label=year_label,
                        value=number(cell.value, publication), complete=cell.complete))
    ticks = [Line(y_of(value), number(value)) for value in _range(0, top, step)]
    target_line = Line(y_of(target.value), f"Streefwaarde {target.year}: {target.sign} {number(target.value)}") \
        if target else None
    baseline_line = Line(y_of(row.baseline_value), f"Nulmeting {row.baseline_year}: "
                         f"{number(row.baseline_value, publication)}") \
        if row.baseline_value and not suppressed(row.baseline_value, publication) else None  # 0 is the axis
    return Chart(bars, ticks, target_line, baseline_line)


def _labels(period, index):
    if period.month:
        return MONTHS[period.month - 1], str(period.year) if period.month == 1 or index == 0 else ""
    if period.quarter:
        return f"K{period.quarter}", str(period.year) if period.quarter == 1 or index == 0 else ""
    return str(period.year), ""


def _range(start, stop, step):
    value = start
    while value <= stop + step / 1000:
        yield value
        value += step
