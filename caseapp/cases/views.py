from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import (
    CASEWORK_ROLES,
    case_scope,
    get_case_or_404,
    get_person_or_404,
    role_required,
    visible_notes,
)
from caseapp.accounts.models import User, user_gemeente
from caseapp.audit.operations import record, record_search, today, utcnow
from caseapp.cases import operations
from caseapp.cases.forms import (
    CaseFilterForm,
    CaseForm,
    CasePersonForm,
    LinkPersonForm,
    NoteForm,
    PartnerForm,
)
from caseapp.cases.models import Case, CasePartner, CasePerson, Note
from caseapp.enums import INTERVENTION_TYPES, PERSON_ROLES
from caseapp.interventions.models import Intervention
from caseapp.interventions.operations import (
    RULE_IN_BRIEF,
    TYPE_GROUPS,
    escalation_ladder,
    next_deadlines,
    outcome_text,
)
from caseapp.organisations.models import Gemeente, Organisation
from caseapp.pagination import request_page
from caseapp.persons.forms import PersonSearchForm
from caseapp.persons.operations import search_persons
from caseapp.persons.views import register_or_offer, tell_hit_no_hit
from caseapp.retention.models import CaseAnonymised
from caseapp.workflow.deadlines import deadlines_of
from caseapp.workflow.engine import Conflict, WorkflowError, history, start
from caseapp.workflow.forms import new_subject, transition_form
from caseapp.workflow.processes import PROCESS_OF_TYPE
from caseapp.workflow.views import fire_step, step_choices, step_forms

bp = Blueprint("cases", __name__, url_prefix="/casussen")


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def worklist():
    gemeenten = db.session().scalars(
        select(Gemeente).where(Gemeente.id.in_(select(Case.gemeente_id).where(case_scope(current_user))))
        .options(selectinload(Gemeente.wijken)).order_by(Gemeente.name)
    ).all()
    coordinators = db.session().scalars(
        select(User).where(User.id.in_(select(Case.coordinator_id).where(case_scope(current_user))))
        .order_by(User.name)
    ).all()
    form = CaseFilterForm(request.args, gemeenten=gemeenten, coordinators=coordinators)
    filters = form.filters()
    statement = operations.worklist(current_user, **filters).options(
        selectinload(Case.gemeente), selectinload(Case.wijk), selectinload(Case.coordinator),
        selectinload(Case.persons).selectinload(CasePerson.person),
    )
    page = request_page(statement)
    record_search(current_user, "case", filters, page.total)
    db.session().commit()
    return render_template("cases/worklist.html", form=form, page=page, filtered=bool(filters.keys() - {"sort"}))


def _case_form(obj=None, **kwargs):
    gemeenten = db.session().scalars(
        select(Gemeente).where(Gemeente.id.in_(current_user.gemeente_ids))
        .options(selectinload(Gemeente.wijken)).order_by(Gemeente.name)
    ).all()
    coordinators = db.session().scalars(
        select(User).where(User.role == "coordinator", User.active,
                           User.id.in_(select(user_gemeente.c.user_id).where(
                               user_gemeente.c.gemeente_id.in_(current_user.gemeente_ids))))
        .order_by(User.name)
    ).all()
    return CaseForm(record=obj, gemeenten=gemeenten, coordinators=coordinators, **kwargs)


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required("coordinator")
def new():
    form = _case_form()
    if request.method == "GET":
        form.coordinator_id.data = current_user.id
        form.opened_on.data = today()
        if len(current_user.gemeenten) == 1:
            form.gemeente_id.data = current_user.gemeenten[0].id
    if form.validate_on_submit():
        case = operations.open_case(current_user, **form.case_fields())
        db.session().commit()
        flash(f"Casus {case.reference} is aangemaakt. Voeg nu de betrokken personen toe.", "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/form.html", form=form, case=None)


