from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import CASEWORK_ROLES, get_case_or_404, get_melding_or_404, get_person_or_404, role_required
from caseapp.audit.operations import record, record_search, today
from caseapp.cases.forms import CaseForm
from caseapp.cases.models import Case, CasePerson
from caseapp.cases.operations import worklist
from caseapp.enums import CASE_TYPES, PERSON_ROLES
from caseapp.meldingen import operations
from caseapp.meldingen.forms import (
    CaseSearchForm,
    CloseForm,
    LinkCaseForm,
    LinkPersonForm,
    MeldingFilterForm,
    MeldingForm,
    MeldingPersonForm,
    PartnerMeldingForm,
    SignaalForm,
)
from caseapp.meldingen.models import Melding, MeldingPerson
from caseapp.organisations.models import Gemeente
from caseapp.pagination import request_page
from caseapp.persons.forms import PersonSearchForm
from caseapp.persons.operations import (
    search_persons,
)
from caseapp.persons.views import register_or_offer, tell_hit_no_hit
from caseapp.workflow.engine import Conflict, WorkflowError

bp = Blueprint("meldingen", __name__, url_prefix="/meldingen")

# What the melding page shows, loaded up front.
_MELDING_PAGE = (
    selectinload(Melding.persons).selectinload(MeldingPerson.person),
    selectinload(Melding.gemeente), selectinload(Melding.wijk), selectinload(Melding.source_organisation),
    selectinload(Melding.registered_by), selectinload(Melding.triaged_by), selectinload(Melding.case),
)


@bp.app_template_global()
def untriaged_meldingen():
    """The header's count of the coordinator's inbox, counted once per request."""
    if "untriaged_meldingen" not in g:
        g.untriaged_meldingen = operations.untriaged_count(current_user) if current_user.role == "coordinator" else 0
    return g.untriaged_meldingen


@bp.app_template_global()
def meldingen_of_case(case):
    """For the case page: the meldingen the user may see that were linked to the case or opened it."""
    return operations.case_meldingen(current_user, case)


@bp.app_template_global()
def may_submit_signaal():
    return current_user.is_authenticated and operations.may_submit_signaal(current_user)


def _gemeenten():
    """The gemeenten the user works for, with their wijken: where they may register a melding."""
    return db.session().scalars(
        select(Gemeente).where(Gemeente.id.in_(current_user.gemeente_ids))
        .options(selectinload(Gemeente.wijken)).order_by(Gemeente.name)
    ).all()


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def index():
    """A coordinator's inbox (untriaged, oldest first; other statuses on request); a partner's own submissions."""
    if current_user.role == "partner":
        page = request_page(operations.submitted_by(current_user))
        record_search(current_user, "melding", {"registered_by": current_user.id}, page.total)
        db.session().commit()
        return render_template("meldingen/submitted.html", page=page)
    form = MeldingFilterForm(request.args, gemeenten=current_user.gemeenten)
    filters = form.filters()
    page = request_page(operations.inbox(current_user, **filters))
    record_search(current_user, "melding", filters, page.total)
    db.session().commit()
    return render_template("meldingen/index.html", form=form, page=page, status=filters.get("triage_status"),
                           today=today())


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required(*CASEWORK_ROLES)
def new():
    gemeenten = _gemeenten()
    coordinator = current_user.role == "coordinator"
    form = (MeldingForm if coordinator else PartnerMeldingForm)(gemeenten=gemeenten)
    if form.validate_on_submit():
        if not coordinator:
            melding = operations.submit_as_partner(current_user, **form.melding_fields())
            db.session().commit()
            return _confirm(melding)
        melding = operations.register(current_user, **form.melding_fields())
        db.session().commit()
        flash(f"Melding {melding.reference} is geregistreerd. Voeg de betrokken personen toe en beoordeel de "
              "melding.", "success")
        return redirect(url_for("meldingen.show", melding_id=melding.id))
    return render_template("meldingen/form.html", form=form, melding=None, gemeenten=gemeenten)


