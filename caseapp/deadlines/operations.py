"""Termijnen: what is overdue and what falls due within a week, and the reminders for what is close.

The page and the daily command show the same sections; each is one query over the open-deadline index,
with the case, its gemeente and coordinator, the intervention and the owner joined in. Rows name a case
by its reference and an intervention by its type, never a person. The page also lists the open actions of
plannen van aanpak that are overdue or due within the week (one more query per section), named only as
such and by their goal's leefgebied: their free text stays on the case.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy import case as case_when
from sqlalchemy.orm import aliased, contains_eager

from caseapp import db
from caseapp.access import deadline_scope
from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.interventions.models import Intervention
from caseapp.notifications.operations import case_link, intervention_link, notify, organisation_users
from caseapp.organisations.models import Gemeente, Organisation
from caseapp.plans.models import PlanAction, PlanGoal
from caseapp.workflow.definitions import end_of_day, local_date
from caseapp.workflow.models import Deadline

DUE_SOON = timedelta(days=7)
REMIND_WITHIN = timedelta(days=2)
SECTION_LIMIT = 200  # rows per section on the page; the counts above them are always complete
# What the lists need of a case and an intervention: no address, description or person is even read.
_CASE_COLUMNS = (Case.opened_on, Case.gemeente_id, Case.coordinator_id, Case.suspended_since)
_INTERVENTION_COLUMNS = (Intervention.type, Intervention.suspended_since)


@dataclass
class DueRow:
    """A deadline, or an action of a plan van aanpak, and its distance from today in Dutch calendar days
    (negative: days late)."""

    deadline: Deadline | None
    days: int
    overdue: bool = False
    action: PlanAction | None = None

    @property
    def case(self):
        return (self.action or self.deadline).case

    @property
    def due_at(self):
        """When it is due (naive UTC): an action at the end of its day."""
        return end_of_day(self.action.due_on) if self.action else self.deadline.due_at

    @property
    def days_text(self):
        if self.days < 0:
            return f"{-self.days} {'dag' if self.days == -1 else 'dagen'} te laat"
        if self.days == 0:
            return "vandaag verlopen" if self.overdue else "vandaag"
        return "morgen" if self.days == 1 else f"nog {self.days} dagen"


@dataclass
class Group:
    gemeente: str
    coordinator: str | None
    rows: list[DueRow] = field(default_factory=list)

    @property
    def heading(self):
        return f"{self.gemeente} – " + (f"coördinator {self.coordinator}" if self.coordinator else "geen coördinator")


@dataclass
class Section:
    key: str
    title: str
    total: int
    groups: list[Group]

    @property
    def shown(self):
        return sum(len(group.rows) for group in self.groups)


@dataclass
class Overview:
    overdue: Section
    due_soon: Section
    suspended: int  # deadlines that would be listed, left out because their case or intervention is suspended

    @property
    def sections(self):
        return (self.overdue, self.due_soon)


def _open():
    return Deadline.closed_at.is_(None)


def _overdue(now):
    return and_(_open(), Deadline.lapses.is_(False), Deadline.due_at < now)


def _due_soon(now):
    return and_(_open(), Deadline.due_at >= now, Deadline.due_at < now + DUE_SOON)


def _suspended():
    """The subject is suspended: the case for a case's own deadline, the intervention for its deadlines."""
    return or_(and_(Deadline.intervention_id.is_(None), Case.suspended_since.is_not(None)),
               Intervention.suspended_since.is_not(None))


def _joined(statement, scope, *, gemeente_id=None, coordinator_id=None, kind=None):
    """`statement` over deadlines with their case and intervention joined, within `scope` and the filters."""
    statement = statement.join(Deadline.case).outerjoin(Deadline.intervention).where(scope)
    for column, value in ((Case.gemeente_id, gemeente_id), (Case.coordinator_id, coordinator_id),
                          (Deadline.kind, kind)):
        if value:
            statement = statement.where(column == value)
    return statement


