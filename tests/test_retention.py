"""Retention: closed cases past the period of their result are anonymised, logged, and still counted."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import String, Text, func, select

from caseapp import db
from caseapp.audit.operations import today
from caseapp.cases.operations import add_note
from caseapp.enums import CASE_RESULTS
from caseapp.models import (
    AuditEntry,
    Case,
    CaseLeefgebied,
    CasePartner,
    CasePerson,
    Intervention,
    Note,
    Person,
    RetentionPeriod,
    StatusChange,
    User,
)
from caseapp.reports import operations as reports
from caseapp.retention import operations
from caseapp.retention.models import CaseAnonymised
from caseapp.workflow.definitions import start_of_day

DAY = date(2030, 6, 15)  # "today" for the purges that take a day: no 29 February near it


def years_before(day, years):
    return day.replace(year=day.year - years)


def on(day, hour=12):
    """A moment (naive UTC) at `hour` o'clock Dutch time on `day`."""
    return start_of_day(day) + timedelta(hours=hour)


def late_on(day):
    return start_of_day(day + timedelta(days=1)) - timedelta(minutes=1)


@pytest.fixture
def region(make):
    lisse = make.gemeente("Lisse", wijken=("Centrum", "De Engel"))
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    return {
        "lisse": lisse,
        "team": team,
        "politie": make.organisation("politie", "Politie Bollenstreek"),
        "coordinator": make.user("coordinator", team, [lisse]),
        "analyst": make.user("analyst", team, [lisse]),
        "admin": make.user("admin", team, [lisse]),
    }


def closed_case(make, region, result="opgelost", closed_at=None, **fields):
    person = make.person()
    return make.case(region["lisse"], status="afgesloten", result=result, closed_at=closed_at,
                     opened_on=(closed_at - timedelta(days=200)).date(), coordinator=region["coordinator"],
                     persons=[(person, "betrokkene")], **fields)


def run_purge(app, session, day=DAY):
    with app.app_context():
        purged = operations.purge(None, day)
    session.expire_all()
    return purged


def anonymised_ids(session):
    return set(session.scalars(select(Case.id).where(Case.anonymised_at.is_not(None))))


def set_periods(app, admin, **years):
    with app.app_context():
        operations.set_periods(admin, years)
        db.session().commit()


# -- which cases ----------------------------------------------------------------------------------------


def test_the_migration_sets_a_period_for_every_result(session):
    periods = {period.result: period.years for period in session.scalars(select(RetentionPeriod))}
    assert set(periods) == set(CASE_RESULTS)
    assert all(1 <= years <= 30 for years in periods.values())


# Closed when, relative to the day of the purge and the result's period of `years`; purged or not.
BOUNDARY = [
    ("late on the day before the anniversary", lambda years: late_on(years_before(DAY, years) - timedelta(days=1)),
     True),
    ("long before", lambda years: on(years_before(DAY, years + 3)), True),
    ("early on the anniversary", lambda years: start_of_day(years_before(DAY, years)), False),
    ("the day after the anniversary", lambda years: on(years_before(DAY, years) + timedelta(days=1)), False),
    ("yesterday", lambda _years: on(DAY - timedelta(days=1)), False),
    ("today", lambda _years: on(DAY, 0), False),
]


@pytest.mark.parametrize("result", list(CASE_RESULTS))
def test_purge_takes_exactly_the_cases_past_the_period_of_their_result(app, make, session, region, result):
    years = session.get(RetentionPeriod, result).years
    cases = {label: closed_case(make, region, result, closed_at(years)) for label, closed_at, _ in BOUNDARY}
    other_result = next(other for other in CASE_RESULTS if other != result)
    open_case = make.case(region["lisse"], status="monitoring", opened_on=years_before(DAY, 20))
    # Past this result's period, but not past the other result's (set long): only the case's own result counts.
    set_periods(app, region["admin"], **{other_result: 30})
    elsewhere = closed_case(make, region, other_result, on(years_before(DAY, years) - timedelta(days=30)))

    purged = run_purge(app, session)

    expected = {cases[label].id for label, _, past in BOUNDARY if past}
    assert anonymised_ids(session) == expected
    assert purged.cases == {result: len(expected)}
    assert session.get(Case, open_case.id).anonymised_at is None
    assert session.get(Case, elsewhere.id).anonymised_at is None


