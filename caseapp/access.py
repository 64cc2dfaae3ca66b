"""The access gate: which cases, persons, notes, interventions and deadlines a user may see, and single-record checks.

Every list, search, count and page of case or person data goes through these functions; no view
builds its own filter. A record outside a user's scope answers 404, so its existence is not revealed,
and the refused attempt is audited.
"""

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import exists, false, or_, select, true

from caseapp import db
from caseapp.accounts.models import user_gemeente
from caseapp.audit.operations import record
from caseapp.cases.models import Case, CasePartner, CasePerson, Note
from caseapp.conferences.models import Conference, ConferenceItem, conference_gemeente, conference_organisation
from caseapp.documents.models import Document
from caseapp.enums import CARE_ORGANISATION_TYPES
from caseapp.extensions import login_manager
from caseapp.indicators.models import IndicatorImport
from caseapp.interventions.models import Intervention
from caseapp.meldingen.models import Melding, MeldingPerson
from caseapp.organisations.models import Gemeente
from caseapp.persons.models import Person
from caseapp.plans.models import PlanAction, PlanGoal
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
    """A WHERE clause on Person: persons with a role on a case `user` may see, and for coordinators also those
    on meldingen of their gemeenten.

    A correlated EXISTS, not IN (subquery): SQLite then checks only the persons an index found (a name
    search in a registry of a million) instead of walking everyone in scope; PostgreSQL plans either as a
    semi-join.
    """
    on_cases = exists().where(CasePerson.person_id == Person.id, CasePerson.case_id == Case.id, case_scope(user))
    if user.role != "coordinator":  # a partner sees what it submitted, not whom the gemeente linked to it
        return on_cases
    return on_cases | exists().where(MeldingPerson.person_id == Person.id, MeldingPerson.melding_id == Melding.id,
                                     melding_scope(user))


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


def plan_goal_scope(user):
    """A WHERE clause on PlanGoal: the goals of the plans of the cases `user` may see."""
    return PlanGoal.case_id.in_(select(Case.id).where(case_scope(user)))


def plan_action_scope(user):
    """A WHERE clause on PlanAction: the actions of the plans of the cases `user` may see.

    A partner reads the whole plan of a case their organisation is assigned to; which actions they may
    complete is a matter of ownership (caseapp.plans.operations.may_complete), not of visibility.
    """
    return PlanAction.case_id.in_(select(Case.id).where(case_scope(user)))


def action_deadline_scope(user):
    """A WHERE clause on PlanAction for the termijnen page: as deadline_scope, a partner sees only their own."""
    scope = plan_action_scope(user)
    if user.role == "partner":
        return scope & (PlanAction.owner_organisation_id == user.organisation_id)
    return scope


def conference_scope(user):
    """A WHERE clause on Conference: a coordinator's are those held for one of their gemeenten, a partner's those
    their organisation is invited to."""
    if user.role == "coordinator":
        return Conference.id.in_(select(conference_gemeente.c.conference_id).where(
            conference_gemeente.c.gemeente_id.in_(
                select(user_gemeente.c.gemeente_id).where(user_gemeente.c.user_id == user.id))))
    if user.role == "partner":
        return Conference.id.in_(select(conference_organisation.c.conference_id).where(
            conference_organisation.c.organisation_id == user.organisation_id))
    return false()


def conference_item_scope(user):
    """A WHERE clause on ConferenceItem: agenda items of visible conferences about cases `user` may see.

    The other items of an agenda are not shown at all: not their case, not their record, not their number.
    """
    return ConferenceItem.conference_id.in_(select(Conference.id).where(conference_scope(user))) & \
        ConferenceItem.case_id.in_(select(Case.id).where(case_scope(user)))


