"""Inzage (AVG art. 15): one document with all data held about one person, and who accessed it.

The document is a list of sections, each made by one function of the subject (SECTIONS). A new kind of data
about persons (meldingen, documents, plan actions, ...) joins the document by adding its function there.

This reads case data without the user's case scope: it is only reached through
caseapp.access.get_inzage_subject_or_404, which admits admins alone.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from caseapp import db
from caseapp.access import inzage_scope
from caseapp.accounts.models import User
from caseapp.audit.models import AuditEntry
from caseapp.audit.operations import record, utcnow
from caseapp.cases.models import Case, CasePerson, Note
from caseapp.documents.models import Document as CaseDocument
from caseapp.enums import AUDIT_ACTIONS, AUDIT_OUTCOMES, PERSON_ROLES, ROLES
from caseapp.interventions.models import Intervention
from caseapp.meldingen.models import Melding, MeldingPerson
from caseapp.persons.models import Person, PersonMerge
from caseapp.plans.models import PlanAction, PlanGoal
from caseapp.workflow.models import StatusChange

# The access part lists this many entries, the most recent, with the total: a person who has been on many cases
# for years can have tens of thousands, which no one reads in one document. The full trail stays searchable.
AUDIT_LIMIT = 5000

# What the audit entries name, as the person reads it; a type not listed shows as it is stored.
RECORD_TYPES = {"case": "Casus", "person": "Persoon", "note": "Notitie", "intervention": "Maatregel",
                "case_person": "Rol op casus", "case_partner": "Partner op casus", "melding": "Melding",
                "melding_person": "Persoon bij melding", "document": "Document", "plan_goal": "Doel in plan van aanpak",
                "plan_action": "Actie in plan van aanpak", "conference_item": "Bespreking in casusoverleg"}


@dataclass
class Subject:
    """The person the document is about, with their roles on cases (looked up once, for every section)."""

    person: Person
    links: list[CasePerson]  # with their cases, oldest case first

    @cached_property
    def cases(self):
        """The person's cases by id, oldest first."""
        return {link.case_id: link.case for link in self.links}

    def case_reference(self, case_id):
        case = self.cases.get(case_id)
        return case.reference if case is not None else case_id


@dataclass
class Section:
    """One part of the document: a table with Dutch column names, the same in print and in the download."""

    title: str
    columns: list[str]
    rows: list[list]
    empty: str  # what the document says when there are no rows
    note: str = ""

    def as_json(self):
        return {"titel": self.title, "toelichting": self.note,
                "regels": [dict(zip(self.columns, map(_json_value, row), strict=True)) for row in self.rows]}


@dataclass
class Document:
    person: Person
    produced_at: datetime
    produced_by: User
    sections: list[Section] = field(default_factory=list)

    def as_json(self):
        return {
            "document": "Inzage in persoonsgegevens (AVG artikel 15)",
            "persoonsnummer": self.person.id,
            "opgesteld_op": _json_value(self.produced_at),
            "opgesteld_door": {"organisatie": self.produced_by.organisation.name,
                               "rol": ROLES[self.produced_by.role]},
            "secties": [section.as_json() for section in self.sections],
        }


def find_subjects(actor, *, bsn=None, last_name=None, date_of_birth=None):
    """A statement over the persons an inzage may be about, matching every criterion given."""
    statement = select(Person).where(inzage_scope(actor))
    if bsn:
        statement = statement.where(Person.bsn == bsn)
    if last_name:
        statement = statement.where(func.lower(Person.last_name) == last_name.lower())
    if date_of_birth:
        statement = statement.where(Person.date_of_birth == date_of_birth)
    return statement.order_by(Person.last_name, Person.first_name, Person.id)


def inzage_document(actor, person, form):
    """Collect the document about `person` and audit that `actor` produced it (`form`: how it was handed out)."""
    links = db.session().scalars(
        select(CasePerson).join(Case).where(CasePerson.person_id == person.id)
        .options(joinedload(CasePerson.case).options(joinedload(Case.gemeente), joinedload(Case.wijk),
                                                     selectinload(Case.leefgebieden)))
        .order_by(Case.opened_on, Case.id, CasePerson.id)
    ).all()
    subject = Subject(person, links)
    document = Document(person, utcnow(), actor, [section(subject) for section in SECTIONS])
    record(actor, "inzage", record_type="person", record_id=person.id, person_id=person.id,
           detail=f"inzagedocument ({form})")
    return document


