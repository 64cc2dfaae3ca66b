"""The legal boundaries of DESIGN §3, each as its own test or table row: what the law allows goes through,
one step past it is refused with a message that says why."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from caseapp.deadlines.operations import overview
from caseapp.models import Case, CasePerson, Deadline, Intervention, Organisation, Person, User
from caseapp.workflow.deadlines import subject_keys
from caseapp.workflow.definitions import end_of_day, later, local_date, start_of_day
from caseapp.workflow.engine import WorkflowError, fire, history, start
from caseapp.workflow.processes import PROCESS_OF_TYPE, PROCESSES, RESUME, SUSPEND
from tests import test_workflow
from tests.test_workflow import NOW, REASON, TODAY, deadline_rows, situate, within

world, app_session = test_workflow.world, test_workflow.app_session  # the fixtures the table uses

IMPOSED = datetime(2025, 6, 2, 14, 0)  # a huisverbod imposed at 16:00 Dutch time


def refusal(call):
    """The message of the WorkflowError `call` raises."""
    with pytest.raises(WorkflowError) as caught:
        call()
    return " ".join(caught.value.messages)


def deadlines_by_key(s, subject):
    """The latest deadline row of each key."""
    return {row.key: row for row in deadline_rows(s, subject)}


def coordinator_of(s, world):
    return s.get(User, world.users["coordinator"].id)


def born_years_ago(years, days=0):
    """A date of birth `years` years (and `days` days) before TODAY."""
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


def huisverbod(make, world, status="opgelegd", **columns):
    """A huisverbod against the world's adult, imposed at IMPOSED for ten days once past voorbereiding."""
    if status != "voorbereiding":
        columns = {"decided_at": IMPOSED, "ends_at": IMPOSED + timedelta(days=10), **columns}
    return make.intervention(world.case, "huisverbod", status, **{"person": world.person, **columns})


# -- huisverbod (Wet tijdelijk huisverbod) --------------------------------------------------------------------


@pytest.mark.parametrize(("decided", "until", "refused_because"), [
    pytest.param(timedelta(days=9), timedelta(days=28), None, id="decided on day 9, to day 28"),
    pytest.param(timedelta(days=1), timedelta(days=14), None, id="decided on day 1, to day 14"),
    pytest.param(timedelta(days=9, hours=23), timedelta(days=28), None, id="decided in its last hour"),
    pytest.param(timedelta(days=9), timedelta(days=29), "ten hoogste tot vier weken (28 dagen)", id="to day 29"),
    pytest.param(timedelta(days=9), timedelta(days=28, minutes=1), "ten hoogste tot vier weken (28 dagen)",
                 id="a minute past day 28"),
    pytest.param(timedelta(days=10), timedelta(days=28), "afgelopen", id="decided the moment it ends"),
    pytest.param(timedelta(days=11), timedelta(days=28), "afgelopen", id="decided after expiry"),
    pytest.param(timedelta(days=9), timedelta(days=10), "later liggen dan de huidige", id="not beyond the end"),
])
def test_huisverbod_extension_is_decided_while_it_runs_and_reaches_at_most_day_28(
        world, make, app_session, decided, until, refused_because):
    arranged = huisverbod(make, world)
    s = app_session
    subject, actor = s.get(Intervention, arranged.id), coordinator_of(s, world)

    def extend():
        return fire(actor, subject, "verlengen", now=IMPOSED + decided, extension_decided_at=IMPOSED + decided,
                    ends_at=IMPOSED + until)

    if refused_because:
        assert refused_because in refusal(extend)
        assert (subject.status, subject.ends_at, subject.extension_count, subject.version) == (
            "opgelegd", IMPOSED + timedelta(days=10), 0, 1)
    else:
        extend()
        assert (subject.status, subject.ends_at, subject.extension_count) == ("verlengd", IMPOSED + until, 1)
        deadlines = deadlines_by_key(s, subject)
        assert deadlines["einde"].due_at == deadlines["hulpverlening"].due_at == IMPOSED + until


