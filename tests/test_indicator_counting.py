"""The pre-aggregated indicator counts: every change to a record shows up in its buckets, the counts equal what a
rebuild from the records makes, and they survive deletion and the retention purge."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from caseapp import db
from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.indicators import counting
from caseapp.indicators.models import Indicator, IndicatorCount
from caseapp.meldingen.models import MeldingPerson
from caseapp.persons.models import Person
from caseapp.persons.operations import merge_persons
from caseapp.retention.models import RetentionPeriod
from caseapp.retention.operations import purge_case
from caseapp.workflow.models import StatusChange

DAY = date(2025, 5, 14)  # quarter 2


def count(session, key, gemeente, *, year=2025, quarter=0, month=0, wijk=None):
    indicator = session.scalar(select(Indicator).where(Indicator.key == key))
    return session.scalar(select(IndicatorCount.value).where(
        IndicatorCount.indicator_id == indicator.id, IndicatorCount.gemeente_id == gemeente.id,
        IndicatorCount.wijk_id == (wijk.id if wijk else 0), IndicatorCount.year == year,
        IndicatorCount.quarter == quarter, IndicatorCount.month == month)) or 0


def every_bucket(session, key, gemeente, wijk, day=DAY):
    """The counts of the year, quarter and month of `day`, for the gemeente and for the wijk."""
    quarter = (day.month - 1) // 3 + 1
    return [count(session, key, gemeente, year=day.year, quarter=q, month=m, wijk=w)
            for w in (None, wijk) for q, m in ((0, 0), (quarter, 0), (quarter, day.month))]


@pytest.fixture
def place(make):
    gemeente = make.gemeente()
    return gemeente, gemeente.wijken[0], make.user(gemeenten=[gemeente])


@pytest.fixture(autouse=True)
def consistent(session):
    """After every test: the stored facts and counts are what a rebuild from the records makes."""
    yield
    assert counting.differences(session) == []


def test_every_counted_indicator_has_a_rule_and_every_rule_its_indicator(session):
    counted = set(session.scalars(select(Indicator.key).where(Indicator.kind == "geteld")))
    assert counted == set(counting.RULES)


@pytest.mark.parametrize(("category", "key"), list(counting.MELDING_CATEGORIES.items()))
def test_a_melding_counts_in_the_year_quarter_and_month_of_gemeente_and_wijk(session, make, place, category, key):
    gemeente, wijk, user = place
    make.melding(gemeente, user, category=category, received_on=DAY, wijk=wijk)
    assert every_bucket(session, key, gemeente, wijk) == [1] * 6
    assert count(session, key, gemeente, year=2025, quarter=2, month=4) == 0


def test_a_melding_without_wijk_counts_for_the_gemeente_only(session, make, place):
    gemeente, wijk, user = place
    make.melding(gemeente, user, received_on=DAY, wijk=None)
    assert every_bucket(session, "meldingen_woonoverlast", gemeente, wijk) == [1, 1, 1, 0, 0, 0]


def test_other_meldingen_count_nowhere(session, make, place):
    gemeente, wijk, user = place
    make.melding(gemeente, user, category="radicalisering", received_on=DAY, wijk=wijk)
    assert session.scalar(select(IndicatorCount.value).where(IndicatorCount.value != 0)) is None


@pytest.mark.parametrize("change", ["category", "day", "wijk", "gemeente"])
def test_a_corrected_melding_moves_its_count(session, make, place, change):
    gemeente, wijk, user = place
    melding = make.melding(gemeente, user, received_on=DAY, wijk=wijk)
    other_gemeente = make.gemeente()
    new = {"category": ("meldingen_jeugdoverlast", gemeente, wijk, DAY),
           "day": ("meldingen_woonoverlast", gemeente, wijk, date(2024, 12, 31)),
           "wijk": ("meldingen_woonoverlast", gemeente, gemeente.wijken[1], DAY),
           "gemeente": ("meldingen_woonoverlast", other_gemeente, other_gemeente.wijken[0], DAY)}[change]
    key, to_gemeente, to_wijk, to_day = new
    if change == "category":
        melding.category = "jeugdoverlast"
    elif change == "day":
        melding.received_on = to_day
    else:
        melding.gemeente, melding.wijk = to_gemeente, to_wijk
    session.commit()
    assert every_bucket(session, key, to_gemeente, to_wijk, to_day) == [1] * 6
    if change != "wijk":
        assert every_bucket(session, "meldingen_woonoverlast", gemeente, wijk) == [0] * 6
    else:
        assert every_bucket(session, "meldingen_woonoverlast", gemeente, wijk) == [1, 1, 1, 0, 0, 0]


def test_a_person_counts_once_per_period_however_many_meldingen(session, make, place):
    gemeente, wijk, user = place
    person = make.person()
    first = make.melding(gemeente, user, category="verward_gedrag", received_on=date(2025, 1, 10), wijk=wijk,
                         persons=[(person, "betrokkene")])
    make.melding(gemeente, user, category="verward_gedrag", received_on=date(2025, 1, 20), wijk=wijk,
                 persons=[(person, "betrokkene")])
    second_month = make.melding(gemeente, user, category="verward_gedrag", received_on=date(2025, 2, 3), wijk=wijk,
                                persons=[(person, "betrokkene"), (make.person(), "melder")])
    key = "personen_verward_gedrag"
    assert count(session, key, gemeente) == 1
    assert count(session, key, gemeente, quarter=1) == 1
    assert count(session, key, gemeente, quarter=1, month=1) == 1
    assert count(session, key, gemeente, quarter=1, month=2) == 1
    assert count(session, "meldingen_verward_gedrag", gemeente) == 3

    session.delete(session.scalar(select(MeldingPerson).where(MeldingPerson.melding_id == second_month.id,
                                                              MeldingPerson.role == "betrokkene")))
    session.commit()
    assert count(session, key, gemeente, quarter=1, month=2) == 0
    assert count(session, key, gemeente) == 1
    first.persons.clear()
    session.commit()
    assert count(session, key, gemeente, quarter=1, month=1) == 1  # the melding of 20 January still names them


def test_structural_attention_counts_from_the_melding_that_reaches_the_threshold(session, make, place):
    gemeente, wijk, user = place
    person = make.person()
    days = [date(2025, 1, 5), date(2025, 3, 5), date(2025, 6, 5)]
    for day in days[:2]:
        make.melding(gemeente, user, category="woonoverlast", received_on=day, persons=[(person, "betrokkene")])
    key = "personen_verward_gedrag_structureel"
    melding = make.melding(gemeente, user, category="verward_gedrag", received_on=days[2], wijk=wijk,
                           persons=[(person, "betrokkene")])
    assert count(session, key, gemeente) == 1
    assert count(session, key, gemeente, quarter=2, month=6, wijk=wijk) == 1

    gemeente.structural_attention_threshold = 4
    session.commit()
    assert count(session, key, gemeente) == 0
    gemeente.structural_attention_threshold = 3
    session.commit()
    assert count(session, key, gemeente) == 1

    melding.received_on = date(2026, 3, 1)  # more than 12 months after the first two
    session.commit()
    assert count(session, key, gemeente, year=2026) == 0


def test_an_earlier_melding_registered_later_flags_the_person_on_a_later_one(session, make, place):
    gemeente, wijk, user = place
    person = make.person()
    make.melding(gemeente, user, category="verward_gedrag", received_on=date(2025, 6, 1),
                 persons=[(person, "betrokkene")])
    make.melding(gemeente, user, category="verward_gedrag", received_on=date(2025, 6, 2),
                 persons=[(person, "betrokkene")])
    assert count(session, "personen_verward_gedrag_structureel", gemeente) == 0
    make.melding(gemeente, user, category="other", received_on=date(2025, 1, 1), persons=[(person, "betrokkene")])
    assert count(session, "personen_verward_gedrag_structureel", gemeente) == 1



def test_taking_a_person_off_an_earlier_melding_unflags_them_on_a_later_one(session, make, place):
    gemeente, wijk, user = place
    person = make.person()
    earlier = [make.melding(gemeente, user, category="woonoverlast", received_on=day, persons=[(person, "betrokkene")])
               for day in (date(2025, 1, 5), date(2025, 3, 5))]
    make.melding(gemeente, user, category="verward_gedrag", received_on=date(2025, 6, 5),
                 persons=[(person, "betrokkene")])
    assert count(session, "personen_verward_gedrag_structureel", gemeente) == 1
    earlier[0].persons.clear()
    session.commit()
    assert count(session, "personen_verward_gedrag_structureel", gemeente) == 0

def test_an_ondermijning_case_counts_when_opened_and_when_closed_and_again_when_closed_anew(session, make, place):
    gemeente, wijk, _ = place
    case = make.case(gemeente, type="ondermijning", opened_on=DAY, wijk=wijk)
    assert every_bucket(session, "ondermijning_casussen_gestart", gemeente, wijk) == [1] * 6
    case.status, case.result, case.closed_at = "afgesloten", "opgelost", datetime(2025, 7, 1, 10)
    session.commit()
    assert count(session, "ondermijning_casussen_afgehandeld", gemeente, quarter=3, month=7) == 1
    case.status, case.result, case.closed_at = "monitoring", None, None
    session.commit()
    assert count(session, "ondermijning_casussen_afgehandeld", gemeente) == 0
    # 23:30 UTC on 31 December is 1 January in Dutch time
    case.status, case.result, case.closed_at = "afgesloten", "opgelost", datetime(2025, 12, 31, 23, 30)
    session.commit()
    assert count(session, "ondermijning_casussen_afgehandeld", gemeente, year=2026) == 1
    assert count(session, "ondermijning_casussen_afgehandeld", gemeente, year=2025) == 0


@pytest.mark.parametrize(("type", "status", "counted"), [
    ("waarschuwing", "verzonden", "bestuurlijke_waarschuwingen"),
    ("waarschuwing", "concept", None),
    ("sluiting_13b", "besloten", "sluitingen"),
    ("sluiting_174a", "gesloten", "sluitingen"),
    ("sluiting_13b", "voornemen", None),
    ("huisverbod", "opgelegd", "huisverboden_opgelegd"),
    ("huisverbod", "afgerond", "huisverboden_opgelegd"),
    ("gebiedsverbod", "opgelegd", None),
])
def test_interventions_count_on_their_decision(session, make, place, type, status, counted):
    gemeente, wijk, _ = place
    case = make.case(gemeente, wijk=wijk)
    decided = datetime(2025, 5, 14, 8) if status not in ("concept", "voornemen") else None
    person = {"person": make.person()} if type == "huisverbod" else {}
    make.intervention(case, type, status, decided_at=decided, **person)
    keys = [key for key, rule in counting.RULES.items() if rule.source == "intervention"]
    totals = {key: count(session, key, gemeente) for key in keys}
    assert totals == {key: int(key == counted) for key in totals}


def test_an_extended_huisverbod_counts_on_the_day_of_its_first_extension(session, make, place):
    gemeente, wijk, user = place
    case = make.case(gemeente, type="huiselijk_geweld", wijk=wijk)
    huisverbod = make.intervention(case, "huisverbod", "opgelegd", decided_at=datetime(2025, 3, 28, 9),
                                   person=make.person())
    for at in (datetime(2025, 4, 5, 9), datetime(2025, 4, 12, 9)):
        session.add(StatusChange(case_id=case.id, intervention_id=huisverbod.id, transition="verlengen",
                                 from_status="opgelegd", to_status="verlengd", actor_id=user.id, at=at))
        huisverbod.status, huisverbod.extension_count = "verlengd", huisverbod.extension_count + 1
        session.commit()
    assert count(session, "huisverboden_verlengd", gemeente, quarter=2, month=4) == 1
    assert count(session, "huisverboden_opgelegd", gemeente, quarter=1, month=3) == 1


def test_moving_a_case_to_another_wijk_moves_what_its_interventions_count(session, make, place):
    gemeente, wijk, _ = place
    case = make.case(gemeente, wijk=wijk)
    make.intervention(case, "waarschuwing", "verzonden", decided_at=datetime(2025, 5, 14, 8))
    case.wijk = gemeente.wijken[1]
    session.commit()
    assert every_bucket(session, "bestuurlijke_waarschuwingen", gemeente, gemeente.wijken[1]) == [1] * 6
    assert count(session, "bestuurlijke_waarschuwingen", gemeente, wijk=wijk) == 0


def test_counts_survive_the_deletion_of_the_records_behind_them(session, make, place):
    gemeente, wijk, user = place
    case = make.case(gemeente, type="ondermijning", opened_on=DAY, wijk=wijk)
    make.intervention(case, "waarschuwing", "verzonden", decided_at=datetime(2025, 5, 14, 8))
    session.delete(case)
    session.commit()
    assert count(session, "ondermijning_casussen_gestart", gemeente) == 1
    assert count(session, "bestuurlijke_waarschuwingen", gemeente) == 1


def test_counts_survive_the_retention_purge(app, session, make, place):
    gemeente, wijk, user = place
    person = make.person()
    case = make.case(gemeente, type="ondermijning", opened_on=DAY, wijk=wijk, status="afgesloten",
                     closed_at=datetime(2025, 6, 1, 10), persons=[(person, "betrokkene")])
    for day in (date(2025, 5, 1), date(2025, 5, 2), date(2025, 5, 3)):
        make.melding(gemeente, user, category="verward_gedrag", received_on=day, wijk=wijk, case=case,
                     triage_status="gekoppeld", triaged_at=datetime(2025, 5, 4), persons=[(person, "betrokkene")])
    before = {key: count(session, key, gemeente) for key in counting.RULES}
    assert before["personen_verward_gedrag_structureel"] == 1
    with app.app_context():
        purge_case(None, db.session().get(Case, case.id), db.session().get(RetentionPeriod, "opgelost"))
        db.session().commit()
    person_id = person.id
    session.expire_all()
    assert case.anonymised_at is not None and session.get(Person, person_id) is None
    assert {key: count(session, key, gemeente) for key in counting.RULES} == before


def test_a_merge_of_two_records_of_one_person_counts_them_once(app, session, make, place):
    gemeente, wijk, user = place
    kept, merged = make.person(last_name="Visser"), make.person(last_name="Visser")
    for person in (kept, merged):
        make.melding(gemeente, user, category="verward_gedrag", received_on=DAY, persons=[(person, "betrokkene")])
    assert count(session, "personen_verward_gedrag", gemeente) == 2
    with app.app_context():
        get = db.session().get
        merge_persons(get(User, user.id), get(Person, kept.id), get(Person, merged.id), choices={},
                      kept_version=kept.version, merged_version=merged.version)
        db.session().commit()
    assert count(session, "personen_verward_gedrag", gemeente) == 1


def test_a_rebuild_gives_the_same_counts(session, make, place):
    gemeente, wijk, user = place
    person = make.person()
    for offset in range(5):
        make.melding(gemeente, user, category="verward_gedrag", received_on=DAY + timedelta(days=40 * offset),
                     wijk=wijk, persons=[(person, "betrokkene")])
    before = session.execute(select(IndicatorCount).order_by(*IndicatorCount.__table__.primary_key)).scalars().all()
    snapshot = [(c.indicator_id, c.gemeente_id, c.wijk_id, c.year, c.quarter, c.month, c.value) for c in before]
    counting.rebuild(session)
    session.commit()
    session.expire_all()
    after = session.execute(select(IndicatorCount).order_by(*IndicatorCount.__table__.primary_key)).scalars().all()
    assert [(c.indicator_id, c.gemeente_id, c.wijk_id, c.year, c.quarter, c.month, c.value) for c in after] == snapshot


def test_the_commands_rebuild_and_check_the_counts(app, session, make, place):
    gemeente, wijk, user = place
    make.melding(gemeente, user, received_on=DAY, wijk=wijk)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["indicatoren", "controleren"]).output.strip() == "The indicator counts are correct."
    session.execute(IndicatorCount.__table__.update().values(value=IndicatorCount.value + 1))
    session.commit()
    result = runner.invoke(args=["indicatoren", "controleren"])
    assert result.exit_code == 1 and "6 differences." in result.output
    assert runner.invoke(args=["indicatoren", "herberekenen"]).exit_code == 0
    assert runner.invoke(args=["indicatoren", "controleren"]).exit_code == 0
