"""The vocabulary in which lifecycles are declared: processes, states, transitions, guards and deadlines.

A process is plain data; caseapp/workflow/processes.py declares every one of them, the engine runs them,
and the procedure pages print them. Times are naive UTC; periods counted in days end at the end of the
Dutch calendar day, periods counted in hours (or marked `exact`) at the same moment of the day.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from caseapp import AMSTERDAM


@dataclass(frozen=True)
class State:
    name: str
    label: str
    final: bool = False


@dataclass(frozen=True)
class Field:
    """A value a transition asks for; the form is built from it and the engine checks it is present."""

    name: str
    label: str
    kind: str  # date | datetime | choice | text | textarea | bool | int
    required: bool = True
    choices: dict | None = None
    hint: str = ""
    default: Callable[[Any, datetime], Any] | None = None  # (subject, now) -> the value the form starts with


@dataclass(frozen=True)
class Guard:
    """A condition a transition needs; `check(subject, values, now)` returns what is missing, or None."""

    description: str
    check: Callable[[Any, dict, datetime], str | None]


@dataclass(frozen=True)
class DeadlineRule:
    """A termijn or task, open while the subject is in one of `states`, due at `due(subject, started)`.

    `started` is when the deadline opened: the moment the state that starts it was entered.
    """

    key: str
    label: str
    states: tuple[str, ...]
    due: Callable[[Any, datetime], datetime | None]
    description: str
    kind: str = "termijn"  # termijn | taak
    closed_by: tuple[str, ...] = ()  # transitions that complete it
    lapses: bool = False  # a period that runs out by itself (bezwaar): due, but never overdue


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]  # () for the transition that starts the process
    target: str | None = None  # None: the status stays (a step recorded within a state)
    roles: tuple[str, ...] = ("coordinator",)  # a partner may only act on what their organisation owns
    fields: tuple[Field, ...] = ()
    guards: tuple[Guard, ...] = ()
    apply: Callable[[Any, dict, datetime], str | None] | None = None  # sets the dated columns; may return a note
    reason_required: bool = False
    while_suspended: bool = False  # may fire while the subject is suspended (hervatten, stopzetten)


@dataclass(frozen=True)
class Process:
    key: str
    label: str
    legal_basis: str
    states: dict[str, State]
    transitions: dict[str, Transition]
    deadlines: tuple[DeadlineRule, ...] = ()
    summary: str = ""
    decided_by: str = ""

    @classmethod
    def declare(cls, key, label, legal_basis, *, states, transitions, **kwargs):
        return cls(key, label, legal_basis, states={s.name: s for s in states},
                   transitions={t.name: t for t in transitions}, **kwargs)

    @property
    def start(self):
        return next(t for t in self.transitions.values() if not t.sources)

    def is_final(self, status):
        return self.states[status].final


# -- periods -----------------------------------------------------------------------------------------


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def local_date(moment):
    """The Dutch calendar date of a naive UTC moment."""
    return moment.replace(tzinfo=UTC).astimezone(AMSTERDAM).date()


def end_of_day(day):
    """The last moment (naive UTC) of a Dutch calendar day."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=AMSTERDAM)
    return local.astimezone(UTC).replace(tzinfo=None)


def start_of_day(day):
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM).astimezone(UTC).replace(tzinfo=None)


def later(moment, *, hours=0, days=0, weeks=0, months=0, exact=False):
    """`moment` plus a period. Hours and `exact` periods keep the time of day; day counts end at day's end."""
    if moment is None:
        return None
    if hours or exact:
        return moment + timedelta(hours=hours, days=days, weeks=weeks)
    day = moment if isinstance(moment, date) and not isinstance(moment, datetime) else local_date(moment)
    return end_of_day(add_months(day, months) + timedelta(days=days, weeks=weeks))


def period_text(*, hours=0, days=0, weeks=0, months=0):
    parts = [(hours, "uur", "uur"), (days, "dag", "dagen"), (weeks, "week", "weken"), (months, "maand", "maanden")]
    return " en ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n)


def after(attribute, label, **period):
    """A deadline `period` after the subject's dated column `attribute`, and its description."""
    exact = period.pop("exact", False)
    return {
        "due": lambda subject, _started: later(getattr(subject, attribute), exact=exact, **period),
        "description": f"{period_text(**period)} na {label}",
    }


def on(attribute, label):
    """A deadline on the moment or date the subject's column `attribute` holds."""

    def due(subject, _started):
        value = getattr(subject, attribute)
        if isinstance(value, date) and not isinstance(value, datetime):
            return end_of_day(value)
        return value

    return {"due": due, "description": label}



def after_entering(state_label, **period):
    """A deadline `period` after the state that starts it was entered (a working agreement, not a law)."""
    return {
        "due": lambda _subject, started: later(started, **period),
        "description": f"{period_text(**period)} na {state_label}",
    }
