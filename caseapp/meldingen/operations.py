"""Registering meldingen and signalen, triage, and the structural-attention flag."""

from datetime import timedelta

from sqlalchemy import Integer, and_, false, func, literal, or_, select
from sqlalchemy import case as case_when
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql.expression import FunctionElement

from caseapp import db
from caseapp.access import melding_scope, visible_cases
from caseapp.accounts.models import User, user_gemeente
from caseapp.audit.operations import apply_changes, change_detail, record, utcnow
from caseapp.cases.models import Case, CasePerson
from caseapp.cases.operations import link_person as link_case_person
from caseapp.cases.operations import open_case
from caseapp.meldingen.models import Melding, MeldingPerson
from caseapp.organisations.models import Gemeente
from caseapp.versions import check_version, flush_or_conflict
from caseapp.workflow.engine import WorkflowError

# The roles in which a person counts towards structural attention: the one the melding is about, not the
# neighbour who keeps reporting or the child in the household.
SUBJECT_ROLES = ("betrokkene",)
# "Within 12 months": the 365 days up to and including the day it is reckoned on.
WINDOW_DAYS = 365

# Who may use the low-threshold form of the intern meldpunt ondermijning: the gemeente's own staff (the
# organisation of type "gemeente"), except the functioneel beheerder, whose account is for configuration.
SIGNAAL_ROLES = ("coordinator", "partner", "analyst")


class TriageError(WorkflowError):
    """A refused triage step; `messages` say, in Dutch, why."""


def may_submit_signaal(user):
    return user.role in SIGNAAL_ROLES and user.organisation.type == "gemeente"


# -- registration -------------------------------------------------------------------------------------

def register(actor, *, gemeente, wijk=None, kind, source, category, address, description, received_on,
             source_organisation=None):
    """A new melding, untriaged, audited."""
    melding = Melding(gemeente=gemeente, wijk=wijk, kind=kind, source=source, category=category, address=address,
                      description=description, received_on=received_on, source_organisation=source_organisation,
                      registered_by=actor, registered_at=utcnow(), triage_status="nieuw", triage_reason="")
    db.session().add(melding)
    db.session().flush()
    record(actor, "create", record_type="melding", record_id=melding.id, detail=f"{kind}: {category}")
    return melding


def submit_as_partner(actor, **fields):
    """A partner's melding: reported by their organisation."""
    kind = "signaal" if fields["category"] == "ondermijning" else "melding"
    return register(actor, kind=kind, source=actor.organisation.type, source_organisation=actor.organisation,
                    **fields)


def submit_signaal(actor, *, today, **fields):
    """A signaal from the gemeente's own staff, through the intern meldpunt ondermijning."""
    return register(actor, kind="signaal", source="intern_meldpunt", category="ondermijning", received_on=today,
                    **fields)


def update(actor, melding, *, expected_version, **fields):
    """Correct an untriaged melding; refused when it was triaged or changed since the user opened it."""
    _check_untriaged(melding)
    check_version(melding, expected_version)
    changed = apply_changes(melding, **fields)
    flush_or_conflict()
    record(actor, "update", record_type="melding", record_id=melding.id, detail=change_detail(changed))
    return melding


def add_person(actor, melding, person, role):
    """Give `person` a role on an untriaged melding; None when they already have that role there."""
    _check_untriaged(melding)
    already = db.session().scalar(select(MeldingPerson).where(
        MeldingPerson.melding_id == melding.id, MeldingPerson.person_id == person.id, MeldingPerson.role == role))
    if already is not None:
        return None
    link = MeldingPerson(melding=melding, person=person, role=role, added_at=utcnow())
    db.session().add(link)
    db.session().flush()
    record(actor, "create", record_type="melding_person", record_id=link.id, person_id=person.id,
           detail=f"melding {melding.id}: {role}")
    return link


def remove_person(actor, link):
    _check_untriaged(link.melding)
    record(actor, "delete", record_type="melding_person", record_id=link.id, person_id=link.person_id,
           detail=f"melding {link.melding_id}: {link.role}")
    db.session().delete(link)


# -- lists ----------------------------------------------------------------------------------------------

