"""The demo data and the command-line commands."""

import html
import io
import json
import random
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from caseapp import db, demo, enums
from caseapp.api.operations import issue_token
from caseapp.audit.operations import utcnow
from caseapp.demo import BUURTBEMIDDELING, DEMO_PASSWORD, GGD, GGZ, JONGERENWERK, STEK, TEAM, load_demo_data
from caseapp.models import (
    AuditEntry,
    Case,
    CasePerson,
    Deadline,
    Gemeente,
    Intervention,
    Melding,
    Note,
    Notification,
    Organisation,
    Person,
    StatusChange,
    User,
    Wijk,
)
from caseapp.workflow.processes import LIGHTER_FOR_151D
from tests import factories


def _age(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class _Region:
    """The loaded demo region: a session to read it and the logins it returned."""

    def __init__(self, session, logins):
        self.session, self.logins = session, logins
        self.cases = session.scalars(select(Case).order_by(Case.id)).all()
        self.interventions = session.scalars(select(Intervention).order_by(Intervention.id)).all()
        self.history = defaultdict(list)  # (case id, intervention id or None) -> its status changes, oldest first
        for change in session.scalars(select(StatusChange).order_by(StatusChange.at, StatusChange.id)):
            self.history[change.case_id, change.intervention_id].append(change)

    def of_type(self, *types):
        return [i for i in self.interventions if i.type in types]


@pytest.fixture(scope="class")
def region(_app, engine):
    """The demo region, loaded through the engine once per database for the tests of a class."""
    # The class's tests only read, and no other test runs meanwhile: the open transaction locks nobody out.
    with engine.connect() as connection:
        transaction = connection.begin()
        _app.extensions["db_bind"] = connection
        try:
            with _app.app_context():
                logins = load_demo_data(db.session())
        finally:
            del _app.extensions["db_bind"]
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield _Region(session, logins)
        transaction.rollback()


class TestDemoRegion:
    def test_it_has_the_shape_of_a_region(self, region):
        session = region.session
        # Leiden holds only figures from outside, imported for the indicators (caseapp.indicators.demo).
        gemeenten = session.scalars(select(Gemeente).where(Gemeente.name != "Leiden")).all()
        assert {(g.name, g.cbs_code) for g in gemeenten} == {
            ("Hillegom", "GM0534"), ("Lisse", "GM0553"), ("Teylingen", "GM1525")
        }
        assert all(4 <= len(g.wijken) <= 6 for g in gemeenten)
        assert all(g.apv_151d for g in gemeenten)  # their APVs have the zorgplicht of art. 151d

        users = session.scalars(select(User)).all()
        assert {user.role for user in users} == set(enums.ROLES)
        assert {(role, email) for role, email in region.logins} == {(user.role, user.email) for user in users}
        coordinators = [user for user in users if user.role == "coordinator"]
        assert len(coordinators) >= 2
        assert any(len(user.gemeenten) == 3 for user in coordinators)
        assert len({tuple(user.gemeente_ids) for user in coordinators}) >= 2
        partner_types = {user.organisation.type for user in users if user.role == "partner"}
        assert {"politie", "ggz", "woningcorporatie"} <= partner_types
        organisation_types = set(session.scalars(select(Organisation.type)))
        expected_types = {"gemeente", "politie", "ggz", "ggd", "woningcorporatie", "veilig_thuis", "sociaal_team"}
        assert expected_types <= organisation_types
        assert all(user.organisation.type == "gemeente" for user in users if user.role != "partner")

        cases = region.cases
        assert len(cases) >= 250
        today = date.today()
        assert len({case.opened_on.year for case in cases}) >= 5
        assert all(0 < (today - case.opened_on).days <= 5 * 366 for case in cases)
        assert {case.type for case in cases} == set(enums.CASE_TYPES)
        assert {case.status for case in cases} == set(enums.CASE_STATUSES)
        assert {case.risk_level for case in cases} == set(enums.RISK_LEVELS)
        assert {case.gemeente_id for case in cases} == {g.id for g in gemeenten}
        wijk_gemeente = dict(session.execute(select(Wijk.id, Wijk.gemeente_id)).all())
        assert all(case.wijk_id is not None and wijk_gemeente[case.wijk_id] == case.gemeente_id for case in cases)
        assert all(1 <= len(case.persons) <= 4 for case in cases)
        assert all(case.leefgebieden for case in cases)
        assert all(len(case.partners) <= 5 for case in cases)
        assert all(case.coordinator.role == "coordinator" and case.gemeente in case.coordinator.gemeenten
                   for case in cases)

        cases_per_person = Counter(dict(session.execute(
            select(CasePerson.person_id, func.count(func.distinct(CasePerson.case_id))).group_by(CasePerson.person_id)
        ).all()))
        persons = session.scalar(select(func.count()).select_from(Person))
        repeat = sum(1 for count in cases_per_person.values() if count > 1)
        assert persons == len(cases_per_person)  # nobody without a case
        assert 0.05 * persons <= repeat <= 0.2 * persons

        minors = session.scalars(select(Person).join(CasePerson).where(CasePerson.role == "minderjarige")).all()
        assert minors
        assert all(person.date_of_birth is not None and _age(person.date_of_birth, today) < 18 for person in minors)
        subjects = session.scalars(select(Person).join(CasePerson).join(Case).where(
            CasePerson.role == "betrokkene", Case.type == "huiselijk_geweld")).all()
        assert all(_age(person.date_of_birth, today) >= 18 for person in subjects)
        assert all(person.bsn is None or (person.bsn.startswith("99999") and len(person.bsn) == 9)
                   for person in session.scalars(select(Person)))

        notes = session.scalars(select(Note)).all()
        assert {note.visibility for note in notes} == set(enums.NOTE_VISIBILITY)
        case_partner_orgs = {(cp.case_id, cp.organisation_id) for case in cases for cp in case.partners}
        for note in notes:
            assert note.organisation_id == note.author.organisation_id
            if note.organisation.type != "gemeente":  # a partner writes only on cases its organisation is on
                assert (note.case_id, note.organisation_id) in case_partner_orgs
            assert note.case.created_at <= note.created_at <= (note.case.closed_at or utcnow())
        assert Counter(note.case_id for note in notes).most_common(1)[0][1] <= 5

    def test_every_status_comes_from_the_engine(self, region):
        now = utcnow()
        for case in region.cases:
            chain = region.history[case.id, None]
            assert (chain[0].transition, chain[0].from_status, chain[0].at) == ("aanmelden", None, case.created_at)
            assert all(later.from_status == earlier.to_status for earlier, later in pairwise(chain))
            assert chain[-1].to_status == case.status
            assert all(change.actor_id == case.coordinator_id for change in chain)
            assert case.suspended_since == (chain[-1].at if chain[-1].transition == "opschorten" else None)
        for intervention in region.interventions:
            chain = region.history[intervention.case_id, intervention.id]
            assert (chain[0].transition, chain[0].from_status) == ("starten", None)
            assert chain[0].at == intervention.created_at
            assert all(later.from_status == earlier.to_status for earlier, later in pairwise(chain))
            assert chain[-1].to_status == intervention.status
        changes = [change for chain in region.history.values() for change in chain]
        assert len(changes) == region.session.scalar(select(func.count()).select_from(StatusChange))
        assert all(change.at <= now and 7 <= change.at.hour < 16 for change in changes)  # office hours, all past
        transitions = Counter(change.transition for change in changes if change.intervention_id is None)
        assert transitions["hervatten"] >= 3  # some cases were suspended and resumed
        assert transitions["heropenen"] >= 1
        assert transitions["terug_naar_uitvoering"] >= 5

    def test_closed_cases_have_a_result_and_nothing_running(self, region):
        closed = [case for case in region.cases if case.status == "afgesloten"]
        assert 0.5 * len(region.cases) <= len(closed) <= 0.85 * len(region.cases)
        assert {case.result for case in closed} == set(enums.CASE_RESULTS)
        for case in closed:
            assert case.closed_at == region.history[case.id, None][-1].at
            assert all(i.process.is_final(i.status) for i in case.interventions)
        open_deadlines = region.session.scalars(select(Deadline).join(Case).where(
            Case.status == "afgesloten", Deadline.closed_at.is_(None), Deadline.lapses.is_(False))).all()
        assert open_deadlines == []

    def test_interventions_are_those_of_a_region_this_size(self, region):
        per_type = Counter(i.type for i in region.interventions)
        assert set(per_type) == set(enums.INTERVENTION_TYPES)  # every procedure can be seen at work
        for types, low, high in (
            (("huisverbod",), 15, 50),  # Lisse alone has 2 to 4 a year
            (("gedragsaanwijzing",), 2, 15),
            (("sluiting_13b", "sluiting_174a"), 3, 20),
            (("waarschuwing",), 5, 40),
            (("bibob",), 2, 12),
            (("gebiedsverbod", "groepsverbod", "meldplicht"), 3, 15),
            (("gesprek",), 60, 250),
            (("buurtbemiddeling", "zorgtraject", "woonbegeleiding"), 50, 150),
        ):
            assert low <= sum(per_type[t] for t in types) <= high, types
        statuses = Counter(i.process.is_final(i.status) for i in region.interventions)
        assert statuses[False] >= 10  # under way today

        organisations = {o.id: o.name for o in region.session.scalars(select(Organisation))}
        owners = {"buurtbemiddeling": {BUURTBEMIDDELING}, "zorgtraject": {GGZ}, "huurovereenkomst_ontbinding": {STEK},
                  "melding_wvggz": {GGD}, "gesprek": {TEAM, JONGERENWERK}}
        for step in region.of_type(*enums.LIGHTER_STEPS):
            owner = organisations[step.owner_organisation_id]
            assert owner in owners.get(step.type, {f"Sociaal team {step.case.gemeente.name}"})
            assert owner == TEAM or step.owner_organisation_id in {p.organisation_id for p in step.case.partners}
        for order in region.of_type("gedragsaanwijzing"):  # only after a lighter step was taken
            assert order.case.type == "woonoverlast" and order.case.gemeente.apv_151d
            assert any(region.history[step.case_id, step.id][-1].at < order.created_at
                       for step in order.case.interventions
                       if step.type in LIGHTER_FOR_151D and step.status in ("afgerond", "verzonden"))
        assert all(i.person_id is None for i in region.of_type(*enums.PREMISES_TYPES))

        # A partner with a demo user reports the outcome of its own step itself.
        organisation_of = dict(region.session.execute(select(User.id, User.organisation_id)).all())
        done = [region.history[step.case_id, step.id][-1] for step in region.of_type("zorgtraject")
                if step.status == "afgerond"]
        assert done and all(organisations[organisation_of[change.actor_id]] == GGZ for change in done)

    def test_huisverboden_are_against_adults_and_end_within_28_days(self, region):
        huisverboden = region.of_type("huisverbod")
        imposed = [h for h in huisverboden if h.decided_at is not None]
        assert imposed and all(h.case.type == "huiselijk_geweld" for h in huisverboden)
        for huisverbod in imposed:
            links = huisverbod.case.persons
            assert any(link.person_id == huisverbod.person_id and link.role == "betrokkene" for link in links)
            day = huisverbod.decided_at.date()
            assert _age(huisverbod.person.date_of_birth, day) >= 18
            assert timedelta(days=10) <= huisverbod.ends_at - huisverbod.decided_at <= timedelta(days=28)
            if any(link.role == "minderjarige" or _age(link.person.date_of_birth, day) < 18 for link in links):
                assert huisverbod.veilig_thuis_consulted_at <= huisverbod.decided_at
        assert any(h.extension_count for h in imposed)
        assert any(h.veilig_thuis_consulted_at for h in imposed)
        per_year = Counter(h.decided_at.year for h in imposed)
        assert max(per_year.values()) <= 15

    def test_recent_cases_have_deadlines_overdue_and_due_this_week(self, region):
        now = utcnow()
        open_deadlines = region.session.scalars(select(Deadline).where(Deadline.closed_at.is_(None))).all()
        overdue = [d for d in open_deadlines if not d.lapses and d.due_at < now]
        due_soon = [d for d in open_deadlines if now <= d.due_at < now + timedelta(days=7)]
        assert 2 <= len(overdue) <= 15
        assert len(due_soon) >= 5
        assert all(now - d.due_at < timedelta(days=60) for d in overdue)  # nothing left lying for months
        assert {d.intervention_id is None for d in due_soon} == {True, False}  # the case's own, and its steps'

    def test_the_audit_trail_and_notifications_follow_the_history(self, region):
        session = region.session
        moments = Counter(change.at for chain in region.history.values() for change in chain)
        # The demo documents (caseapp.documents.demo) are uploads of their own, audited apart from the history.
        # So are the figures from outside that the demo imports (caseapp.indicators.demo).
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.record_type.not_in(("document", "indicator_import")))).all()
        assert all(entry.action in ("create", "status") for entry in entries)
        assert Counter(entry.at for entry in entries) == moments
        assert all(entry.user_id is not None and entry.client_address == "cli" for entry in entries)
        notifications = session.scalars(select(Notification)).all()
        assert notifications and all(n.created_at in moments for n in notifications)
        assert all(n.read_at is not None for n in notifications if n.created_at < utcnow() - timedelta(days=14))

    def test_nothing_an_analyst_can_reach_holds_personal_data(self, region, _app):
        """Every page an analyst reaches by following links, every export and every API answer, with the demo
        region loaded: none holds a name, address, BSN, phone number or free text of the demo's citizens."""
        session = region.session
        secrets = _personal_data(session)
        analyst = session.scalar(select(User).where(User.role == "analyst").order_by(User.id))
        _app.extensions["db_bind"] = session.connection()
        try:
            client = _logged_in(_app, session, analyst)
            texts = _crawl(client, ["/", *_report_urls(session, analyst)])
            with _app.app_context():
                user = db.session().get(User, analyst.id)
                _, token = issue_token(user, user=user, name="privacytest")
                db.session().commit()
            texts.update(_api_answers(client, token, analyst))
        finally:
            del _app.extensions["db_bind"]
        assert len(secrets) > 1000 and len(texts) > 40
        assert any(url.startswith("/indicatoren/export.xlsx") for url in texts)
        found = {(url, secret) for url, text in texts.items() for secret in secrets if secret in text}
        assert found == set()


