"""Notifications: who is told what, the e-mail that carries only a link after the commit, and the list."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp import db
from caseapp.audit.operations import utcnow
from caseapp.models import Case, CasePartner, Intervention, Notification, Organisation, User
from caseapp.notifications.operations import MAIL_BODY, notify
from caseapp.workflow.definitions import local_date
from caseapp.workflow.engine import fire, start

SECRET_NAME, SECRET_ADDRESS, SECRET_TEXT = "Geheimnaam", "Kerkstraat 12, Lisse", "Vertrouwelijke omschrijving"


@pytest.fixture
def outbox(app):
    """The e-mails sent (Flask-Mailman's locmem backend), emptied for this test."""
    app.extensions["mailman"].outbox = []
    return app.extensions["mailman"].outbox


@pytest.fixture
def region(make):
    lisse = make.gemeente("Lisse")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    politie = make.organisation("politie", "Politie Bollenstreek")
    coordinator = make.user("coordinator", team, [lisse])
    person = make.person("Piet", SECRET_NAME)
    case = make.case(lisse, coordinator=coordinator, persons=[(person, "betrokkene")], address=SECRET_ADDRESS,
                     description=SECRET_TEXT)
    return {
        "lisse": lisse, "team": team, "politie": politie, "coordinator": coordinator, "case": case,
        "colleague": make.user("coordinator", team, [lisse]),
        "agents": [make.user("partner", politie), make.user("partner", politie)],
        "retired": make.user("partner", politie, active=False),
    }


def notifications(session, user):
    return session.scalars(select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id)).all()


def assert_link_only(outbox, addresses, app):
    """One e-mail per address, whose whole text is the fixed sentence and the link to the list."""
    assert sorted(message.to[0] for message in outbox) == sorted(addresses)
    url = app.config["BASE_URL"] + "/notificaties"
    for message in outbox:
        assert message.body == MAIL_BODY.format(url=url)
        for secret in (SECRET_NAME, SECRET_ADDRESS, SECRET_TEXT):
            assert secret not in message.body and secret not in message.subject


def test_assigning_a_partner_organisation_notifies_its_users(app, region, session, login, outbox):
    case, politie = region["case"], region["politie"]
    response = login(region["coordinator"]).post(f"/casussen/{case.id}/partners",
                                                 data={"organisation_id": politie.id})
    assert response.status_code == 302
    for agent in region["agents"]:
        [note] = notifications(session, agent)
        assert (note.text, note.link) == (f"Casus {case.reference} is aan uw organisatie toegewezen.",
                                          f"/casussen/{case.id}")
    assert notifications(session, region["retired"]) == []
    assert notifications(session, region["coordinator"]) == []  # the actor is not told what they did
    assert_link_only(outbox, [agent.email for agent in region["agents"]], app)


def case_form(region, **overrides):
    return {
        "type": "woonoverlast", "gemeente_id": region["lisse"].id, "wijk_id": region["lisse"].wijken[0].id,
        "address": SECRET_ADDRESS, "description": SECRET_TEXT, "risk_level": "hoog", "leefgebieden": ["schulden"],
        "coordinator_id": region["colleague"].id,
        "opened_on": (local_date(utcnow()) - timedelta(days=2)).isoformat(), **overrides,
    }


def test_opening_a_case_for_another_coordinator_notifies_them(app, region, session, login, outbox):
    response = login(region["coordinator"]).post("/casussen/nieuw", data=case_form(region))
    assert response.status_code == 302, response.text
    case = session.scalar(select(Case).order_by(Case.id.desc()))
    [note] = notifications(session, region["colleague"])
    assert note.text == f"Casus {case.reference} is aan u toegewezen als coördinator."
    assert note.link == f"/casussen/{case.id}"
    assert_link_only(outbox, [region["colleague"].email], app)


def test_opening_a_case_for_oneself_notifies_nobody(region, session, login, outbox):
    client = login(region["coordinator"])
    assert client.post("/casussen/nieuw", data=case_form(region, coordinator_id=region["coordinator"].id)
                       ).status_code == 302
    assert session.scalars(select(Notification)).all() == [] and outbox == []


