"""Plan van aanpak: the goals and actions of a case, who may own and complete an action, the worklist.

Every write is audited in the caller's transaction. Edits carry the version the user saw: a save based on
an older version is refused (caseapp.versions raises the workflow's Conflict), never written over someone
else's change.
"""

from dataclasses import dataclass, field

from sqlalchemy import case as case_when
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import plan_action_scope, plan_goal_scope
from caseapp.accounts.models import User, user_gemeente
from caseapp.audit.operations import apply_changes, change_detail, record, utcnow
from caseapp.cases.models import Case
from caseapp.conferences.models import ConferenceItem
from caseapp.enums import LEEFGEBIEDEN
from caseapp.notifications.operations import notify, organisation_users
from caseapp.plans.models import PlanAction, PlanGoal
from caseapp.versions import check_version, flush_or_conflict
from caseapp.workflow.views import owner_organisations

OWNER_REFUSED = "Kies als eigenaar een coördinator van de gemeente, het eigen team of een partner op de casus."
LEEFGEBIED_REFUSED = "Kies een leefgebied van deze casus."
GOAL_REFUSED = "Kies een doel van deze casus."
REPORT_MISSING = "Beschrijf kort wat er is gedaan."
ALREADY_CLOSED = "Deze actie is al afgehandeld."
CASE_CLOSED = "De casus is afgesloten. Heropen de casus om het plan van aanpak aan te vullen."
REMOVED = "Verwijderd na de bewaartermijn."  # what a report back reads after retention removed the text


