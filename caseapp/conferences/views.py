"""Case conference pages: the list, scheduling and editing, the agenda, the record per agenda case, vaststellen."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import (
    CASEWORK_ROLES,
    get_case_or_404,
    get_conference_item_or_404,
    get_conference_or_404,
    role_required,
)
from caseapp.audit.operations import record, record_search, today
from caseapp.conferences import operations
from caseapp.conferences.forms import AgendaForm, ConferenceForm, RecordForm, ScheduleCaseForm
from caseapp.conferences.models import Conference, ConferenceItem
from caseapp.pagination import request_page
from caseapp.plans import operations as plans
from caseapp.plans.forms import ActionForm
from caseapp.plans.operations import PlanError
from caseapp.plans.views import DEFAULT_DUE, mark_refused, save_form
from caseapp.workflow.engine import Conflict

bp = Blueprint("conferences", __name__, url_prefix="/overleggen")

_CONFERENCE = (selectinload(Conference.gemeenten), selectinload(Conference.organisations),
               selectinload(Conference.chair), selectinload(Conference.established_by))


@bp.app_template_global()
def case_conferences(case):
    """For the case page: the conferences the case was or will be discussed in, and (for a coordinator) a form to
    put it on the agenda of one."""
    items = operations.conferences_of_case(current_user, case)
    conferences = operations.open_conferences_for(current_user, case)
    return {"items": items, "form": ScheduleCaseForm(conferences=conferences) if conferences else None}


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def index():
    session = db.session()
    upcoming = session.scalars(operations.upcoming(current_user).options(*_CONFERENCE)).all()
    page = request_page(operations.past(current_user).options(*_CONFERENCE))
    counts = operations.agenda_counts(current_user, [*upcoming, *page.items])
    record_search(current_user, "conference", {"page": page.number}, len(upcoming) + page.total)
    session.commit()
    return render_template("conferences/index.html", upcoming=upcoming, page=page, counts=counts)


def _conference_form(conference=None, **kwargs):
    gemeenten = current_user.gemeenten
    return ConferenceForm(gemeenten=gemeenten, chairs=operations.chair_choices([g.id for g in gemeenten]),
                          organisations=operations.invitee_choices(), conference=conference, **kwargs)


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required("coordinator")
def new():
    form = _conference_form()
    if request.method == "GET":
        form.organisation_ids.data = [current_user.organisation_id]
        form.chair_id.data = current_user.id
        form.start_date.data = today() + DEFAULT_DUE
        if len(current_user.gemeenten) == 1:
            form.gemeente_ids.data = [current_user.gemeenten[0].id]
    if form.validate_on_submit():
        try:
            conference = operations.schedule(current_user, **form.conference_fields())
        except PlanError as refusal:
            mark_refused(form, refusal)
        else:
            db.session().commit()
            flash(f"Het overleg ({conference.kind_label}) is gepland. Zet nu casussen op de agenda.", "success")
            return redirect(url_for("conferences.show", conference_id=conference.id))
    return render_template("conferences/form.html", form=form, conference=None)


def _managed_or_403(conference):
    """The conference, if the current user runs it; refused (403) otherwise, after it was found visible."""
    if not operations.may_manage(current_user, conference):
        record(current_user, "update", record_type="conference", record_id=conference.id, outcome="denied",
               detail="not for all its gemeenten")
        db.session().commit()
        abort(403)
    return conference


def _established_refusal(conference):
    """After vaststelling nothing changes: the attempt is audited and the user told so."""
    record(current_user, "update", record_type="conference", record_id=conference.id, outcome="denied",
           detail="vastgesteld")
    db.session().commit()
    flash(operations.ESTABLISHED, "error")
    return redirect(url_for("conferences.show", conference_id=conference.id))


def _managed(conference_id):
    """A visible conference the current user runs (404 when not visible, 403 when not theirs to run)."""
    return _managed_or_403(get_conference_or_404(current_user, conference_id, *_CONFERENCE))


@bp.route("/<int:conference_id>/bewerken", methods=["GET", "POST"])
@role_required("coordinator")
def edit(conference_id):
    conference = _managed(conference_id)
    if conference.established:
        return _established_refusal(conference)
    form = _conference_form(conference)
    status = 200
    if form.validate_on_submit():
        status = save_form(form, lambda: operations.update_conference(
            current_user, conference, expected_version=form.version(), **form.conference_fields()),
            "Het overleg is opgeslagen.", lambda: _conference_form(conference, formdata=None))
        if status is None:
            return redirect(url_for("conferences.show", conference_id=conference.id))
    return render_template("conferences/form.html", form=form, conference=conference), status


@bp.route("/<int:conference_id>")
@role_required(*CASEWORK_ROLES)
def show(conference_id):
    conference = get_conference_or_404(current_user, conference_id, *_CONFERENCE)
    return _render(conference, AgendaForm())


def _render(conference, agenda_form, status=200, refusal=None):
    items = operations.agenda(current_user, conference)
    record(current_user, "view", record_type="conference", record_id=conference.id)
    db.session().commit()
    manages = operations.may_manage(current_user, conference)
    return render_template("conferences/show.html", conference=conference, items=items, manages=manages,
                           agenda_form=agenda_form, action_form=FlaskForm(), refusal=refusal), status


@bp.route("/<int:conference_id>/agenda", methods=["POST"])
@role_required("coordinator")
def add_item(conference_id):
    conference = _managed(conference_id)
    if conference.established:
        return _established_refusal(conference)
    form = AgendaForm()
    if form.validate_on_submit():
        case = operations.find_case(current_user, form.reference.data)
        if case is None:
            form.reference.errors.append("Geen casus met dit nummer gevonden (bijvoorbeeld 2026-000123).")
            db.session().commit()  # the audited lookup
        else:
            try:
                operations.add_to_agenda(current_user, conference, case)
            except PlanError as refusal:
                mark_refused(form, refusal)
            else:
                db.session().commit()
                flash(f"Casus {case.reference} staat op de agenda.", "success")
                return redirect(url_for("conferences.show", conference_id=conference.id, _anchor="agenda"))
    return _render(conference, form)


@bp.route("/casus/<int:case_id>/agenderen", methods=["POST"])
@role_required("coordinator")
def schedule_case(case_id):
    """From the case page: put the case on the agenda of a conference."""
    case = get_case_or_404(current_user, case_id)
    form = ScheduleCaseForm(conferences=operations.open_conferences_for(current_user, case))
    if not form.validate_on_submit():
        flash(" ".join(form.conference_id.errors) or "Kies een overleg.", "error")
        return redirect(url_for("cases.show", case_id=case.id, _anchor="overleggen"))
    try:
        operations.add_to_agenda(current_user, form.conference, case)
    except PlanError as refusal:
        db.session().rollback()
        flash(refusal.message, "error")
        return redirect(url_for("cases.show", case_id=case.id, _anchor="overleggen"))
    db.session().commit()
    flash(f"Casus {case.reference} staat op de agenda van het overleg ({form.conference.kind_label}).", "success")
    return redirect(url_for("conferences.show", conference_id=form.conference.id, _anchor="agenda"))


@bp.route("/<int:conference_id>/agenda/<int:item_id>/verwijderen", methods=["POST"])
@role_required("coordinator")
def remove_item(conference_id, item_id):
    conference = _managed(conference_id)
    item = get_conference_item_or_404(current_user, conference, item_id)
    if conference.established:
        return _established_refusal(conference)
    if FlaskForm().validate_on_submit():
        try:
            operations.remove_from_agenda(current_user, item)
        except PlanError as refusal:
            db.session().rollback()
            flash(refusal.message, "error")
        else:
            db.session().commit()
            flash(f"Casus {item.case.reference} is van de agenda gehaald.", "success")
    return redirect(url_for("conferences.show", conference_id=conference.id, _anchor="agenda"))


@bp.route("/<int:conference_id>/vaststellen", methods=["POST"])
@role_required("coordinator")
def establish(conference_id):
    conference = _managed(conference_id)
    if conference.established:
        return _established_refusal(conference)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            operations.establish(current_user, conference,
                                 expected_version=request.form.get("expected_version", type=int))
        except (PlanError, Conflict) as refusal:
            db.session().rollback()
            message = refusal.message if isinstance(refusal, PlanError) else refusal.messages[0]
            return _render(conference, AgendaForm(formdata=None), 409 if isinstance(refusal, Conflict) else 200,
                           refusal=message)
        db.session().commit()
        flash("Het verslag is vastgesteld. Het is nu alleen nog te lezen.", "success")
    return redirect(url_for("conferences.show", conference_id=conference.id))


# -- one agenda item: its record and the actions agreed on it ------------------------------------------------

_ITEM = (selectinload(ConferenceItem.case), selectinload(ConferenceItem.present_organisations),
         selectinload(ConferenceItem.present_users), selectinload(ConferenceItem.actions))


def _item_forms(item, record_form=None, action_form=None):
    """The record and new-action forms of an agenda item (for the coordinator who runs an open conference)."""
    if record_form is None:
        record_form = RecordForm(item=item, attendees=operations.attendee_choices(item.conference),
                                 formdata=None)
    if action_form is None:
        action_form = ActionForm(owners=plans.owner_choices(item.case), goals=plans.goals_of(item.case),
                                 prefix="actie", formdata=None)
        action_form.due_on.data = today() + DEFAULT_DUE
    return record_form, action_form


def _render_item(conference, item, record_form=None, action_form=None, status=200):
    record(current_user, "view", record_type="conference_item", record_id=item.id, case_id=item.case_id)
    db.session().commit()
    editable = operations.may_manage(current_user, conference) and not conference.established
    forms = _item_forms(item, record_form, action_form) if editable else (None, None)
    return render_template("conferences/item.html", conference=conference, item=item, editable=editable,
                           record_form=forms[0], action_form=forms[1]), status


@bp.route("/<int:conference_id>/agenda/<int:item_id>")
@role_required(*CASEWORK_ROLES)
def item(conference_id, item_id):
    conference = get_conference_or_404(current_user, conference_id, *_CONFERENCE)
    return _render_item(conference, get_conference_item_or_404(current_user, conference, item_id, *_ITEM))


@bp.route("/<int:conference_id>/agenda/<int:item_id>/verslag", methods=["POST"])
@role_required("coordinator")
def record_item(conference_id, item_id):
    conference = _managed(conference_id)
    item = get_conference_item_or_404(current_user, conference, item_id, *_ITEM)
    if conference.established:
        return _established_refusal(conference)
    attendees = operations.attendee_choices(conference)
    form = RecordForm(item=item, attendees=attendees)
    status = 200
    if form.validate_on_submit():
        status = save_form(form, lambda: operations.record_item(
            current_user, item, expected_version=form.version(), **form.record_fields()),
            f"Het verslag bij casus {item.case.reference} is opgeslagen.",
            lambda: RecordForm(item=item, attendees=attendees, formdata=None))
        if status is None:
            return redirect(url_for("conferences.item", conference_id=conference.id, item_id=item.id))
    return _render_item(conference, item, record_form=form, status=status)


@bp.route("/<int:conference_id>/agenda/<int:item_id>/acties", methods=["POST"])
@role_required("coordinator")
def add_item_action(conference_id, item_id):
    conference = _managed(conference_id)
    item = get_conference_item_or_404(current_user, conference, item_id, *_ITEM)
    if conference.established:
        return _established_refusal(conference)
    form = ActionForm(owners=plans.owner_choices(item.case), goals=plans.goals_of(item.case), prefix="actie")
    if form.validate_on_submit() and save_form(
            form, lambda: operations.add_item_action(current_user, item, **form.action_fields()),
            f"De actie is toegevoegd aan het plan van aanpak van casus {item.case.reference}.") is None:
        return redirect(url_for("conferences.item", conference_id=conference.id, item_id=item.id, _anchor="acties"))
    return _render_item(conference, item, action_form=form)
