"""Plan van aanpak: goals per leefgebied, actions with an owner and a due date, who may complete them, stale
edits, the worklist of one's own actions, and the termijnen page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from caseapp.audit.operations import today
from caseapp.models import AuditEntry, ConferenceItem, Notification, PlanAction, PlanGoal, User
from tests import factories

SECRET_NAME = "Geheimnaam"
ROW = 'class="plan-action-row"'  # an action's row on the termijnen page


@pytest.fixture
def region(make):
    lisse, teylingen = make.gemeente("Lisse"), make.gemeente("Teylingen")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    politie, ggz = make.organisation("politie", "Politie Bollenstreek"), make.organisation("ggz", "GGZ Rivierduinen")
    coordinator = make.user("coordinator", team, [lisse])
    case = make.case(lisse, coordinator=coordinator, partners=[politie],
                     persons=[(make.person("Piet", SECRET_NAME), "betrokkene")])
    return {
        "lisse": lisse, "teylingen": teylingen, "team": team, "politie": politie, "ggz": ggz, "case": case,
        "coordinator": coordinator, "colleague": make.user("coordinator", team, [lisse]),
        "outsider": make.user("coordinator", team, [teylingen]),
        "agent": make.user("partner", politie, [lisse]), "nurse": make.user("partner", ggz, [lisse]),
    }


def audit(session, **where):
    return session.scalars(select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)).all()


def action_form(region, **overrides):
    return {"description": "Wijkagent legt huisbezoek af.", "owner_id": f"organisation:{region['politie'].id}",
            "due_on": (today() + timedelta(days=10)).isoformat(), "goal_id": "", **overrides}


# -- goals ----------------------------------------------------------------------------------------------------

def test_coordinator_adds_a_goal_in_a_leefgebied_of_the_case(region, login, session):
    client = login(region["coordinator"])
    case = region["case"]
    response = client.post(f"/casussen/{case.id}/plan/doelen/nieuw",
                           data={"leefgebied": "schulden", "description": "Betalingsregeling met de verhuurder."})
    assert response.status_code == 302 and response.location.endswith(f"/casussen/{case.id}#plan")
    goal = session.scalar(select(PlanGoal))
    assert (goal.case_id, goal.leefgebied, goal.status, goal.version) == (case.id, "schulden", "open", 1)
    assert [(e.action, e.record_id, e.case_id) for e in audit(session, record_type="plan_goal")] == [
        ("create", goal.id, case.id)]
    page = client.get(f"/casussen/{case.id}").text
    assert "Plan van aanpak" in page and "Betalingsregeling met de verhuurder." in page


@pytest.mark.parametrize(("data", "message"), [
    ({"description": "  "}, "Beschrijf het doel."),
    ({"leefgebied": ""}, "Kies het leefgebied."),
    ({"leefgebied": "justitie"}, "Kies een leefgebied van deze casus."),  # not one of the case's
    ({"leefgebied": "onzin"}, "Kies een leefgebied van deze casus."),
    ({"description": "x" * 2001}, "Gebruik ten hoogste 2000 tekens."),
])
def test_invalid_goal_is_refused_in_dutch_and_keeps_what_was_typed(region, login, session, data, message):
    typed = {"leefgebied": "schulden", "description": "Inkomen op orde.", **data}
    response = login(region["coordinator"]).post(f"/casussen/{region['case'].id}/plan/doelen/nieuw", data=typed)
    assert response.status_code == 200
    assert message in response.text and 'class="error"' in response.text
    if data.get("description", "").strip() and len(typed["description"]) < 100:
        assert typed["description"] in response.text
    assert session.scalar(select(func.count()).select_from(PlanGoal)) == 0


def test_coordinator_edits_a_goal_and_sets_its_status(region, make, login, session):
    goal = make.plan_goal(region["case"])
    client = login(region["coordinator"])
    assert 'value="1"' in client.get(f"/plan/doelen/{goal.id}/bewerken").text  # the version travels with the form
    response = client.post(f"/plan/doelen/{goal.id}/bewerken", data={
        "leefgebied": "schulden", "description": "Schuldhulp loopt.", "status": "bereikt", "expected_version": "1"})
    assert response.status_code == 302
    session.refresh(goal)
    assert (goal.description, goal.status, goal.version) == ("Schuldhulp loopt.", "bereikt", 2)
    assert audit(session, record_type="plan_goal", action="update")[-1].detail == "changed: description, status"


# -- actions --------------------------------------------------------------------------------------------------

def test_coordinator_adds_an_action_owned_by_a_partner_who_is_told(region, make, login, session):
    goal = make.plan_goal(region["case"])
    client = login(region["coordinator"])
    form = client.get(f"/casussen/{region['case'].id}/plan/acties/nieuw?doel={goal.id}").text
    assert f'<option selected value="{goal.id}">' in form
    response = client.post(f"/casussen/{region['case'].id}/plan/acties/nieuw",
                           data=action_form(region, goal_id=str(goal.id)))
    assert response.status_code == 302
    action = session.scalar(select(PlanAction))
    assert (action.owner_organisation_id, action.owner_user_id, action.goal_id, action.status) == (
        region["politie"].id, None, goal.id, "open")
    assert [e.action for e in audit(session, record_type="plan_action")] == ["create"]
    told = session.scalars(select(Notification).where(Notification.user_id == region["agent"].id)).all()
    assert [n.link for n in told] == [f"/acties/{action.id}"]
    assert SECRET_NAME not in told[0].text


def test_owners_offered_are_the_gemeentes_coordinators_its_team_and_the_cases_partners(region, login):
    page = login(region["coordinator"]).get(f"/casussen/{region['case'].id}/plan/acties/nieuw").text
    owners = re.search(r'<select[^>]*name="owner_id".*?</select>', page, re.S).group(0)
    assert f'value="organisation:{region["politie"].id}"' in owners  # a partner on the case
    assert f'value="organisation:{region["team"].id}"' in owners  # the gemeente's own team
    assert f'value="user:{region["colleague"].id}"' in owners  # a coordinator of Lisse
    assert f'value="organisation:{region["ggz"].id}"' not in owners  # not assigned to the case
    assert f'value="user:{region["outsider"].id}"' not in owners  # a coordinator of Teylingen only
    assert f'{region["colleague"].name} (coördinator)' in owners and "Politie Bollenstreek (Politie)" in owners


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"description": ""}, "description", "Beschrijf de actie."),
    ({"owner_id": ""}, "owner_id", "Kies de eigenaar."),
    ({"owner_id": "organisation:ggz"}, "owner_id", "Kies als eigenaar een coördinator van de gemeente, het eigen team "
                                                   "of een partner op de casus."),
    ({"owner_id": "user:outsider"}, "owner_id", "Kies als eigenaar een coördinator van de gemeente"),
    ({"owner_id": "user:agent"}, "owner_id", "Kies als eigenaar een coördinator van de gemeente"),  # not a coordinator
    ({"due_on": ""}, "due_on", "Vul een geldige datum in."),
    ({"due_on": "31-02-2026"}, "due_on", "Vul een geldige datum in."),
    ({"due_on": "yesterday"}, "due_on", "De datum ligt in het verleden."),
    ({"due_on": "in three years"}, "due_on", "Kies een datum binnen twee jaar."),
    ({"goal_id": "other case"}, "goal_id", "Kies een doel van deze casus."),
])
def test_invalid_action_is_refused_in_dutch_and_nothing_saved(region, make, login, session, overrides, field, message):
    other_goal = make.plan_goal(make.case(region["lisse"]))
    values = {"organisation:ggz": f"organisation:{region['ggz'].id}", "user:outsider": f"user:{region['outsider'].id}",
              "user:agent": f"user:{region['agent'].id}", "yesterday": (today() - timedelta(days=1)).isoformat(),
              "in three years": (today() + timedelta(days=3 * 365)).isoformat(), "other case": str(other_goal.id)}
    data = action_form(region, **{k: values.get(v, v) for k, v in overrides.items()})
    response = login(region["coordinator"]).post(f"/casussen/{region['case'].id}/plan/acties/nieuw", data=data)
    assert response.status_code == 200
    assert message in response.text
    assert f'id="{field}-error"' in response.text  # tied to its field
    if field != "description":
        assert "Wijkagent legt huisbezoek af." in response.text  # what was typed is kept
    assert session.scalar(select(func.count()).select_from(PlanAction)) == 0


def test_an_overdue_action_keeps_its_date_when_something_else_is_edited(region, make, login, session):
    action = make.plan_action(region["case"], region["politie"], due_on=today() - timedelta(days=3))
    client = login(region["coordinator"])
    data = action_form(region, description="Opnieuw huisbezoek.", due_on=action.due_on.isoformat(), status="open",
                       report="", expected_version="1")
    assert client.post(f"/acties/{action.id}/bewerken", data=data).status_code == 302
    session.refresh(action)
    assert action.description == "Opnieuw huisbezoek." and action.due_on == today() - timedelta(days=3)


def test_coordinator_closes_an_action_only_with_a_report_and_can_reopen_it(region, make, login, session):
    action = make.plan_action(region["case"], region["team"])
    client = login(region["coordinator"])
    data = action_form(region, owner_id=f"organisation:{region['team'].id}", status="gereed", report="",
                       expected_version="1")
    refused = client.post(f"/acties/{action.id}/bewerken", data=data)
    assert refused.status_code == 200 and "Beschrijf kort wat er is gedaan." in refused.text
    assert client.post(f"/acties/{action.id}/bewerken", data={**data, "report": "Gesprek gevoerd."}).status_code == 302
    session.refresh(action)
    assert (action.status, action.closed_by_id) == ("gereed", region["coordinator"].id) and action.closed_at
    data.update(status="open", report="Gesprek gevoerd.", expected_version="2")
    assert client.post(f"/acties/{action.id}/bewerken", data=data).status_code == 302
    session.refresh(action)
    assert (action.status, action.closed_at, action.closed_by_id) == ("open", None, None)


# -- partners ---------------------------------------------------------------------------------------------------

def test_partner_reads_the_plan_but_cannot_edit_it(region, make, login):
    goal = make.plan_goal(region["case"], description="Rust in de buurt.")
    action = make.plan_action(region["case"], region["team"], description="Keukentafelgesprek.", goal=goal)
    client = login(region["agent"])
    page = client.get(f"/casussen/{region['case'].id}").text
    assert "Rust in de buurt." in page and "Keukentafelgesprek." in page
    assert "Doel toevoegen" not in page and "Actie toevoegen" not in page and "/bewerken" not in page
    assert "Gereed melden" not in page  # not their organisation's action
    for url in (f"/casussen/{region['case'].id}/plan/acties/nieuw", f"/casussen/{region['case'].id}/plan/doelen/nieuw",
                f"/acties/{action.id}/bewerken", f"/plan/doelen/{goal.id}/bewerken"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/acties/{action.id}").status_code == 200


def test_partner_completes_their_own_action_with_a_report(region, make, login, session):
    action = make.plan_action(region["case"], region["politie"])
    client = login(region["agent"])
    page = client.get(f"/acties/{action.id}").text
    assert "Gereed melden" in page and 'name="report"' in page
    refused = client.post(f"/acties/{action.id}/gereed", data={"report": " ", "expected_version": "1"})
    assert refused.status_code == 200 and "Beschrijf kort wat er is gedaan." in refused.text
    response = client.post(f"/acties/{action.id}/gereed",
                           data={"report": "Huisbezoek gedaan, rustig.", "expected_version": "1"})
    assert response.status_code == 302
    session.refresh(action)
    assert (action.status, action.report, action.closed_by_id) == ("gereed", "Huisbezoek gedaan, rustig.",
                                                                   region["agent"].id)
    assert audit(session, record_type="plan_action", action="update")[-1].detail == "status=gereed"
    told = session.scalars(select(Notification).where(Notification.user_id == region["coordinator"].id)).all()
    assert told and "gereed gemeld" in told[-1].text
    assert "Deze actie is gereed." in client.get(f"/acties/{action.id}").text


def test_partner_may_not_complete_another_organisations_action_nor_one_of_an_unassigned_case(
        region, make, login, session):
    theirs = make.plan_action(region["case"], region["team"])
    hidden_case = make.case(region["lisse"], partners=[region["ggz"]])
    hidden = make.plan_action(hidden_case, region["ggz"])
    client = login(region["agent"])
    # Visible (the case is assigned to the politie) but owned by the team: refused.
    assert client.post(f"/acties/{theirs.id}/gereed", data={"report": "x", "expected_version": "1"}).status_code == 403
    # On a case the politie is not assigned to: as if it did not exist.
    assert client.get(f"/acties/{hidden.id}").status_code == 404
    assert client.post(f"/acties/{hidden.id}/gereed", data={"report": "x", "expected_version": "1"}).status_code == 404
    session.refresh(theirs), session.refresh(hidden)
    assert theirs.status == hidden.status == "open"
    denied = audit(session, user_id=region["agent"].id, outcome="denied")
    assert {(e.record_type, e.record_id) for e in denied} == {("plan_action", theirs.id), ("plan_action", hidden.id)}


# -- optimistic locking -------------------------------------------------------------------------------------------

def test_a_stale_edit_is_refused_and_keeps_what_was_typed(app, region, make, login, session):
    action = make.plan_action(region["case"], region["politie"], description="Origineel.")
    first = login(region["coordinator"])
    login_second = _login_as(session, region["colleague"], app.test_client())  # a second browser
    assert 'name="expected_version" type="hidden" value="1"' in first.get(f"/acties/{action.id}/bewerken").text
    assert 'value="1"' in login_second.get(f"/acties/{action.id}/bewerken").text
    saved = login_second.post(f"/acties/{action.id}/bewerken", data=action_form(
        region, description="Door collega gewijzigd.", status="open", report="", expected_version="1"))
    assert saved.status_code == 302

    stale = first.post(f"/acties/{action.id}/bewerken", data=action_form(
        region, description="Mijn eigen wijziging.", status="open", report="", expected_version="1"))
    assert stale.status_code == 409
    assert "intussen gewijzigd" in stale.text
    assert "Mijn eigen wijziging." in stale.text  # what the user typed stays in the form
    assert "Door collega gewijzigd." in stale.text  # and what is stored now is shown
    assert 'name="expected_version" type="hidden" value="2"' in stale.text  # saving again is a deliberate overwrite
    session.refresh(action)
    assert (action.description, action.version) == ("Door collega gewijzigd.", 2)


def test_a_completion_based_on_an_old_version_is_refused(app, region, make, login, session):
    action = make.plan_action(region["case"], region["politie"])
    coordinator = login(region["coordinator"])
    coordinator.post(f"/acties/{action.id}/bewerken", data=action_form(region, due_on=(today() + timedelta(5))
                                                                       .isoformat(), status="open", report="",
                                                                       expected_version="1"))
    agent = _login_as(session, region["agent"], app.test_client())
    stale = agent.post(f"/acties/{action.id}/gereed", data={"report": "Gedaan.", "expected_version": "1"})
    assert stale.status_code == 409 and "intussen gewijzigd" in stale.text
    assert "Gedaan." in stale.text
    session.refresh(action)
    assert action.status == "open"


def _login_as(session, user, client):
    """Log a second test client in (the `login` fixture drives the first)."""
    session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    session.commit()
    client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
    assert client.post("/inloggen/code", data={"code": factories.totp_code()}).status_code == 302
    return client


# -- worklist and termijnen -------------------------------------------------------------------------------------------

def test_partner_worklist_lists_only_their_organisations_open_actions_overdue_first(region, make, login):
    case = region["case"]
    make.plan_action(case, region["politie"], description="Later klaar.", due_on=today() + timedelta(days=20))
    make.plan_action(case, region["politie"], description="Al te laat.", due_on=today() - timedelta(days=2))
    make.plan_action(case, region["politie"], description="Al gedaan.", status="gereed")
    make.plan_action(case, region["team"], description="Van het team.")
    page = login(region["agent"]).get("/acties/").text
    assert "2 acties" in page
    assert page.index("Al te laat.") < page.index("Later klaar.")
    assert "2 dagen te laat" in page
    assert "Al gedaan." not in page and "Van het team." not in page
    assert 'href="/acties/"' in login(region["agent"]).get("/casussen/").text  # linked from the landing page
    done = login(region["agent"]).get("/acties/?status=gereed").text
    assert "Al gedaan." in done and "Al te laat." not in done
    assert "Al gedaan." in login(region["agent"]).get("/acties/?status=alle").text


def test_coordinator_worklist_has_their_own_and_their_teams_actions_and_pages(region, make, login, session, app):
    case = region["case"]
    for day in range(12):
        make.plan_action(case, region["team"], description=f"Teamactie {day:02d}.",
                         due_on=today() + timedelta(days=day))
    make.plan_action(case, region["coordinator"], description="Van mijzelf.", due_on=today() + timedelta(days=30))
    make.plan_action(case, region["colleague"], description="Van een collega.")
    make.plan_action(case, region["politie"], description="Van de politie.")
    client = login(region["coordinator"])
    first = client.get("/acties/").text
    assert "13 acties" in first and "Pagina 1 van 2" in first
    assert "Teamactie 00." in first and "Van een collega." not in first and "Van de politie." not in first
    assert "Van mijzelf." in client.get("/acties/?page=2").text
    assert audit(session, record_type="plan_action", action="search")[-1].detail == "status=open; 13 resultaten"


def test_worklist_empty_state(region, login):
    assert "Er staan geen open acties op naam van" in login(region["agent"]).get("/acties/").text


def test_termijnen_show_overdue_and_due_soon_actions_within_scope(region, make, login):
    case = region["case"]
    ggz_case = make.case(region["lisse"], partners=[region["politie"], region["ggz"]])
    make.plan_action(case, region["politie"], description="Politie te laat.", due_on=today() - timedelta(days=1))
    make.plan_action(ggz_case, region["ggz"], description="GGZ te laat.", due_on=today() - timedelta(days=4))
    make.plan_action(case, region["team"], due_on=today() + timedelta(days=3))
    make.plan_action(case, region["politie"], due_on=today() + timedelta(days=20))  # not due within 7 days
    make.plan_action(case, region["politie"], due_on=today() - timedelta(days=9), status="gereed")  # done

    def section(page, key):
        start = page.index(f'id="{key}-kop"')
        end = page.index("</section>", start)
        return page[start:end]

    coordinator = login(region["coordinator"]).get("/termijnen/").text
    overdue, soon = section(coordinator, "overdue"), section(coordinator, "due_soon")
    assert overdue.count(ROW) == 2 and "(2)" in overdue and ">Actie plan van aanpak</a>" in overdue
    assert "1 dag te laat" in overdue and "4 dagen te laat" in overdue
    assert soon.count(ROW) == 1 and "nog 3 dagen" in soon
    assert "Politie te laat." not in coordinator  # no free text on the termijnen page
    assert f'href="/casussen/{case.id}"' in overdue

    agent = login(region["agent"]).get("/termijnen/").text
    overdue, soon = section(agent, "overdue"), section(agent, "due_soon")
    assert overdue.count(ROW) == 1 and "1 dag te laat" in overdue  # only the politie's own
    assert ROW not in soon  # the team's action is not theirs
    assert ROW not in login(region["agent"]).get("/termijnen/?kind=termijn").text
    assert ROW in login(region["agent"]).get("/termijnen/?kind=actie").text


def test_actions_of_a_suspended_case_wait_off_the_termijnen_page(region, make, login, session):
    region["case"].suspended_since = region["case"].created_at
    session.commit()
    make.plan_action(region["case"], region["politie"], due_on=today() - timedelta(days=1))
    page = login(region["coordinator"]).get("/termijnen/").text
    assert ROW not in page
    assert "1 termijn van opgeschorte dossiers niet getoond" in page


def test_a_closed_case_gets_no_new_goals_or_actions_and_its_open_actions_are_no_work(region, make, login, session):
    case = make.case(region["lisse"], status="afgesloten", partners=[region["politie"]])
    make.plan_action(case, region["politie"], description="Nog open.", due_on=today() - timedelta(days=3))
    client = login(region["coordinator"])
    refused = client.post(f"/casussen/{case.id}/plan/acties/nieuw", data=action_form(region))
    assert refused.status_code == 200
    assert "De casus is afgesloten. Heropen de casus om het plan van aanpak aan te vullen." in refused.text
    refused = client.post(f"/casussen/{case.id}/plan/doelen/nieuw", data={"leefgebied": "schulden",
                                                                         "description": "Iets."})
    assert "De casus is afgesloten." in refused.text
    assert session.scalar(select(func.count()).select_from(PlanAction)) == 1
    assert session.scalar(select(func.count()).select_from(PlanGoal)) == 0
    assert "Actie toevoegen" not in client.get(f"/casussen/{case.id}").text
    agent = login(region["agent"])
    assert "Nog open." not in agent.get("/acties/").text and "Nog open." in agent.get("/acties/?status=alle").text
    assert ROW not in agent.get("/termijnen/").text


def test_retention_removes_the_free_text_of_plan_and_conference_records(app, region, make, session):
    from caseapp import db
    from caseapp.plans.operations import REMOVED, remove_plan_text

    case = region["case"]
    goal = make.plan_goal(case, description=f"Doel van {SECRET_NAME}")
    done = make.plan_action(case, region["politie"], status="gereed", report=f"{SECRET_NAME} bezocht.", goal=goal)
    open_ = make.plan_action(case, region["team"], description=f"Bel {SECRET_NAME}.")
    conference = make.conference([region["lisse"]], region["coordinator"], [region["team"]])
    item = make.conference_item(conference, case, decisions=f"Besluit over {SECRET_NAME}", present=[region["team"]])
    with app.app_context():
        assert remove_plan_text(db.session().get(type(case), case.id)) == ()
        db.session().commit()
    for record in (goal, done, open_, item):
        session.refresh(record)
    assert (goal.description, done.description, done.report, open_.report, item.decisions) == ("", "", REMOVED, "",
                                                                                                "")
    assert (goal.leefgebied, done.status, done.owner_organisation_id) == ("schulden", "gereed", region["politie"].id)


# -- the whole flow -------------------------------------------------------------------------------------------

def test_from_an_existing_case_to_a_plan_a_conference_and_a_partner_completing_their_action(
        app, region, make, login, session):
    """A coordinator makes a plan for a case, puts it on a conference agenda and records an action there; the
    partner sees it in their worklist and on the conference, and reports it done; the coordinator sees that."""
    case = region["case"]
    coordinator = login(region["coordinator"])
    coordinator.post(f"/casussen/{case.id}/plan/doelen/nieuw",
                     data={"leefgebied": "schulden", "description": "Huurachterstand ingelopen."})
    goal = session.scalar(select(PlanGoal))
    coordinator.post(f"/casussen/{case.id}/plan/acties/nieuw", data=action_form(
        region, owner_id=f"organisation:{region['team'].id}", description="Schuldhulp aanmelden.",
        goal_id=str(goal.id)))

    day = today() + timedelta(days=1)
    response = coordinator.post("/overleggen/nieuw", data={
        "kind": "zorg_veiligheidstafel", "gemeente_ids": [region["lisse"].id], "start_date": day.isoformat(),
        "start_time": "10:00", "location": "Gemeentehuis", "chair_id": region["coordinator"].id,
        "organisation_ids": [region["team"].id, region["politie"].id]})
    assert response.status_code == 302
    conference_url = response.location
    page = coordinator.get(f"/casussen/{case.id}").text
    conference_id = int(conference_url.rstrip("/").rsplit("/", 1)[1])
    assert f'<option value="{conference_id}">Zorg- en veiligheidstafel' in page
    scheduled = coordinator.post(f"/overleggen/casus/{case.id}/agenderen", data={"conference_id": conference_id})
    assert scheduled.status_code == 302
    item_id = session.scalar(select(ConferenceItem.id).where(ConferenceItem.case_id == case.id))
    added = coordinator.post(f"/overleggen/{conference_id}/agenda/{item_id}/acties", data={
        "actie-description": "Wijkagent bezoekt betrokkene samen met de woningcorporatie.",
        "actie-owner_id": f"organisation:{region['politie'].id}", "actie-due_on": (today() + timedelta(7)).isoformat(),
        "actie-goal_id": str(goal.id)})
    assert added.status_code == 302
    action = session.scalar(select(PlanAction).where(PlanAction.owner_organisation_id == region["politie"].id))
    assert action.conference_item_id == item_id and action.case_id == case.id

    agent = login(region["agent"])
    worklist = agent.get("/acties/").text
    assert "Wijkagent bezoekt betrokkene" in worklist and "Schuldhulp aanmelden." not in worklist
    assert f"/overleggen/{conference_id}" in agent.get("/overleggen/").text
    assert "Afgesproken in overleg: Zorg- en veiligheidstafel" in agent.get(f"/casussen/{case.id}").text
    done = agent.post(f"/acties/{action.id}/gereed", data={"report": "Bezoek afgelegd; afspraken gemaakt.",
                                                            "expected_version": str(action.version)})
    assert done.status_code == 302

    page = login(region["coordinator"]).get(f"/casussen/{case.id}").text
    assert "Bezoek afgelegd; afspraken gemaakt." in page and "gereed" in page
    assert {(e.record_type, e.action) for e in audit(session, case_id=case.id)} >= {
        ("plan_goal", "create"), ("plan_action", "create"), ("conference_item", "create"), ("plan_action", "update")}


def test_plan_section_without_leefgebieden_says_what_to_do_first(region, make, login, session):
    case = make.case(region["lisse"])
    case.leefgebieden.clear()
    session.commit()
    page = login(region["coordinator"]).get(f"/casussen/{case.id}").text
    assert "Nog geen plan van aanpak." in page and "Leg eerst de leefgebieden van de casus vast" in page
    assert "Doel toevoegen" not in page and "Actie toevoegen" in page