@pytest.mark.parametrize(("until", "allowed"), [(timedelta(days=28), True), (timedelta(days=29), False)])
def test_a_second_extension_also_stops_at_day_28(world, make, app_session, until, allowed):
    arranged = huisverbod(make, world, "verlengd", ends_at=IMPOSED + timedelta(days=14), extension_count=1)
    s = app_session
    subject, actor = s.get(Intervention, arranged.id), coordinator_of(s, world)
    moment = IMPOSED + timedelta(days=13)

    def extend():
        return fire(actor, subject, "verlengen", now=moment, extension_decided_at=moment, ends_at=IMPOSED + until)

    if allowed:
        assert extend().ends_at == IMPOSED + until
    else:
        assert "28 dagen" in refusal(extend)


@pytest.mark.parametrize(("date_of_birth", "refused_because"), [
    pytest.param(born_years_ago(17), "alleen worden opgelegd aan een meerderjarige", id="17 years old"),
    pytest.param(born_years_ago(18, days=-1), "alleen worden opgelegd aan een meerderjarige", id="18 tomorrow"),
    pytest.param(born_years_ago(18), None, id="18 today"),
    pytest.param(None, "Leg eerst de geboortedatum van de persoon vast", id="date of birth unknown"),
])
def test_huisverbod_is_started_only_against_an_adult(world, make, app_session, date_of_birth, refused_because):
    person = make.person("Sam", "Bakker", date_of_birth=date_of_birth)
    other = make.case(world.gemeente, status="uitvoering", persons=[(person, "betrokkene")])
    s = app_session

    def begin():
        return start(coordinator_of(s, world), s.get(Case, other.id), "huisverbod", now=NOW,
                     person=s.get(Person, person.id))

    if refused_because:
        assert refused_because in refusal(begin)
        assert s.get(Case, other.id).interventions == []
    else:
        assert begin().status == "voorbereiding"


def test_huisverbod_is_imposed_only_on_an_adult(world, make, app_session):
    """Here the person is on the case as a minor already; Veilig Thuis was consulted, so only age refuses."""
    minor = make.person("Sam", "Bakker", date_of_birth=born_years_ago(16))
    other = make.case(world.gemeente, status="uitvoering", persons=[(minor, "betrokkene")])
    arranged = make.intervention(other, "huisverbod", "voorbereiding", person=minor,
                                 veilig_thuis_consulted_at=NOW - timedelta(hours=3))
    s = app_session
    subject = s.get(Intervention, arranged.id)
    message = refusal(lambda: fire(coordinator_of(s, world), subject, "opleggen", now=NOW,
                                   decided_at=NOW - timedelta(hours=1)))
    assert message == "Een huisverbod kan alleen worden opgelegd aan een meerderjarige."
    assert subject.status == "voorbereiding" and subject.decided_at is None


@pytest.mark.parametrize(("child_role", "consulted", "allowed"), [
    pytest.param(None, None, True, id="no children: no consultation needed"),
    pytest.param("minderjarige", None, False, id="minor in household, Veilig Thuis not consulted"),
    pytest.param("huisgenoot", None, False, id="a housemate who is 12, Veilig Thuis not consulted"),
    pytest.param("minderjarige", timedelta(hours=-2), True, id="Veilig Thuis consulted before imposing"),
    pytest.param("minderjarige", timedelta(minutes=30), False, id="Veilig Thuis consulted only after imposing"),
])
def test_huisverbod_with_minors_in_the_household_needs_veilig_thuis_first(
        world, make, app_session, child_role, consulted, allowed):
    if child_role:
        child = make.person("Noor", "de Vries", date_of_birth=born_years_ago(12))
        make.session.add(CasePerson(case=world.case, person=child, role=child_role, added_at=NOW))
        make.session.commit()
    imposed = NOW - timedelta(hours=1)
    arranged = huisverbod(make, world, "voorbereiding")
    s = app_session
    subject, actor = s.get(Intervention, arranged.id), coordinator_of(s, world)
    if consulted is not None:
        fire(actor, subject, "veilig_thuis_geraadpleegd", now=NOW, veilig_thuis_consulted_at=imposed + consulted)

    def impose():
        return fire(actor, subject, "opleggen", now=NOW, decided_at=imposed)

    if allowed:
        assert impose().status == "opgelegd"
    else:
        assert refusal(impose) == ("Er zijn minderjarigen in het huishouden: leg eerst vast dat Veilig Thuis is "
                                   "geraadpleegd.")
        assert subject.status == "voorbereiding"


