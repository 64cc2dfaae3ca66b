"""Termijnen: the page of what is overdue and due within a week, the daily command, and its reminders."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from caseapp import db
from caseapp.audit.operations import utcnow
from caseapp.deadlines import operations
from caseapp.models import AuditEntry, Case, Deadline, Intervention, Notification, Organisation, User
from caseapp.workflow.definitions import end_of_day, local_date
from caseapp.workflow.engine import start

SECRET_NAME, SECRET_ADDRESS, SECRET_TEXT = "Geheimnaam", "Kerkstraat 12, Lisse", "Vertrouwelijke omschrijving"


def day(offset):
    """The end of the Dutch calendar day `offset` days from today (naive UTC), so day counts are exact."""
    return end_of_day(local_date(utcnow()) + timedelta(days=offset))


@pytest.fixture
def region(make):
    lisse, teylingen = make.gemeente("Lisse"), make.gemeente("Teylingen")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    politie, ggz = make.organisation("politie", "Politie Bollenstreek"), make.organisation("ggz", "GGZ Rivierduinen")
    coordinator = make.user("coordinator", team, [lisse, teylingen])
    colleague = make.user("coordinator", team, [teylingen])
    person = make.person("Piet", SECRET_NAME)
    case = make.case(lisse, coordinator=coordinator, partners=[politie, ggz], persons=[(person, "betrokkene")],
                     address=SECRET_ADDRESS, description=SECRET_TEXT)
    return {
        "lisse": lisse, "teylingen": teylingen, "team": team, "politie": politie, "ggz": ggz,
        "coordinator": coordinator, "colleague": colleague, "case": case,
        "agent": make.user("partner", politie), "nurse": make.user("partner", ggz),
    }


def step(session, case, owner, type="gesprek", suspended=False):
    now = utcnow()
    intervention = Intervention(case_id=case.id, type=type, status="gepland", owner_organisation_id=owner.id,
                                due_on=local_date(now), created_at=now, updated_at=now,
                                suspended_since=now if suspended else None)
    session.add(intervention)
    session.commit()
    return intervention


def deadline(session, case, due, *, label="Triage afronden (werkafspraak)", kind="termijn", intervention=None,
             lapses=False, closed=False, reminded=False):
    now = utcnow()
    row = Deadline(case_id=case.id, intervention_id=intervention.id if intervention else None, key="k", label=label,
                   kind=kind, lapses=lapses, owner_organisation_id=intervention.owner_organisation_id
                   if intervention else None, started_at=now - timedelta(days=30), due_at=due,
                   closed_at=now if closed else None, reminded_at=now if reminded else None)
    session.add(row)
    session.commit()
    return row


def sections(html):
    """The text of the overdue and the due-soon section of the page."""
    overdue, soon = html.split('id="due_soon-kop"')
    return overdue.split('id="overdue-kop"')[1], soon


def test_coordinator_sees_overdue_and_due_soon_of_visible_cases(region, make, session, login):
    case, politie = region["case"], region["politie"]
    gesprek = step(session, case, politie)
    deadline(session, case, day(-3))
    deadline(session, case, day(2), label="Stap uitvoeren", kind="taak", intervention=gesprek)
    deadline(session, case, day(5), label="Bezwaartermijn", lapses=True)
    deadline(session, case, day(-1), label="Verlopen bezwaartermijn", lapses=True)  # ran out by itself
    deadline(session, case, day(-2), label="Afgeronde termijn", closed=True)
    deadline(session, case, day(9), label="Verre termijn")
    other = make.case(region["teylingen"], coordinator=region["colleague"])
    deadline(session, other, day(-4), label="Termijn in Teylingen")
    hidden = make.case(make.gemeente("Hillegom"), coordinator=region["colleague"])
    deadline(session, hidden, day(-4), label="Termijn van een andere regio")

    page = login(region["coordinator"]).get("/termijnen/").text
    overdue, soon = sections(page)

    assert "Triage afronden (werkafspraak)" in overdue and "3 dagen te laat" in overdue
    assert "Termijn in Teylingen" in overdue and "4 dagen te laat" in overdue
    assert "Over de termijn <span class=\"count\">(2)</span>" in page
    assert f'href="/casussen/{case.id}">{case.reference}</a>' in overdue
    assert "Stap uitvoeren" in soon and "Taak" in soon and "nog 2 dagen" in soon
    assert f'href="/interventies/{gesprek.id}">Gesprek</a>' in soon and "Politie Bollenstreek" in soon
    assert re.search(r"Bezwaartermijn <span class=\"badge lapses\">loopt af</span>", soon)
    assert local_date(day(2)).strftime("%d-%m-%Y") in soon
    for absent in ("Verlopen bezwaartermijn", "Afgeronde termijn", "Verre termijn", "Termijn van een andere regio"):
        assert absent not in page
    # grouped per gemeente, then coordinator: Lisse's group comes before Teylingen's
    assert overdue.index("Lisse") < overdue.index("Teylingen")
    assert region["coordinator"].name in overdue and region["colleague"].name in overdue
    # reference numbers only: nobody's name, address or the case's description
    for secret in (SECRET_NAME, SECRET_ADDRESS, SECRET_TEXT):
        assert secret not in page
    search = session.scalars(select(AuditEntry).where(AuditEntry.user_id == region["coordinator"].id,
                                                      AuditEntry.action == "search")).one()
    assert search.record_type == "deadline" and search.detail.endswith("; 4 resultaten")


def test_partner_sees_only_their_organisations_steps(region, session, login):
    case = region["case"]
    deadline(session, case, day(-1), label="Triage afronden (werkafspraak)")
    deadline(session, case, day(1), label="Gesprek politie", kind="taak", intervention=step(session, case,
                                                                                             region["politie"]))
    deadline(session, case, day(1), label="Zorgtraject GGZ", kind="taak",
             intervention=step(session, case, region["ggz"], type="zorgtraject"))

    page = login(region["agent"]).get("/termijnen/").text
    assert "Gesprek politie" in page
    assert "Zorgtraject GGZ" not in page and "Triage afronden" not in page
    assert "U ziet de taken en termijnen van Politie Bollenstreek." in page
    assert "Er is niets over de termijn." in page


def test_suspended_cases_and_interventions_are_left_out_and_counted(region, make, session, login):
    case = region["case"]
    deadline(session, case, day(2), label="Zichtbare termijn")
    stopped = step(session, case, region["politie"], suspended=True)
    deadline(session, case, day(-2), label="Stap van een opgeschorte interventie", kind="taak", intervention=stopped)
    paused = make.case(region["lisse"], coordinator=region["coordinator"], suspended_since=utcnow())
    deadline(session, paused, day(3), label="Termijn van een opgeschorte casus")
    running = step(session, paused, region["politie"])
    deadline(session, paused, day(3), label="Stap op een opgeschorte casus", kind="taak", intervention=running)

    page = login(region["coordinator"]).get("/termijnen/").text
    assert "Zichtbare termijn" in page
    assert "opgeschorte interventie" not in page and "Termijn van een opgeschorte casus" not in page
    assert "Stap op een opgeschorte casus" in page  # the intervention itself runs
    assert "2 termijnen van opgeschorte dossiers niet getoond." in page


def test_filters_narrow_the_lists(region, make, session, login):
    case = region["case"]
    deadline(session, case, day(-1), label="Termijn Lisse")
    deadline(session, case, day(1), label="Taak Lisse", kind="taak",
             intervention=step(session, case, region["politie"]))
    other = make.case(region["teylingen"], coordinator=region["colleague"])
    deadline(session, other, day(1), label="Termijn Teylingen")
    client = login(region["coordinator"])

    def shown(**args):
        page = client.get("/termijnen/", query_string=args).text
        return {label for label in ("Termijn Lisse", "Taak Lisse", "Termijn Teylingen") if label in page}

    assert shown() == {"Termijn Lisse", "Taak Lisse", "Termijn Teylingen"}
    assert shown(gemeente_id=region["teylingen"].id) == {"Termijn Teylingen"}
    assert shown(coordinator_id=region["coordinator"].id) == {"Termijn Lisse", "Taak Lisse"}
    assert shown(kind="taak") == {"Taak Lisse"}
    assert shown(kind="termijn", gemeente_id=region["lisse"].id) == {"Termijn Lisse"}
    page = client.get("/termijnen/", query_string={"kind": "taak"}).text
    assert "Er is niets over de termijn met deze filters." in page


def test_bad_filters_get_a_message(region, login):
    response = login(region["coordinator"]).get("/termijnen/?gemeente_id=abc")
    assert response.status_code == 200
    assert "Pas de filters aan" in response.text


def test_empty_sections_say_so(region, login):
    page = login(region["coordinator"]).get("/termijnen/").text
    assert "Er is niets over de termijn." in page
    assert "Er loopt de komende 7 dagen niets af." in page
    assert "opgeschorte" not in page


def test_each_section_is_capped_with_a_count(region, session, login, monkeypatch):
    for offset in (-3, -2, -1):
        deadline(session, region["case"], day(offset), label=f"Termijn {offset}")
    monkeypatch.setattr(operations, "SECTION_LIMIT", 2)
    page = login(region["coordinator"]).get("/termijnen/").text
    assert "De eerste 2 van 3 worden getoond" in page
    assert "Termijn -3" in page and "Termijn -2" in page and "Termijn -1" not in page  # most urgent first


def test_the_page_queries_do_not_grow_with_the_rows(region, make, session, login, engine):
    client = login(region["coordinator"])

    def queries():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/termijnen/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    deadline(session, region["case"], day(-1))
    few = queries()
    for number in range(6):
        case = make.case(region["lisse" if number % 2 else "teylingen"],
                         coordinator=region["coordinator" if number % 3 else "colleague"])
        owner = region["politie" if number % 2 else "ggz"]
        deadline(session, case, day(number - 3), kind="taak", intervention=step(session, case, owner))
    assert queries() == few


def test_a_step_started_through_the_engine_shows_up(app, region, session, login):
    with app.app_context():
        db_session = db.session()
        start(db_session.get(User, region["coordinator"].id), db_session.get(Case, region["case"].id), "gesprek",
              owner_organisation=db_session.get(Organisation, region["politie"].id),
              due_on=local_date(utcnow()) + timedelta(days=3))
        db_session.commit()
    for user in ("coordinator", "agent"):
        page = login(region[user]).get("/termijnen/").text
        _overdue, soon = sections(page)
        assert "Stap uitvoeren" in soon and "nog 3 dagen" in soon and "Politie Bollenstreek" in soon
    assert "Stap uitvoeren" not in login(region["nurse"]).get("/termijnen/").text


# -- the daily command ---------------------------------------------------------------------------------------

@pytest.fixture
def outbox(app):
    """The e-mails sent (Flask-Mailman's locmem backend), emptied for this test."""
    app.extensions["mailman"].outbox = []
    return app.extensions["mailman"].outbox


def test_command_prints_both_lists_with_reference_numbers_only(app, region, make, session):
    case = region["case"]
    deadline(session, case, day(-2))
    deadline(session, case, day(1), label="Stap uitvoeren", kind="taak", intervention=step(session, case,
                                                                                           region["politie"]))
    other = make.case(make.gemeente("Hillegom"), coordinator=region["colleague"])
    deadline(session, other, day(4), label="Termijn Hillegom")

    result = app.test_cli_runner().invoke(args=["termijnen"])
    assert result.exit_code == 0, result.output
    out = result.output
    overdue, soon = out.split("Binnen 7 dagen: 2")
    assert "Over de termijn: 1" in overdue
    assert f"  Lisse – coördinator {region['coordinator'].name}" in overdue
    assert f"{case.reference} | Triage afronden (werkafspraak) (termijn) |" in overdue and "2 dagen te laat" in overdue
    assert "Stap uitvoeren (taak) | Gesprek | eigenaar Politie Bollenstreek" in soon and "morgen" in soon
    assert f"  Hillegom – coördinator {region['colleague'].name}" in soon and "Termijn Hillegom" in soon
    assert "Herinneringen" not in out
    for secret in (SECRET_NAME, SECRET_ADDRESS, SECRET_TEXT):
        assert secret not in out
    assert session.scalar(select(func.count()).select_from(Notification)) == 0

    only = app.test_cli_runner().invoke(args=["termijnen", "--gemeente", "hillegom"])
    assert only.exit_code == 0, only.output
    assert "Termijn Hillegom" in only.output and case.reference not in only.output


def test_command_refuses_an_unknown_gemeente(app, region):
    result = app.test_cli_runner().invoke(args=["termijnen", "--gemeente", "Atlantis"])
    assert result.exit_code != 0
    assert "no gemeente named Atlantis" in result.output


def test_notify_reminds_once_of_what_is_close(app, region, make, session, outbox):
    case, politie, team = region["case"], region["politie"], region["team"]
    make.user("partner", politie, active=False)
    make.user("analyst", team)  # no casework: never notified
    gemeente_step = step(session, case, team)
    close = deadline(session, case, day(1), label="Stap uitvoeren", kind="taak",
                     intervention=step(session, case, politie))
    late = deadline(session, case, day(-3))
    own = deadline(session, case, day(0), label="Gesprek voeren", kind="taak", intervention=gemeente_step)
    later = deadline(session, case, day(5), label="Later")
    lapsing = deadline(session, case, day(1), label="Bezwaartermijn", lapses=True)
    lapsed = deadline(session, case, day(-1), label="Verlopen bezwaartermijn", lapses=True)
    done = deadline(session, case, day(-1), label="Eerder herinnerd", reminded=True)
    paused = deadline(session, case, day(1), label="Opgeschort", kind="taak",
                      intervention=step(session, case, politie, suspended=True))

    result = app.test_cli_runner().invoke(args=["termijnen", "--notify"])
    assert result.exit_code == 0, result.output
    # the coordinator of each of the four; the active politie user of their step; the team's step does not
    # reach the colleague in the team, who works for another gemeente and may not see the case
    assert "Herinneringen verstuurd: 5 notificatie(s) over 4 termijn(en)." in result.output
    session.expire_all()
    assert {d.id for d in (close, late, own, lapsing) if session.get(Deadline, d.id).reminded_at} == {
        close.id, late.id, own.id, lapsing.id}
    assert all(session.get(Deadline, d.id).reminded_at is None for d in (later, lapsed, paused))
    assert session.get(Deadline, done.id).reminded_at == done.reminded_at
    notes = session.scalars(select(Notification).order_by(Notification.id)).all()
    to = {(n.user_id, n.text) for n in notes}
    assert (region["agent"].id, f"Casus {case.reference}: ‘Stap uitvoeren’ bij ‘Gesprek’ verloopt op "
            f"{local_date(day(1)):%d-%m-%Y}.") in to
    assert (region["coordinator"].id, f"Casus {case.reference}: ‘Triage afronden (werkafspraak)’ is verlopen op "
            f"{local_date(day(-3)):%d-%m-%Y}.") in to
    assert any("‘Bezwaartermijn’ loopt af op" in text for _user, text in to)
    assert {user for user, _text in to} == {region["coordinator"].id, region["agent"].id}
    assert {n.link for n in notes if n.user_id == region["agent"].id} == {f"/interventies/{close.intervention_id}"}
    assert sorted(message.to[0] for message in outbox) == sorted([region["coordinator"].email,
                                                                  region["agent"].email])

    again = app.test_cli_runner().invoke(args=["termijnen", "--notify"])
    assert again.exit_code == 0, again.output
    assert "Herinneringen verstuurd: 0 notificatie(s) over 0 termijn(en)." in again.output
    assert session.scalar(select(func.count()).select_from(Notification)) == len(notes)
    assert len(outbox) == 2


def test_notify_keeps_to_the_chosen_gemeente(app, region, make, session):
    other = make.case(region["teylingen"], coordinator=region["colleague"])
    here, there = deadline(session, region["case"], day(-1)), deadline(session, other, day(-1))
    result = app.test_cli_runner().invoke(args=["termijnen", "--gemeente", "Teylingen", "--notify"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.get(Deadline, here.id).reminded_at is None
    assert session.get(Deadline, there.id).reminded_at is not None
