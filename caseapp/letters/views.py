from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import get_intervention_or_404, role_required
from caseapp.audit.operations import record, today, utcnow
from caseapp.cases.models import Case
from caseapp.interventions.models import Intervention
from caseapp.letters import operations
from caseapp.letters.forms import LetterTemplateForm, SaveLetterForm
from caseapp.letters.models import LETTER_OF_TYPE

bp = Blueprint("letters", __name__)

_LOAD = (selectinload(Intervention.case).selectinload(Case.gemeente),
         selectinload(Intervention.case).selectinload(Case.coordinator), selectinload(Intervention.person))
STALE = ("Dit sjabloon is intussen door iemand anders gewijzigd. Uw tekst staat hieronder; vergelijk hem met het "
         "voorbeeld van de opgeslagen versie en sla opnieuw op om die te vervangen.")


@bp.app_template_global()
def has_letter(intervention):
    """Whether an intervention of this type gets a letter (the Brief opstellen link on its page)."""
    return intervention.type in LETTER_OF_TYPE


def _letter_or_404(intervention_id):
    """The intervention and its letter; 404 when it is not the user's or its type has no letter."""
    intervention = get_intervention_or_404(current_user, intervention_id, *_LOAD)
    template = operations.template_for(intervention)
    if template is None:
        abort(404)
    return intervention, operations.compose(template, intervention, current_user, today())


@bp.errorhandler(operations.LetterBroken)
def letter_broken(broken):
    return render_template("error.html", code=500, title="Brief niet beschikbaar", text=str(broken)), 500


@bp.route("/interventies/<int:intervention_id>/brief")
@role_required("coordinator")
def draft(intervention_id):
    """The letter as a printable page (the browser prints it on A4), with a button to keep it with the case."""
    intervention, letter = _letter_or_404(intervention_id)
    return _render(intervention, letter, SaveLetterForm())


def _render(intervention, letter, form, status=200):
    record(current_user, "view", record_type="intervention", record_id=intervention.id, case_id=intervention.case_id,
           person_id=intervention.person_id, detail=f"brief opgesteld: {letter.kind}")
    db.session().commit()
    return render_template("letters/letter.html", intervention=intervention, letter=letter, form=form), status


@bp.route("/interventies/<int:intervention_id>/brief", methods=["POST"])
@role_required("coordinator")
def save(intervention_id):
    intervention, letter = _letter_or_404(intervention_id)
    form = SaveLetterForm()
    if not form.validate_on_submit():
        return _render(intervention, letter, form, 422)
    document = operations.save_letter(current_user, intervention, letter, visibility=form.visibility.data)
    db.session().commit()
    flash(f"De brief is bij de casus opgeslagen als document ‘{document.title}’.", "success")
    return redirect(url_for("interventions.show", intervention_id=intervention.id, _anchor="documenten"))


@bp.route("/beheer/briefsjablonen")
@role_required("admin")
def templates():
    return render_template("letters/templates.html", templates=operations.all_templates())


@bp.route("/beheer/briefsjablonen/<kind>", methods=["GET", "POST"])
@role_required("admin")
def edit_template(kind):
    template = operations.get_template(kind)
    if template is None:
        abort(404)
    form = LetterTemplateForm(record=template)
    if form.validate_on_submit():
        if form.version.data != str(template.version):
            form.body.errors.append(STALE)
            form.version.data = str(template.version)  # a second save, after comparing, replaces it knowingly
        else:
            operations.update_template(current_user, template, subject=form.subject.data, body=form.body.data,
                                       now=utcnow())
            db.session().commit()
            flash(f"Het sjabloon ‘{template.label}’ is opgeslagen.", "success")
            return redirect(url_for("letters.templates"))
    return render_template("letters/edit.html", template=template, form=form, preview=operations.example(template),
                           placeholders=operations.PLACEHOLDERS)
