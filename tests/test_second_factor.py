"""The second factor: TOTP for every account, enrolment with a QR code drawn by the app, recovery codes, a code
accepted once within one time step either side, failed codes counted towards the lockout, the admin's reset,
the user's own renewal, and the development-only switch for the demo accounts."""

import hashlib
import re

import pytest
from sqlalchemy import func, select

from caseapp import create_app
from caseapp.accounts.operations import LOCKOUT, MAX_FAILED_LOGINS, RECOVERY_CODE_COUNT
from caseapp.accounts.views import LOCKED, LOGIN_REFUSED, WRONG_CODE, WRONG_ENROLMENT_CODE, WRONG_RECOVERY_CODE
from caseapp.demo import demo_logins
from caseapp.models import AuditEntry, RecoveryCode, User, UserSession
from config import ProductionConfig
from tests.factories import PASSWORD, TOTP_SECRET, totp_code


def post_password(client, user, password=PASSWORD):
    return client.post("/inloggen", data={"email": user.email, "password": password})


def post_code(client, code="", recovery_code=""):
    return client.post("/inloggen/code", data={"code": code, "recovery_code": recovery_code})


def logged_in(client):
    return client.get("/mijn-account").status_code == 200


def audit_details(session, user, action="login", outcome=None):
    statement = select(AuditEntry.detail).where(AuditEntry.record_type == "user", AuditEntry.record_id == user.id,
                                                AuditEntry.action == action)
    if outcome:
        statement = statement.where(AuditEntry.outcome == outcome)
    return session.scalars(statement.order_by(AuditEntry.id)).all()


def recovery_codes_on(page):
    return re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)


def stored(session, user):
    session.expire_all()
    return session.get(User, user.id)


def enrol(client, session, user):
    """Log in as `user`, who has no second factor yet, through the enrolment; the recovery codes it shows."""
    assert post_password(client, user).location == "/inloggen/koppelen"
    secret = stored(session, user).totp_pending_secret
    page = client.post("/inloggen/koppelen", data={"code": totp_code(secret)}).text
    return recovery_codes_on(page)


# -- enrolment ------------------------------------------------------------------------------------------


def test_a_user_without_second_factor_is_led_to_enrolment_with_a_qr_code_drawn_by_the_app(client, make, session,
                                                                                          clock):
    user = make.user(second_factor=False)
    response = post_password(client, user)
    assert response.location == "/inloggen/koppelen"
    page = client.get("/inloggen/koppelen")
    secret = stored(session, user).totp_pending_secret
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    svg = re.search(r"<svg .*?</svg>", page.text, re.S).group(0)
    assert 'role="img"' in svg and "<title>QR-code" in svg and "<path" in svg
    assert "style" not in svg and "<script" not in svg  # the CSP refuses inline style and script
    assert not re.search(r"""(src|href)=["']https?:""", page.text)  # drawn here, by no outside service
    assert " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in page.text  # the secret, to type in by hand
    assert 'autocomplete="one-time-code"' in page.text and 'inputmode="numeric"' in page.text
    assert not logged_in(client)


def test_enrolment_refuses_a_wrong_code_and_confirms_with_the_right_one(client, make, session, clock):
    user = make.user(second_factor=False)
    post_password(client, user)
    secret = stored(session, user).totp_pending_secret
    wrong = client.post("/inloggen/koppelen", data={"code": totp_code(secret, steps=5)})
    assert wrong.status_code == 200 and WRONG_ENROLMENT_CODE in wrong.text
    assert not stored(session, user).has_second_factor and not logged_in(client)
    assert audit_details(session, user, "update", "denied") == ["second factor enrolment: wrong code"]

    right = client.post("/inloggen/koppelen", data={"code": totp_code(secret)})
    assert right.status_code == 200 and right.headers["Cache-Control"] == "no-store"
    codes = recovery_codes_on(right.text)
    assert len(codes) == len(set(codes)) == RECOVERY_CODE_COUNT
    user = stored(session, user)
    assert (user.totp_secret, user.totp_pending_secret, user.totp_enrolled_at) == (secret, None, clock.now)
    assert logged_in(client)
    assert audit_details(session, user, "update", "allowed") == ["second factor enrolled"]
    assert audit_details(session, user, "login", "allowed")[-1] == "second factor enrolled"


def test_recovery_codes_are_stored_hashed_only(client, make, session, clock):
    user = make.user(second_factor=False)
    codes = enrol(client, session, user)
    hashes = set(session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert hashes == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}


