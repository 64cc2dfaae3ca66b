"""Behind a reverse proxy the client's address is the one the proxy forwarded; without one, the header is ignored.

The address matters twice: the audit log records it, and the login throttling counts failures per address.
PROXY_HOPS says how many proxies in front of the app add X-Forwarded-For; only their entries are trusted.
"""

import pytest
from flask import request
from sqlalchemy import select

from caseapp import create_app
from caseapp.accounts.operations import MAX_FAILED_LOGINS_PER_ADDRESS
from caseapp.models import AuditEntry
from tests.factories import PASSWORD

CLIENT, PROXY = "203.0.113.7", "10.0.0.2"  # the browser's address, and the nginx the app sees as its peer


@pytest.fixture
def app_behind(database_url, connection):
    """A test app trusting `hops` proxies, on the test's database transaction."""

    def app_behind(hops):
        app = create_app("test", DATABASE_URL=database_url, WTF_CSRF_ENABLED=False, PROXY_HOPS=hops)
        app.extensions["db_bind"] = connection

        @app.route("/adres")
        def address():
            return f"{request.remote_addr} {request.scheme}"

        return app

    return app_behind


def through_proxy(forwarded_for, proto="https"):
    """What a request looks like after nginx: its own address as the peer, the client's in the header."""
    return {"environ_base": {"REMOTE_ADDR": PROXY},
            "headers": {"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": proto}}


def failed_login(client, email, **request):
    return client.post("/inloggen", data={"email": email, "password": "niet het goede wachtwoord"}, **request)


def denied_login_addresses(session, user):
    return session.scalars(select(AuditEntry.client_address).where(
        AuditEntry.user_id == user.id, AuditEntry.action == "login", AuditEntry.outcome == "denied")).all()


def test_without_trusted_proxies_the_forwarded_header_is_ignored(app_behind):
    client = app_behind(0).test_client()
    assert client.get("/adres", **through_proxy(CLIENT)).text == f"{PROXY} http"


@pytest.mark.parametrize("forwarded_for", [CLIENT, f"6.6.6.6, {CLIENT}"])
def test_one_trusted_proxy_gives_the_address_it_forwarded(app_behind, forwarded_for):
    """A client's own X-Forwarded-For (6.6.6.6) comes before the entry nginx appends, and is not believed."""
    client = app_behind(1).test_client()
    assert client.get("/adres", **through_proxy(forwarded_for)).text == f"{CLIENT} https"


def test_the_audit_log_records_the_forwarded_address_behind_one_proxy(app_behind, make, session):
    user = make.user("coordinator")
    failed_login(app_behind(1).test_client(), user.email, **through_proxy(CLIENT))
    failed_login(app_behind(0).test_client(), user.email, **through_proxy(CLIENT))
    assert sorted(denied_login_addresses(session, user)) == sorted([CLIENT, PROXY])


def test_a_spoofed_header_does_not_dodge_the_throttling_per_address(app_behind, make):
    """Without a trusted proxy, failures from one peer count together whatever X-Forwarded-For claims."""
    client = app_behind(0).test_client()
    for number in range(MAX_FAILED_LOGINS_PER_ADDRESS):
        failed_login(client, f"gok{number}@example.nl", headers={"X-Forwarded-For": f"198.51.100.{number}"})
    user = make.user("coordinator")
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD},
                           headers={"X-Forwarded-For": "198.51.100.250"})
    assert response.status_code == 200 and "geblokkeerd" in response.text  # refused, though the password is right


def test_behind_a_proxy_the_throttling_counts_per_client(app_behind, make):
    """The proxy's own address is not blocked for everyone when one client behind it fails too often."""
    client = app_behind(1).test_client()
    for number in range(MAX_FAILED_LOGINS_PER_ADDRESS):
        failed_login(client, f"gok{number}@example.nl", **through_proxy(CLIENT))
    user = make.user("coordinator")
    blocked = client.post("/inloggen", data={"email": user.email, "password": PASSWORD}, **through_proxy(CLIENT))
    other = client.post("/inloggen", data={"email": user.email, "password": PASSWORD},
                        **through_proxy("203.0.113.99"))
    assert blocked.status_code == 200 and "geblokkeerd" in blocked.text
    assert other.status_code == 302