def inbox(actor, *, triage_status="nieuw", gemeente_id=None, category=None):
    """The meldingen the actor may see: untriaged ones oldest first (the inbox), the others newest first."""
    statement = select(Melding).where(melding_scope(actor)).options(
        selectinload(Melding.gemeente), selectinload(Melding.wijk), selectinload(Melding.source_organisation))
    if triage_status != "alle":
        statement = statement.where(Melding.triage_status == triage_status)
    for column, value in ((Melding.gemeente_id, gemeente_id), (Melding.category, category)):
        if value:
            statement = statement.where(column == value)
    if triage_status == "nieuw":
        return statement.order_by(Melding.received_on, Melding.id)
    return statement.order_by(Melding.received_on.desc(), Melding.id.desc())


def submitted_by(actor):
    """What the actor submitted themselves, newest first."""
    return (select(Melding).where(Melding.registered_by_id == actor.id).options(selectinload(Melding.gemeente))
            .order_by(Melding.registered_at.desc(), Melding.id.desc()))


def untriaged_count(actor):
    return db.session().scalar(select(func.count()).select_from(Melding)
                               .where(melding_scope(actor), Melding.triage_status == "nieuw"))


# -- triage -----------------------------------------------------------------------------------------------

def candidate_cases(actor, melding, limit=20):
    """Cases of the melding's gemeente the actor may see at the same address or with one of its persons.

    Addresses are free text: the part before the first comma (street and number) is compared, so
    "Kanaalstraat 12, Lisse" finds "Kanaalstraat 12, 2161 AB Lisse" but not "Kanaalstraat 120".
    """
    street = melding.address.split(",")[0].strip().lower()
    escaped = street.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    same_address = or_(func.lower(Case.address) == street,
                       func.lower(Case.address).like(f"{escaped},%", escape="\\")) if street else false()
    person_ids = [link.person_id for link in melding.persons]
    shared_person = Case.id.in_(select(CasePerson.case_id).where(CasePerson.person_id.in_(person_ids))) \
        if person_ids else false()
    statement = visible_cases(actor).where(Case.gemeente_id == melding.gemeente_id, or_(same_address, shared_person))
    return db.session().scalars(
        statement.options(selectinload(Case.persons).selectinload(CasePerson.person))
        .order_by((Case.status == "afgesloten"), Case.opened_on.desc(), Case.id.desc()).limit(limit)
    ).all()


def link_to_case(actor, melding, case, *, expected_version):
    """Triage: the melding is about a case that already runs."""
    _start_triage(melding, expected_version)
    if case.gemeente_id != melding.gemeente_id:
        raise TriageError("Koppel de melding aan een casus van dezelfde gemeente.")
    if case.status == "afgesloten":
        raise TriageError(f"Casus {case.reference} is afgesloten. Heropen de casus eerst, of open een nieuwe casus.")
    return _triaged(actor, melding, "gekoppeld", case=case)


def open_case_from(actor, melding, *, expected_version, **case_fields):
    """Triage: a new case, opened through the case process like any other, with the melding's persons on it;
    returns the case."""
    _start_triage(melding, expected_version)
    case = open_case(actor, **case_fields)
    for link in melding.persons:
        link_case_person(actor, case, link.person, link.role)
    _triaged(actor, melding, "zaak_geopend", case=case)
    return case


def close(actor, melding, *, reason, expected_version):
    """Triage: no case. The melding stays, and stays counted."""
    _start_triage(melding, expected_version)
    if not reason.strip():
        raise TriageError("Geef de reden waarom de melding zonder casus wordt gesloten.")
    return _triaged(actor, melding, "gesloten", reason=reason.strip())


def _start_triage(melding, expected_version):
    """Lock the melding and refuse when it was triaged or changed since the user looked at it."""
    db.session().execute(select(Melding).where(Melding.id == melding.id).with_for_update()
                         .execution_options(populate_existing=True)).scalar_one()
    _check_untriaged(melding)
    check_version(melding, expected_version)


def _check_untriaged(melding):
    if not melding.is_new:
        by = f" door {melding.triaged_by.name}" if melding.triaged_by else ""
        raise TriageError(f"Deze melding is al afgehandeld{by} ({melding.triage_label.lower()}). "
                          "Een afgehandelde melding kan niet opnieuw worden beoordeeld of gewijzigd.")


def _triaged(actor, melding, status, *, case=None, reason=""):
    now = utcnow()
    melding.triage_status, melding.triage_reason, melding.case = status, reason, case
    melding.triaged_by, melding.triaged_at = actor, now
    flush_or_conflict()
    record(actor, "status", record_type="melding", record_id=melding.id, case_id=case.id if case else None,
           detail=f"triage: nieuw -> {status}", at=now)
    return melding


