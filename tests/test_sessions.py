"""Server-side sessions: a record per login, checked on every request. Logout, a new password and deactivation end
it wherever its cookie is; 15 minutes idle or 10 hours after login end it too; every login has a new id."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from caseapp.models import AuditEntry, User, UserSession
from caseapp.sessions import END_MESSAGES


def cookie_name(app):
    return app.config["SESSION_COOKIE_NAME"]


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie, as someone who stole it would."""
    copy = app.test_client()
    copy.set_cookie(cookie_name(app), client.get_cookie(cookie_name(app)).value)
    return copy


def session_id(app, client):
    """The session record's id in the client's signed cookie."""
    cookie = client.get_cookie(cookie_name(app)).value
    return app.session_interface.get_signing_serializer(app).loads(cookie).get("session_id")


def stored_session(session, app, client):
    session.expire_all()
    return session.get(UserSession, session_id(app, client))


def logged_in(client):
    return client.get("/mijn-account").status_code == 200


def sent_to_login_with(client, message):
    """Whether the next request is sent to the login page, which then says `message`."""
    response = client.get("/mijn-account")
    return (response.status_code == 302 and response.location.startswith("/inloggen?")
            and message in client.get(response.location).text)


def test_logout_ends_the_session_on_the_server_so_a_copied_cookie_no_longer_works(app, login, make, session):
    client = login(make.user())
    record = stored_session(session, app, client)
    copy = copy_of(app, client)
    assert logged_in(copy)

    client.post("/uitloggen")
    assert sent_to_login_with(copy, END_MESSAGES["ended"])
    session.refresh(record)
    assert record.ended_at is not None


def test_a_session_idle_for_fifteen_minutes_has_ended(clock, app, login, make, session):
    user = make.user()
    client = login(user)
    for _ in range(3):  # every request restarts the idle time
        clock.advance(minutes=14, seconds=59)
        assert logged_in(client)
    record = stored_session(session, app, client)
    clock.advance(minutes=15)
    assert sent_to_login_with(client, END_MESSAGES["idle"])
    session.refresh(record)
    assert record.ended_at == clock.now
    assert session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "logout",
                                                          AuditEntry.user_id == user.id)) == "session idle"


def test_a_session_ends_ten_hours_after_login_however_busy(clock, app, login, make):
    client = login(make.user())
    login_time = clock.now
    while clock.now + timedelta(minutes=10) < login_time + timedelta(hours=10):  # never idle
        clock.advance(minutes=10)
        assert logged_in(client)
    clock.now = login_time + timedelta(hours=10, seconds=-1)
    assert logged_in(client)
    clock.advance(seconds=1)
    assert sent_to_login_with(client, END_MESSAGES["expired"])


def test_the_last_seen_time_is_written_at_most_once_a_minute(clock, app, login, make, session):
    client = login(make.user())
    login_time = clock.now
    clock.advance(seconds=59)
    assert logged_in(client)
    assert stored_session(session, app, client).last_seen_at == login_time
    clock.advance(seconds=1)
    assert logged_in(client)
    assert stored_session(session, app, client).last_seen_at == clock.now


def admin_edit(user, **changes):
    data = {"name": user.name, "email": user.email, "role": user.role, "organisation_id": user.organisation_id,
            "gemeente_ids": user.gemeente_ids, "active": "y", "password": "", **changes}
    return {name: value for name, value in data.items() if value is not None}


@pytest.mark.parametrize(("change", "detail"), [
    ({"password": "een nieuw en lang genoeg wachtwoord"}, "changed: password reset"),
    ({"active": None}, "changed: active=False"),  # an unticked checkbox is not sent
])
def test_a_new_password_or_deactivation_ends_every_session_of_the_user(app, as_admin, login, make, session, change,
                                                                       detail):
    user = make.user("coordinator", gemeenten=[make.gemeente()])
    office, home = login(user, on=app.test_client()), login(user, on=app.test_client())
    bystander = login(make.user(), on=app.test_client())
    response = as_admin.post(f"/beheer/gebruikers/{user.id}", data=admin_edit(user, **change))
    assert response.status_code == 302
    assert session.scalar(select(AuditEntry.detail).where(AuditEntry.record_id == user.id,
                                                          AuditEntry.action == "update")) == detail
    assert sent_to_login_with(office, END_MESSAGES["ended"])
    assert sent_to_login_with(home, END_MESSAGES["ended"])
    assert logged_in(bystander) and logged_in(as_admin)
    # Ended on the server, not merely refused while the account is inactive: reactivating revives none.
    ended = session.scalars(select(UserSession.ended_at).where(UserSession.user_id == user.id)).all()
    assert len(ended) == 2 and None not in ended


def test_other_changes_by_the_admin_leave_the_sessions_alone(app, as_admin, login, make):
    user = make.user("coordinator", gemeenten=[make.gemeente()])
    client = login(user, on=app.test_client())
    as_admin.post(f"/beheer/gebruikers/{user.id}", data=admin_edit(user, name="Andere Naam"))
    assert logged_in(client)


def test_a_session_of_a_user_deactivated_in_the_database_has_ended(app, login, make, session):
    user = make.user()
    client = login(user)
    session.get(User, user.id).active = False
    session.commit()
    assert sent_to_login_with(client, END_MESSAGES["ended"])


def test_a_session_unknown_to_the_server_has_ended(app, login, make, session):
    client = login(make.user())
    session.execute(delete(UserSession))
    session.commit()
    assert sent_to_login_with(client, END_MESSAGES["ended"])


def test_login_gives_a_new_session_id_so_a_cookie_from_before_it_is_useless(app, client, login, make, session):
    user = make.user()
    client.get("/mijn-account")  # a visit before login: the cookie holds the message to log in
    before_login = copy_of(app, client)
    login(user)
    first = session_id(app, client)
    assert first and not logged_in(before_login)
    assert session_id(app, before_login) is None

    login(user)  # logs out first, then in again
    second = session_id(app, client)
    assert second and second != first
    assert session.get(UserSession, first).ended_at is not None


def test_the_login_asks_for_no_remember_me(client):
    assert "remember" not in client.get("/inloggen").text.lower()
