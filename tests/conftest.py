import tempfile
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from caseapp import create_app, sessions
from caseapp.accounts import operations as accounts_operations
from caseapp.accounts.models import User
from caseapp.audit.operations import utcnow
from caseapp.db import make_engine
from caseapp.migrate import upgrade
from tests import factories
from tests.postgres import throwaway_postgres

DATABASES = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--db", choices=("all", *DATABASES), default="all",
                     help="run the suite on SQLite, PostgreSQL or both (default)")


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--db")
        names = DATABASES if chosen == "all" else (chosen,)
        metafunc.parametrize("database_url", names, indirect=True, scope="session")


@pytest.fixture(scope="session")
def database_url(request):
    """An empty database of the requested kind, built by running the migrations."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="caseapp-test-"))
            url = f"sqlite:///{Path(folder) / 'test.db'}"  # a file, so WAL mode is what production has
        else:
            url = stack.enter_context(throwaway_postgres())
        engine = make_engine(url)
        with engine.begin() as connection:
            upgrade(connection)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine):
    """One connection in a transaction that is rolled back after the test: no test sees another's data."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture(scope="session")
def _app(database_url):
    return create_app("test", DATABASE_URL=database_url, WTF_CSRF_ENABLED=False)


@pytest.fixture
def app(_app, connection):
    _app.extensions["db_bind"] = connection
    yield _app
    del _app.extensions["db_bind"]


@pytest.fixture
def session(connection):
    """A session for arranging and checking data; its commits are savepoints in the test's transaction."""
    with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
        yield session


@pytest.fixture
def make(session):
    return factories.Factory(session)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client, session):
    """Log the test client (or another, `on`) in as `user`: the factory's password, then a code of the factory's
    second factor."""

    def login(user, on=client):
        on.post("/uitloggen")
        # Test-only shortcuts in the database. A user made without the factory (`flask create-user`) gets the
        # factory's secret. And a code is accepted once: tests log the same user in many times within one
        # 30-second time step, so the last accepted step is forgotten first.
        session.execute(update(User).where(User.id == user.id, User.totp_secret.is_(None))
                        .values(totp_secret=factories.TOTP_SECRET, totp_enrolled_at=utcnow()))
        session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
        session.commit()
        response = on.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302 and response.location.endswith("/inloggen/code"), response.text
        response = on.post("/inloggen/code", data={"code": factories.totp_code()})
        assert response.status_code == 302, response.text
        return on

    return login


@pytest.fixture
def admin(make):
    return make.user("admin")


@pytest.fixture
def as_admin(login, admin):
    """The test client, logged in as an admin."""
    return login(admin)


class Clock:
    """A clock that stands still until moved: patched in for the login and session code's `utcnow`."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """Stop the clock of logins and sessions at a fixed moment, 15 seconds into a 30-second TOTP time step."""
    clock = Clock(datetime(2026, 11, 23, 9, 0, 15))
    monkeypatch.setattr(accounts_operations, "utcnow", clock)
    monkeypatch.setattr(sessions, "utcnow", clock)
    return clock
