"""Configuration refusals, login and logout, and CSRF on every form."""

import pytest
from sqlalchemy import select

from caseapp import create_app
from caseapp.models import AuditEntry
from config import DEFAULT_SECRET_KEY, ProductionConfig
from tests.factories import PASSWORD, totp_code


@pytest.mark.parametrize("key", [DEFAULT_SECRET_KEY, "too-short"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, key):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_starts_with_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 48)
    monkeypatch.setattr(ProductionConfig, "DOCUMENT_STORAGE", str(tmp_path))  # production must name it
    app = create_app("production", DATABASE_URL="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="CASEAPP_ENV"):
        create_app("staging")


def test_wrong_password_and_unknown_account_get_the_same_message_and_are_audited(make, client, session):
    user = make.user("coordinator")
    message = "Deze combinatie van e-mailadres en wachtwoord is onbekend."
    wrong = client.post("/inloggen", data={"email": user.email, "password": "niet het wachtwoord"})
    unknown = client.post("/inloggen", data={"email": "niemand@example.nl", "password": "niet het wachtwoord"})
    assert message in wrong.text and message in unknown.text
    denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "login",
                                                      AuditEntry.outcome == "denied")).all()
    assert [entry.user_id for entry in denied] == [user.id, None]


def test_deactivated_user_cannot_log_in(make, client):
    user = make.user("coordinator", active=False)
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200 and "onbekend" in response.text


def test_login_lands_on_the_roles_page_and_logout_ends_the_session(make, login, client):
    client = login(make.user("partner"))
    assert client.get("/").location.endswith("/casussen/")
    assert client.post("/uitloggen").status_code == 302
    assert "/inloggen" in client.get("/casussen/").location


@pytest.mark.parametrize(("next_url", "landing"), [("/personen/", "/personen/"), ("//evil.example", "/"),
                                                  ("https://evil.example/", "/")])
def test_login_follows_only_local_next_links(make, client, next_url, landing):
    user = make.user("coordinator")
    response = client.post(f"/inloggen?next={next_url}", data={"email": user.email, "password": PASSWORD})
    assert response.location == "/inloggen/code"
    response = client.post("/inloggen/code", data={"code": totp_code()})
    assert response.location == landing


def test_forms_refuse_a_post_without_csrf_token(database_url, connection, make):
    app = create_app("test", DATABASE_URL=database_url)  # CSRF on, as in every real configuration
    app.extensions["db_bind"] = connection
    user = make.user("coordinator")
    response = app.test_client().post("/inloggen", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulier verlopen" in response.text
