"""The access gate: which cases, persons, notes, interventions and deadlines a user may see, and single-record checks.

Every list, search, count and page of case or person data goes through these functions; no view
builds its own filter. A record outside a user's scope answers 404, so its existence is not revealed,
and the refused attempt is audited.
"""

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import false, or_, select

from caseapp import db
from caseapp.accounts.models import user_gemeente
from caseapp.audit.operations import record
from caseapp.cases.models import Case, CasePartner, CasePerson, Note
from caseapp.enums import CARE_ORGANISATION_TYPES
from caseapp.extensions import login_manager
from caseapp.interventions.models import Intervention
from caseapp.persons.models import Person
from caseapp.workflow.models import Deadline

CASEWORK_ROLES = ("coordinator", "partner")


def case_scope(user):
    """A WHERE clause on Case: the cases `user` may see."""
    if user.role == "coordinator":
        return Case.gemeente_id.in_(select(user_gemeente.c.gemeente_id).where(user_gemeente.c.user_id == user.id))
    if user.role == "partner":
        return Case.id.in_(select(CasePartner.case_id).where(CasePartner.organisation_id == user.organisation_id))
    return false()


def visible_cases(user):
    return select(Case).where(case_scope(user))


def person_scope(user):
    """A WHERE clause on Person: persons with a role on a case `user` may see."""
    return Person.id.in_(select(CasePerson.person_id).join(Case).where(case_scope(user)))


def visible_persons(user):
    return select(Person).where(person_scope(user))


def note_scope(user):
    """A WHERE clause on Note: notes on visible cases whose visibility admits the user's organisation."""
    if user.role == "coordinator":
        return Note.case_id.in_(select(Case.id).where(case_scope(user)))
    if user.role == "partner":
        allowed = ["partners"]
        if user.organisation.type in CARE_ORGANISATION_TYPES:
            allowed.append("zorgpartners")
        return Note.case_id.in_(select(Case.id).where(case_scope(user))) & or_(
            Note.visibility.in_(allowed), Note.organisation_id == user.organisation_id
        )
    return false()


def visible_notes(user):
    return select(Note).where(note_scope(user))


def intervention_scope(user):
    """A WHERE clause on Intervention: the interventions of the cases `user` may see."""
    return Intervention.case_id.in_(select(Case.id).where(case_scope(user)))


def visible_interventions(user):
    return select(Intervention).where(intervention_scope(user))


def deadline_scope(user):
    """A WHERE clause on Deadline: those of visible cases; a partner sees only their organisation's own."""
    scope = Deadline.case_id.in_(select(Case.id).where(case_scope(user)))
    if user.role == "partner":
        return scope & (Deadline.owner_organisation_id == user.organisation_id)
    return scope


def visible_deadlines(user):
    return select(Deadline).where(deadline_scope(user))


def get_case_or_404(user, case_id, *options):
    """The case if `user` may see it (loaded with `options`); otherwise audit the refusal and answer 404."""
    return _get_or_404(user, Case, case_id, case_scope(user), options, record_type="case", case_id=case_id)


def get_intervention_or_404(user, intervention_id, *options):
    return _get_or_404(user, Intervention, intervention_id, intervention_scope(user), options,
                       record_type="intervention")


def get_person_or_404(user, person_id):
    return _get_or_404(user, Person, person_id, person_scope(user), (), record_type="person", person_id=person_id)


def _get_or_404(user, model, record_id, scope, options, **audit):
    found = db.session().scalar(select(model).where(model.id == record_id, scope).options(*options))
    if found is None:
        record(user, "view", record_id=record_id, outcome="denied", **audit)
        db.session().commit()
        abort(404)
    return found


def role_required(*roles):
    """Refuse (403) whole areas a role never has; anonymous users go to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                record(current_user, "view", outcome="denied", detail=f"area {view.__name__}")
                db.session().commit()
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