@bp.route("/signaal", methods=["GET", "POST"])
@role_required(*operations.SIGNAAL_ROLES)
def signaal():
    """The intern meldpunt ondermijning: a signaal from the gemeente's own staff in three fields."""
    if not operations.may_submit_signaal(current_user):
        record(current_user, "view", outcome="denied", detail="area signaal")
        db.session().commit()
        abort(403)
    gemeenten = _gemeenten()
    form = SignaalForm(gemeenten=gemeenten)
    if form.validate_on_submit():
        melding = operations.submit_signaal(current_user, today=today(), **form.melding_fields())
        db.session().commit()
        if current_user.role == "coordinator":
            flash(f"Signaal {melding.reference} is geregistreerd.", "success")
            return redirect(url_for("meldingen.show", melding_id=melding.id))
        return _confirm(melding)
    return render_template("meldingen/signaal.html", form=form, gemeenten=gemeenten)


def _confirm(melding):
    """After a partner's or team member's submission: a confirmation, not the melding (they may not see it)."""
    session["melding_sent"] = {"reference": melding.reference, "kind": melding.kind,
                               "gemeente": melding.gemeente.name}
    return redirect(url_for("meldingen.sent"))


@bp.route("/verzonden")
@role_required(*operations.SIGNAAL_ROLES)
def sent():
    return render_template("meldingen/sent.html", sent=session.get("melding_sent"))


@bp.route("/<int:melding_id>")
@role_required(*CASEWORK_ROLES)
def show(melding_id):
    return _render_melding(get_melding_or_404(current_user, melding_id, *_MELDING_PAGE))


def _render_melding(melding, *, close_form=None, messages=(), status=200):
    """The melding page; a partner sees only what they submitted, a coordinator everything and the triage."""
    record(current_user, "view", record_type="melding", record_id=melding.id)
    if current_user.role == "partner":
        db.session().commit()
        return render_template("meldingen/submission.html", melding=melding), status
    context = {}
    if melding.is_new:
        context = _triage_context(melding, close_form)
    counts = operations.attention_counts(melding.gemeente_id, melding.received_on,
                                         [link.person_id for link in melding.persons])
    db.session().commit()
    page = render_template("meldingen/show.html", melding=melding, attention=counts, messages=messages,
                           threshold=melding.gemeente.structural_attention_threshold, action_form=FlaskForm(),
                           **context)
    return page, status


def _triage_context(melding, close_form):
    """The triage panel: candidate cases, the case search, and the forms, each with the version seen."""
    search_form = CaseSearchForm(request.args)
    found = None
    if request.method == "GET" and search_form.validate() and search_form.zoek.data:
        found = db.session().scalars(
            worklist(current_user, q=search_form.zoek.data, gemeente_id=melding.gemeente_id)
            .options(selectinload(Case.persons).selectinload(CasePerson.person)).limit(20)).all()
        record_search(current_user, "case", {"q": search_form.zoek.data, "gemeente_id": melding.gemeente_id},
                      len(found))
    return {"candidates": operations.candidate_cases(current_user, melding), "search_form": search_form,
            "found": found, "link_form": LinkCaseForm(record=melding, formdata=None),
            "close_form": close_form or CloseForm(record=melding, formdata=None)}


@bp.route("/<int:melding_id>/bewerken", methods=["GET", "POST"])
@role_required("coordinator")
def edit(melding_id):
    melding = get_melding_or_404(current_user, melding_id, *_MELDING_PAGE)
    if not melding.is_new:
        return _already_triaged(melding)
    gemeenten = _gemeenten()
    form = MeldingForm(record=melding, gemeenten=gemeenten)
    changes = None
    if form.validate_on_submit():
        try:
            operations.update(current_user, melding, expected_version=form.version(), **form.melding_fields())
        except Conflict:
            db.session().rollback()  # and read the melding as the other user left it
            if not melding.is_new:
                return _already_triaged(melding)
            changes = form.refused(MeldingForm(record=melding, gemeenten=gemeenten, formdata=None))
        else:
            db.session().commit()
            flash("De melding is opgeslagen.", "success")
            return redirect(url_for("meldingen.show", melding_id=melding.id))
    page = render_template("meldingen/form.html", form=form, melding=melding, gemeenten=gemeenten, changes=changes)
    return page, 409 if changes is not None else 200


