from flask import Blueprint, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import CASEWORK_ROLES, get_intervention_or_404, role_required
from caseapp.audit.operations import record
from caseapp.cases.models import Case, CasePerson
from caseapp.interventions.models import Intervention
from caseapp.interventions.operations import recorded_values
from caseapp.workflow.deadlines import deadlines_of
from caseapp.workflow.engine import history
from caseapp.workflow.views import fire_step, step_forms

bp = Blueprint("interventions", __name__, url_prefix="/interventies")

_PAGE = (
    selectinload(Intervention.case).selectinload(Case.persons).selectinload(CasePerson.person),
    selectinload(Intervention.person), selectinload(Intervention.owner_organisation),
    selectinload(Intervention.created_by),
)


@bp.route("/<int:intervention_id>")
@role_required(*CASEWORK_ROLES)
def show(intervention_id):
    return _render(get_intervention_or_404(current_user, intervention_id, *_PAGE))


@bp.route("/<int:intervention_id>/<transition>", methods=["POST"])
@role_required(*CASEWORK_ROLES)
def fire_transition(intervention_id, transition):
    intervention = get_intervention_or_404(current_user, intervention_id, *_PAGE)
    return fire_step(intervention, intervention.case, transition,
                     render=lambda failed, messages: _render(intervention, failed, messages, 422),
                     page_url=url_for("interventions.show", intervention_id=intervention.id))


def _render(intervention, failed=None, messages=(), status=200):
    """The intervention page; after a refused step, `failed` is its form and `messages` what else went wrong."""
    record(current_user, "view", record_type="intervention", record_id=intervention.id,
           case_id=intervention.case_id, person_id=intervention.person_id)
    db.session().commit()
    changes = history(intervention)
    page = render_template(
        "interventions/show.html", intervention=intervention, facts=recorded_values(intervention),
        forms=step_forms(current_user, intervention, intervention.case, failed=failed), messages=messages,
        deadlines=deadlines_of(intervention), history=changes, visited={change.to_status for change in changes},
    )
    return page, status
