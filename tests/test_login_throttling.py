"""Login throttling: an account locks after 5 failures for 15 minutes, an address after 20, in the database."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp import create_app, db
from caseapp.accounts.operations import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    MAX_FAILED_LOGINS_PER_ADDRESS,
    authenticate,
    check_second_factor,
    complete_login,
)
from caseapp.accounts.views import LOGIN_REFUSED
from caseapp.audit.operations import utcnow
from caseapp.models import AuditEntry, User
from tests.factories import PASSWORD, totp_code

ADDRESS = "192.0.2.10"  # documentation range: no real client


def post_login(client, email, password, address=ADDRESS):
    return client.post("/inloggen", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def fail(app, email, times, now, address=ADDRESS):
    with app.app_context():
        for _ in range(times):
            assert authenticate(email, "niet het wachtwoord", address, now=now) is None


def logs_in(app, email, now, address=ADDRESS):
    """Whether both steps of a login succeed at `now`: the password, then a code of the factory's second factor."""
    with app.app_context():
        user = authenticate(email, PASSWORD, address, now=now)
        if user is None:
            return False
        user.totp_last_step = None  # test-only: a code is accepted once, and these tests log in again at `now`
        how = check_second_factor(user, address, code=totp_code(at=now), now=now)
        if how:
            complete_login(user, how, now=now)
        db.session().commit()
        return how is not None


def stored(session, user):
    """The user's throttling columns as the database has them now."""
    session.expire_all()
    return session.execute(select(User.failed_logins, User.locked_until).where(User.id == user.id)).one()


def test_five_failures_lock_the_account_for_fifteen_minutes_even_for_the_right_password(app, make, session):
    user = make.user()
    start = utcnow()
    fail(app, user.email, MAX_FAILED_LOGINS - 1, start)
    assert stored(session, user) == (MAX_FAILED_LOGINS - 1, None)
    fail(app, user.email, 1, start)
    assert stored(session, user) == (0, start + LOCKOUT)

    assert not logs_in(app, user.email, start + timedelta(minutes=1))
    assert not logs_in(app, user.email, start + timedelta(minutes=14, seconds=59))
    assert logs_in(app, user.email, start + timedelta(minutes=15))
    assert stored(session, user) == (0, None)


def test_attempts_while_locked_do_not_extend_the_lock(app, make, session):
    user = make.user()
    start = utcnow()
    fail(app, user.email, MAX_FAILED_LOGINS, start)
    fail(app, user.email, 3, start + timedelta(minutes=10))
    assert stored(session, user) == (0, start + LOCKOUT)
    assert logs_in(app, user.email, start + LOCKOUT)


def test_a_successful_login_resets_the_count(app, make, session):
    user = make.user()
    now = utcnow()
    fail(app, user.email, MAX_FAILED_LOGINS - 1, now)
    assert logs_in(app, user.email, now)
    assert stored(session, user) == (0, None)
    fail(app, user.email, MAX_FAILED_LOGINS - 1, now)
    assert logs_in(app, user.email, now)  # 8 failures in all, never 5 in a row


def test_the_lock_is_kept_in_the_database_for_every_app_instance(app, client, make, session, database_url,
                                                                 connection):
    user = make.user()
    for _ in range(MAX_FAILED_LOGINS):
        post_login(client, user.email, "niet het wachtwoord")
    assert stored(session, user).locked_until is not None

    other_worker = create_app("test", DATABASE_URL=database_url, WTF_CSRF_ENABLED=False)
    other_worker.extensions["db_bind"] = connection  # the same database, no state shared in memory
    response = post_login(other_worker.test_client(), user.email, PASSWORD, address="192.0.2.99")
    assert response.status_code == 200 and LOGIN_REFUSED in response.text


def test_one_message_for_unknown_account_wrong_password_locked_account_and_blocked_address(app, client, make):
    locked, blocked = make.user(), make.user()
    fail(app, locked.email, MAX_FAILED_LOGINS, utcnow())
    fail(app, "niemand@example.nl", MAX_FAILED_LOGINS_PER_ADDRESS, utcnow(), address="192.0.2.66")
    responses = {
        "unknown account": post_login(client, "niemand@example.nl", PASSWORD),
        "wrong password": post_login(client, make.user().email, "niet het wachtwoord"),
        "locked account, right password": post_login(client, locked.email, PASSWORD),
        "blocked address, right password": post_login(client, blocked.email, PASSWORD, address="192.0.2.66"),
    }
    for case, response in responses.items():
        assert response.status_code == 200, case
        assert LOGIN_REFUSED in response.text, case
        assert "/uitloggen" not in response.text, case


def test_refusals_are_audited_with_their_reason(app, make, session):
    user = make.user()
    now = utcnow()
    fail(app, user.email, MAX_FAILED_LOGINS + 1, now)
    logs_in(app, user.email, now)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "login").order_by(AuditEntry.id)).all()
    assert [(entry.user_id, entry.outcome, entry.client_address) for entry in entries] == (
        [(user.id, "denied", "cli")] * (MAX_FAILED_LOGINS + 2))
    assert [entry.detail for entry in entries] == (
        [""] * (MAX_FAILED_LOGINS - 1) + ["account locked now", "account locked", "account locked"])


def test_an_address_is_blocked_after_twenty_failures_in_fifteen_minutes(app, make):
    user = make.user()
    start = utcnow()
    # Spread over unknown accounts, so no account lock is involved.
    for number in range(MAX_FAILED_LOGINS_PER_ADDRESS - 1):
        fail(app, f"gok{number}@example.nl", 1, start)
    assert logs_in(app, user.email, start)  # 19: not yet
    fail(app, "gok@example.nl", 1, start)

    assert not logs_in(app, user.email, start + timedelta(minutes=1))
    assert logs_in(app, user.email, start + timedelta(minutes=1), address="192.0.2.11")  # other addresses are not
    assert not logs_in(app, user.email, start + LOCKOUT - timedelta(seconds=1))
    assert logs_in(app, user.email, start + LOCKOUT)  # the twenty have left the window


def test_the_login_page_counts_failures_by_the_client_address(client, make):
    user = make.user()
    for number in range(MAX_FAILED_LOGINS_PER_ADDRESS):
        post_login(client, f"gok{number}@example.nl", "niet het wachtwoord")
    assert LOGIN_REFUSED in post_login(client, user.email, PASSWORD).text
    assert post_login(client, user.email, PASSWORD, address="192.0.2.11").status_code == 302


@pytest.mark.parametrize("active", [True, False])
def test_failures_on_a_deactivated_account_count_too(app, make, session, active):
    user = make.user(active=active)
    fail(app, user.email, MAX_FAILED_LOGINS, utcnow())
    assert stored(session, user).locked_until is not None
