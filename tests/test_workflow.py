"""Every process as a table: each (state, transition, role) the declarations allow succeeds and leaves its
trail; every other combination is refused with a Dutch message and changes nothing.

Roles: the coordinator, a partner of the organisation that owns the subject (only steps have an owner), a
partner of another organisation, the analyst and the admin. States: every state of every process, the same
states while suspended, and "nieuw" for the transition that starts a process. Each state is put in place
directly (the factory sets the status, the dated columns the state implies and the deadlines it has open), so
each row stands on its own. The legal boundaries are in test_workflow_rules.py, the row lock in
test_workflow_concurrency.py.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from caseapp import db
from caseapp.db import Base
from caseapp.enums import INTERVENTION_TYPES
from caseapp.models import AuditEntry, Case, Gemeente, Organisation, Person, User
from caseapp.workflow.deadlines import subject_keys
from caseapp.workflow.definitions import later, local_date, start_of_day
from caseapp.workflow.engine import WorkflowError, fire, history, start
from caseapp.workflow.models import Deadline
from caseapp.workflow.processes import CASE_PROCESS, PROCESS_OF_TYPE, PROCESSES, RESUME, SUSPEND

NOW = datetime(2025, 6, 11, 8, 0)  # naive UTC: a Wednesday, 10:00 in the Netherlands
TODAY = local_date(NOW)
ENTERED = NOW - timedelta(days=2)  # when the arranged subject entered its state
SUSPENDED_SINCE = NOW - timedelta(days=1)
REASON = "Besproken in het casusoverleg."

ROLES = ("coordinator", "partner_owner", "partner_other", "analyst", "admin")
OWNED = {"stap"}  # processes whose subject has an owner organisation: only the lighter and partner steps
TYPE_OF = {"huisverbod": "huisverbod", "gedragsaanwijzing": "gedragsaanwijzing", "maatregel_172a": "gebiedsverbod",
           "sluiting_13b": "sluiting_13b", "sluiting_174a": "sluiting_174a", "waarschuwing": "waarschuwing",
           "bibob": "bibob", "stap": "gesprek"}


# -- the world every row acts in ---------------------------------------------------------------------------


@dataclass
class World:
    gemeente: Gemeente
    owner: Organisation  # owns the steps
    users: dict  # role in ROLES -> User
    person: Person  # an adult, betrokkene on the case
    case: Case  # in uitvoering: where the interventions live


@pytest.fixture
def world(make):
    gemeente = make.gemeente()
    gemeente.apv_151d = True  # the APV has the duty-of-care rule art. 151d needs
    team, owner, other = (make.organisation("gemeente"), make.organisation("woningcorporatie"),
                          make.organisation("politie"))
    users = {
        "coordinator": make.user("coordinator", team, [gemeente]),
        "partner_owner": make.user("partner", owner, [gemeente]),
        "partner_other": make.user("partner", other, [gemeente]),
        "analyst": make.user("analyst", team, [gemeente]),
        "admin": make.user("admin", team),
    }
    person = make.person("Jan", "de Vries", date(1980, 5, 17))
    case = make.case(gemeente, status="uitvoering", persons=[(person, "betrokkene")], partners=[owner, other],
                     coordinator=users["coordinator"])
    return World(gemeente, owner, users, person, case)


@pytest.fixture
def app_session(app):
    """The engine's own session (caseapp.db.session) in an app context, on the test's connection.

    Arrange through `make` first; then use only this session, with the records fetched again by id.
    """
    with app.app_context():
        yield db.session()


def within(s, world):
    """The world's records as the engine's session holds them."""
    return SimpleNamespace(gemeente=s.get(Gemeente, world.gemeente.id), owner=s.get(Organisation, world.owner.id),
                           person=s.get(Person, world.person.id), case=s.get(Case, world.case.id),
                           users={role: s.get(User, user.id) for role, user in world.users.items()})


# -- valid values per (process, transition) ---------------------------------------------------------------

SLUITING_VALUES = {
    "starten": {"premises_address": "Kerkstraat 1, Lisse", "business_name": "Café De Hoek",
                "report_received_on": TODAY},
    "eigen_maatregelen": {"measures_until": TODAY + timedelta(days=14)},
    "voornemen_verzenden": {"zienswijze_deadline": TODAY + timedelta(days=14)},
    "zienswijze_ontvangen": {"zienswijze_received_on": TODAY},
    "besluiten": {"decided_on": TODAY, "duration_months": 3},
    "bezwaar_ontvangen": {"objection_received_on": TODAY},
    "uitvoeren": {"executed_on": TODAY},
    "verlengen": {"extension_months": 3},
}

# A dict, or a function of the world (as the engine's session holds it) that returns one. Transitions without
# fields take none; every firing gets REASON as its toelichting.
VALUES = {
    ("casus", "afsluiten"): {"result": "opgelost"},
    ("huisverbod", "starten"): lambda the: {"person": the.person},
    ("huisverbod", "veilig_thuis_geraadpleegd"): {"veilig_thuis_consulted_at": NOW - timedelta(hours=1)},
    ("huisverbod", "opleggen"): {"decided_at": NOW - timedelta(hours=1)},
    ("huisverbod", "beroep_ingesteld"): {"appeal_at": NOW - timedelta(hours=1)},
    ("huisverbod", "verlengen"): {"extension_decided_at": NOW - timedelta(hours=1),
                                  "ends_at": ENTERED + timedelta(days=28)},
    ("huisverbod", "afronden"): {"outcome": "ingetrokken", "outcome_note": "Partner keert niet terug."},
    ("gedragsaanwijzing", "starten"): lambda the: {"person": the.person, "description": "Harde muziek 's nachts."},
    ("gedragsaanwijzing", "voornemen_verzenden"): {"zienswijze_deadline": TODAY + timedelta(days=14)},
    ("gedragsaanwijzing", "zienswijze_ontvangen"): {"zienswijze_received_on": TODAY},
    ("gedragsaanwijzing", "opleggen"): {"decided_on": TODAY, "compliance_until": TODAY + timedelta(days=28),
                                        "enforcement": "dwangsom", "home_ban": True},
    ("gedragsaanwijzing", "bezwaar_ontvangen"): {"objection_received_on": TODAY},
    ("gedragsaanwijzing", "afronden"): {"outcome": "nageleefd"},
    ("maatregel_172a", "starten"): lambda the: {"person": the.person, "description": "Gebiedsverbod winkelcentrum"},
    ("maatregel_172a", "opleggen"): {"decided_on": TODAY},
    ("maatregel_172a", "verlengen"): {"extension_decided_on": TODAY},
    ("maatregel_172a", "bezwaar_ontvangen"): {"objection_received_on": TODAY},
    ("maatregel_172a", "afronden"): {"outcome": "ingetrokken"},
    **{(key, name): values for key in ("sluiting_13b", "sluiting_174a") for name, values in SLUITING_VALUES.items()
       if name in PROCESSES[key].transitions},  # 13b has no own-measures period and no extension
    ("waarschuwing", "starten"): lambda the: {"person": the.person, "description": "Overlast in het portiek."},
    ("waarschuwing", "verzenden"): {"decided_on": TODAY},
    ("bibob", "starten"): {"business_name": "Café De Hoek", "kvk_number": "12345678",
                           "premises_address": "Kerkstraat 1, Lisse"},
    ("bibob", "advies_aanvragen"): {"advice_requested_on": TODAY},
    ("bibob", "concluderen"): {"conclusion": "ernstig"},
    ("bibob", "besluiten"): {"decision": "weigeren", "decided_on": TODAY},
    ("bibob", "bezwaar_ontvangen"): {"objection_received_on": TODAY},
    ("stap", "starten"): lambda the: {"owner_organisation": the.owner, "due_on": TODAY + timedelta(days=14)},
    ("stap", "afronden"): {"outcome": "effect"},
}


def values_for(process, transition, the):
    values = VALUES.get((process.key, transition.name), {})
    return values(the) if callable(values) else dict(values)


# -- one arrangement per process: the subject in `status`, with the columns that state implies ---------------


def arrange_case(make, world, status, **extra):
    if status is None:
        return None
    closed = {"closed_at": ENTERED} if status == "afgesloten" else {}
    return make.case(world.gemeente, status=status, persons=[(world.person, "betrokkene")],
                     coordinator=world.users["coordinator"], **closed, **extra)


def intervention(make, world, process_key, status, **columns):
    return None if status is None else make.intervention(world.case, TYPE_OF[process_key], status, **columns)


def arrange_huisverbod(make, world, status, **extra):
    """Imposed two days ago, appealed yesterday; once extended, it runs to day 20 (so it can be extended again)."""
    running = {"decided_at": ENTERED, "ends_at": ENTERED + timedelta(days=10), "appeal_at": NOW - timedelta(days=1)}
    columns = {"opgelegd": running, "verlengd": {**running, "ends_at": ENTERED + timedelta(days=20),
                                                 "extension_count": 1},
               "afgerond": {**running, "outcome": "ingetrokken"}}
    return intervention(make, world, "huisverbod", status, person=world.person, **columns.get(status, {}), **extra)


def arrange_gedragsaanwijzing(make, world, status, **extra):
    """A gesprek without effect came first; the zienswijze period has passed; imposed five days ago."""
    make.intervention(world.case, "gesprek", "afgerond", owner_organisation=world.owner, outcome="geen_effect")
    imposed = {"zienswijze_deadline": TODAY - timedelta(days=7), "decided_at": start_of_day(TODAY - timedelta(days=5)),
               "compliance_until": TODAY + timedelta(days=23), "enforcement": "dwangsom", "home_ban": True}
    columns = {"voornemen": {"zienswijze_deadline": TODAY - timedelta(days=1)}, "opgelegd": imposed,
               "handhaving": imposed, "afgerond": {**imposed, "outcome": "nageleefd"}}
    return intervention(make, world, "gedragsaanwijzing", status, person=world.person, **columns.get(status, {}),
                        **extra)


def arrange_172a(make, world, status, **extra):
    """Imposed ten days ago for three months."""
    imposed = {"decided_at": start_of_day(TODAY - timedelta(days=10)),
               "ends_at": later(TODAY - timedelta(days=10), months=3, days=-1)}
    columns = {"opgelegd": imposed, "afgerond": {**imposed, "outcome": "nageleefd"}}
    return intervention(make, world, "maatregel_172a", status, person=world.person,
                        description="Gebiedsverbod winkelcentrum", **columns.get(status, {}), **extra)


def arrange_sluiting(process_key):
    def arrange(make, world, status, **extra):
        """Reported three weeks ago; the zienswijze period has passed; decided three days ago, closed two days ago.

        A 174a before the besluit is arranged as urgent, so every step the procedure allows from there can be
        taken; the non-urgent path (own measures first) is in test_workflow_rules.py.
        """
        decided = {"zienswijze_deadline": TODAY - timedelta(days=10), "duration_months": 3,
                   "decided_at": start_of_day(TODAY - timedelta(days=3))}
        closed = {**decided, "executed_on": TODAY - timedelta(days=2),
                  "ends_at": later(TODAY - timedelta(days=2), months=3, days=-1)}
        columns = {"eigen_maatregelen": {"measures_until": TODAY + timedelta(days=7)},
                   "voornemen": {"zienswijze_deadline": TODAY - timedelta(days=1)},
                   "besloten": decided, "gesloten": closed, "opgeheven": closed}.get(status, {})
        urgent = process_key == "sluiting_174a" and status in ("rapportage", "gewaarschuwd", "eigen_maatregelen")
        subject = intervention(make, world, process_key, status, premises_address="Kerkstraat 1, Lisse",
                               business_name="Café De Hoek", report_received_on=TODAY - timedelta(days=21),
                               urgent=urgent, **columns, **extra)
        if status in ("gesloten", "opgeheven"):  # registered in the Wkpb the day after the besluit
            registered = start_of_day(TODAY - timedelta(days=2))
            make.session.add(Deadline(
                case_id=subject.case_id, intervention_id=subject.id, key="wkpb", label="Wkpb", kind="taak",
                started_at=decided["decided_at"], due_at=registered, closed_at=registered, met=True))
        return subject

    return arrange


def arrange_waarschuwing(make, world, status, **extra):
    columns = {"verzonden": {"decided_at": start_of_day(TODAY - timedelta(days=1))}}
    return intervention(make, world, "waarschuwing", status, person=world.person, **columns.get(status, {}), **extra)


def arrange_bibob(make, world, status, **extra):
    """Advice asked ten days ago; concluded ernstig gevaar; refused three days ago."""
    concluded = {"conclusion": "ernstig"}
    columns = {"advies_gevraagd": {"advice_requested_on": TODAY - timedelta(days=10)}, "geconcludeerd": concluded,
               "besloten": {**concluded, "decision": "weigeren", "decided_at": start_of_day(TODAY - timedelta(days=3))}}
    return intervention(make, world, "bibob", status, business_name="Café De Hoek", kvk_number="12345678",
                        **columns.get(status, {}), **extra)


def arrange_stap(make, world, status, **extra):
    columns = {"afgerond": {"outcome": "effect"}}
    return intervention(make, world, "stap", status, owner_organisation=world.owner, due_on=TODAY + timedelta(days=7),
                        **columns.get(status, {}), **extra)


ARRANGE = {"casus": arrange_case, "huisverbod": arrange_huisverbod, "gedragsaanwijzing": arrange_gedragsaanwijzing,
           "maatregel_172a": arrange_172a, "sluiting_13b": arrange_sluiting("sluiting_13b"),
           "sluiting_174a": arrange_sluiting("sluiting_174a"), "waarschuwing": arrange_waarschuwing,
           "bibob": arrange_bibob, "stap": arrange_stap}


def situate(make, world, process, status, suspended=False):
    """The subject in `status` (None: nothing yet, the process is still to start), with its open deadlines."""
    extra = {"suspended_since": SUSPENDED_SINCE} if suspended else {}
    subject = ARRANGE[process.key](make, world, status, **extra)
    if subject is not None:
        case_id, intervention_id = subject_keys(subject)
        for rule in process.deadlines:
            due = rule.due(subject, ENTERED) if status in rule.states else None
            if due is not None:
                make.session.add(Deadline(
                    case_id=case_id, intervention_id=intervention_id, key=rule.key, label=rule.label, kind=rule.kind,
                    lapses=rule.lapses, owner_organisation_id=getattr(subject, "owner_organisation_id", None),
                    started_at=ENTERED, due_at=due))
        make.session.commit()
    return subject


def act(the, process, transition, role, subject):
    """Fire `transition` as `role` on `subject` (None: start the process) with its valid values."""
    values = values_for(process, transition, the)
    actor = the.users[role]
    if subject is not None:
        return fire(actor, subject, transition.name, reason=REASON, now=NOW, **values)
    if process is CASE_PROCESS:
        case = Case(gemeente=the.gemeente, type="woonoverlast", address="Dorpsstraat 3, Lisse", risk_level="midden",
                    description="Melding van de wijkagent.", opened_on=TODAY, created_at=NOW, updated_at=NOW)
        return fire(actor, case, transition.name, reason=REASON, now=NOW, **values)
    return start(actor, the.case, TYPE_OF[process.key], reason=REASON, now=NOW, **values)


# -- the table ----------------------------------------------------------------------------------------------


def role_may(process, transition, role):
    """The declared roles; a partner only on what their own organisation owns."""
    if role.startswith("partner"):
        return "partner" in transition.roles and role == "partner_owner" and process.key in OWNED
    return role in transition.roles


def state_allows(transition, status, suspended):
    """A start only where nothing is yet; other transitions from their sources; while suspended only hervatten
    and what is declared to go on while suspended (stopping the procedure)."""
    if not transition.sources:
        return status is None
    if status not in transition.sources:
        return False
    if transition.name == RESUME:
        return suspended
    return not suspended or transition.while_suspended


def refusal(process, transition, status, suspended, role):
    """The message a refused combination gets: the role first, then the state."""
    if not role_may(process, transition, role):
        return f"U mag ‘{transition.label}’ niet uitvoeren."
    if not transition.sources:
        return f"‘{transition.label}’ kan alleen bij het begin van de procedure."
    state = process.states[status].label.lower()
    if transition.name == RESUME:
        return "Dit is niet opgeschort."
    if suspended and status in transition.sources:
        return "Dit is opgeschort. Hervat het eerst."
    if transition.name == SUSPEND:
        return f"Opschorten kan niet in de status ‘{state}’."
    return f"‘{transition.label}’ kan niet in de status ‘{state}’."


def situations(process):
    """(status, suspended): not started yet, every state, and every state it can be suspended in."""
    yield None, False
    for status in process.states:
        yield status, False
    if SUSPEND in process.transitions:
        for status in process.transitions[SUSPEND].sources:
            yield status, True


def transitions_in(process, status):
    """A subject that does not exist yet can only be started; an existing one is offered every transition."""
    return [process.start] if status is None else list(process.transitions.values())


def situation_id(process, status, suspended):
    return f"{process.key}-{status or 'nieuw'}" + ("-opgeschort" if suspended else "")


ALLOWED = [
    pytest.param(process.key, status, suspended, transition.name, role,
                 id=f"{situation_id(process, status, suspended)}-{transition.name}-{role}")
    for process in PROCESSES.values()
    for status, suspended in situations(process)
    for transition in transitions_in(process, status)
    for role in ROLES
    if role_may(process, transition, role) and state_allows(transition, status, suspended)
]
SITUATIONS = [pytest.param(process.key, status, suspended, id=situation_id(process, status, suspended))
              for process in PROCESSES.values() for status, suspended in situations(process)]


def test_the_table_names_only_real_transitions():
    for key, name in VALUES:
        assert name in PROCESSES[key].transitions, (key, name)
    assert set(ARRANGE) == set(PROCESSES) and set(TYPE_OF) | {"casus"} == set(PROCESSES)


# -- what a fired transition must leave behind ------------------------------------------------------------


def deadline_rows(s, subject):
    """Every deadline the subject has had, open or closed, oldest first."""
    case_id, intervention_id = subject_keys(subject)
    of_subject = Deadline.intervention_id.is_(None) if intervention_id is None \
        else Deadline.intervention_id == intervention_id
    return s.scalars(select(Deadline).where(Deadline.case_id == case_id, of_subject).order_by(Deadline.id)).all()


def assert_deadlines_follow(process, transition, subject, before, after):
    """Deadlines of the new state are open at their declared moment, those it left or completed are closed."""
    open_now = {row.key: row for row in after if row.closed_at is None}
    assert len(open_now) == len([row for row in after if row.closed_at is None]), "a deadline is open twice"
    for rule in process.deadlines:
        row = open_now.get(rule.key)
        was_open = before.get(rule.key)
        if transition.name in rule.closed_by or subject.status not in rule.states:
            assert row is None, f"{rule.key} is still open"
            if was_open is not None:
                closed = next(r for r in after if r.id == was_open)
                assert closed.closed_at == NOW and closed.met == (transition.name in rule.closed_by), rule.key
            continue
        due = rule.due(subject, row.started_at if row else NOW)
        if due is None:
            assert row is None, f"{rule.key} is open without a due moment"
            continue
        assert row is not None, f"{rule.key} is not open"
        assert row.id == was_open or row.started_at == NOW, rule.key
        assert row.due_at == due + timedelta(days=row.shift_days), rule.key


@pytest.mark.parametrize(("process_key", "status", "suspended", "name", "role"), ALLOWED)
def test_an_allowed_transition_succeeds_and_leaves_its_trail(world, make, app_session, process_key, status,
                                                             suspended, name, role):
    process = PROCESSES[process_key]
    transition = process.transitions[name]
    arranged = situate(make, world, process, status, suspended)
    s = app_session
    if arranged is None:
        subject, version, deadlines_before = None, 0, {}
    else:
        subject = s.get(type(arranged), arranged.id)
        version = subject.version
        deadlines_before = {row.key: row.id for row in deadline_rows(s, subject) if row.closed_at is None}
    audit_count = s.scalar(select(func.count()).select_from(AuditEntry))

    subject = act(within(s, world), process, transition, role, subject)

    assert subject.status == (transition.target or status)
    assert subject.version == version + 1
    if name == SUSPEND:
        assert subject.suspended_since == NOW
    elif name == RESUME or process.is_final(subject.status):
        assert subject.suspended_since is None, "the suspension outlives the procedure"
    else:
        assert subject.suspended_since == (SUSPENDED_SINCE if suspended else None)
    [change] = history(subject)
    actor = world.users[role]
    assert (change.transition, change.from_status, change.to_status, change.actor_id, change.at, change.reason) == (
        name, status, subject.status, actor.id, NOW, REASON)
    [entry] = s.scalars(select(AuditEntry).order_by(AuditEntry.id).offset(audit_count)).all()
    assert (entry.action, entry.user_id, entry.record_type, entry.record_id, entry.outcome) == (
        "create" if status is None else "status", actor.id, "case" if process is CASE_PROCESS else "intervention",
        subject.id, "allowed")
    assert entry.detail == f"{process.key}.{name}: {status or '-'} -> {subject.status}"
    assert_deadlines_follow(process, transition, subject, deadlines_before, deadline_rows(s, subject))


# -- everything else ----------------------------------------------------------------------------------------

WATCHED = ("case", "intervention", "status_change", "deadline", "audit_entry", "notification")


def database_state(s):
    """Every row of the tables a transition could touch (the test's transaction holds only its own)."""
    tables = Base.metadata.tables
    return {name: s.execute(select(tables[name]).order_by(*tables[name].primary_key.columns)).all()
            for name in WATCHED}


def refused_combinations(process, status, suspended):
    return [(transition, role) for transition in transitions_in(process, status) for role in ROLES
            if not (role_may(process, transition, role) and state_allows(transition, status, suspended))]


@pytest.mark.parametrize(("process_key", "status", "suspended"), SITUATIONS)
def test_every_other_combination_is_refused_and_changes_nothing(world, make, app_session, process_key, status,
                                                                suspended):
    process = PROCESSES[process_key]
    arranged = situate(make, world, process, status, suspended)
    s = app_session
    before = database_state(s)
    the = within(s, world)
    wrong = []
    for transition, role in refused_combinations(process, status, suspended):
        subject = s.get(type(arranged), arranged.id) if arranged is not None else None
        expected = refusal(process, transition, status, suspended, role)
        try:
            act(the, process, transition, role, subject)
        except WorkflowError as error:
            if error.messages != [expected]:
                wrong.append(f"{transition.name} as {role}: {error.messages}, expected {expected!r}")
        except Exception as error:  # a database error where a refusal belongs
            wrong.append(f"{transition.name} as {role}: {type(error).__name__} instead of a refusal")
            s.rollback()
            the = within(s, world)
            continue
        else:
            wrong.append(f"{transition.name} as {role}: not refused")
        if database_state(s) != before:  # the query flushes whatever the attempt left in the session
            wrong.append(f"{transition.name} as {role}: changed the database")
            s.rollback()  # so that the next attempt starts from the arranged state again
            the = within(s, world)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("type", INTERVENTION_TYPES)
def test_every_intervention_type_starts_through_its_process(world, make, app_session, type):
    process = PROCESS_OF_TYPE[type]
    ARRANGE[process.key](make, world, None)
    the = within(app_session, world)
    started = start(the.users["coordinator"], the.case, type, reason=REASON, now=NOW,
                    **values_for(process, process.start, the))
    assert (started.type, started.status, started.version) == (type, process.start.target, 1)