def test_imposing_a_huisverbod_starts_its_10_day_end_and_the_24_hour_contact_address_task(world, make, app_session):
    arranged = huisverbod(make, world, "voorbereiding")
    s = app_session
    subject = s.get(Intervention, arranged.id)
    fire(coordinator_of(s, world), subject, "opleggen", now=IMPOSED + timedelta(minutes=5), decided_at=IMPOSED)
    deadlines = deadlines_by_key(s, subject)
    assert subject.ends_at == IMPOSED + timedelta(days=10)
    assert {key: (row.kind, row.due_at, row.closed_at) for key, row in deadlines.items()} == {
        "einde": ("termijn", IMPOSED + timedelta(days=10), None),
        "contactadres": ("taak", IMPOSED + timedelta(hours=24), None),
        "hulpverlening": ("taak", IMPOSED + timedelta(days=10), None),
    }


def test_an_appeal_starts_the_3_day_deadline_for_the_court_hearing(world, make, app_session):
    arranged = huisverbod(make, world)
    s = app_session
    subject, actor = s.get(Intervention, arranged.id), coordinator_of(s, world)
    appeal = IMPOSED + timedelta(days=1, hours=2)
    fire(actor, subject, "beroep_ingesteld", now=appeal, appeal_at=appeal)
    row = deadlines_by_key(s, subject)["beroep"]
    assert (row.due_at, row.closed_at) == (end_of_day(local_date(appeal) + timedelta(days=3)), None)

    fire(actor, subject, "beroep_behandeld", now=appeal + timedelta(days=2), reason="Huisverbod in stand gelaten.")
    assert (row.closed_at, row.met) == (appeal + timedelta(days=2), True)


def test_a_hearing_without_an_appeal_is_refused(world, make, app_session):
    arranged = huisverbod(make, world)
    s = app_session
    message = refusal(lambda: fire(coordinator_of(s, world), s.get(Intervention, arranged.id), "beroep_behandeld",
                                   now=NOW, reason="Uitspraak."))
    assert message == "Er is geen beroep ingesteld."


# -- gedragsaanwijzing (art. 151d Gemeentewet) ----------------------------------------------------------------

MISSING_STEPS = "ontbreekt: gesprek, buurtbemiddeling, bestuurlijke waarschuwing, zorgtraject."


@pytest.mark.parametrize(("steps", "allowed"), [
    pytest.param([], False, id="no lighter step"),
    pytest.param([("gesprek", "gepland")], False, id="a gesprek only planned"),
    pytest.param([("waarschuwing", "concept")], False, id="a waarschuwing not sent"),
    pytest.param([("gesprek", "afgerond")], True, id="a completed gesprek"),
    pytest.param([("buurtbemiddeling", "afgerond")], True, id="completed buurtbemiddeling"),
    pytest.param([("zorgtraject", "afgerond")], True, id="a completed zorgtraject"),
    pytest.param([("waarschuwing", "verzonden")], True, id="a sent waarschuwing"),
])
def test_gedragsaanwijzing_only_after_a_lighter_step(world, make, app_session, steps, allowed):
    for type, status in steps:
        owner = {"owner_organisation": world.owner} if type != "waarschuwing" else {"person": world.person}
        make.intervention(world.case, type, status, **owner)
    s = app_session
    the = within(s, world)

    def begin():
        return start(the.users["coordinator"], the.case, "gedragsaanwijzing", now=NOW, person=the.person)

    if allowed:
        assert begin().status == "voorbereiding"
    else:
        message = refusal(begin)
        assert message.startswith("Een gedragsaanwijzing kan pas als lichtere middelen zijn geprobeerd.")
        assert message.endswith(MISSING_STEPS)


def test_gedragsaanwijzing_only_where_the_apv_has_the_duty_of_care(world, make, app_session):
    world.gemeente.apv_151d = False
    make.intervention(world.case, "gesprek", "afgerond", owner_organisation=world.owner)
    s = app_session
    the = within(s, world)
    message = refusal(lambda: start(the.users["coordinator"], the.case, "gedragsaanwijzing", now=NOW,
                                    person=the.person))
    assert message == (f"De APV van {world.gemeente.name} bevat geen zorgplichtbepaling voor woonoverlast; een "
                       "gedragsaanwijzing (art. 151d) is daar niet mogelijk.")