def test_editing_a_case_with_a_new_coordinator_notifies_them(app, region, session, login, outbox):
    case = region["case"]
    client = login(region["coordinator"])
    data = case_form(region, opened_on=case.opened_on.isoformat())
    assert client.post(f"/casussen/{case.id}/bewerken", data=data).status_code == 302
    assert [n.text for n in notifications(session, region["colleague"])] == [
        f"Casus {case.reference} is aan u toegewezen als coördinator."]
    # saving again with the same coordinator tells nobody anything new
    assert client.post(f"/casussen/{case.id}/bewerken", data=data).status_code == 302
    assert len(notifications(session, region["colleague"])) == 1
    assert_link_only(outbox, [region["colleague"].email], app)


def start_step(app, actor, case, owner):
    with app.app_context():
        s = db.session()
        # The owner works on the case (assigned directly here, so only the step itself notifies).
        s.add(CasePartner(case_id=case.id, organisation_id=owner.id, assigned_at=utcnow()))
        step = start(s.get(User, actor.id), s.get(Case, case.id), "gesprek",
                     owner_organisation=s.get(Organisation, owner.id),
                     due_on=local_date(utcnow()) + timedelta(days=5))
        s.commit()
        return step.id


def test_starting_a_step_owned_by_a_partner_notifies_its_users(app, region, session, outbox):
    case = region["case"]
    step_id = start_step(app, region["coordinator"], case, region["politie"])
    for agent in region["agents"]:
        [note] = notifications(session, agent)
        assert note.text == f"Casus {case.reference}: ‘Gesprek’ is aan uw organisatie toegewezen."
        assert note.link == f"/interventies/{step_id}"
    assert notifications(session, region["retired"]) == []
    assert_link_only(outbox, [agent.email for agent in region["agents"]], app)


def test_a_partner_completing_a_step_notifies_the_coordinator(app, region, session, outbox):
    case, agent = region["case"], region["agents"][0]
    step_id = start_step(app, region["coordinator"], case, region["politie"])
    outbox.clear()
    with app.app_context():
        s = db.session()
        fire(s.get(User, agent.id), s.get(Intervention, step_id), "afronden", outcome="effect")
        s.commit()
    [note] = notifications(session, region["coordinator"])
    assert note.text == (f"Casus {case.reference}: Politie Bollenstreek heeft ‘uitkomst vastleggen’ gedaan bij "
                         "‘Gesprek’.")
    assert note.link == f"/interventies/{step_id}"
    assert_link_only(outbox, [region["coordinator"].email], app)


def test_mail_goes_out_only_after_the_commit(app, region, session, outbox):
    agent = region["agents"][0]
    with app.app_context():
        s = db.session()
        notify([s.get(User, agent.id)], "Casus 2026-000001 is aan uw organisatie toegewezen.", "/casussen/1")
        s.flush()
        assert outbox == []  # written, not yet committed: nothing sent
        s.rollback()
    assert outbox == [] and notifications(session, agent) == []
    with app.app_context():
        s = db.session()
        notify([s.get(User, agent.id)], "Casus 2026-000001 is aan uw organisatie toegewezen.", "/casussen/1")
        s.commit()
    assert [message.to for message in outbox] == [[agent.email]]
    assert len(notifications(session, agent)) == 1


def test_nobody_is_told_about_a_case_they_cannot_open(app, region, make, session, outbox):
    elsewhere = make.user("coordinator", region["team"], [make.gemeente("Hillegom")])  # same team, other gemeente
    case = region["case"]
    with app.app_context():
        s = db.session()
        made = notify([s.get(User, region["colleague"].id), s.get(User, elsewhere.id)],
                      f"Casus {case.reference} is aan u toegewezen als coördinator.", f"/casussen/{case.id}",
                      case_id=case.id)
        s.commit()
    assert made == 1
    assert len(notifications(session, region["colleague"])) == 1 and notifications(session, elsewhere) == []
    assert [message.to for message in outbox] == [[region["colleague"].email]]


def add(session, user, text, *, minutes_ago=0, read=False, link="/casussen/1"):
    at = utcnow() - timedelta(minutes=minutes_ago)
    note = Notification(user_id=user.id, text=text, link=link, created_at=at, read_at=at if read else None)
    session.add(note)
    session.commit()
    return note


def nav_of(page):
    """The main menu of a page."""
    return page.split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]