@bp.route("/<int:case_id>/bewerken", methods=["GET", "POST"])
@role_required("coordinator")
def edit(case_id):
    case = get_case_or_404(current_user, case_id)
    if case.anonymised_at is not None:
        flash(CaseAnonymised.MESSAGE, "error")
        return redirect(url_for("cases.show", case_id=case.id))
    form = _edit_form(case) if request.method == "GET" else _case_form(obj=case)
    changes = None
    if form.validate_on_submit():
        try:
            operations.update_case(current_user, case, expected_version=form.version(), **form.case_fields())
        except Conflict:
            db.session().rollback()  # and read the case as the other user left it
            changes = form.refused(_edit_form(case, formdata=None))
        else:
            db.session().commit()
            flash("De casus is opgeslagen.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    page = render_template("cases/form.html", form=form, case=case, changes=changes)
    return page, 409 if changes is not None else 200


def _edit_form(case, **kwargs):
    """The edit form filled from the case as it is stored."""
    form = _case_form(obj=case, **kwargs)
    form.leefgebieden.data = [item.leefgebied for item in case.leefgebieden]
    return form


# What the case page shows, loaded up front so the page's queries do not grow with the case.
_CASE_PAGE = (
    selectinload(Case.persons).selectinload(CasePerson.person),
    selectinload(Case.partners).selectinload(CasePartner.organisation),
    selectinload(Case.interventions).selectinload(Intervention.person),
)


@bp.route("/<int:case_id>")
@role_required(*CASEWORK_ROLES)
def show(case_id):
    return _render_case(get_case_or_404(current_user, case_id, *_CASE_PAGE), NoteForm())


def _render_case(case, note_form, status=200, failed=None, messages=()):
    """The case page; after a refused status change, `failed` is its form and `messages` what else went wrong."""
    notes = db.session().scalars(
        visible_notes(current_user).where(Note.case_id == case.id)
        .options(selectinload(Note.author), selectinload(Note.organisation))
        .order_by(Note.created_at.desc(), Note.id.desc())
    ).all()
    record(current_user, "view", record_type="case", record_id=case.id, case_id=case.id)
    db.session().commit()
    page = render_template(
        "cases/show.html", case=case, notes=notes, note_form=note_form, partner_form=_partner_form(case),
        action_form=FlaskForm(), status_forms=step_forms(current_user, case, case, failed=failed),
        status_messages=messages, history=history(case),
        deadlines=[deadline for deadline in deadlines_of(case) if deadline.closed_at is None],
        next_deadlines=next_deadlines(case), ladder=escalation_ladder(case) if case.type == "woonoverlast" else (),
        outcome_of=outcome_text,
    )
    return page, status


@bp.route("/<int:case_id>/status/<transition>", methods=["POST"])
@role_required("coordinator")
def change_status(case_id, transition):
    case = get_case_or_404(current_user, case_id, *_CASE_PAGE)
    return fire_step(case, case, transition,
                     render=lambda failed, messages: _render_case(case, NoteForm(), 422, failed, messages),
                     page_url=url_for("cases.show", case_id=case.id, _anchor="status"))


@bp.route("/<int:case_id>/interventies/nieuw", methods=["GET", "POST"])
@role_required("coordinator")
def new_intervention(case_id):
    """Choose a type, then fill in the first step of its procedure, which creates the intervention."""
    case = get_case_or_404(current_user, case_id, selectinload(Case.persons).selectinload(CasePerson.person))
    type = request.args.get("type", "")
    if type not in INTERVENTION_TYPES:
        return render_template("interventions/choose.html", case=case, groups=TYPE_GROUPS, rules=RULE_IN_BRIEF)
    process = PROCESS_OF_TYPE[type]
    form = transition_form(process.start, new_subject(case, type), now=utcnow(),
                           formdata=request.form if request.method == "POST" else None,
                           **step_choices(case, [process.start]))
    if request.method == "POST":
        form.refusals = []
        if form.validate():
            try:
                intervention = start(current_user, case, type, reason=form.reason.data or "", **form.values())
            except WorkflowError as refusal:
                db.session().rollback()
                form.refusals = refusal.messages
            else:
                db.session().commit()
                flash(f"‘{INTERVENTION_TYPES[type]}’ is gestart.", "success")
                return redirect(url_for("interventions.show", intervention_id=intervention.id))
    page = render_template("interventions/new.html", case=case, type=type, process=process, form=form)
    return page, 422 if request.method == "POST" else 200


def _partner_form(case):
    assigned = {assignment.organisation_id for assignment in case.partners}
    organisations = db.session().scalars(
        select(Organisation).where(Organisation.active, Organisation.type != "gemeente",
                                   Organisation.id.not_in(assigned) if assigned else True)
        .order_by(Organisation.name)
    ).all()
    return PartnerForm(organisations=organisations)


@bp.route("/<int:case_id>/personen/nieuw", methods=["GET", "POST"])
@role_required("coordinator")
def add_person(case_id):
    case = get_case_or_404(current_user, case_id)
    form = CasePersonForm()
    candidates = []
    if form.validate_on_submit():
        person, candidates = register_or_offer(form)
        if person is not None:
            operations.link_person(current_user, case, person, form.role.data)
            flash(f"{person.full_name} is toegevoegd als {PERSON_ROLES[form.role.data]}.", "success")
            tell_hit_no_hit(person)
            db.session().commit()
            return redirect(url_for("cases.show", case_id=case.id))
        db.session().commit()  # the audit entries of the duplicate check
    search = _person_search(case)
    return render_template("cases/add_person.html", case=case, form=form, candidates=candidates, **search)


def _person_search(case):
    """Existing persons the coordinator may link, found by the search box on the add-person page."""
    search_form = PersonSearchForm(request.args, prefix="zoek")  # its own ids beside the registration form
    results = []
    if request.method == "GET" and search_form.validate() and (search_form.q.data or search_form.date_of_birth.data):
        statement = search_persons(current_user, q=search_form.q.data, date_of_birth=search_form.date_of_birth.data)
        results = db.session().scalars(statement.limit(20)).all()
        record_search(current_user, "person", {"q": search_form.q.data, "dob": search_form.date_of_birth.data},
                      len(results))
        db.session().commit()
    return {"search_form": search_form, "results": results}


@bp.route("/<int:case_id>/personen/koppelen", methods=["POST"])
@role_required("coordinator")
def link_person(case_id):
    case = get_case_or_404(current_user, case_id)
    form = LinkPersonForm()
    if not form.validate_on_submit() or not form.person_id.data.isdigit():
        flash("Kies een persoon en een rol.", "error")
        return redirect(url_for("cases.add_person", case_id=case.id))
    person = get_person_or_404(current_user, int(form.person_id.data))
    if operations.link_person(current_user, case, person, form.role.data) is None:
        flash(f"{person.full_name} staat al als {PERSON_ROLES[form.role.data]} op deze casus.", "warning")
    else:
        flash(f"{person.full_name} is gekoppeld als {PERSON_ROLES[form.role.data]}.", "success")
        tell_hit_no_hit(person)
    db.session().commit()
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/<int:case_id>/personen/<int:link_id>/ontkoppelen", methods=["POST"])
@role_required("coordinator")
def unlink_person(case_id, link_id):
    case = get_case_or_404(current_user, case_id)
    link = _child_or_404(CasePerson, link_id, case)
    if FlaskForm().validate_on_submit():
        operations.unlink_person(current_user, link)
        db.session().commit()
        flash(f"{link.person.full_name} is als {link.role_label} van de casus gehaald.", "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/<int:case_id>/partners", methods=["POST"])
@role_required("coordinator")
def assign_partner(case_id):
    case = get_case_or_404(current_user, case_id)
    form = _partner_form(case)
    if form.validate_on_submit():
        operations.assign_partner(current_user, case, form.organisation)
        db.session().commit()
        flash(f"{form.organisation.name} is aan de casus gekoppeld.", "success")
    else:
        flash(" ".join(form.organisation_id.errors) or "Kies een partnerorganisatie.", "error")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="partners"))


