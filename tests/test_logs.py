"""Logs never hold a password, a second-factor code, the session cookie or what users write about people.

Every record is captured at DEBUG (the root logger, SQLAlchemy's statements and results, werkzeug) while a
user fails a login, logs in with password and second-factor code (after a wrong one), uses the session cookie,
adds a note, edits a person and hits an error; the app's own log handler formats the same records the way an
operator reads them.
"""

import io
import logging
import re

import pytest
from flask import request
from sqlalchemy import select

from caseapp import create_app, logs
from caseapp.accounts.models import UserSession
from tests.factories import PASSWORD, TOTP_SECRET, totp_code
from tests.test_bad_input import parse

WRONG_PASSWORD = "verkeerd-wachtwoord-7351"
NOTE_TEXT = "Buurvrouw hoort Kees Vlinderslag elke nacht schreeuwen"
NEW_NAME = "Zeldzaamheid"
QUERY_SECRET = "geheim-in-de-query"
ERROR_VALUE = "Vertrouwelijk-In-De-Fout"
LOGGERS = ("", "sqlalchemy", "werkzeug")


@pytest.fixture
def connection(engine, caplog):
    """conftest's connection, opened once every logger is at DEBUG: SQLAlchemy decides when a connection opens."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def lines():
    """The app's own handler on the root logger, as installed when nothing else configures logging."""
    stream = io.StringIO()
    handler = logs.handler(stream)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def broken_app(database_url, connection):
    """An app with a route that fails on what was posted, with an error message that quotes it."""
    app = create_app("test", DATABASE_URL=database_url, WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    app.extensions["db_bind"] = connection

    @app.route("/kapot", methods=["POST"])
    def broken():
        return str(int(request.form["value"]))  # ValueError: invalid literal for int() ...: 'Vertrouwelijk...'

    return app


def logged_text(record):
    """All a record holds: its formatted message with any traceback, and its arguments."""
    return logging.Formatter().format(record) + repr(record.args) + (record.exc_text or "")


def test_logs_hold_no_secrets(app, client, make, session, clock, caplog, lines, broken_app):
    lisse = make.gemeente("Lisse")
    coordinator = make.user("coordinator", make.organisation("gemeente"), [lisse])
    person = make.person("Kees", "Vlinderslag")
    case = make.case(lisse, persons=[(person, "betrokkene")], coordinator=coordinator)
    code, wrong_code = totp_code(), totp_code(steps=10)
    secrets = [WRONG_PASSWORD, PASSWORD, TOTP_SECRET, NOTE_TEXT, NEW_NAME, QUERY_SECRET, ERROR_VALUE]
    cookies = []

    def send(path, data=None, status=302):
        response = client.post(path, data=data) if data is not None else client.get(path)
        assert response.status_code == status, response.text
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        cookies.extend([cookie.value] if cookie else [])
        return response

    send("/inloggen", {"email": coordinator.email, "password": WRONG_PASSWORD}, status=200)
    send("/inloggen", {"email": coordinator.email, "password": PASSWORD})
    send("/inloggen/code", {"code": wrong_code}, status=200)
    send("/inloggen/code", {"code": code})
    send(f"/casussen/{case.id}/notities?label={QUERY_SECRET}", {"body": NOTE_TEXT, "visibility": "partners"})
    assert NOTE_TEXT in send(f"/casussen/{case.id}", status=200).text
    edit = f"/personen/{person.id}/bewerken"
    form = next(form for form in parse(edit, send(edit, status=200).text).forms if form.action.endswith(edit))
    send(edit, {**{name: field.value[:1] for name, field in form.fields.items()}, "last_name": NEW_NAME})
    assert broken_app.test_client().post("/kapot", data={"value": ERROR_VALUE}).status_code == 500
    secrets += cookies + session.scalars(select(UserSession.id)).all()

    records = caplog.records
    logged = [logged_text(record) for record in records] + [lines.getvalue()]
    for secret in secrets:
        assert not [entry for entry in logged if secret in entry], f"{secret!r} was logged"
    for six_digits in (code, wrong_code):  # alone, not as part of a longer number (a time, an id)
        assert not [entry for entry in logged if re.search(rf"(?<!\d){six_digits}(?!\d)", entry)], \
            f"code {six_digits} was logged"
    # The capture saw the places a leak would come from: statements, requests, the error and its traceback.
    assert any(record.name.startswith("sqlalchemy.engine") and "INSERT INTO note" in record.getMessage()
               for record in records)
    error = next(record for record in records if record.name == "caseapp" and record.levelno == logging.ERROR)
    assert "Traceback" in error.exc_text and "builtins.ValueError" in error.exc_text  # the type, not its message
    written = lines.getvalue().splitlines()
    assert f"method=POST path=/casussen/{case.id}/notities user={coordinator.id} status=302" in lines.getvalue()
    assert [line for line in written if "path=/kapot" in line and "Traceback" in line]  # one line, traceback and all


def test_the_handler_writes_a_traceback_on_one_line_without_the_message(lines):
    """Whichever logger an exception reaches (werkzeug's dev server logs those that escape the app)."""
    try:
        int(ERROR_VALUE)
    except ValueError:
        logging.getLogger("werkzeug").exception("Error on request:")
    written = lines.getvalue()
    assert ERROR_VALUE not in written
    assert len(written.splitlines()) == 1 and "builtins.ValueError (message not logged)" in written


def test_the_dev_server_logs_request_lines_without_their_query_string(app, caplog):
    """As werkzeug's request handler logs a request: the request line is an argument of the record."""
    logging.getLogger("werkzeug").info('%s - - [%s] "%s" %s %s', "127.0.0.1", "22/Nov/2026 10:00:00",
                                       f"GET /personen/?q={NEW_NAME} HTTP/1.1", "200", "-")
    record = caplog.records[-1]
    assert NEW_NAME not in record.getMessage() and '"GET /personen/ HTTP/1.1" 200' in record.getMessage()
