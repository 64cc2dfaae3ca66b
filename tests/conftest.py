import tempfile
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from caseapp import create_app
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
def login(client):
    """Log the test client in as `user` (password from the factory)."""

    def login(user):
        client.post("/uitloggen")
        response = client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, response.text
        return client

    return login


@pytest.fixture
def admin(make):
    return make.user("admin")


@pytest.fixture
def as_admin(login, admin):
    """The test client, logged in as an admin."""
    return login(admin)
