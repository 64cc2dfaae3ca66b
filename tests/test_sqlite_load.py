"""SQLite under load: the start-up checks of its settings, and eight writers at once without "database is locked".

These run on a SQLite file of their own, not on the test's rolled-back connection: they need committed data that
other connections see, and WAL, which an in-memory database cannot have.
"""

import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from caseapp import create_app, db
from caseapp.cases.operations import add_note
from caseapp.db import check_sqlite, make_engine
from caseapp.migrate import upgrade
from caseapp.models import AuditEntry, Case, Note, User
from tests.factories import Factory

WRITERS = 8
TRANSACTIONS = 25  # per writer


@pytest.fixture
def sqlite_url(request, tmp_path):
    """A migrated SQLite file."""
    if request.config.getoption("--db") == "postgresql":
        pytest.skip("SQLite's own locking")
    url = f"sqlite:///{tmp_path / 'load.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        upgrade(connection)
    engine.dispose()
    return url


@pytest.fixture
def sqlite_app(sqlite_url):
    app = create_app("test", DATABASE_URL=sqlite_url)
    yield app
    app.extensions["db_engine"].dispose()


def test_eight_writers_that_read_first_are_never_refused(sqlite_app):
    with sqlite_app.app_context():
        make = Factory(db.session())
        gemeente = make.gemeente()
        case_id = make.case(gemeente).id
        user_ids = [make.user("coordinator", gemeenten=[gemeente]).id for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    errors = []

    def writer(user_id):
        """Reads the case, then adds a note to it (which updates the case and writes an audit entry)."""
        start.wait()
        for number in range(TRANSACTIONS):
            with sqlite_app.app_context():
                session = db.session()
                try:
                    add_note(session.get(User, user_id), session.get(Case, case_id), body=f"Notitie {number}",
                             visibility="partners")
                    session.commit()
                except Exception as error:  # reported by the main thread
                    errors.append(error)
                    session.rollback()

    threads = [threading.Thread(target=writer, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not any(thread.is_alive() for thread in threads)
    locked = [e for e in errors if isinstance(e, OperationalError) and "database is locked" in str(e)]
    assert not locked, f"{len(locked)} of {WRITERS * TRANSACTIONS} transactions refused: {locked[0]}"
    assert errors == []
    with sqlite_app.app_context():
        session = db.session()
        assert session.get(Case, case_id).version == 1 + WRITERS * TRANSACTIONS  # no update lost
        assert session.scalar(select(func.count()).select_from(Note)) == WRITERS * TRANSACTIONS
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.record_type == "note")) == WRITERS * TRANSACTIONS
        for user_id in user_ids:
            assert session.scalar(select(func.count()).select_from(Note).where(Note.author_id == user_id)) \
                == TRANSACTIONS


# -- start-up checks ----------------------------------------------------------------------------------------


def undo(engine, pragma):
    """Make every new connection of `engine` undo one of the settings make_engine gives it."""

    @event.listens_for(engine, "connect")
    def _undo(dbapi_connection, _record):
        dbapi_connection.execute(pragma)

    return engine


@pytest.mark.parametrize(("pragma", "named"), [
    ("PRAGMA journal_mode=DELETE", "journal_mode"),
    ("PRAGMA busy_timeout=100", "busy_timeout"),
    ("PRAGMA foreign_keys=OFF", "foreign_keys"),
])
def test_a_sqlite_file_without_the_settings_is_refused(sqlite_url, pragma, named):
    engine = undo(make_engine(sqlite_url), pragma)
    with pytest.raises(RuntimeError, match=f"PRAGMA {named}"):
        check_sqlite(engine)
    engine.dispose()


@pytest.mark.parametrize(("pragma", "named"), [
    ("PRAGMA busy_timeout=0", "busy_timeout"),
    ("PRAGMA foreign_keys=OFF", "foreign_keys"),
])
def test_an_in_memory_sqlite_without_the_settings_is_refused(pragma, named):
    engine = undo(make_engine("sqlite://"), pragma)
    with pytest.raises(RuntimeError, match=f"PRAGMA {named}"):
        check_sqlite(engine)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_sqlite_passes_without_wal(url):
    check_sqlite(make_engine(url))  # raises if it fails


def test_the_app_does_not_start_on_a_sqlite_file_without_wal(sqlite_url, monkeypatch):
    monkeypatch.setattr(db, "make_engine", lambda url: undo(make_engine(url), "PRAGMA journal_mode=DELETE"))
    with pytest.raises(RuntimeError, match="PRAGMA journal_mode is 'delete'"):
        create_app("test", DATABASE_URL=sqlite_url)


def test_the_settings_of_a_sqlite_file_pass(sqlite_url):
    engine = make_engine(sqlite_url)
    check_sqlite(engine)  # raises if it fails
    engine.dispose()


def test_the_app_starts_on_a_new_sqlite_file_in_a_folder_that_does_not_exist_yet(tmp_path):
    """A fresh checkout has no instance/ folder: the app makes it, as SQLite makes the file."""
    path = tmp_path / "instance" / "caseapp.db"
    app = create_app("test", DATABASE_URL=f"sqlite:///{path}")
    app.extensions["db_engine"].dispose()
    assert path.parent.is_dir()