# -- gebiedsverbod, groepsverbod, meldplicht (art. 172a Gemeentewet) ------------------------------------------


def test_172a_runs_three_months_and_is_extended_at_most_three_times(world, make, app_session):
    s = app_session
    the = within(s, world)
    actor = the.users["coordinator"]
    imposed_on = date(2025, 1, 6)
    measure = start(actor, the.case, "gebiedsverbod", now=datetime(2025, 1, 6, 8), person=the.person,
                    description="Gebiedsverbod winkelcentrum")
    fire(actor, measure, "opleggen", now=datetime(2025, 1, 6, 9), decided_on=imposed_on)
    assert local_date(measure.ends_at) == date(2025, 4, 5)  # three months, the first day included

    for number, (decided_on, ends_on) in enumerate([(date(2025, 4, 1), date(2025, 7, 5)),
                                                     (date(2025, 7, 1), date(2025, 10, 5)),
                                                     (date(2025, 10, 1), date(2026, 1, 5))], start=1):
        fire(actor, measure, "verlengen", now=start_of_day(decided_on) + timedelta(hours=9),
             extension_decided_on=decided_on)
        assert (measure.extension_count, local_date(measure.ends_at)) == (number, ends_on)
        assert deadlines_by_key(s, measure)["einde"].due_at == measure.ends_at

    fourth = refusal(lambda: fire(actor, measure, "verlengen", now=datetime(2025, 12, 30, 9),
                                  extension_decided_on=date(2025, 12, 30)))
    assert fourth == "Een maatregel op grond van art. 172a kan ten hoogste drie keer met drie maanden worden verlengd."
    assert (measure.extension_count, local_date(measure.ends_at)) == (3, date(2026, 1, 5))


def test_172a_is_extended_only_while_it_runs(world, make, app_session):
    arranged = make.intervention(world.case, "meldplicht", "opgelegd", person=world.person,
                                 decided_at=start_of_day(date(2025, 1, 6)), ends_at=end_of_day(date(2025, 4, 5)))
    s = app_session
    message = refusal(lambda: fire(coordinator_of(s, world), s.get(Intervention, arranged.id), "verlengen",
                                   now=datetime(2025, 4, 7, 9), extension_decided_on=date(2025, 4, 7)))
    assert message == "De maatregel is al afgelopen; verlengen kan alleen zolang hij loopt."


@pytest.mark.parametrize("type", ["gebiedsverbod", "groepsverbod", "meldplicht"])
def test_the_database_refuses_a_fourth_172a_extension(world, make, type):
    with pytest.raises(IntegrityError, match="extensions_172a"):
        make.intervention(world.case, type, "opgelegd", person=world.person, extension_count=4)
    make.session.rollback()


# -- sluiting (art. 13b Opiumwet, art. 174a Gemeentewet) ------------------------------------------------------


def sluiting(make, world, type="sluiting_13b", status="voornemen", **columns):
    """A sluiting of the café at Kerkstraat 1 whose zienswijze period ended yesterday (unless `columns` differ)."""
    defaults = {"premises_address": "Kerkstraat 1, Lisse", "report_received_on": TODAY - timedelta(days=30),
                "zienswijze_deadline": TODAY - timedelta(days=1) if status == "voornemen" else None}
    return make.intervention(world.case, type, status, **{**defaults, **columns})


def test_the_bezwaar_period_runs_6_weeks_from_the_besluit_lapses_and_does_not_stop_the_closure(
        world, make, app_session):
    arranged = sluiting(make, world)
    s = app_session
    subject, actor = s.get(Intervention, arranged.id), coordinator_of(s, world)
    fire(actor, subject, "besluiten", now=NOW, decided_on=TODAY, duration_months=6)
    bezwaar = deadlines_by_key(s, subject)["bezwaar"]
    assert (bezwaar.kind, bezwaar.lapses, bezwaar.due_at) == ("termijn", True, end_of_day(TODAY + timedelta(weeks=6)))

    fire(actor, subject, "bezwaar_ontvangen", now=NOW + timedelta(days=10),
         objection_received_on=TODAY + timedelta(days=10))
    fire(actor, subject, "uitvoeren", now=NOW + timedelta(days=14), executed_on=TODAY + timedelta(days=14))
    assert subject.status == "gesloten"  # the bezwaar does not suspend the closure
    assert subject.ends_at == later(TODAY + timedelta(days=14), months=6, days=-1)


