"""Security headers on every kind of response, the production session cookie, no remember-me, and error pages
without a stack trace."""

import re
from pathlib import Path

import pytest

from caseapp import create_app
from config import ProductionConfig
from tests.factories import PASSWORD, totp_code

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EXPECTED_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"
# What a CSP without 'unsafe-inline' blocks: inline script and style, event handler attributes, javascript: links.
INLINE = re.compile(r"<script\b(?![^>]*\bsrc=)|<style\b|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.IGNORECASE)


def _assert_security_headers(response):
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


@pytest.fixture
def production_app(monkeypatch, database_url, connection, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "p" * 48)
    monkeypatch.setattr(ProductionConfig, "DOCUMENT_STORAGE", str(tmp_path))  # production must name it
    app = create_app("production", DATABASE_URL=database_url)
    app.extensions["db_bind"] = connection
    return app


@pytest.fixture
def production_client(production_app):
    client = production_app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # a browser sends a Secure cookie only over HTTPS
    return client


def _csrf_token(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


RESPONSES = [
    ("/inloggen", 200),  # a page
    ("/static/style.css", 200),  # a static file
    ("/bestaat-niet", 404),  # an error page
    ("/casussen/", 302),  # a redirect to the login page
]


@pytest.mark.parametrize(("path", "status"), RESPONSES)
def test_every_response_carries_the_security_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    _assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # not outside production: see the next test


@pytest.mark.parametrize(("path", "status"), RESPONSES)
def test_production_adds_hsts(production_client, path, status):
    response = production_client.get(path)
    assert response.status_code == status
    _assert_security_headers(response)
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_no_template_has_inline_script_style_or_event_handlers():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert templates
    offenders = [f"{path.relative_to(TEMPLATES)}: {match.group(0)!r}"
                 for path in templates for match in INLINE.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def _cookies_set(response):
    """Name -> attributes of each cookie the response stores; deletions (an empty value) are left out."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        pair, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = pair.partition("=")
        if value:
            cookies[name] = attributes
    return cookies


def _assert_only_the_host_session_cookie(response):
    cookies = _cookies_set(response)
    assert list(cookies) == ["__Host-session"]
    attributes = cookies["__Host-session"]
    assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(attributes)
    assert not any(attribute.lower().startswith("domain=") for attribute in attributes)


def test_production_session_cookie_is_host_prefixed_secure_httponly_lax(production_app, production_client):
    assert production_app.config["SESSION_COOKIE_DOMAIN"] is None
    response = production_client.get("/inloggen")  # the CSRF token is kept in the session, so the cookie is set
    _assert_only_the_host_session_cookie(response)


def test_login_in_production_sets_only_the_host_session_cookie(make, production_client):
    user = make.user("coordinator")
    token = _csrf_token(production_client.get("/inloggen").text)
    response = production_client.post("/inloggen", data={"email": user.email, "password": PASSWORD,
                                                          "csrf_token": token, "remember": "y"})
    assert response.status_code == 302, response.text
    _assert_only_the_host_session_cookie(response)
    token = _csrf_token(production_client.get("/inloggen/code").text)
    response = production_client.post("/inloggen/code", data={"code": totp_code(), "csrf_token": token})
    assert response.status_code == 302, response.text
    _assert_only_the_host_session_cookie(response)
    assert production_client.get("/casussen/").status_code == 200  # the cookie goes back over HTTPS


def test_login_sets_no_remember_me_cookie(app, make, client):
    user = make.user("coordinator")
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    remember = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    assert remember not in _cookies_set(response)
    assert client.get_cookie(remember) is None


def test_an_unexpected_error_shows_the_dutch_page_without_a_stack_trace(database_url, connection):
    app = create_app("test", DATABASE_URL=database_url, PROPAGATE_EXCEPTIONS=False)
    app.extensions["db_bind"] = connection
    assert not app.debug

    @app.route("/kapot")
    def broken():
        raise RuntimeError("geheim detail uit de fout")

    response = app.test_client().get("/kapot")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.text
    for leak in ("Traceback", "RuntimeError", "geheim detail", "File &#34;", 'File "'):
        assert leak not in response.text
    _assert_security_headers(response)
