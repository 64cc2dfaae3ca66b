"""The demo data and the command-line commands."""

import random
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from caseapp import demo, enums
from caseapp.audit.operations import utcnow
from caseapp.demo import DEMO_PASSWORD, load_demo_data
from caseapp.models import AuditEntry, Case, CasePerson, Gemeente, Note, Organisation, Person, User, Wijk
from tests import factories


def _age(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_demo_data_has_the_shape_of_a_region(session):
    logins = load_demo_data(session)

    gemeenten = session.scalars(select(Gemeente)).all()
    assert {(g.name, g.cbs_code) for g in gemeenten} == {
        ("Hillegom", "GM0534"), ("Lisse", "GM0553"), ("Teylingen", "GM1525")
    }
    assert all(4 <= len(g.wijken) <= 6 for g in gemeenten)

    users = session.scalars(select(User)).all()
    assert {user.role for user in users} == set(enums.ROLES)
    assert {(role, email) for role, email in logins} == {(user.role, user.email) for user in users}
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

    cases = session.scalars(select(Case)).all()
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
    assert all(len(case.partners) <= 3 for case in cases)
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
    assert Counter(note.case_id for note in notes).most_common(1)[0][1] <= 5

    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0  # seeded, not user actions


def test_demo_data_is_deterministic():
    def build():
        builder = demo._Builder(_NullSession(), random.Random(2026), date.today(), utcnow())  # noqa: S311
        builder.build()
        return [(case.type, case.address, case.opened_on, [cp.person.full_name for cp in case.persons])
                for case in builder.cases]

    assert build() == build()


class _NullSession:
    """Takes what the demo builder adds, without a database."""

    def add_all(self, objects):
        pass

    def flush(self):
        pass


def test_demo_users_log_in_with_the_demo_password(app, client, session):
    load_demo_data(session)
    response = client.post("/inloggen", data={"email": "m.vanderhorst@gemeente.example.org",
                                              "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_data_command_loads_once(app, session):
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