def _plain(value):
    """A person, organisation or plain value, comparable across two runs of the builder."""
    return getattr(value, "full_name", getattr(value, "name", value))


def test_demo_data_tells_the_same_story_on_every_run():
    """The builder hands the engine the same cases and the same events each time (the engine adds no chance)."""
    now = utcnow()

    def stories():
        builder = demo._Builder(None, random.Random(2026), date.today(), now)  # noqa: S311
        return [(case.type, case.address, case.opened_on, [person.person.full_name for person in case.persons],
                 [(event.at, event.name, getattr(event.subject, "type", "casus"), event.actor.email,
                   sorted((name, _plain(value)) for name, value in event.values.items()))
                  for event in builder.story(case)])
                for case in builder.cast()]

    assert stories() == stories()


def test_demo_data_goes_through_the_session_the_engine_uses(app, session):
    with app.app_context(), pytest.raises(ValueError, match="db.session"):
        load_demo_data(session)


def test_demo_data_command_loads_once_and_its_users_log_in(app, client, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded" in result.output
    assert DEMO_PASSWORD in result.output
    cases = session.scalar(select(func.count()).select_from(Case))
    assert cases >= 250

    again = runner.invoke(args=["demo-data"])
    assert again.exit_code != 0
    assert "already has users" in again.output
    assert session.scalar(select(func.count()).select_from(Case)) == cases

    response = client.post("/inloggen", data={"email": "m.vanderhorst@gemeente.example.org",
                                              "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_data_command_refuses_a_database_with_users(app, make, session):
    make.user("admin")
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_create_user_command_makes_a_user_who_can_log_in(app, session, login):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "Beheer@Gemeente.example.org", "--name", "Eerste Beheerder",
              "--role", "admin", "--organisation", "Team Zorg en Veiligheid"],
        input=f"{factories.PASSWORD}\n{factories.PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "beheer@gemeente.example.org"))
    assert user is not None and user.role == "admin" and user.organisation.type == "gemeente"
    client = login(user)
    assert client.get("/").status_code == 302  # logged in: sent on to the admin's landing page


def test_create_user_command_refuses_a_short_password(app, session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "kort@example.org", "--name", "Kort", "--organisation", "Team"],
        input="kort\nkort\n",
    )
    assert result.exit_code != 0
    assert session.scalar(select(User).where(User.email == "kort@example.org")) is None


def test_dev_command_needs_the_development_environment(app, monkeypatch):
    monkeypatch.delenv("CASEAPP_ENV", raising=False)
    result = app.test_cli_runner().invoke(args=["dev"])
    assert result.exit_code != 0
    assert "CASEAPP_ENV=development" in result.output


def _personal_data(session):
    """The demo citizens' names, addresses, BSNs and phone numbers, and the free text of cases and meldingen."""
    found = set()
    for person in session.scalars(select(Person)):
        found |= {f"{person.first_name} {person.last_name}", person.full_name, person.address, person.bsn,
                  person.phone}
    for case in session.scalars(select(Case)):
        found |= {case.address, case.description}
    found |= set(session.scalars(select(Note.body)))
    found |= {text for melding in session.scalars(select(Melding)) for text in (melding.address, melding.description)}
    return {text for text in found if text and len(text) >= 6}


def _logged_in(app, session, user):
    session.execute(update(User).where(User.id == user.id).values(
        totp_secret=factories.TOTP_SECRET, totp_enrolled_at=utcnow(), totp_last_step=None))
    session.flush()
    client = app.test_client()
    assert client.post("/inloggen", data={"email": user.email, "password": DEMO_PASSWORD}).status_code == 302
    assert client.post("/inloggen/code", data={"code": factories.totp_code()}).status_code == 302
    return client


def _report_urls(session, analyst):
    """The report in every shape the filters allow: each gemeente and wijk, per year, quarter and month, and the
    exports of each, plain and for publication."""
    year = date.today().year
    urls = []
    for gemeente in analyst.gemeenten:
        choices = [f"gemeente={gemeente.id}"] + [f"gemeente={gemeente.id}&wijk={w.id}" for w in gemeente.wijken]
        for choice in choices:
            for shape in (f"indeling=jaar&van={year - 9}&tot={year}", f"indeling=kwartaal&van={year - 1}&tot={year}",
                          f"indeling=maand&van={year - 1}&tot={year}"):
                query = f"{choice}&{shape}"
                urls += [f"/indicatoren/?{query}", f"/indicatoren/export.csv?{query}",
                         f"/indicatoren/export.xlsx?{query}&publicatie=y"]
    return urls + ["/indicatoren/?gemeente=", "/indicatoren/export.xlsx?gemeente="]


def _crawl(client, start):
    """{url: text} of every page reachable by GET links from `start` (within the app, not logging out)."""
    texts, queue = {}, list(start)
    while queue:
        url = queue.pop()
        if url in texts:
            continue
        response = client.get(url)
        if response.status_code != 200:
            texts[url] = ""
            continue
        if response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
            workbook = load_workbook(io.BytesIO(response.data))
            texts[url] = "\n".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows()
                                   for cell in row if cell.value is not None)
            continue
        texts[url] = html.unescape(response.get_data(as_text=True))
        if response.mimetype == "text/html":
            queue += [link for link in re.findall(r'href="(/[^"#]*)"', texts[url])
                      if not link.startswith("/static") and link not in texts]
    return texts


def _api_answers(client, token, analyst):
    headers = {"Authorization": f"Bearer {token}"}
    answers = {path: client.get(path, headers=headers).get_data(as_text=True)
               for path in ("/api/v1/gemeenten", "/api/v1/indicatoren", "/api/v1/openapi.json")}
    keys = [indicator["key"] for indicator in json.loads(answers["/api/v1/indicatoren"])["indicatoren"]]
    for gemeente in analyst.gemeenten:
        for key in keys:
            path = f"/api/v1/indicatoren/{key}/waarden?gemeente={gemeente.id}"
            answers[path] = client.get(path, headers=headers).get_data(as_text=True)
    return answers
