"""Plan van aanpak pages: goals and actions of a case, an action's page where its owner reports it done, and the
worklist of one's own actions. The plan itself is shown on the case page (templates/plans/_case_plan.html)."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import (
    CASEWORK_ROLES,
    get_case_or_404,
    get_plan_action_or_404,
    get_plan_goal_or_404,
    role_required,
)
from caseapp.audit.operations import record, record_search, today
from caseapp.cases.models import Case
from caseapp.conferences.models import ConferenceItem
from caseapp.pagination import request_page
from caseapp.plans import operations
from caseapp.plans.forms import ActionEditForm, ActionForm, CompleteForm, GoalForm, WorklistFilterForm
from caseapp.plans.models import PlanAction
from caseapp.plans.operations import PlanError
from caseapp.workflow.engine import Conflict

bp = Blueprint("plans", __name__)

DEFAULT_DUE = timedelta(days=14)  # what a new action's date starts at: two weeks, the usual rhythm of the overleg


@bp.app_template_global()
def case_plan(case):
    """The plan van aanpak of a case as the current user may see it (the case page shows it)."""
    return operations.plan_of(current_user, case)


@bp.app_template_global()
def may_complete_action(action):
    return action.is_open and operations.may_complete(current_user, action)


@bp.app_template_global()
def action_timing(action):
    """How an action stands, in words and a tone for its badge: 'nog 3 dagen', 'vandaag', '2 dagen te laat'."""
    if not action.is_open:
        return action.status_label.lower(), "done" if action.status == "gereed" else "closed"
    days = (action.due_on - today()).days
    if days == 0:
        return "vandaag", "soon"
    if days > 0:
        return f"nog {_days(days)}", "soon" if days <= 7 else "open"
    return f"{_days(-days)} te laat", "late"


def _days(n):
    return f"{n} dag" if n == 1 else f"{n} dagen"


def _plan_url(case_id):
    return url_for("cases.show", case_id=case_id, _anchor="plan")


def save_form(form, save, done, current=None):
    """Run `save()` for a valid form: commit and say `done`; returns None then. A refusal marks the form and
    returns the status to show it again with: 409 when someone else saved first, the form beside what is stored
    now (`current()` builds the form as the record now is). The conference pages use it too."""
    try:
        save()
    except Conflict:
        db.session().rollback()  # and read the record as the other user left it
        form.changes = form.refused(current())
        return 409
    except PlanError as refusal:
        mark_refused(form, refusal)
        return 200
    db.session().commit()
    flash(done, "success")
    return None


def mark_refused(form, refusal):
    """Undo the refused change; show why at its field, or above the form when it is about no one field."""
    db.session().rollback()
    if refusal.field:
        form[refusal.field].errors.append(refusal.message)
    else:
        form.refusal = refusal.message


@bp.route("/casussen/<int:case_id>/plan/doelen/nieuw", methods=["GET", "POST"])
@role_required("coordinator")
def new_goal(case_id):
    case = get_case_or_404(current_user, case_id, selectinload(Case.leefgebieden))
    form = GoalForm(case=case)
    status = 200
    if form.validate_on_submit():
        status = save_form(form, lambda: operations.add_goal(current_user, case, **form.goal_fields()),
                       "Het doel is toegevoegd aan het plan van aanpak.")
        if status is None:
            return redirect(_plan_url(case.id))
    return render_template("plans/goal_form.html", form=form, case=case, goal=None), status


@bp.route("/plan/doelen/<int:goal_id>/bewerken", methods=["GET", "POST"])
@role_required("coordinator")
def edit_goal(goal_id):
    goal = get_plan_goal_or_404(current_user, goal_id)
    form = GoalForm(case=goal.case, goal=goal)
    status = 200
    if form.validate_on_submit():
        status = save_form(form, lambda: operations.update_goal(
            current_user, goal, expected_version=form.version(), status=form.status.data, **form.goal_fields()),
            "Het doel is opgeslagen.", lambda: GoalForm(case=goal.case, goal=goal, formdata=None))
        if status is None:
            return redirect(_plan_url(goal.case_id))
    return render_template("plans/goal_form.html", form=form, case=goal.case, goal=goal), status


@bp.route("/casussen/<int:case_id>/plan/acties/nieuw", methods=["GET", "POST"])
@role_required("coordinator")
def new_action(case_id):
    case = get_case_or_404(current_user, case_id)
    form = ActionForm(owners=operations.owner_choices(case), goals=operations.goals_of(case))
    if request.method == "GET":
        form.due_on.data = today() + DEFAULT_DUE
        form.goal_id.data = request.args.get("doel", type=int)
    status = 200
    if form.validate_on_submit():
        status = save_form(form, lambda: operations.add_action(current_user, case, **form.action_fields()),
                       "De actie is toegevoegd aan het plan van aanpak.")
        if status is None:
            return redirect(_plan_url(case.id))
    return render_template("plans/action_form.html", form=form, case=case, action=None), status


@bp.route("/acties/<int:action_id>/bewerken", methods=["GET", "POST"])
@role_required("coordinator")
def edit_action(action_id):
    action = get_plan_action_or_404(current_user, action_id)
    case = action.case
    owners, goals = operations.owner_choices(case), operations.goals_of(case)
    form = ActionEditForm(owners=owners, goals=goals, action=action)
    status = 200
    if form.validate_on_submit():
        status = save_form(form, lambda: operations.update_action(
            current_user, action, expected_version=form.version(), **form.action_fields()),
            "De actie is opgeslagen.", lambda: ActionEditForm(owners=owners, goals=goals, action=action,
                                                              formdata=None))
        if status is None:
            return redirect(_plan_url(case.id))
    return render_template("plans/action_form.html", form=form, case=case, action=action), status


_ACTION_PAGE = (selectinload(PlanAction.case), selectinload(PlanAction.goal), selectinload(PlanAction.owner_user),
                selectinload(PlanAction.owner_organisation), selectinload(PlanAction.closed_by),
                selectinload(PlanAction.conference_item).selectinload(ConferenceItem.conference))


@bp.route("/acties/<int:action_id>")
@role_required(*CASEWORK_ROLES)
def show_action(action_id):
    action = get_plan_action_or_404(current_user, action_id, *_ACTION_PAGE)
    return _render_action(action, CompleteForm(record=action))


def _render_action(action, form, status=200):
    record(current_user, "view", record_type="plan_action", record_id=action.id, case_id=action.case_id)
    db.session().commit()
    return render_template("plans/action.html", action=action, form=form), status


@bp.route("/acties/<int:action_id>/gereed", methods=["POST"])
@role_required(*CASEWORK_ROLES)
def complete_action(action_id):
    action = get_plan_action_or_404(current_user, action_id, *_ACTION_PAGE)
    if not operations.may_complete(current_user, action):
        # The case is visible to this partner, so the action may be seen; only its owner reports it done.
        record(current_user, "update", record_type="plan_action", record_id=action.id, case_id=action.case_id,
               outcome="denied", detail="not the owner")
        db.session().commit()
        abort(403)
    form = CompleteForm()
    status = 200
    if form.validate_on_submit():
        status = save_form(form, lambda: operations.complete_action(
            current_user, action, expected_version=form.version(), report=form.report.data),
            "De actie is gereed gemeld. De coördinator van de casus krijgt bericht.",
            lambda: CompleteForm(record=action, formdata=None))
        if status is None:
            return redirect(url_for("plans.show_action", action_id=action.id))
    return _render_action(action, form, status)


@bp.route("/acties/")
@role_required(*CASEWORK_ROLES)
def worklist():
    form = WorklistFilterForm(request.args)
    status = form.status_filter()
    statement = operations.worklist(current_user, status=status).options(
        selectinload(PlanAction.case).selectinload(Case.gemeente), selectinload(PlanAction.goal),
        selectinload(PlanAction.owner_user), selectinload(PlanAction.owner_organisation))
    page = request_page(statement)
    record_search(current_user, "plan_action", {"status": status or "alle"}, page.total)
    db.session().commit()
    return render_template("plans/worklist.html", form=form, page=page, status=status)