def test_the_enrolment_code_cannot_be_used_again_to_log_in(client, make, session, clock):
    user = make.user(second_factor=False)
    post_password(client, user)
    code = totp_code(stored(session, user).totp_pending_secret)
    client.post("/inloggen/koppelen", data={"code": code})
    client.post("/uitloggen")
    post_password(client, user)
    assert WRONG_CODE in post_code(client, code).text


# -- the login ------------------------------------------------------------------------------------------


def test_the_password_alone_gives_access_to_nothing(app, client, make, session):
    user = make.user("admin")
    assert post_password(client, user).location == "/inloggen/code"
    # The rules without arguments: a half-way login is sent to the login page from each, as if anonymous.
    half_way_pages = [rule.rule for rule in app.url_map.iter_rules()
                      if "GET" in rule.methods and not rule.arguments
                      and rule.endpoint not in ("static", "accounts.login", "accounts.second_factor",
                                                "accounts.enrol", "api.openapi")]  # the API's description: no data
    assert len(half_way_pages) >= 10
    for url in half_way_pages:
        response = client.get(url)
        if url.startswith("/api/"):  # the BI API takes a token, never a session: 401 (tests/test_api.py)
            assert response.status_code == 401, url
            continue
        assert response.status_code == 302 and response.location.startswith("/inloggen?"), url
    assert session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)) == 0


def test_the_login_needs_the_code(client, make, session, clock):
    user = make.user()
    post_password(client, user)
    page = client.get("/inloggen/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    assert post_code(client).status_code == 200 and not logged_in(client)
    assert post_code(client, "12345").status_code == 200 and not logged_in(client)
    response = post_code(client, totp_code())
    assert response.status_code == 302 and response.location == "/"
    assert logged_in(client)
    assert audit_details(session, user, "login", "allowed") == ["password accepted", "totp code"]


def test_a_code_is_accepted_once(client, make, session, clock):
    user = make.user()
    post_password(client, user)
    code = totp_code()
    assert post_code(client, code).status_code == 302
    client.post("/uitloggen")
    post_password(client, user)
    replay = post_code(client, code)
    assert replay.status_code == 200 and WRONG_CODE in replay.text and not logged_in(client)
    assert audit_details(session, user, "login", "denied") == ["wrong second factor code"]
    clock.advance(seconds=30)  # the next time step brings a new code
    assert post_code(client, totp_code()).status_code == 302


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_codes_of_one_time_step_either_side_are_accepted(client, make, clock, steps, accepted):
    user = make.user()
    post_password(client, user)
    assert (post_code(client, totp_code(steps=steps)).status_code == 302) is accepted


def test_a_code_older_than_the_last_accepted_one_is_refused_too(client, make, clock):
    user = make.user()
    post_password(client, user)
    assert post_code(client, totp_code(steps=1)).status_code == 302
    client.post("/uitloggen")
    post_password(client, user)
    assert WRONG_CODE in post_code(client, totp_code()).text  # step 0 is older than the step 1 just used


def test_a_recovery_code_works_once(client, make, session, clock):
    user = make.user(second_factor=False)
    codes = enrol(client, session, user)
    client.post("/uitloggen")

    post_password(client, user)
    response = post_code(client, recovery_code=codes[0].upper().replace("-", " "))  # as typed off paper
    assert response.status_code == 302
    assert f"nog {RECOVERY_CODE_COUNT - 1}" in client.get(response.location, follow_redirects=True).text
    assert audit_details(session, user, "login", "allowed")[-1] == "recovery code"
    client.post("/uitloggen")

    post_password(client, user)
    again = post_code(client, recovery_code=codes[0])
    assert again.status_code == 200 and WRONG_RECOVERY_CODE in again.text
    assert audit_details(session, user, "login", "denied") == ["wrong recovery code"]
    assert post_code(client, recovery_code=codes[1]).status_code == 302
    assert session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id)) == RECOVERY_CODE_COUNT - 2


def test_wrong_codes_count_towards_the_lockout(client, make, session, clock):
    user = make.user()
    post_password(client, user)
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert WRONG_CODE in post_code(client, totp_code(steps=5)).text
    # Giving the password again does not reset the count: only a complete login does.
    post_password(client, user)
    locked = post_code(client, totp_code(steps=5))
    assert locked.location == "/inloggen"
    assert LOCKED in client.get("/inloggen").text
    assert stored(session, user).locked_until == clock.now + LOCKOUT
    assert LOGIN_REFUSED in post_password(client, user).text  # right password, locked account
    assert audit_details(session, user, "login", "denied") == (
        ["wrong second factor code"] * (MAX_FAILED_LOGINS - 1)
        + ["wrong second factor code; account locked now", "account locked"])