def display(value):
    """A cell of the document as people read it: Dutch dates, local times."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return current_app.jinja_env.filters["tijdstip"](value)
    if isinstance(value, date):
        return current_app.jinja_env.filters["datum"](value)
    return str(value)


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"  # stored as naive UTC
    if isinstance(value, date):
        return value.isoformat()
    return value


# -- the sections -----------------------------------------------------------------------------------------


def person_section(subject):
    person = subject.person
    return Section(
        "Persoonsgegevens", ["Naam", "Geboortedatum", "BSN", "Adres", "Telefoon", "Geregistreerd op"],
        [[person.full_name, person.date_of_birth, person.bsn, person.address, person.phone, person.created_at]],
        empty="",
    )


def merges_section(subject):
    merges = db.session().scalars(select(PersonMerge).where(PersonMerge.kept_person_id == subject.person.id)
                                  .order_by(PersonMerge.merged_at)).all()
    return Section(
        "Samengevoegde dubbele registraties", ["Samengevoegd op", "Vastgelegde gegevens van de dubbele registratie"],
        [[merge.merged_at, ", ".join(f"{name}: {value}" for name, value in merge.merged_record.items() if value)]
         for merge in merges],
        empty="Er zijn geen dubbele registraties met deze persoon samengevoegd.",
    )


def cases_section(subject):
    return Section(
        "Casussen", ["Casus", "Rol", "Soort", "Gemeente", "Wijk", "Status", "Aangemeld op", "Afgesloten op",
                     "Resultaat"],
        [[link.case.reference, link.role_label, link.case.type_label, link.case.gemeente.name,
          link.case.wijk.name if link.case.wijk else None, link.case.status_label, link.case.opened_on,
          link.case.closed_at, link.case.result_label or None]
         for link in subject.links],
        empty="Deze persoon komt in geen enkele casus voor.",
    )


def case_descriptions_section(subject):
    return Section(
        "Adres en omschrijving van de casussen", ["Casus", "Adres", "Leefgebieden", "Omschrijving"],
        [[case.reference, case.address, ", ".join(case.leefgebied_labels), case.description]
         for case in subject.cases.values()],
        empty="Geen casussen.",
    )


def notes_section(subject):
    notes = db.session().scalars(
        select(Note).where(Note.case_id.in_(list(subject.cases))).options(joinedload(Note.organisation))
        .order_by(Note.case_id, Note.created_at, Note.id)
    ).all()
    return Section(
        "Notities bij deze casussen", ["Casus", "Tijdstip", "Organisatie", "Zichtbaar voor", "Tekst"],
        [[subject.case_reference(note.case_id), note.created_at, note.organisation.name, note.visibility_label,
          note.body] for note in notes],
        empty="Bij deze casussen zijn geen notities vastgelegd.",
    )


def _interventions(subject):
    return db.session().scalars(
        select(Intervention).where(Intervention.person_id == subject.person.id)
        .options(joinedload(Intervention.case)).order_by(Intervention.created_at, Intervention.id)
    ).all()


def interventions_section(subject):
    return Section(
        "Maatregelen tegen deze persoon", ["Maatregel", "Casus", "Soort", "Status", "Besluit of opgelegd op",
                                           "Loopt tot", "Uitkomst", "Toelichting", "Omschrijving"],
        [[intervention.id, intervention.case.reference, intervention.type_label, intervention.status_label,
          intervention.decided_at, intervention.ends_at, intervention.outcome, intervention.outcome_note,
          intervention.description] for intervention in _interventions(subject)],
        empty="Er zijn geen maatregelen tegen deze persoon vastgelegd.",
    )


def intervention_history_section(subject):
    interventions = {intervention.id: intervention for intervention in _interventions(subject)}
    changes = db.session().scalars(
        select(StatusChange).where(StatusChange.intervention_id.in_(interventions))
        .options(joinedload(StatusChange.actor).joinedload(User.organisation))
        .order_by(StatusChange.intervention_id, StatusChange.at, StatusChange.id)
    ).all()
    rows = []
    for change in changes:
        process = interventions[change.intervention_id].process
        transition = process.transitions.get(change.transition)
        rows.append([change.intervention_id, change.at, transition.label if transition else change.transition,
                     _state_label(process, change.from_status), _state_label(process, change.to_status),
                     *_who(change.actor), change.reason])
    return Section(
        "Verloop van de maatregelen", ["Maatregel", "Tijdstip", "Stap", "Van", "Naar", "Door (organisatie)",
                                       "Door (rol)", "Reden"],
        rows, empty="Er is geen verloop van maatregelen vastgelegd.",
    )


def access_section(subject):
    """Every audit entry about the person or one of their cases: the user's organisation and role, not who."""
    about = AuditEntry.person_id == subject.person.id
    if subject.cases:
        # A list of ids, not a subquery: each side of the OR is then an index lookup, also with 10M entries.
        about = or_(about, AuditEntry.case_id.in_(list(subject.cases)))
    session = db.session()
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(about))
    entries = session.scalars(
        select(AuditEntry).where(about).options(joinedload(AuditEntry.organisation))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(AUDIT_LIMIT)
    ).all()
    note = f"{total} {'regel' if total == 1 else 'regels'}, nieuwste eerst."
    if total > AUDIT_LIMIT:
        note = (f"De {AUDIT_LIMIT} meest recente van {total} regels. De oudere zijn op verzoek op te vragen bij "
                "de functioneel beheerder.")
    return Section(
        "Wie uw gegevens heeft ingezien of gewijzigd",
        ["Tijdstip", "Organisatie", "Rol", "Handeling", "Uitkomst", "Gegeven", "Casus"],
        [[entry.at, entry.organisation.name if entry.organisation else None, ROLES.get(entry.role, "Systeem"),
          AUDIT_ACTIONS.get(entry.action, entry.action), AUDIT_OUTCOMES.get(entry.outcome, entry.outcome),
          _record(entry), subject.case_reference(entry.case_id) if entry.case_id is not None else None]
         for entry in entries],
        empty="Niemand heeft deze gegevens ingezien of gewijzigd.", note=note,
    )


