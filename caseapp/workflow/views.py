"""The procedure pages, and the step forms the case page and the intervention page share."""

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import or_, select

from caseapp import db
from caseapp.access import CASEWORK_ROLES, role_required
from caseapp.audit.operations import utcnow
from caseapp.enums import INTERVENTION_TYPES, ROLES
from caseapp.organisations.models import Organisation
from caseapp.workflow.definitions import local_date
from caseapp.workflow.engine import Conflict, WorkflowError, available, fire
from caseapp.workflow.forms import transition_form
from caseapp.workflow.processes import PROCESS_OF_TYPE, PROCESSES, process_of

bp = Blueprint("workflow", __name__, url_prefix="/procedures")


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def index():
    return render_template("workflow/index.html", processes=PROCESSES.values())


@bp.route("/<key>")
@role_required(*CASEWORK_ROLES)
def show(key):
    process = PROCESSES.get(key)
    if process is None:
        abort(404)
    types = [label for type, label in INTERVENTION_TYPES.items() if PROCESS_OF_TYPE[type] is process]
    return render_template("workflow/show.html", process=process, types=types, roles=ROLES)


@bp.app_template_global()
def procedure_key_of(intervention_type):
    """The key of the procedure page of an intervention type."""
    return PROCESS_OF_TYPE[intervention_type].key


@bp.app_template_global()
def deadline_timing(deadline):
    """How an open deadline stands, in words and a tone for its badge: 'nog 3 dagen', 'vandaag', '2 dagen te laat'."""
    days = (local_date(deadline.due_at) - local_date(utcnow())).days
    if days == 0:
        return "vandaag", "soon"
    if days > 0:
        return f"nog {_days(days)}", "soon" if days <= 7 else "open"
    if deadline.lapses:
        return "verstreken", "closed"
    return f"{_days(-days)} te laat", "late"


def _days(n):
    return f"{n} dag" if n == 1 else f"{n} dagen"


def step_choices(case, transitions):
    """What the person and organisation fields of `transitions` offer: the case's persons, possible owners."""
    kinds = {spec.kind for transition in transitions for spec in transition.fields}
    persons = ()
    if "person" in kinds:
        persons = sorted({link.person.id: link.person for link in case.persons}.values(),
                         key=lambda person: (person.last_name.lower(), person.first_name.lower(), person.id))
    organisations = owner_organisations(case) if "organisation" in kinds else ()
    return {"persons": persons, "organisations": organisations}


def owner_organisations(case):
    """Who may own a step or a plan van aanpak action: the gemeente's own team or a partner on the case."""
    partners = [assignment.organisation_id for assignment in case.partners]
    return db.session().scalars(
        select(Organisation).where(Organisation.active,
                                   or_(Organisation.type == "gemeente", Organisation.id.in_(partners)))
        .order_by(Organisation.name)).all()


def step_forms(actor, subject, case, *, failed=None):
    """A form for each transition the actor may fire now; `failed` takes its own place with its values and errors."""
    transitions = available(actor, subject)
    choices = step_choices(case, transitions)
    now = utcnow()
    return [failed if failed is not None and failed.transition is transition
            else transition_form(transition, subject, now=now, **choices) for transition in transitions]


def fire_step(subject, case, name, *, render, page_url):
    """Fire transition `name` from the posted form: the POST of a step on the case or the intervention page.

    `render(failed=form or None, messages=[...])` shows the page again (422) with what went wrong: at the
    failed form (its `refusals`), or, for a step the user was not offered, in `messages`. On success, or
    when someone else changed the record meanwhile, the user is sent to `page_url`.
    """
    now = utcnow()
    process = process_of(subject)
    transition = process.transitions.get(name)
    form = None
    if transition is not None and transition.sources:
        form = transition_form(transition, subject, now=now, formdata=request.form, **step_choices(case, [transition]))
    offered = form is not None and transition in available(current_user, subject)
    if offered and not form.validate():
        form.refusals = []
        return render(failed=form, messages=[])
    try:
        posted = {} if form is None else {"reason": form.reason.data or "", "expected_version": form.version(),
                                          **form.values()}
        fire(current_user, subject, name, now=now, **posted)
    except Conflict as conflict:
        db.session().rollback()
        flash(conflict.messages[0], "error")
        return redirect(page_url)
    except WorkflowError as refusal:
        db.session().rollback()
        if not offered:
            return render(failed=None, messages=refusal.messages)
        form.refusals = refusal.messages
        return render(failed=form, messages=[])
    db.session().commit()
    status = f" De status is nu ‘{process.states[subject.status].label}’." if transition.target else ""
    flash(f"‘{transition.label}’ is vastgelegd.{status}", "success")
    return redirect(page_url)