def _already_triaged(melding):
    flash(f"Melding {melding.reference} is al afgehandeld ({melding.triage_label.lower()}) en kan niet meer "
          "worden gewijzigd.", "error")
    return redirect(url_for("meldingen.show", melding_id=melding.id))


# -- persons -------------------------------------------------------------------------------------------------

@bp.route("/<int:melding_id>/personen/nieuw", methods=["GET", "POST"])
@role_required("coordinator")
def add_person(melding_id):
    melding = get_melding_or_404(current_user, melding_id)
    if not melding.is_new:
        return _already_triaged(melding)
    form = MeldingPersonForm()
    candidates = []
    if form.validate_on_submit():
        person, candidates = register_or_offer(form)
        if person is not None:
            operations.add_person(current_user, melding, person, form.role.data)
            flash(f"{person.full_name} is toegevoegd als {PERSON_ROLES[form.role.data].lower()}.", "success")
            tell_hit_no_hit(person)
            db.session().commit()
            return redirect(url_for("meldingen.show", melding_id=melding.id, _anchor="personen"))
        db.session().commit()  # the audit entries of the duplicate check
    search_form = PersonSearchForm(request.args, prefix="zoek")  # its own ids beside the registration form
    results = None
    if request.method == "GET" and search_form.validate() and (search_form.q.data or search_form.date_of_birth.data):
        criteria = {"q": search_form.q.data, "date_of_birth": search_form.date_of_birth.data}
        results = db.session().scalars(search_persons(current_user, **criteria).limit(20)).all()
        record_search(current_user, "person", criteria, len(results))
        db.session().commit()
    return render_template("meldingen/add_person.html", melding=melding, form=form, candidates=candidates,
                           search_form=search_form, results=results)


@bp.route("/<int:melding_id>/personen/koppelen", methods=["POST"])
@role_required("coordinator")
def link_person(melding_id):
    melding = get_melding_or_404(current_user, melding_id)
    form = LinkPersonForm()
    if not form.validate_on_submit() or not form.person_id.data.isdigit():
        flash("Kies een persoon en een rol.", "error")
        return redirect(url_for("meldingen.add_person", melding_id=melding.id))
    person = get_person_or_404(current_user, int(form.person_id.data))
    try:
        link = operations.add_person(current_user, melding, person, form.role.data)
    except WorkflowError as refusal:
        db.session().rollback()
        flash(" ".join(refusal.messages), "error")
        return redirect(url_for("meldingen.show", melding_id=melding.id))
    role = PERSON_ROLES[form.role.data].lower()
    if link is None:
        flash(f"{person.full_name} staat al als {role} op deze melding.", "warning")
    else:
        flash(f"{person.full_name} is gekoppeld als {role}.", "success")
        tell_hit_no_hit(person)
    db.session().commit()
    return redirect(url_for("meldingen.show", melding_id=melding.id, _anchor="personen"))


@bp.route("/<int:melding_id>/personen/<int:link_id>/ontkoppelen", methods=["POST"])
@role_required("coordinator")
def unlink_person(melding_id, link_id):
    melding = get_melding_or_404(current_user, melding_id)
    link = db.session().get(MeldingPerson, link_id)
    if link is None or link.melding_id != melding.id:
        abort(404)
    if FlaskForm().validate_on_submit():
        try:
            operations.remove_person(current_user, link)
        except WorkflowError as refusal:
            db.session().rollback()
            flash(" ".join(refusal.messages), "error")
        else:
            db.session().commit()
            flash(f"{link.person.full_name} is als {link.role_label.lower()} van de melding gehaald.", "success")
    return redirect(url_for("meldingen.show", melding_id=melding.id, _anchor="personen"))