def test_a_lapsed_bezwaar_period_is_never_overdue(world, make, app_session):
    arranged = sluiting(make, world)
    s = app_session
    subject, actor = s.get(Intervention, arranged.id), coordinator_of(s, world)
    fire(actor, subject, "besluiten", now=NOW, decided_on=TODAY, duration_months=6)
    fire(actor, subject, "wkpb_geregistreerd", now=NOW + timedelta(days=1))
    fire(actor, subject, "uitvoeren", now=NOW + timedelta(days=2), executed_on=TODAY + timedelta(days=2))
    after_the_period = NOW + timedelta(weeks=7)
    bezwaar = deadlines_by_key(s, subject)["bezwaar"]
    assert bezwaar.closed_at is None and bezwaar.due_at < after_the_period
    of_subject = Deadline.intervention_id == subject.id
    assert overview(of_subject, bezwaar.due_at - timedelta(days=3)).due_soon.total == 1  # announced before it ends
    assert overview(of_subject, after_the_period).overdue.total == 0


def test_a_besluit_tot_sluiting_creates_the_wkpb_registration_task(world, make, app_session):
    arranged = sluiting(make, world, "sluiting_174a")
    s = app_session
    subject, actor = s.get(Intervention, arranged.id), coordinator_of(s, world)
    fire(actor, subject, "besluiten", now=NOW, decided_on=TODAY, duration_months=3)
    wkpb = deadlines_by_key(s, subject)["wkpb"]
    assert (wkpb.kind, wkpb.due_at, wkpb.closed_at) == ("taak", end_of_day(TODAY + timedelta(days=4)), None)
    fire(actor, subject, "wkpb_geregistreerd", now=NOW + timedelta(days=1))
    assert (wkpb.closed_at, wkpb.met) == (NOW + timedelta(days=1), True)


def test_a_closure_is_lifted_only_after_its_wkpb_registration(world, make, app_session):
    arranged = sluiting(make, world, status="besloten", decided_at=start_of_day(TODAY), duration_months=3)
    s = app_session
    subject, actor = s.get(Intervention, arranged.id), coordinator_of(s, world)
    fire(actor, subject, "uitvoeren", now=NOW, executed_on=TODAY)
    assert "Registreer het besluit eerst in de Wkpb" in refusal(lambda: fire(actor, subject, "opheffen", now=NOW))
    assert subject.status == "gesloten"
    fire(actor, subject, "wkpb_geregistreerd", now=NOW)
    fire(actor, subject, "opheffen", now=NOW)
    assert subject.status == "opgeheven"


@pytest.mark.parametrize(("type", "columns", "refused_because"), [
    pytest.param("sluiting_174a", {}, "krijgen betrokkenen eerst een termijn om zelf maatregelen te nemen",
                 id="174a without a period for own measures"),
    pytest.param("sluiting_174a", {"urgent": True}, None, id="174a, urgent"),
    pytest.param("sluiting_174a", {"status": "eigen_maatregelen", "measures_until": TODAY},
                 "De termijn voor eigen maatregelen loopt tot en met", id="174a, the period still runs today"),
    pytest.param("sluiting_174a", {"status": "eigen_maatregelen", "measures_until": TODAY - timedelta(days=1)},
                 None, id="174a, the period has passed"),
    pytest.param("sluiting_13b", {}, None, id="13b needs no period for own measures"),
])
def test_174a_gives_those_involved_a_period_to_take_measures_unless_urgent(
        world, make, app_session, type, columns, refused_because):
    arranged = sluiting(make, world, type, **{"status": "rapportage", **columns})
    s = app_session
    subject = s.get(Intervention, arranged.id)

    def send_voornemen():
        return fire(coordinator_of(s, world), subject, "voornemen_verzenden", now=NOW,
                    zienswijze_deadline=TODAY + timedelta(days=14))

    if refused_because:
        assert refused_because in refusal(send_voornemen)
        assert subject.status == arranged.status
    else:
        assert send_voornemen().status == "voornemen"