def meldingen_section(subject):
    links = db.session().scalars(
        select(MeldingPerson).where(MeldingPerson.person_id == subject.person.id)
        .options(joinedload(MeldingPerson.melding).joinedload(Melding.gemeente))
        .join(Melding).order_by(Melding.received_on, Melding.id)
    ).all()
    return Section(
        "Meldingen", ["Melding", "Ontvangen op", "Rol", "Soort", "Gemeente", "Adres", "Omschrijving", "Afhandeling"],
        [[link.melding.reference, link.melding.received_on, PERSON_ROLES[link.role], link.melding.category_label,
          link.melding.gemeente.name, link.melding.address, link.melding.description, link.melding.triage_label]
         for link in links],
        empty="Deze persoon komt in geen enkele melding voor.",
    )


def plans_section(subject):
    session = db.session()
    goals = session.scalars(select(PlanGoal).where(PlanGoal.case_id.in_(list(subject.cases)))
                            .order_by(PlanGoal.case_id, PlanGoal.id)).all()
    actions = session.scalars(select(PlanAction).where(PlanAction.case_id.in_(list(subject.cases)))
                              .order_by(PlanAction.case_id, PlanAction.due_on, PlanAction.id)).all()
    return Section(
        "Plan van aanpak van deze casussen", ["Casus", "Doel of actie", "Omschrijving", "Datum", "Status",
                                              "Terugkoppeling"],
        [[subject.case_reference(goal.case_id), "Doel", goal.description, None, goal.status_label, None]
         for goal in goals]
        + [[subject.case_reference(action.case_id), "Actie", action.description, action.due_on, action.status_label,
            action.report] for action in actions],
        empty="Bij deze casussen is geen plan van aanpak vastgelegd.",
    )


def documents_section(subject):
    documents = db.session().scalars(
        select(CaseDocument).where(CaseDocument.case_id.in_(list(subject.cases)))
        .options(joinedload(CaseDocument.organisation))
        .order_by(CaseDocument.case_id, CaseDocument.created_at, CaseDocument.id)
    ).all()
    return Section(
        "Documenten bij deze casussen", ["Casus", "Toegevoegd op", "Organisatie", "Titel", "Bestandsnaam"],
        [[subject.case_reference(document.case_id), document.created_at, document.organisation.name,
          document.title, document.filename] for document in documents],
        empty="Bij deze casussen zijn geen documenten opgeslagen.",
        note="De documenten zelf zijn op verzoek op te vragen bij de functioneel beheerder.",
    )


SECTIONS = [person_section, merges_section, cases_section, case_descriptions_section, notes_section, meldingen_section,
            plans_section, documents_section, interventions_section, intervention_history_section, access_section]


def _state_label(process, status):
    state = process.states.get(status) if status else None
    return state.label if state else status


def _who(user):
    """Organisation and role of whoever acted; never their name."""
    if user is None:
        return [None, "Systeem"]
    return [user.organisation.name, ROLES.get(user.role, user.role)]


def _record(entry):
    if not entry.record_type:
        return None
    label = RECORD_TYPES.get(entry.record_type, entry.record_type)
    return f"{label} {entry.record_id}" if entry.record_id is not None else label