def overview(scope, now, *, limit=SECTION_LIMIT, action_scope=None, **filters):
    """The overdue and due-soon sections of the deadlines within `scope` (a WHERE clause on Deadline).

    The page passes access.deadline_scope(user); the daily command, which serves every gemeente, passes true().
    With `action_scope` (a WHERE clause on PlanAction: access.action_deadline_scope(user)) the sections hold the
    plan van aanpak actions too. `filters`: gemeente_id, coordinator_id, kind ("actie": actions only).
    `limit` caps the rows of each section (None: no cap).
    """
    shown = ~_suspended()
    overdue, due_soon = _overdue(now), _due_soon(now)
    counts = db.session().execute(_joined(select(
        func.count(case_when((and_(overdue, shown), 1))),
        func.count(case_when((and_(due_soon, shown), 1))),
        func.count(case_when((_suspended(), 1))),
    ).select_from(Deadline), scope, **filters).where(or_(overdue, due_soon))).one()
    today = local_date(now)
    sections = {}
    for key, where, total in (("overdue", overdue, counts[0]), ("due_soon", due_soon, counts[1])):
        sections[key] = [total, [DueRow(d, (local_date(d.due_at) - today).days, overdue=key == "overdue")
                                 for d in _rows(scope, and_(where, shown), now, limit, filters)]]
    suspended = counts[2]
    if action_scope is not None and filters.get("kind") in (None, "actie"):
        suspended += _add_actions(sections, action_scope, today, limit, filters)
    for rows in (section[1] for section in sections.values()):
        rows.sort(key=lambda row: row.due_at)  # stable: deadlines keep their order among equals
        if limit is not None:
            del rows[limit:]
    return Overview(
        overdue=Section("overdue", "Over de termijn", sections["overdue"][0], _groups(sections["overdue"][1])),
        due_soon=Section("due_soon", f"Binnen {DUE_SOON.days} dagen", sections["due_soon"][0],
                         _groups(sections["due_soon"][1])),
        suspended=suspended,
    )


def _add_actions(sections, scope, today, limit, filters):
    """Count and add the open plan van aanpak actions due before today (overdue) or within the week to
    `sections`; returns how many are left out because their case is suspended."""
    due = {"overdue": PlanAction.due_on < today,
           "due_soon": and_(PlanAction.due_on >= today, PlanAction.due_on < today + DUE_SOON)}
    suspended = Case.suspended_since.is_not(None)
    counts = db.session().execute(_actions_joined(select(
        func.count(case_when((and_(due["overdue"], ~suspended), 1))),
        func.count(case_when((and_(due["due_soon"], ~suspended), 1))),
        func.count(case_when((suspended, 1))),
    ).select_from(PlanAction), scope, **filters).where(or_(*due.values()))).one()
    via_case = contains_eager(PlanAction.case).load_only(*_CASE_COLUMNS)
    owner = aliased(User)  # the case's coordinator is joined too
    for index, key in enumerate(("overdue", "due_soon")):
        statement = (
            _actions_joined(select(PlanAction), scope, **filters)
            .join(Case.gemeente).outerjoin(Case.coordinator).outerjoin(PlanAction.goal)
            .outerjoin(PlanAction.owner_organisation).outerjoin(PlanAction.owner_user.of_type(owner))
            .where(due[key], ~suspended)
            .options(via_case.contains_eager(Case.gemeente).load_only(Gemeente.name),
                     via_case.contains_eager(Case.coordinator).load_only(User.name),
                     contains_eager(PlanAction.goal).load_only(PlanGoal.leefgebied),
                     contains_eager(PlanAction.owner_organisation).load_only(Organisation.name),
                     contains_eager(PlanAction.owner_user.of_type(owner)).load_only(owner.name))
            .order_by(PlanAction.due_on, PlanAction.id)
        )
        if limit is not None:
            statement = statement.limit(limit)
        sections[key][0] += counts[index]
        sections[key][1] += [DueRow(None, (action.due_on - today).days, overdue=key == "overdue", action=action)
                             for action in db.session().scalars(statement)]
    return counts[2]


def _actions_joined(statement, scope, *, gemeente_id=None, coordinator_id=None, kind=None):
    """`statement` over the open plan van aanpak actions of open cases, with the case joined, within `scope` and
    the filters."""
    statement = statement.join(PlanAction.case).where(scope, PlanAction.status == "open", Case.status != "afgesloten")
    for column, value in ((Case.gemeente_id, gemeente_id), (Case.coordinator_id, coordinator_id)):
        if value:
            statement = statement.where(column == value)
    return statement