def test_a_case_closed_yesterday_is_never_purged(app, make, session, region):
    set_periods(app, region["admin"], **{result: 1 for result in CASE_RESULTS})
    recent = [closed_case(make, region, result, on(today() - timedelta(days=1))) for result in CASE_RESULTS]
    assert run_purge(app, session, today()).total == 0
    assert all(session.get(Case, case.id).anonymised_at is None for case in recent)


@pytest.mark.parametrize("type, decided, closed_years_ago, purged", [
    ("sluiting_13b", True, 6, False),  # a closure decision: 10 years, though the result says 5
    ("sluiting_174a", True, 9, False),
    ("sluiting_13b", True, 11, True),
    ("sluiting_13b", False, 6, True),  # no decision was taken: the result's period
    ("gesprek", True, 6, True),
])
def test_a_closure_decision_keeps_its_case_ten_years(app, make, session, region, type, decided, closed_years_ago,
                                                       purged):
    set_periods(app, region["admin"], opgelost=5)
    case = closed_case(make, region, "opgelost", on(years_before(DAY, closed_years_ago)))
    owner = {"owner_organisation": region["team"]} if type == "gesprek" else {}
    make.intervention(case, type, "afgerond" if type == "gesprek" else "opgeheven",
                      decided_at=on(years_before(DAY, closed_years_ago + 1)) if decided else None, **owner)
    run_purge(app, session)
    assert (session.get(Case, case.id).anonymised_at is not None) is purged


# -- what the purge does to a case ----------------------------------------------------------------------


@pytest.fixture
def rich_case(make, session, region):
    """A closed case past its period with every kind of personal data, and persons some of whom are elsewhere."""
    only_here, on_another_case, in_another_measure = make.person("Anna"), make.person("Bert"), make.person("Cor")
    case = make.case(region["lisse"], status="afgesloten", result="opgelost", closed_at=on(years_before(DAY, 10)),
                     opened_on=years_before(DAY, 11), coordinator=region["coordinator"], type="huiselijk_geweld",
                     address="Heereweg 12, Lisse", description="Vader dreigt, buren bellen de politie.",
                     persons=[(only_here, "betrokkene"), (on_another_case, "melder"),
                              (in_another_measure, "huisgenoot")],
                     partners=[region["politie"]])
    make.case(region["lisse"], persons=[(on_another_case, "betrokkene")])
    elsewhere = make.case(region["lisse"], status="uitvoering")
    make.intervention(elsewhere, "gebiedsverbod", "opgelegd", person=in_another_measure)
    decided = on(years_before(DAY, 10) - timedelta(days=40))
    huisverbod = make.intervention(case, "huisverbod", "afgerond", person=only_here, decided_at=decided,
                                   ends_at=decided + timedelta(days=10), description="Huisverbod na escalatie.")
    make.intervention(case, "gesprek", "afgerond", person=on_another_case, outcome="afgesproken",
                                owner_organisation=region["team"], description="Keukentafelgesprek.",
                                outcome_note="Bert zegt toe hulp te zoeken.")
    make.intervention(case, "sluiting_174a", "vervallen", premises_address="Heereweg 12, Lisse",
                                 business_name="Café De Engel", kvk_number="12345678")
    make.note(case, region["coordinator"], body="Anna vertelt over de schulden.")
    make.note(case, region["coordinator"], body="Huisbezoek met de wijkagent.", visibility="intern")
    session.add_all([
        StatusChange(case_id=case.id, transition="afsluiten", from_status="monitoring", to_status="afgesloten",
                     at=case.closed_at, reason="Rust in huis sinds de zomer."),
        StatusChange(case_id=case.id, intervention_id=huisverbod.id, transition="afronden", from_status="opgelegd",
                     to_status="afgerond", at=decided, reason="Anna is naar haar zus.", note="opgeschort: 2 dagen"),
    ])
    session.commit()
    return {"case": case.id, "only_here": only_here.id, "on_another_case": on_another_case.id,
            "in_another_measure": in_another_measure.id}