def test_a_lock_reached_elsewhere_stops_a_half_way_login(client, make, session, clock):
    user = make.user()
    post_password(client, user)
    user = stored(session, user)
    user.locked_until = clock.now + LOCKOUT  # five wrong passwords from elsewhere
    session.commit()
    response = post_code(client, totp_code())
    assert response.location == "/inloggen" and not logged_in(client)


def test_the_half_way_login_lasts_ten_minutes(client, make, clock):
    user = make.user()
    post_password(client, user)
    clock.advance(minutes=10, seconds=1)
    response = post_code(client, totp_code())
    assert response.location == "/inloggen" and not logged_in(client)


def test_the_login_steps_send_others_to_the_right_place(client, make, login):
    assert client.get("/inloggen/code").location == "/inloggen"  # nobody half-way
    assert client.get("/inloggen/koppelen").location == "/inloggen"
    enrolled = make.user()
    post_password(client, enrolled)
    assert client.get("/inloggen/koppelen").location == "/inloggen/code"
    login(enrolled)
    assert client.get("/inloggen/code").location == "/"


# -- the admin's reset ----------------------------------------------------------------------------------


def test_an_admin_resets_a_second_factor_audited_and_the_user_enrols_again(clock, app, as_admin, admin, make,
                                                                          session):
    user = make.user(second_factor=False)
    users_client = app.test_client()
    enrol(users_client, session, user)
    assert logged_in(users_client)
    page = as_admin.get(f"/beheer/gebruikers/{user.id}").text
    assert "Tweede factor resetten" in page and "Authenticator-app gekoppeld op" in page

    unconfirmed = as_admin.post(f"/beheer/gebruikers/{user.id}/tweede-factor-resetten", data={})
    assert unconfirmed.status_code == 200 and "Vink aan dat u de tweede factor wilt resetten." in unconfirmed.text
    assert stored(session, user).has_second_factor

    response = as_admin.post(f"/beheer/gebruikers/{user.id}/tweede-factor-resetten", data={"reset-confirm": "y"})
    assert response.location == f"/beheer/gebruikers/{user.id}"
    user = stored(session, user)
    assert (user.totp_secret, user.totp_enrolled_at, user.totp_last_step) == (None, None, None)
    assert session.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id)) == 0
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.detail == "second factor reset")).all()
    assert (entry.user_id, entry.action, entry.record_id) == (admin.id, "update", user.id)
    assert not logged_in(users_client)  # the reset ended the user's sessions

    assert post_password(users_client, user).location == "/inloggen/koppelen"


def test_only_admins_reset_a_second_factor(login, make, session):
    user = make.user()
    client = login(make.user("coordinator"))
    assert client.post(f"/beheer/gebruikers/{user.id}/tweede-factor-resetten",
                       data={"reset-confirm": "y"}).status_code == 403
    assert stored(session, user).has_second_factor


# -- Mijn account ---------------------------------------------------------------------------------------


def test_a_user_renews_recovery_codes_after_a_current_code(app, client, make, session, clock):
    user = make.user(second_factor=False)
    old_codes = enrol(client, session, user)
    other_device = app.test_client()
    enrol_again = post_password(other_device, user)  # a second session, which the renewal ends
    assert enrol_again.location == "/inloggen/code"
    clock.advance(seconds=30)
    post_code(other_device, totp_code(stored(session, user).totp_secret))
    assert logged_in(other_device)
    clock.advance(seconds=30)

    refused = client.post("/mijn-account/herstelcodes", data={"herstelcodes-code": "000000"})
    assert refused.status_code == 200 and WRONG_CODE in refused.text
    assert audit_details(session, user, "update", "denied") == ["wrong second factor code"]

    response = client.post("/mijn-account/herstelcodes",
                           data={"herstelcodes-code": totp_code(stored(session, user).totp_secret)})
    codes = recovery_codes_on(response.text)
    assert len(codes) == RECOVERY_CODE_COUNT and not set(codes) & set(old_codes)
    assert response.headers["Cache-Control"] == "no-store"
    assert audit_details(session, user, "update", "allowed")[-1] == "recovery codes renewed after totp code"
    assert logged_in(client) and not logged_in(other_device)

    client.post("/uitloggen")
    post_password(client, user)
    assert WRONG_RECOVERY_CODE in post_code(client, recovery_code=old_codes[0]).text
    assert post_code(client, recovery_code=codes[0]).status_code == 302