def test_the_header_shows_the_unread_count(region, session, login):
    agent = region["agents"][0]
    first = add(session, agent, "Casus A is aan uw organisatie toegewezen.", minutes_ago=5, link="/casussen/42")
    add(session, agent, "Casus B is aan uw organisatie toegewezen.")
    add(session, agent, "Al gelezen", read=True)
    add(session, region["coordinator"], "Van iemand anders")
    client = login(agent)
    nav = nav_of(client.get("/termijnen/").text)
    assert ('Notificaties <span class="badge nav-count">2</span><span class="visually-hidden"> ongelezen</span>'
            in nav)

    response = client.get(f"/notificaties/{first.id}")
    assert response.status_code == 302 and response.location == "/casussen/42"
    session.refresh(first)
    assert first.read_at is not None
    assert '<span class="badge nav-count">1</span>' in nav_of(client.get("/notificaties/").text)


def test_someone_elses_notification_is_not_found_and_stays_unread(region, session, login):
    theirs = add(session, region["coordinator"], "Casus C is aan u toegewezen als coördinator.")
    response = login(region["agents"][0]).get(f"/notificaties/{theirs.id}")
    assert response.status_code == 404
    session.refresh(theirs)
    assert theirs.read_at is None


def test_a_stored_link_never_leads_off_the_site(region, session, login):
    odd = add(session, region["agents"][0], "Vreemde link", link="//example.com/")
    response = login(region["agents"][0]).get(f"/notificaties/{odd.id}")
    assert response.status_code == 302 and response.location == "/notificaties/"


def test_the_list_is_newest_first_paginated_and_marks_unread_in_words(app, region, session, login):
    agent = region["agents"][0]
    for number in range(12):  # the test page size is 10
        add(session, agent, f"Melding {number:02d}", minutes_ago=60 - number, read=number < 3)
    client = login(agent)
    page = client.get("/notificaties/").text
    items = page.split('<ul class="notifications">')[1].split("</ul>")[0]
    assert items.index("Melding 11") < items.index("Melding 10") < items.index("Melding 02")
    assert "Melding 01" not in items
    assert items.count('<span class="badge unread-badge">Nieuw</span>') == 9
    assert items.count("· gelezen") == 1
    second = client.get("/notificaties/?page=2").text
    assert "Melding 01" in second and "Melding 00" in second and "Melding 11" not in second


def test_the_list_has_an_empty_state(region, login):
    page = login(region["agents"][0]).get("/notificaties/").text
    assert "U heeft geen notificaties." in page
    assert "Alles als gelezen markeren" not in page
    assert "nav-count" not in page


def test_mark_all_read_leaves_what_arrived_after_the_list_was_shown(region, session, login):
    agent = region["agents"][0]
    for number in range(3):
        add(session, agent, f"Melding {number}")
    client = login(agent)
    page = client.get("/notificaties/").text
    assert "Alles als gelezen markeren" in page
    newest = max(n.id for n in notifications(session, agent))
    assert f'name="up_to_id" type="hidden" value="{newest}"' in page
    late = add(session, agent, "Na het laden binnengekomen")
    add(session, region["coordinator"], "Van iemand anders")

    response = client.post("/notificaties/gelezen", data={"up_to_id": newest})
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "3 notificaties als gelezen gemarkeerd." in page
    session.expire_all()
    assert [n.read_at is None for n in notifications(session, agent)] == [False, False, False, True]
    assert notifications(session, region["coordinator"])[0].read_at is None
    assert late.id > newest
    assert '<span class="badge nav-count">1</span>' in nav_of(page)


def test_mark_all_read_without_the_list_marks_nothing(region, session, login):
    agent = region["agents"][0]
    add(session, agent, "Melding")
    response = login(agent).post("/notificaties/gelezen", data={})
    assert response.status_code == 200
    assert "Er is niets als gelezen gemarkeerd" in response.text
    session.expire_all()
    assert notifications(session, agent)[0].read_at is None


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_analysts_and_admins_have_no_notifications(make, login, role):
    client = login(make.user(role))
    page = client.get("/", follow_redirects=True).text
    assert "Notificaties" not in page and "Termijnen" not in page
    assert client.get("/notificaties/").status_code == 403
    assert client.get("/termijnen/").status_code == 403


def test_casework_users_have_both_nav_items(region, login):
    page = login(region["coordinator"]).get("/casussen/").text
    nav = nav_of(page)
    assert 'href="/termijnen/"' in nav and 'href="/notificaties/"' in nav
    assert "nav-count" not in nav  # nothing unread: no badge