@pytest.mark.parametrize(("type", "urgent", "refused_because"), [
    pytest.param("sluiting_174a", True, None, id="174a, urgent"),
    pytest.param("sluiting_174a", False, "Verzend eerst het voornemen en wacht de zienswijze af", id="174a"),
    pytest.param("sluiting_13b", True, "‘Besluit tot sluiting’ kan niet in de status ‘bestuurlijke rapportage "
                 "ontvangen’.", id="13b"),
])
def test_only_an_urgent_174a_goes_to_the_besluit_without_a_voornemen(
        world, make, app_session, type, urgent, refused_because):
    arranged = sluiting(make, world, type, "rapportage", urgent=urgent)
    s = app_session
    subject = s.get(Intervention, arranged.id)

    def decide():
        return fire(coordinator_of(s, world), subject, "besluiten", now=NOW, decided_on=TODAY, duration_months=3)

    if refused_because:
        assert refused_because in refusal(decide)
        assert subject.status == "rapportage"
    else:
        assert decide().status == "besloten"


def test_a_besluit_waits_for_the_zienswijze_period(world, make, app_session):
    arranged = sluiting(make, world, zienswijze_deadline=TODAY)
    s = app_session
    message = refusal(lambda: fire(coordinator_of(s, world), s.get(Intervention, arranged.id), "besluiten", now=NOW,
                                   decided_on=TODAY, duration_months=3))
    assert message.startswith(f"De zienswijzetermijn loopt tot en met {TODAY:%d-%m-%Y}.")


@pytest.mark.parametrize("type", ["sluiting_13b", "sluiting_174a", "bibob"])
def test_the_database_refuses_a_closure_or_bibob_against_a_person(world, make, type):
    with pytest.raises(IntegrityError, match="premises_no_person"):
        make.intervention(world.case, type, PROCESS_OF_TYPE[type].start.target, person=world.person,
                          premises_address="Kerkstraat 1, Lisse")
    make.session.rollback()


def test_a_bestuurlijke_waarschuwing_is_a_letter_without_a_bezwaar_period(world, make, app_session):
    s = app_session
    the = within(s, world)
    letter = start(the.users["coordinator"], the.case, "waarschuwing", now=NOW, person=the.person)
    fire(the.users["coordinator"], letter, "verzenden", now=NOW, decided_on=TODAY)
    assert (letter.status, deadline_rows(s, letter)) == ("verzonden", [])


# -- Bibob ----------------------------------------------------------------------------------------------------

# Art. 3 Wet Bibob: no danger, grant; a lesser degree, grant under conditions or refuse; serious danger, refuse or
# withdraw.
BIBOB_DECISIONS = {
    "geen": {"verlenen": True, "verlenen_voorwaarden": False, "weigeren": False, "intrekken": False},
    "mindere_mate": {"verlenen": False, "verlenen_voorwaarden": True, "weigeren": True, "intrekken": True},
    "ernstig": {"verlenen": False, "verlenen_voorwaarden": False, "weigeren": True, "intrekken": True},
}


@pytest.mark.parametrize(("conclusion", "decision", "allowed"), [
    pytest.param(conclusion, decision, allowed, id=f"{conclusion}-{decision}")
    for conclusion, decisions in BIBOB_DECISIONS.items() for decision, allowed in decisions.items()
])
def test_the_bibob_decision_fits_the_conclusion(world, make, app_session, conclusion, decision, allowed):
    arranged = make.intervention(world.case, "bibob", "geconcludeerd", business_name="Café De Hoek",
                                 conclusion=conclusion)
    s = app_session
    subject = s.get(Intervention, arranged.id)

    def decide():
        return fire(coordinator_of(s, world), subject, "besluiten", now=NOW, decision=decision, decided_on=TODAY)

    if allowed:
        assert (decide().status, subject.decision) == ("besloten", decision)
    else:
        assert refusal(decide).startswith("Bij de conclusie ")
        assert (subject.status, subject.decision) == ("geconcludeerd", "")


# -- the case -------------------------------------------------------------------------------------------------