class PlanError(Exception):
    """A refused change; `message` says why in Dutch, `field` names the form field it is about (if any)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


# -- who may own and complete an action -----------------------------------------------------------------

def owner_choices(case):
    """(users, organisations) that may own an action on `case`: the active coordinators of its gemeente, and the
    organisations that may own its steps (the gemeente's team or a partner on the case)."""
    users = db.session().scalars(
        select(User).where(User.role == "coordinator", User.active, User.id.in_(
            select(user_gemeente.c.user_id).where(user_gemeente.c.gemeente_id == case.gemeente_id)))
        .order_by(User.name)).all()
    return users, owner_organisations(case)


def _check_owner(case, owner):
    users, organisations = owner_choices(case)
    allowed = users if isinstance(owner, User) else organisations
    if owner is None or owner.id not in {choice.id for choice in allowed}:
        raise PlanError(OWNER_REFUSED, "owner_id")


def _owner_fields(owner):
    if isinstance(owner, User):
        return {"owner_user": owner, "owner_organisation": None}
    return {"owner_user": None, "owner_organisation": owner}


def owned_by(user):
    """A WHERE clause on PlanAction: owned by the user themselves or by their organisation."""
    return or_(PlanAction.owner_user_id == user.id, PlanAction.owner_organisation_id == user.organisation_id)


def may_complete(user, action):
    """Whether `user` may report a (visible) action done: a coordinator any of the plan, a partner only the
    actions their organisation owns."""
    if user.role == "coordinator":
        return True
    return user.role == "partner" and action.owner_organisation_id == user.organisation_id


# -- reading ----------------------------------------------------------------------------------------------

@dataclass
class Plan:
    """A case's plan as a user may see it: goals (each with its actions) by leefgebied, then loose actions."""

    goals: list = field(default_factory=list)  # (goal, [actions])
    loose: list = field(default_factory=list)  # actions not tied to a goal

    @property
    def empty(self):
        return not self.goals and not self.loose


def plan_of(actor, case):
    """The plan van aanpak of `case` within the actor's scope, in two queries."""
    session = db.session()
    goals = session.scalars(select(PlanGoal).where(plan_goal_scope(actor), PlanGoal.case_id == case.id)
                            .order_by(PlanGoal.id)).all()
    actions = session.scalars(
        select(PlanAction).where(plan_action_scope(actor), PlanAction.case_id == case.id)
        .options(selectinload(PlanAction.owner_user), selectinload(PlanAction.owner_organisation),
                 selectinload(PlanAction.closed_by),
                 selectinload(PlanAction.conference_item).selectinload(ConferenceItem.conference))
        .order_by(*action_order())).all()
    order = list(LEEFGEBIEDEN)
    plan = Plan()
    for goal in sorted(goals, key=lambda goal: (order.index(goal.leefgebied), goal.id)):
        plan.goals.append((goal, [action for action in actions if action.goal_id == goal.id]))
    plan.loose = [action for action in actions if action.goal_id is None]
    return plan


def action_order():
    """Open actions first, the earliest due (so the overdue) first; then the closed ones."""
    return case_when((PlanAction.status == "open", 0), else_=1), PlanAction.due_on, PlanAction.id


def worklist(actor, *, status="open"):
    """A statement over the visible actions the actor or their organisation owns, the most urgent first.

    Open actions of a closed case are no work any more: they are listed only among all actions.
    """
    statement = select(PlanAction).where(plan_action_scope(actor), owned_by(actor))
    if status:
        statement = statement.where(PlanAction.status == status)
    if status == "open":
        statement = statement.where(PlanAction.case_id.in_(select(Case.id).where(Case.status != "afgesloten")))
    return statement.order_by(*action_order())


def goals_of(case):
    return db.session().scalars(select(PlanGoal).where(PlanGoal.case_id == case.id).order_by(PlanGoal.id)).all()


# -- writing ----------------------------------------------------------------------------------------------

def _check_case_open(case):
    if case.status == "afgesloten":
        raise PlanError(CASE_CLOSED)


def _check_leefgebied(case, leefgebied, keep=None):
    allowed = {item.leefgebied for item in case.leefgebieden} | {keep}
    if leefgebied not in allowed:
        raise PlanError(LEEFGEBIED_REFUSED, "leefgebied")


def add_goal(actor, case, *, leefgebied, description):
    _check_case_open(case)
    _check_leefgebied(case, leefgebied)
    now = utcnow()
    goal = PlanGoal(case=case, leefgebied=leefgebied, description=description.strip(), status="open",
                    created_by_id=actor.id, created_at=now, updated_at=now)
    db.session().add(goal)
    case.updated_at = now
    db.session().flush()
    record(actor, "create", record_type="plan_goal", record_id=goal.id, case_id=case.id, detail=leefgebied)
    return goal


def update_goal(actor, goal, *, expected_version, leefgebied, description, status):
    check_version(goal, expected_version)
    _check_leefgebied(goal.case, leefgebied, keep=goal.leefgebied)
    changed = apply_changes(goal, leefgebied=leefgebied, description=description.strip(), status=status)
    if changed:
        goal.updated_at = goal.case.updated_at = utcnow()
    flush_or_conflict()
    record(actor, "update", record_type="plan_goal", record_id=goal.id, case_id=goal.case_id,
           detail=change_detail(changed))
    return goal


def _check_goal(case, goal):
    if goal is not None and goal.case_id != case.id:
        raise PlanError(GOAL_REFUSED, "goal_id")


def add_action(actor, case, *, description, owner, due_on, goal=None, conference_item=None):
    """A new open action on the plan; the owner is told (a partner organisation: its users)."""
    _check_case_open(case)
    _check_owner(case, owner)
    _check_goal(case, goal)
    now = utcnow()
    action = PlanAction(case=case, goal=goal, description=description.strip(), due_on=due_on, status="open",
                        conference_item=conference_item, created_by_id=actor.id, created_at=now, updated_at=now,
                        **_owner_fields(owner))
    db.session().add(action)
    case.updated_at = now
    db.session().flush()
    record(actor, "create", record_type="plan_action", record_id=action.id, case_id=case.id,
           detail=f"conference_item={conference_item.id}" if conference_item else "")
    _notify_owner(actor, action)
    return action


def update_action(actor, action, *, expected_version, description, owner, due_on, goal, status, report):
    """The coordinator's edit: every field, the status too (done needs a report back)."""
    check_version(action, expected_version)
    _check_owner(action.case, owner)
    _check_goal(action.case, goal)
    report = report.strip()
    if status == "gereed" and not report:
        raise PlanError(REPORT_MISSING, "report")
    old_owner = action.owner
    changed = apply_changes(action, description=description.strip(), due_on=due_on, goal=goal, status=status,
                            report=report, **_owner_fields(owner))
    now = utcnow()
    if "status" in changed:
        action.closed_at, action.closed_by = (None, None) if status == "open" else (now, actor)
    if changed:
        action.updated_at = action.case.updated_at = now
    flush_or_conflict()
    record(actor, "update", record_type="plan_action", record_id=action.id, case_id=action.case_id,
           detail=change_detail(changed))
    if action.owner is not old_owner:
        _notify_owner(actor, action)
    return action


def complete_action(actor, action, *, expected_version, report):
    """Mark an open action done with a short report back; the case's coordinator is told."""
    if not action.is_open:
        raise PlanError(ALREADY_CLOSED)
    check_version(action, expected_version)
    report = report.strip()
    if not report:
        raise PlanError(REPORT_MISSING, "report")
    now = utcnow()
    action.status, action.report, action.closed_at, action.closed_by = "gereed", report, now, actor
    action.updated_at = action.case.updated_at = now
    flush_or_conflict()
    record(actor, "update", record_type="plan_action", record_id=action.id, case_id=action.case_id,
           detail="status=gereed")
    coordinator = action.case.coordinator
    if coordinator is not None:
        notify([coordinator], f"Casus {action.case.reference}: {actor.organisation.name} heeft een actie uit het plan "
               "van aanpak gereed gemeld.", action_link(action.id), actor=actor, case_id=action.case_id, now=now)
    return action


def action_link(action_id):
    return f"/acties/{action_id}"


def _notify_owner(actor, action):
    users = [action.owner_user] if action.owner_user else organisation_users(action.owner_organisation_id)
    notify(users, f"Casus {action.case.reference}: een actie uit het plan van aanpak is aan "
           f"{'u' if action.owner_user else 'uw organisatie'} toegewezen.", action_link(action.id), actor=actor,
           case_id=action.case_id)


def remove_plan_text(case):
    """Retention: remove the free text of a case's plan van aanpak and of its conference records (a step for
    caseapp.retention.operations.PURGE_STEPS); the goals and actions themselves, their leefgebieden, owners,
    dates and statuses stay, so what was done can still be counted. Releases no persons."""
    session = db.session()
    session.execute(update(PlanGoal).where(PlanGoal.case_id == case.id).values(description=""))
    session.execute(update(PlanAction).where(PlanAction.case_id == case.id).values(
        description="", report=case_when((PlanAction.status == "gereed", REMOVED), else_="")))
    session.execute(update(ConferenceItem).where(ConferenceItem.case_id == case.id).values(decisions=""))
    return ()