def anonymise_meldingen_of(case):
    """Retention: strip the meldingen that led to a purged case of their address, free text and persons (a
    step of caseapp.retention.operations.PURGE_STEPS). Their category, gemeente, wijk and date stay, so they
    stay counted. Returns the persons it released."""
    released = set()
    for melding in db.session().scalars(select(Melding).where(Melding.case_id == case.id)):
        melding.address, melding.description, melding.triage_reason = "", "", ""
        released |= {link.person_id for link in melding.persons}
        melding.persons.clear()
    return released


def gemeente_coordinators(gemeente_id):
    """The active coordinators of a gemeente, who can be given a case opened from its melding."""
    return db.session().scalars(
        select(User).where(User.role == "coordinator", User.active, User.id.in_(
            select(user_gemeente.c.user_id).where(user_gemeente.c.gemeente_id == gemeente_id)))
        .order_by(User.name)
    ).all()


def case_meldingen(actor, case):
    """The meldingen the actor may see that were linked to `case` or opened it, oldest first."""
    return db.session().scalars(
        select(Melding).where(melding_scope(actor), Melding.case_id == case.id)
        .options(selectinload(Melding.source_organisation)).order_by(Melding.received_on, Melding.id)
    ).all()


# -- structural attention ------------------------------------------------------------------------------

class day_number(FunctionElement):
    """A date as a whole number of days, so both databases can subtract dates the same way."""

    type = Integer()
    inherit_cache = True


@compiles(day_number)
def _day_number_default(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} - DATE '2000-01-01')"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw):
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


def _subject_rows(alias_person, alias_melding):
    return and_(alias_melding.id == alias_person.melding_id, alias_person.role.in_(SUBJECT_ROLES))


def attention_counts(gemeente_id, on, person_ids):
    """{person id: meldingen of the gemeente about them in the 12 months up to `on`} for the given persons."""
    if not person_ids:
        return {}
    rows = db.session().execute(
        select(MeldingPerson.person_id, func.count(func.distinct(Melding.id)))
        .join(Melding, _subject_rows(MeldingPerson, Melding))
        .where(MeldingPerson.person_id.in_(person_ids), Melding.gemeente_id == gemeente_id,
               Melding.received_on > on - timedelta(days=WINDOW_DAYS), Melding.received_on <= on)
        .group_by(MeldingPerson.person_id)
    ).all()
    return dict(rows)


def is_flagged(person, gemeente, on):
    """Whether `person` vraagt structureel aandacht in `gemeente` on the date `on`: the subject of at least the
    gemeente's threshold of its meldingen within the 12 months up to that day."""
    return attention_counts(gemeente.id, on, [person.id]).get(person.id, 0) >= gemeente.structural_attention_threshold


def flagged_persons(gemeente_id, date_from, date_to):
    """A SELECT of the ids of the persons flagged in `gemeente_id` on any day from `date_from` to `date_to`.

    One aggregate: each melding about a person that can fall in a window of the period is an anchor; the
    anchor's day (or the period's first day, if earlier) closes a 365-day window, and the person is flagged
    when some window holds at least the gemeente's threshold of meldingen about them. The count only rises
    on a melding's day, so the anchors' days and the first day are all the days that need checking.
    """
    anchor, anchor_melding = aliased(MeldingPerson), aliased(Melding)
    other, other_melding = aliased(MeldingPerson), aliased(Melding)
    first_day = day_number(literal(date_from))
    anchor_day = case_when((day_number(anchor_melding.received_on) < first_day, first_day),
                           else_=day_number(anchor_melding.received_on))
    other_day = day_number(other_melding.received_on)
    windows = (
        select(anchor.person_id)
        .join(anchor_melding, _subject_rows(anchor, anchor_melding))
        .join(Gemeente, Gemeente.id == anchor_melding.gemeente_id)
        .join(other, and_(other.person_id == anchor.person_id, other.role.in_(SUBJECT_ROLES)))
        .join(other_melding, and_(other_melding.id == other.melding_id,
                                  other_melding.gemeente_id == anchor_melding.gemeente_id))
        .where(anchor_melding.gemeente_id == gemeente_id,
               anchor_melding.received_on > date_from - timedelta(days=WINDOW_DAYS),
               anchor_melding.received_on <= date_to,
               other_day <= anchor_day, other_day > anchor_day - WINDOW_DAYS)
        .group_by(anchor.id, anchor.person_id, Gemeente.structural_attention_threshold)
        .having(func.count(func.distinct(other_melding.id)) >= Gemeente.structural_attention_threshold)
    ).subquery()
    return select(windows.c.person_id).distinct()
