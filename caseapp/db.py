"""The database: one engine per app, a request-scoped session, and the declarative base."""

from pathlib import Path

from flask import abort, current_app, g
from sqlalchemy import MetaData, create_engine, event, make_url
from sqlalchemy.orm import DeclarativeBase, Session

# Constraint names are fixed from the first migration on, so later migrations can address them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


BUSY_TIMEOUT_MS = 15000  # how long a SQLite connection waits for the write lock before it gives up


def make_engine(url, **kwargs):
    """An engine; SQLite gets foreign keys, WAL, a busy timeout and real transactions (for savepoints)."""
    kwargs.setdefault("hide_parameters", True)  # values are personal data: not in logs nor in error messages
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": BUSY_TIMEOUT_MS / 1000})
        engine = create_engine(url, **kwargs)
        in_file = _sqlite_in_file(url)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Let SQLAlchemy emit BEGIN itself: pysqlite's own transaction handling breaks SAVEPOINT.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if in_file:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # IMMEDIATE takes the write lock at the start, waiting up to the busy timeout for it. A deferred
            # transaction that has read and then writes cannot wait: when another writer committed since its
            # read, SQLite refuses at once with "database is locked". This serialises read-only transactions
            # too, which is acceptable for one team's SQLite; PostgreSQL is the database for more.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_in_file(url):
    """Whether a SQLite URL names a file (WAL is possible) rather than an in-memory database."""
    parsed = make_url(url)
    return parsed.database not in (None, "", ":memory:") and parsed.query.get("mode") != "memory"


def check_sqlite(engine):
    """Refuse to start on SQLite without WAL (file databases only), the busy timeout or foreign keys."""
    # A raw connection, so no BEGIN: that would wait for the write lock of whoever holds it.
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        found = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
                 for name in ("journal_mode", "busy_timeout", "foreign_keys")}
        cursor.close()
    finally:
        connection.close()
    problems = []
    if _sqlite_in_file(engine.url) and found["journal_mode"].lower() != "wal":
        problems.append(f"PRAGMA journal_mode is {found['journal_mode']!r}, expected 'wal'")
    if found["busy_timeout"] < 5000:
        problems.append(f"PRAGMA busy_timeout is {found['busy_timeout']}, expected at least 5000 (ms)")
    if found["foreign_keys"] != 1:
        problems.append(f"PRAGMA foreign_keys is {found['foreign_keys']}, expected 1")
    if problems:
        raise RuntimeError(f"SQLite database {engine.url.database} is not safe to use: " + "; ".join(problems))


def init_app(app):
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite") and _sqlite_in_file(url):
        # SQLite creates the file but not its folder (instance/ by default); the check below opens it.
        Path(make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        check_sqlite(engine)
    app.extensions["db_engine"] = engine
    app.teardown_appcontext(_close_session)


def engine():
    return current_app.extensions["db_engine"]


def session() -> Session:
    """The session of the current app context (request or CLI command)."""
    if "db_session" not in g:
        bind = current_app.extensions.get("db_bind") or engine()
        g.db_session = Session(bind=bind, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return g.db_session


def get_or_404(model, record_id):
    """A record by primary key, or the 404 page."""
    found = session().get(model, record_id)
    if found is None:
        abort(404)
    return found


def _close_session(_exc):
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