def snapshot(session, case_id):
    """What the counts are made of: must be the same after the purge."""
    case = session.get(Case, case_id)
    return {
        "case": (case.type, case.status, case.result, case.gemeente_id, case.wijk_id, case.risk_level,
                 case.coordinator_id, case.opened_on, case.closed_at, case.created_at),
        "leefgebieden": sorted(session.scalars(select(CaseLeefgebied.leefgebied).where(
            CaseLeefgebied.case_id == case_id))),
        "partners": sorted(session.scalars(select(CasePartner.organisation_id).where(CasePartner.case_id == case_id))),
        "interventions": session.execute(select(
            Intervention.id, Intervention.type, Intervention.status, Intervention.decided_at, Intervention.ends_at,
            Intervention.extension_count, Intervention.outcome, Intervention.owner_organisation_id,
            Intervention.created_at).where(Intervention.case_id == case_id).order_by(Intervention.id)).all(),
        "history": session.execute(select(
            StatusChange.id, StatusChange.transition, StatusChange.from_status, StatusChange.to_status,
            StatusChange.at, StatusChange.note).where(StatusChange.case_id == case_id)
            .order_by(StatusChange.id)).all(),
    }


def test_purge_removes_personal_data_and_free_text_and_keeps_what_is_counted(app, session, rich_case):
    case_id = rich_case["case"]
    before = snapshot(session, case_id)

    purged = run_purge(app, session)

    assert purged.cases == {"opgelost": 1}
    assert snapshot(session, case_id) == before
    case = session.get(Case, case_id)
    assert case.anonymised_at is not None
    assert (case.address, case.description) == ("", "")
    assert session.scalar(select(func.count()).select_from(Note).where(Note.case_id == case_id)) == 0
    assert session.scalars(select(CasePerson).where(CasePerson.case_id == case_id)).all() == []
    assert set(session.scalars(select(StatusChange.reason).where(StatusChange.case_id == case_id))) == {""}
    for intervention in session.scalars(select(Intervention).where(Intervention.case_id == case_id)):
        assert all(getattr(intervention, name) == "" for name in operations.INTERVENTION_TEXT)
        if intervention.type == "huisverbod":  # the database requires a person: an empty stand-in
            stand_in = intervention.person
            assert (stand_in.first_name, stand_in.last_name, stand_in.date_of_birth, stand_in.bsn, stand_in.address,
                    stand_in.phone) == ("", operations.STAND_IN_NAME, None, None, "", "")
            assert session.scalar(select(CasePerson).where(CasePerson.person_id == stand_in.id)) is None
        else:
            assert intervention.person_id is None


def test_purge_deletes_the_persons_nothing_else_holds(app, session, rich_case):
    purged = run_purge(app, session)

    assert session.get(Person, rich_case["only_here"]) is None
    assert session.get(Person, rich_case["on_another_case"]) is not None  # still on an open case
    assert session.get(Person, rich_case["in_another_measure"]) is not None  # still named by a measure
    assert (purged.persons_deleted, purged.persons_kept) == (1, 2)


def test_every_purge_is_audited(app, session, rich_case):
    run_purge(app, session)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge").order_by(AuditEntry.id)).all()
    case_id = rich_case["case"]
    assert [(e.record_type, e.record_id, e.case_id, e.person_id) for e in entries] == [
        ("person", rich_case["only_here"], case_id, rich_case["only_here"]),
        ("case", case_id, case_id, None),
    ]
    assert entries[-1].role == "" and entries[-1].client_address == "cli"
    assert "bewaartermijn" in entries[-1].detail and "personen verwijderd: 1, behouden: 2" in entries[-1].detail
    assert all("Anna" not in e.detail and "Heereweg" not in e.detail for e in entries)