def test_a_user_links_a_new_app_and_the_old_one_works_until_the_new_one_is_confirmed(clock, app, client, login, make,
                                                                                   session):
    user = make.user()
    other_device = login(user, on=app.test_client())
    login(user)
    clock.advance(seconds=30)

    page = client.post("/mijn-account/koppelen", data={"koppelen-code": totp_code()})
    assert page.status_code == 200 and "<svg" in page.text and page.headers["Cache-Control"] == "no-store"
    user = stored(session, user)
    new_secret = user.totp_pending_secret
    assert new_secret and user.totp_secret == TOTP_SECRET  # not replaced yet
    assert audit_details(session, user, "update")[-1] == "second factor re-enrolment started after totp code"

    wrong = client.post("/mijn-account/koppelen/bevestigen", data={"code": totp_code(TOTP_SECRET, steps=1)})
    assert WRONG_ENROLMENT_CODE in wrong.text and stored(session, user).totp_secret == TOTP_SECRET

    # The new app's code of this very time step works, though the old app's code of it was just used.
    confirmed = client.post("/mijn-account/koppelen/bevestigen", data={"code": totp_code(new_secret)})
    assert len(recovery_codes_on(confirmed.text)) == RECOVERY_CODE_COUNT
    assert stored(session, user).totp_secret == new_secret
    assert logged_in(client) and not logged_in(other_device)
    client.post("/uitloggen")
    clock.advance(seconds=30)
    post_password(client, user)
    assert WRONG_CODE in post_code(client, totp_code(TOTP_SECRET)).text
    assert post_code(client, totp_code(new_secret)).status_code == 302


def test_confirming_without_a_new_link_under_way_says_so(login, make):
    client = login(make.user())
    response = client.post("/mijn-account/koppelen/bevestigen", data={"code": "123456"})
    assert response.status_code == 200 and "Er is geen nieuwe koppeling begonnen" in response.text


def test_wrong_codes_on_the_account_page_count_towards_the_lockout(login, make, session, clock):
    user = make.user()
    client = login(user)
    for _ in range(MAX_FAILED_LOGINS):
        client.post("/mijn-account/koppelen", data={"koppelen-code": totp_code(steps=5)})
    assert stored(session, user).locked_until is not None
    clock.advance(seconds=30)
    refused = client.post("/mijn-account/koppelen", data={"koppelen-code": totp_code()})
    assert "Te veel onjuiste codes" in refused.text and stored(session, user).totp_pending_secret is None


# -- the development switch -----------------------------------------------------------------------------


@pytest.fixture
def development_app(database_url, connection):
    app = create_app("development", DATABASE_URL=database_url, WTF_CSRF_ENABLED=False)
    app.extensions["db_bind"] = connection
    return app


def demo_user(make):
    role, email = demo_logins()[0]
    return make.user(role, email=email, second_factor=False)


def test_development_lets_the_demo_users_in_with_their_password_alone(development_app, make, session):
    user = demo_user(make)
    client = development_app.test_client()
    response = post_password(client, user)
    assert response.status_code == 302 and response.location == "/"
    assert logged_in(client)
    assert audit_details(session, user, "login", "allowed")[-1] == "demo account, second factor off in development"
    assert "in deze ontwikkelomgeving is die uitgeschakeld" in client.get("/mijn-account").text


def test_development_still_asks_other_users_for_the_second_factor(development_app, make):
    client = development_app.test_client()
    assert post_password(client, make.user()).location == "/inloggen/code"
    assert post_password(client, make.user(second_factor=False)).location == "/inloggen/koppelen"


def test_outside_development_the_demo_users_need_the_second_factor_too(client, make):
    assert post_password(client, demo_user(make)).location == "/inloggen/koppelen"


def test_the_switch_is_on_in_development_only():
    assert create_app("development", DATABASE_URL="sqlite://").config["SECOND_FACTOR_DISABLED_FOR_DEMO"] is True
    assert create_app("test").config["SECOND_FACTOR_DISABLED_FOR_DEMO"] is False
    assert ProductionConfig.SECOND_FACTOR_DISABLED_FOR_DEMO is False


def test_production_refuses_to_start_with_the_switch_on(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECOND_FACTOR_DISABLED_FOR_DEMO", True)
    with pytest.raises(RuntimeError, match="SECOND_FACTOR_DISABLED_FOR_DEMO"):
        create_app("production", DATABASE_URL="sqlite://")