# -- triage ----------------------------------------------------------------------------------------------

@bp.route("/<int:melding_id>/koppelen", methods=["POST"])
@role_required("coordinator")
def link_case(melding_id):
    melding = get_melding_or_404(current_user, melding_id, *_MELDING_PAGE)
    form = LinkCaseForm()
    if not form.validate_on_submit() or not form.case_id.data.isdigit():
        flash("Kies de casus waaraan u de melding wilt koppelen.", "error")
        return redirect(url_for("meldingen.show", melding_id=melding.id, _anchor="beoordelen"))
    case = get_case_or_404(current_user, int(form.case_id.data))
    try:
        operations.link_to_case(current_user, melding, case, expected_version=form.version())
    except WorkflowError as refusal:
        return _refused(melding, refusal)
    db.session().commit()
    flash(f"Melding {melding.reference} is gekoppeld aan casus {case.reference}.", "success")
    return redirect(url_for("meldingen.show", melding_id=melding.id))


@bp.route("/<int:melding_id>/afsluiten", methods=["POST"])
@role_required("coordinator")
def close(melding_id):
    melding = get_melding_or_404(current_user, melding_id, *_MELDING_PAGE)
    form = CloseForm()
    if not form.validate_on_submit():
        return _render_melding(melding, close_form=form, status=422)
    try:
        operations.close(current_user, melding, reason=form.reason.data, expected_version=form.version())
    except WorkflowError as refusal:
        return _refused(melding, refusal, close_form=form)
    db.session().commit()
    flash(f"Melding {melding.reference} is gesloten zonder casus. Zij blijft meetellen.", "success")
    return redirect(url_for("meldingen.index"))


def _refused(melding, refusal, close_form=None):
    """A refused triage step: the page again, as it is now, with why; a typed reason is kept for the next try."""
    db.session().rollback()  # and read the melding as it is now
    if close_form is not None:
        close_form.expected_version.data = melding.version
    status = 409 if isinstance(refusal, Conflict) else 422
    return _render_melding(melding, close_form=close_form, messages=refusal.messages, status=status)


@bp.route("/<int:melding_id>/casus", methods=["GET", "POST"])
@role_required("coordinator")
def open_case(melding_id):
    """Triage: open a case from the melding, its data carried over into the case form."""
    melding = get_melding_or_404(current_user, melding_id, *_MELDING_PAGE)
    if not melding.is_new:
        return _already_triaged(melding)
    gemeente = db.session().scalar(select(Gemeente).where(Gemeente.id == melding.gemeente_id)
                                   .options(selectinload(Gemeente.wijken)))
    form = CaseForm(gemeenten=[gemeente], coordinators=operations.gemeente_coordinators(gemeente.id))
    if request.method == "GET":
        _carry_over(form, melding)
    messages = []
    if form.validate_on_submit():
        try:
            case = operations.open_case_from(current_user, melding, expected_version=form.version(),
                                             **form.case_fields())
        except WorkflowError as refusal:
            db.session().rollback()
            if not melding.is_new:
                return _already_triaged(melding)
            form.expected_version.data = melding.version
            messages = refusal.messages
        else:
            db.session().commit()
            flash(f"Casus {case.reference} is geopend vanuit melding {melding.reference}, met de personen van de "
                  "melding.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    page = render_template("meldingen/open_case.html", melding=melding, form=form, messages=messages)
    return page, 409 if messages else 200


def _carry_over(form, melding):
    """Fill the case form from the melding; a category without a case type of its own leaves the type to choose."""
    form.type.data = melding.category if melding.category in CASE_TYPES else ""
    form.gemeente_id.data = melding.gemeente_id
    form.wijk_id.data = melding.wijk_id
    form.address.data = melding.address
    form.description.data = melding.description
    form.opened_on.data = melding.received_on
    form.coordinator_id.data = current_user.id
    form.expected_version.data = melding.version