def _rows(scope, where, now, limit, filters):
    """The deadlines matching `where`, most urgent first, with everything the lists show loaded in the same query."""
    via_case = contains_eager(Deadline.case).load_only(*_CASE_COLUMNS)
    statement = (
        _joined(select(Deadline), scope, **filters)
        .join(Case.gemeente).outerjoin(Case.coordinator).outerjoin(Deadline.owner_organisation)
        .where(where)
        .options(via_case.contains_eager(Case.gemeente).load_only(Gemeente.name),
                 via_case.contains_eager(Case.coordinator).load_only(User.name),
                 contains_eager(Deadline.intervention).load_only(*_INTERVENTION_COLUMNS),
                 contains_eager(Deadline.owner_organisation).load_only(Organisation.name))
        .order_by(Deadline.due_at, Deadline.id)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return db.session().scalars(statement).all()


def _groups(rows):
    """The rows grouped per gemeente and coordinator (alphabetical), most urgent first within a group."""

    def key(row):
        coordinator = row.case.coordinator
        return row.case.gemeente.name, coordinator is None, coordinator.name if coordinator else ""

    ordered = sorted(rows, key=key)  # stable: the order by due date holds within each group
    return [Group(gemeente, coordinator or None, list(group))
            for (gemeente, _none, coordinator), group in groupby(ordered, key=key)]


def filter_choices(scope):
    """The gemeenten and coordinators of the cases within `scope` (a WHERE clause on Case), by name."""
    session = db.session()
    gemeenten = session.scalars(
        select(Gemeente).where(Gemeente.id.in_(select(Case.gemeente_id).where(scope))).order_by(Gemeente.name)
    ).all()
    coordinators = session.scalars(
        select(User).where(User.id.in_(select(Case.coordinator_id).where(scope))).order_by(User.name)
    ).all()
    return gemeenten, coordinators


def find_gemeente(name):
    """A gemeente by its name, compared case-insensitively; None if there is none."""
    return db.session().scalar(select(Gemeente).where(func.lower(Gemeente.name) == name.strip().lower()))


def send_reminders(now, *, gemeente_id=None):
    """Remind once of each open deadline due within two days or overdue: the case's coordinator, and for a
    step the users of the organisation that owns it. Returns (deadlines reminded, notifications made).

    Only users who may see the deadline (access.deadline_scope) are told. A deadline of a suspended case or
    intervention waits until it is resumed; a period that runs out by itself (lapses) needs nobody to act
    once it has, so it is only announced before it ends.
    """
    session = db.session()
    due = (
        _joined(select(Deadline), true(), gemeente_id=gemeente_id)
        .where(_open(), Deadline.reminded_at.is_(None), Deadline.due_at < now + REMIND_WITHIN, ~_suspended(),
               or_(Deadline.lapses.is_(False), Deadline.due_at >= now))
    )
    deadlines = session.scalars(
        due.outerjoin(Case.coordinator)
        .options(contains_eager(Deadline.case).load_only(*_CASE_COLUMNS).contains_eager(Case.coordinator),
                 contains_eager(Deadline.intervention).load_only(*_INTERVENTION_COLUMNS))
        .order_by(Deadline.due_at, Deadline.id)
        .with_for_update(of=Deadline, skip_locked=True)  # two runs at once never remind twice
    ).all()
    owners = {d.owner_organisation_id for d in deadlines if d.owner_organisation_id is not None}
    users_of = {}
    for user in organisation_users(*owners) if owners else ():
        users_of.setdefault(user.organisation_id, []).append(user)
    candidates = {d.id: [u for u in [d.case.coordinator, *users_of.get(d.owner_organisation_id, [])] if u]
                  for d in deadlines}
    # One query per user who might be told (not per deadline): which of these deadlines they may see.
    users = {user.id: user for group in candidates.values() for user in group}
    visible = {user_id: set(session.scalars(due.where(deadline_scope(user)).with_only_columns(Deadline.id)))
               for user_id, user in users.items()}
    made = 0
    for deadline in deadlines:
        recipients = [user for user in candidates[deadline.id] if deadline.id in visible[user.id]]
        made += notify(recipients, _reminder_text(deadline, now), _link(deadline))
        deadline.reminded_at = now
    return len(deadlines), made


def _reminder_text(deadline, now):
    what = f"‘{deadline.label}’" + (f" bij ‘{deadline.intervention.type_label}’" if deadline.intervention else "")
    when = f"{local_date(deadline.due_at):%d-%m-%Y}"
    if deadline.due_at < now:
        return f"Casus {deadline.case.reference}: {what} is verlopen op {when}."
    verb = "loopt af" if deadline.lapses else "verloopt"
    return f"Casus {deadline.case.reference}: {what} {verb} op {when}."


def _link(deadline):
    return intervention_link(deadline.intervention_id) if deadline.intervention_id else case_link(deadline.case_id)