def test_a_case_is_not_closed_while_an_intervention_runs(world, make, app_session):
    arranged = huisverbod(make, world, ends_at=NOW - timedelta(hours=1), decided_at=NOW - timedelta(days=10, hours=1))
    make.intervention(world.case, "gesprek", "afgerond", owner_organisation=world.owner)  # done: no obstacle
    s = app_session
    the = within(s, world)
    actor = the.users["coordinator"]

    message = refusal(lambda: fire(actor, the.case, "afsluiten", now=NOW, result="opgelost"))
    assert message == "De casus heeft nog lopende interventies: Tijdelijk huisverbod. Rond die eerst af."
    assert the.case.status == "uitvoering"

    fire(actor, s.get(Intervention, arranged.id), "afronden", now=NOW, outcome="beeindigd")
    assert refusal(lambda: fire(actor, the.case, "afsluiten", now=NOW)) == "Vul ‘Resultaat’ in."
    fire(actor, the.case, "afsluiten", now=NOW, result="opgelost")
    assert (the.case.status, the.case.result, the.case.closed_at) == ("afgesloten", "opgelost", NOW)


def test_reopening_a_case_needs_a_reason_and_clears_its_result(world, make, app_session):
    closed = make.case(world.gemeente, status="afgesloten", result="geen_grond", closed_at=NOW - timedelta(days=3))
    s = app_session
    case, actor = s.get(Case, closed.id), coordinator_of(s, world)
    assert refusal(lambda: fire(actor, case, "heropenen", now=NOW, reason="  ")) == "Geef een toelichting."
    assert (case.status, case.result) == ("afgesloten", "geen_grond")

    fire(actor, case, "heropenen", now=NOW, reason="Nieuwe meldingen van buren.")
    assert (case.status, case.result, case.closed_at) == ("onderzoek", None, None)
    assert history(case)[0].reason == "Nieuwe meldingen van buren."


def test_a_case_closed_while_suspended_can_be_reopened(world, make, app_session):
    suspended = make.case(world.gemeente, status="monitoring", suspended_since=NOW - timedelta(days=5))
    s = app_session
    case, actor = s.get(Case, suspended.id), coordinator_of(s, world)
    fire(actor, case, "afsluiten", now=NOW, result="verhuisd")
    fire(actor, case, "heropenen", now=NOW + timedelta(days=30), reason="Betrokkene is teruggekeerd.")
    assert (case.status, case.suspended_since) == ("onderzoek", None)


# -- suspension -----------------------------------------------------------------------------------------------

SUSPENDABLE = [
    pytest.param(process.key, status, id=f"{process.key}-{status}")
    for process in PROCESSES.values() if SUSPEND in process.transitions
    for status in process.transitions[SUSPEND].sources
]


@pytest.mark.parametrize(("process_key", "status"), SUSPENDABLE)
def test_a_suspension_of_5_days_moves_each_open_deadline_5_days(world, make, app_session, process_key, status):
    process = PROCESSES[process_key]
    arranged = situate(make, world, process, status)
    case_id, intervention_id = subject_keys(arranged)
    earlier = Deadline(case_id=case_id, intervention_id=intervention_id, key="eerder", label="Eerder gehaald",
                       kind="taak", started_at=NOW - timedelta(days=20), due_at=NOW - timedelta(days=10),
                       closed_at=NOW - timedelta(days=12), met=True)  # met before: it stays where it was
    make.session.add(earlier)
    make.session.commit()
    s = app_session
    subject, actor = s.get(type(arranged), arranged.id), coordinator_of(s, world)
    due_before = {row.id: row.due_at for row in deadline_rows(s, subject) if row.closed_at is None}

    fire(actor, subject, SUSPEND, now=NOW, reason="Betrokkene opgenomen in een kliniek.")
    fire(actor, subject, RESUME, now=NOW + timedelta(days=5, hours=3))

    rows = {row.id: row for row in deadline_rows(s, subject)}
    assert {id: (rows[id].due_at, rows[id].shift_days, rows[id].closed_at) for id in due_before} == {
        id: (due + timedelta(days=5), 5, None) for id, due in due_before.items()}
    assert (rows[earlier.id].due_at, rows[earlier.id].shift_days) == (NOW - timedelta(days=10), 0)
    resumed, suspended = history(subject)[:2]
    assert (suspended.transition, suspended.reason) == (SUSPEND, "Betrokkene opgenomen in een kliniek.")
    assert resumed.transition == RESUME
    assert resumed.note == (f"Opgeschort van {TODAY:%d-%m-%Y} tot {TODAY + timedelta(days=5):%d-%m-%Y}: 5 dagen; "
                            f"{len(due_before)} open termijn(en) 5 dagen opgeschoven.")
    assert (subject.status, subject.suspended_since) == (status, None)