@bp.route("/<int:case_id>/partners/<int:assignment_id>/ontkoppelen", methods=["POST"])
@role_required("coordinator")
def unassign_partner(case_id, assignment_id):
    case = get_case_or_404(current_user, case_id)
    assignment = _child_or_404(CasePartner, assignment_id, case)
    if FlaskForm().validate_on_submit():
        operations.unassign_partner(current_user, assignment)
        db.session().commit()
        flash(f"{assignment.organisation.name} is van de casus gehaald.", "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="partners"))


@bp.route("/<int:case_id>/notities", methods=["POST"])
@role_required(*CASEWORK_ROLES)
def add_note(case_id):
    case = get_case_or_404(current_user, case_id)
    form = NoteForm()
    if form.validate_on_submit():
        operations.add_note(current_user, case, body=form.body.data, visibility=form.visibility.data)
        db.session().commit()
        flash("De notitie is toegevoegd.", "success")
        return redirect(url_for("cases.show", case_id=case.id, _anchor="tijdlijn"))
    # Show the case again with the typed text and the error, so nothing is lost.
    return _render_case(case, form, 422)


def _child_or_404(model, child_id, case):
    """A person link or partner assignment of this (already visible) case."""
    child = db.session().get(model, child_id)
    if child is None or child.case_id != case.id:
        abort(404)
    return child