def test_a_case_is_purged_once(app, session, rich_case):
    assert run_purge(app, session).total == 1
    assert run_purge(app, session).total == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "purge", AuditEntry.record_type == "case")) == 1


def test_every_text_column_is_either_purged_or_kept_on_purpose():
    """A new text column on a case or intervention fails here until the purge (or this list) decides on it."""
    kept = {
        Case: {"type", "status", "risk_level", "result"},  # choices: what the reports count
        Intervention: {"type", "status", "enforcement", "conclusion", "decision", "outcome"},  # choices
        StatusChange: {"transition", "from_status", "to_status", "note"},  # declared names; the engine's own note
    }
    purged = {
        Case: {"address", "description"},
        Intervention: set(operations.INTERVENTION_TEXT),
        StatusChange: {"reason"},
    }
    for model, names in kept.items():
        text = {column.name for column in model.__table__.columns if isinstance(column.type, String | Text)}
        assert text == names | purged[model], model.__name__


# -- counts stay ----------------------------------------------------------------------------------------


def test_the_analysts_counts_are_the_same_after_the_purge(app, make, session, region, login):
    day = today()
    for years_ago, type, result in [(2, "woonoverlast", "opgelost"), (3, "verward_gedrag", "geen_grond"),
                                    (3, "woonoverlast", "overgedragen"), (4, "jeugdoverlast", "gestopt")]:
        closed_case(make, region, result, on(years_before(day, years_ago)), type=type)
    closed_case(make, region, "verhuisd", on(day - timedelta(days=3)))
    for status in ("aangemeld", "uitvoering", "monitoring"):
        make.case(region["lisse"], status=status, opened_on=years_before(day, 1))
    set_periods(app, region["admin"], **{result: 1 for result in CASE_RESULTS})
    analyst = region["analyst"]

    def counts():
        with app.app_context():
            years = reports.report_years()
            return (reports.cases_opened_per_type_and_year(analyst, years).counts,
                    reports.open_cases_per_gemeente_and_status(analyst).counts)

    def page():  # as the analyst sees it, but for the form tokens
        return re.sub(r'name="csrf_token" value="[^"]*"', "", login(analyst).get("/overzicht/").text)

    before, page_before = counts(), page()
    assert run_purge(app, session, day).total == 4
    assert counts() == before
    assert page() == page_before


# -- the command ----------------------------------------------------------------------------------------


def test_dry_run_lists_and_changes_nothing_then_uitvoeren_purges(app, make, session, region):
    day = today()
    old = closed_case(make, region, "opgelost", on(years_before(day, 20)), description="Vertrouwelijk.")
    older = closed_case(make, region, "opgelost", on(years_before(day, 25)))
    closed_case(make, region, "opgelost", on(day - timedelta(days=1)))  # within its period: listed nowhere
    make.note(old, region["coordinator"], body="Notitie.")
    tables = (Case, CasePerson, Note, Person, Intervention, StatusChange)

    def state():
        rows = session.execute(select(Case.id, Case.address, Case.description, Case.anonymised_at, Case.version)
                               .order_by(Case.id)).all()
        return rows, [session.scalar(select(func.count()).select_from(model)) for model in tables]

    before = state()
    dry = app.test_cli_runner().invoke(args=["bewaartermijnen"])

    assert dry.exit_code == 0, dry.output
    assert "proefdraai" in dry.output
    oldest = years_before(day, 25).strftime("%d-%m-%Y")
    assert f"Opgelost (5 jaar): 2 casussen, de oudste afgesloten op {oldest}" in dry.output
    listed = re.findall(r"casus-id's: ([\d, ]+)", dry.output)
    assert listed == [f"{older.id}, {old.id}"]
    assert "Totaal: 2 casussen over de bewaartermijn" in dry.output
    session.expire_all()
    assert state() == before
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "purge")) == 0

    run = app.test_cli_runner().invoke(args=["bewaartermijnen", "--uitvoeren"])

    assert run.exit_code == 0, run.output
    assert "Geanonimiseerd: 2 casussen (Opgelost 2); personen verwijderd: 2" in run.output
    assert anonymised_ids(session) == {old.id, older.id}