def document_scope(user):
    """A WHERE clause on Document: documents on visible cases whose visibility admits the user's organisation.

    The rule of notes: a coordinator sees every document of their cases; a partner user those shared with all
    partners, those shared with care partners when theirs is one, and whatever their own organisation added.
    """
    in_visible_case = Document.case_id.in_(select(Case.id).where(case_scope(user)))
    if user.role == "partner":
        allowed = ["partners", "zorgpartners"] if user.organisation.type in CARE_ORGANISATION_TYPES else ["partners"]
        return in_visible_case & or_(Document.visibility.in_(allowed), Document.organisation_id == user.organisation_id)
    return in_visible_case


def visible_documents(user):
    return select(Document).where(document_scope(user))


def get_document_or_404(user, document_id, *options):
    return _get_or_404(user, Document, document_id, document_scope(user), options, record_type="document")


def melding_scope(user):
    """A WHERE clause on Melding: a coordinator's are those of their gemeenten; a partner sees only what they
    submitted themselves (not what became of it); analysts and admins none."""
    if user.role == "coordinator":
        return Melding.gemeente_id.in_(select(user_gemeente.c.gemeente_id).where(user_gemeente.c.user_id == user.id))
    if user.role == "partner":
        return Melding.registered_by_id == user.id
    return false()


def indicator_gemeenten(user):
    """The gemeenten whose indicators a user may count, import and set targets for: an analyst's own gemeenten;
    every gemeente for the admin, who sets targets (DESIGN §1) but sees no counts. Counts hold no personal data."""
    if user.role == "admin":
        return db.session().scalars(select(Gemeente).order_by(Gemeente.name)).all()
    return list(user.gemeenten) if user.role == "analyst" else []


def indicator_import_scope(user):
    """A WHERE clause on IndicatorImport: the imports of the gemeenten of indicator_gemeenten(user)."""
    return IndicatorImport.gemeente_id.in_([gemeente.id for gemeente in indicator_gemeenten(user)])


def get_indicator_import_or_404(user, import_id, *options):
    return _get_or_404(user, IndicatorImport, import_id, indicator_import_scope(user), options,
                       record_type="indicator_import")


def get_case_or_404(user, case_id, *options):
    """The case if `user` may see it (loaded with `options`); otherwise audit the refusal and answer 404."""
    return _get_or_404(user, Case, case_id, case_scope(user), options, record_type="case", case_id=case_id)


def get_intervention_or_404(user, intervention_id, *options):
    return _get_or_404(user, Intervention, intervention_id, intervention_scope(user), options,
                       record_type="intervention")


def get_plan_goal_or_404(user, goal_id, *options):
    return _get_or_404(user, PlanGoal, goal_id, plan_goal_scope(user), options, record_type="plan_goal")


def get_plan_action_or_404(user, action_id, *options):
    return _get_or_404(user, PlanAction, action_id, plan_action_scope(user), options, record_type="plan_action")


def get_conference_or_404(user, conference_id, *options):
    return _get_or_404(user, Conference, conference_id, conference_scope(user), options, record_type="conference")


def get_conference_item_or_404(user, conference, item_id, *options):
    """An agenda item of `conference` (already visible) that `user` may see."""
    return _get_or_404(user, ConferenceItem, item_id,
                       conference_item_scope(user) & (ConferenceItem.conference_id == conference.id), options,
                       record_type="conference_item")


def get_melding_or_404(user, melding_id, *options):
    return _get_or_404(user, Melding, melding_id, melding_scope(user), options, record_type="melding")


def get_person_or_404(user, person_id):
    return _get_or_404(user, Person, person_id, person_scope(user), (), record_type="person", person_id=person_id)


def inzage_scope(user):
    """A WHERE clause on Person: whom `user` may produce an inzage document (AVG art. 15) about.

    An admin answers such a request for any person, and it is the one way an admin sees case content.
    """
    return true() if user.role == "admin" else false()


def get_inzage_subject_or_404(user, person_id):
    return _get_or_404(user, Person, person_id, inzage_scope(user), (), record_type="person", person_id=person_id)


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