def test_a_suspension_keeps_deadlines_at_the_end_of_the_dutch_day_across_the_clock_change(world, make, app_session):
    """Five calendar days from 27 March (winter time) is 1 April, to its last second in summer time."""
    arranged = make.intervention(world.case, "gedragsaanwijzing", "voornemen", person=world.person,
                                 zienswijze_deadline=date(2025, 3, 27))
    make.session.add(Deadline(case_id=world.case.id, intervention_id=arranged.id, key="zienswijze",
                              label="Zienswijzetermijn", kind="termijn", started_at=datetime(2025, 3, 13, 9),
                              due_at=end_of_day(date(2025, 3, 27))))
    make.session.commit()
    s = app_session
    subject, actor = s.get(Intervention, arranged.id), coordinator_of(s, world)
    fire(actor, subject, SUSPEND, now=datetime(2025, 3, 20, 9), reason="Mediation loopt.")
    fire(actor, subject, RESUME, now=datetime(2025, 3, 25, 9))
    [row] = deadline_rows(s, subject)
    assert (row.due_at, row.shift_days) == (end_of_day(date(2025, 4, 1)), 5)


@pytest.mark.parametrize(("process_key", "status", "blocked", "values", "allowed_instead"), [
    ("casus", "onderzoek", "plan_opstellen", {}, "afsluiten"),
    ("bibob", "onderzoek", "concluderen", {"conclusion": "geen"}, "stoppen"),
    ("sluiting_174a", "voornemen", "besluiten", {"decided_on": TODAY, "duration_months": 3}, "afzien"),
    ("stap", "gepland", "afronden", {"outcome": "effect"}, "vervallen"),
])
def test_while_suspended_only_resuming_and_stopping_are_allowed(world, make, app_session, process_key, status, blocked,
                                                                values, allowed_instead):
    process = PROCESSES[process_key]
    arranged = situate(make, world, process, status, suspended=True)
    s = app_session
    subject, actor = s.get(type(arranged), arranged.id), coordinator_of(s, world)
    assert refusal(lambda: fire(actor, subject, blocked, now=NOW, **values)) == "Dit is opgeschort. Hervat het eerst."
    assert refusal(lambda: fire(actor, subject, SUSPEND, now=NOW, reason=REASON)) == \
        "Dit is opgeschort. Hervat het eerst."
    stop = {"result": "gestopt"} if process_key == "casus" else {}
    fire(actor, subject, allowed_instead, now=NOW, reason=REASON, **stop)
    assert process.is_final(subject.status)


@pytest.mark.parametrize("process_key", ["huisverbod", "maatregel_172a"])
def test_a_huisverbod_or_172a_measure_cannot_be_suspended(world, make, app_session, process_key):
    """Their periods are set by law."""
    process = PROCESSES[process_key]
    assert SUSPEND not in process.transitions and RESUME not in process.transitions
    arranged = situate(make, world, process, "opgelegd")
    s = app_session
    message = refusal(lambda: fire(coordinator_of(s, world), s.get(Intervention, arranged.id), SUSPEND, now=NOW,
                                   reason=REASON))
    assert message == "Deze handeling bestaat niet in deze procedure."


# -- lighter and partner-owned steps ---------------------------------------------------------------------------


def test_a_step_is_owned_by_the_gemeente_or_a_partner_on_the_case(world, make, app_session):
    unassigned = make.organisation("ggz", "GGZ Rivierduinen")
    s = app_session
    case, actor = s.get(Case, world.case.id), coordinator_of(s, world)

    def plan(owner_id):
        return start(actor, case, "zorgtraject", now=NOW, owner_organisation=s.get(Organisation, owner_id),
                     due_on=TODAY + timedelta(days=14))

    assert refusal(lambda: plan(unassigned.id)) == (
        "Koppel GGZ Rivierduinen eerst als partner aan de casus; anders kan zij deze stap niet zien.")
    assert plan(world.owner.id).status == "gepland"  # a partner on the case
    assert plan(actor.organisation_id).status == "gepland"  # the gemeente's own team