# -- an anonymised case stays so ------------------------------------------------------------------------


@pytest.fixture
def anonymised(app, make, session, region):
    case = closed_case(make, region, "opgelost", on(years_before(DAY, 20)), address="Kerkstraat 3, Lisse")
    run_purge(app, session)
    return session.get(Case, case.id)


def test_nothing_can_be_added_to_an_anonymised_case(app, session, region, anonymised):
    with app.app_context(), pytest.raises(CaseAnonymised):
        coordinator = db.session().get(User, region["coordinator"].id)
        add_note(coordinator, db.session().get(Case, anonymised.id), body="Nog iets.", visibility="intern")
        db.session().flush()


def test_the_case_page_shows_an_anonymised_case_read_only(login, session, region, anonymised):
    client = login(region["coordinator"])
    page = client.get(f"/casussen/{anonymised.id}").text
    assert "geanonimiseerd omdat de bewaartermijn verstreken was" in page
    assert "Notitie toevoegen" not in page and "Casus bewerken" not in page and "Casus heropenen" not in page

    edit = client.get(f"/casussen/{anonymised.id}/bewerken")
    assert edit.status_code == 302 and edit.location.endswith(f"/casussen/{anonymised.id}")
    note = client.post(f"/casussen/{anonymised.id}/notities", data={"body": "Nog iets.", "visibility": "intern"})
    reopen = client.post(f"/casussen/{anonymised.id}/status/heropenen", data={"heropenen-reason": "Nieuwe melding."})

    assert note.status_code == reopen.status_code == 409
    assert "Deze casus is geanonimiseerd" in note.text and "Deze casus is geanonimiseerd" in reopen.text
    session.expire_all()
    assert session.get(Case, anonymised.id).status == "afgesloten"
    assert session.scalar(select(func.count()).select_from(Note).where(Note.case_id == anonymised.id)) == 0


# -- the admin page -------------------------------------------------------------------------------------


def test_admin_sets_the_periods_and_the_change_is_audited(as_admin, session, admin):
    page = as_admin.get("/beheer/bewaartermijnen/").text
    assert all(label in page for label in CASE_RESULTS.values())
    data = {result: session.get(RetentionPeriod, result).years for result in CASE_RESULTS}
    before = data["geen_grond"]

    response = as_admin.post("/beheer/bewaartermijnen/", data={**data, "geen_grond": 7})

    assert response.status_code == 302
    session.expire_all()
    period = session.get(RetentionPeriod, "geen_grond")
    assert (period.years, period.updated_by_id) == (7, admin.id)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "retention_period")).all()
    assert [(e.action, e.user_id, e.detail) for e in entries] == [
        ("update", admin.id, f"geen_grond: {before} jaar -> 7 jaar")]


@pytest.mark.parametrize("typed, message", [
    ("0", "Kies 1 tot en met 30 jaar."),
    ("31", "Kies 1 tot en met 30 jaar."),
    ("vijf", "Kies 1 tot en met 30 jaar."),
    ("", "Vul de bewaartermijn voor ‘Opgelost’ in."),
])
def test_a_wrong_period_is_refused_and_changes_nothing(as_admin, session, typed, message):
    data = {result: session.get(RetentionPeriod, result).years for result in CASE_RESULTS}
    response = as_admin.post("/beheer/bewaartermijnen/", data={**data, "opgelost": typed})
    assert response.status_code == 200
    assert message in response.text and f'value="{typed}"' in response.text
    session.expire_all()
    assert {result: session.get(RetentionPeriod, result).years for result in CASE_RESULTS} == data
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.record_type == "retention_period")) == 0
