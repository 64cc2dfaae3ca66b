"""The tamper-evident audit log: entries chained by hash, `flask audit-verify`, and PostgreSQL's append-only trigger."""

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from caseapp import AMSTERDAM, create_app, db
from caseapp.audit.chain import GENESIS, entry_digest
from caseapp.audit.operations import record, verify_chain
from caseapp.migrate import downgrade, upgrade
from caseapp.models import AuditEntry

TRIGGER = "audit_entry_append_only"


def rows(connection):
    """Every audit entry as the database holds it, in id order (read past any session's cache)."""
    return connection.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)).all()


def owner_sql(connection, statement, **params):
    """SQL past the application, as the table's owner could run it: on PostgreSQL with the trigger switched off."""
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(text(f"ALTER TABLE audit_entry DISABLE TRIGGER {TRIGGER}"))
    connection.execute(text(statement) if isinstance(statement, str) else statement, params)
    if postgres:
        connection.execute(text(f"ALTER TABLE audit_entry ENABLE TRIGGER {TRIGGER}"))


def verify(app):
    return app.test_cli_runner().invoke(args=["audit-verify"])


@pytest.fixture
def trail(make):
    """Five entries, oldest first."""
    user = make.user("coordinator")
    return [make.audit_entry(user, "view", record_type="case", record_id=n, case_id=n, detail=f"regel {n}")
            for n in range(1, 6)]


# -- the chain --------------------------------------------------------------------------------------------


def test_each_entry_holds_its_predecessors_hash_and_its_own(trail, connection):
    found = rows(connection)
    assert [row.id for row in found] == list(range(1, len(found) + 1))  # ids follow the head, without gaps
    previous = GENESIS
    for row in found:
        assert row.previous_hash == previous
        assert row.entry_hash == entry_digest(row._mapping, previous)
        previous = row.entry_hash
    assert found[-1].id == trail[-1].id and found[-1].detail == "regel 5"


def test_entries_added_together_are_chained_in_the_order_they_were_added(app, connection):
    with app.app_context():
        for number in range(3):
            record(None, "login", detail=f"samen {number}")
        db.session().commit()
    found = rows(connection)[-3:]
    assert [row.detail for row in found] == ["samen 0", "samen 1", "samen 2"]
    assert found[1].previous_hash == found[0].entry_hash and found[2].previous_hash == found[1].entry_hash


@pytest.mark.parametrize("at", [
    datetime(2026, 3, 1, 9, 0),  # no microseconds: isoformat would drop them, the chain must not
    datetime(2026, 3, 1, 9, 0, 0, 123456),
    datetime(2026, 3, 1, 11, 0, 0, 5, tzinfo=AMSTERDAM),  # an aware time is stored as naive UTC
])
def test_a_time_hashes_the_same_after_the_round_trip_through_the_database(make, connection, at):
    entry = make.audit_entry(at=at, record_id="7", detail="tijd")  # a number given as text is stored as a number
    [row] = [row for row in rows(connection) if row.id == entry.id]
    assert row.at == (at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at)
    assert row.record_id == 7
    assert entry_digest(row._mapping, row.previous_hash) == row.entry_hash


def test_column_defaults_are_part_of_the_hash(make, connection):
    entry = make.audit_entry(action="login")  # outcome, role, detail, ... left to their defaults
    [row] = [row for row in rows(connection) if row.id == entry.id]
    assert (row.outcome, row.role, row.detail) == ("allowed", "", "")
    assert entry_digest(row._mapping, row.previous_hash) == row.entry_hash


def test_the_chain_head_is_found_by_primary_key(make, connection):
    """With 10M entries the head must be one index probe, never a scan."""
    make.audit_entry(action="login")
    head = select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    sql = str(head.compile(connection, compile_kwargs={"literal_binds": True}))
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table would be scanned anyway
        plan = " ".join(connection.scalars(text(f"EXPLAIN {sql}")))
        assert "Index Scan Backward using pk_audit_entry" in plan, plan
    else:
        plan = " ".join(row[3] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        assert plan == "SCAN audit_entry", plan  # the rowid b-tree, read from its end; no sort, no other index


# -- audit-verify ----------------------------------------------------------------------------------------


def test_an_intact_chain_verifies(app, trail, connection):
    result = verify(app)
    total = len(rows(connection)) - 1  # the command audits itself after counting
    assert result.exit_code == 0, result.output
    assert f"Checked {total} audit entries." in result.output
    assert f"OK: the chain is intact. Last entry: id {trail[-1].id}" in result.output


def test_the_verification_is_itself_audited(app, trail, connection):
    verify(app)
    last = rows(connection)[-1]
    assert (last.action, last.record_type, last.user_id, last.client_address) == ("view", "audit_chain", None, "cli")
    assert last.detail == f"chain verified: {last.id - 1} entries, intact"


def test_a_changed_detail_is_named(app, trail, connection):
    owner_sql(connection, "UPDATE audit_entry SET detail = 'vervalst' WHERE id = :id", id=trail[2].id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"Checked {trail[2].id - 1} audit entries." in result.output
    assert f"BROKEN at entry {trail[2].id}: content changed" in result.output
    assert rows(connection)[-1].detail == f"chain verified: {trail[2].id - 1} entries, broken at entry {trail[2].id}"


@pytest.mark.parametrize("column, value", [
    ("at", datetime(2026, 1, 1)), ("user_id", None), ("action", "login"), ("outcome", "denied"), ("person_id", 99),
    ("client_address", "10.9.9.9"),
])
def test_a_change_to_any_field_is_named(app, trail, connection, column, value):
    table = AuditEntry.__table__
    owner_sql(connection, table.update().where(table.c.id == trail[1].id).values({column: value}))
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at entry {trail[1].id}: content changed" in result.output


def test_an_entry_deleted_in_the_middle_is_named(app, trail, connection):
    owner_sql(connection, "DELETE FROM audit_entry WHERE id = :id", id=trail[2].id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at entry {trail[3].id}: entry missing: it does not follow entry {trail[1].id}" in result.output


def test_the_first_entry_deleted_is_named(app, trail, connection):
    first = rows(connection)[0].id
    owner_sql(connection, "DELETE FROM audit_entry WHERE id = :id", id=first)
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at entry {first + 1}: entry missing: it does not follow the start of the log" in result.output


def test_an_entry_changed_and_hashed_again_breaks_the_link_to_the_next(app, trail, connection):
    """Whoever rewrites an entry and its hash must rewrite every later entry too, or the next link breaks."""
    [row] = [row for row in rows(connection) if row.id == trail[1].id]
    forged = {**row._mapping, "detail": "vervalst"}
    owner_sql(connection, "UPDATE audit_entry SET detail = 'vervalst', entry_hash = :hash WHERE id = :id",
              hash=entry_digest(forged, row.previous_hash), id=row.id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at entry {trail[2].id}: link broken: its previous hash is not the hash of entry {trail[1].id}" \
        in result.output


def test_the_first_of_two_broken_entries_is_named(app, trail, connection):
    for entry in (trail[3], trail[1]):
        owner_sql(connection, "UPDATE audit_entry SET detail = 'vervalst' WHERE id = :id", id=entry.id)
    assert f"BROKEN at entry {trail[1].id}:" in verify(app).output


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_the_walk_goes_in_batches_and_finds_a_gap_at_a_batch_boundary(app, trail, connection, batch_size):
    owner_sql(connection, "DELETE FROM audit_entry WHERE id = :id", id=trail[2].id)
    with app.app_context():
        check = verify_chain(batch_size=batch_size)
    assert check.broken_id == trail[3].id and check.problem.startswith("entry missing")
    assert check.checked == trail[1].id and check.last_id == trail[1].id


# -- viewing the log is audited ---------------------------------------------------------------------------


def test_every_page_of_the_audit_log_an_admin_views_is_audited_with_its_criteria(as_admin, admin, make, app,
                                                                                connection):
    user = make.user("coordinator")
    total = app.config["PAGE_SIZE"] + 1
    for number in range(total):
        make.audit_entry(user, "view", detail=f"regel {number}")
    as_admin.get("/beheer/audit/")
    as_admin.get(f"/beheer/audit/?user_id={user.id}")
    as_admin.get(f"/beheer/audit/?user_id={user.id}&page=2")
    searches = [row for row in rows(connection) if row.user_id == admin.id and row.action == "search"]
    assert [(row.record_type, row.detail) for row in searches[1:]] == [
        ("audit", f"user_id={user.id}; {total} resultaten"),
        ("audit", f"user_id={user.id}, page=2; {total} resultaten"),
    ]
    assert searches[0].detail.startswith("geen filter; ")


# -- the database refuses changes (PostgreSQL) -------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "UPDATE audit_entry SET detail = 'vervalst' WHERE id = :id",
    "UPDATE audit_entry SET entry_hash = previous_hash",
    "DELETE FROM audit_entry WHERE id = :id",
    "DELETE FROM audit_entry",
    "TRUNCATE audit_entry",
])
def test_postgresql_refuses_to_change_or_remove_an_entry(trail, connection, sql):
    if connection.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite has the application's refusal only")
    with pytest.raises(DBAPIError, match="audit_entry is append-only"), connection.begin_nested():
        connection.execute(text(sql), {"id": trail[0].id})
    assert [row.detail for row in rows(connection)][-5:] == [f"regel {n}" for n in range(1, 6)]


def test_the_migration_chains_the_entries_it_finds(connection):
    """Entries written before the chain existed are sealed by the migration, in id order, gaps and all."""
    downgrade(connection, "0004")
    connection.execute(text("DELETE FROM audit_entry"))  # whatever other tests committed; rolled back after
    old = {"user_id": None, "organisation_id": None, "role": "admin", "action": "view", "outcome": "allowed",
           "record_type": "case", "record_id": 1, "case_id": 1, "person_id": None, "client_address": "10.0.0.1"}
    connection.execute(insert(AuditEntry.__table__), [  # ids with gaps, as a sequence leaves them
        {**old, "id": entry_id, "at": datetime(2026, 1, 1, 9, number, 0, 250), "detail": f"oud {number}"}
        for number, entry_id in enumerate((3, 4, 9))])
    upgrade(connection)
    found = rows(connection)
    assert [row.id for row in found] == [3, 4, 9]
    assert [row.previous_hash for row in found] == [GENESIS, found[0].entry_hash, found[1].entry_hash]
    assert all(entry_digest(row._mapping, row.previous_hash) == row.entry_hash for row in found)


# -- two transactions at once ----------------------------------------------------------------------------


@pytest.fixture
def threaded_app(engine, database_url):
    """An app whose every app context has a session on its own connection, committing for real."""
    app = create_app("test", DATABASE_URL=database_url)
    app.extensions["db_bind"] = engine
    with engine.connect() as connection:
        before = connection.scalar(select(func.max(AuditEntry.id))) or 0
    yield app
    app.extensions["db_engine"].dispose()
    with engine.begin() as connection:  # remove what the test committed: the tail of the chain
        owner_sql(connection, "DELETE FROM audit_entry WHERE id > :id", id=before)


def test_two_transactions_never_chain_onto_the_same_entry(threaded_app, engine):
    """The first holds the chain until it commits; the second, appending meanwhile, waits and chains onto it."""
    first_flushed, second_appending = threading.Event(), threading.Event()
    outcome = {}

    def first():
        with threaded_app.app_context():
            session = db.session()
            try:
                record(None, "login", detail="eerste")
                session.flush()  # chained: the head is read, and held
                first_flushed.set()
                second_appending.wait(10)
                time.sleep(0.5)  # the second is now waiting (or, without the lock, reading the same head)
                session.commit()
                outcome["first"] = "committed"
            except Exception as error:  # reported by the main thread
                outcome["first"] = error
                first_flushed.set()

    def second():
        first_flushed.wait(10)
        with threaded_app.app_context():
            session = db.session()
            try:
                second_appending.set()
                record(None, "login", detail="tweede")
                session.commit()
                outcome["second"] = "committed"
            except Exception as error:  # reported by the main thread
                outcome["second"] = error

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcome == {"first": "committed", "second": "committed"}
    with engine.connect() as connection:
        eerste, tweede = connection.execute(select(AuditEntry.__table__).where(
            AuditEntry.detail.in_(["eerste", "tweede"])).order_by(AuditEntry.id)).all()
    assert (eerste.detail, tweede.detail) == ("eerste", "tweede")
    assert tweede.id == eerste.id + 1 and tweede.previous_hash == eerste.entry_hash
    with threaded_app.app_context():
        assert verify_chain().broken_id is None


@pytest.mark.parametrize("statement", [
    delete(AuditEntry),
    update(AuditEntry).values(detail="vervalst"),
])
def test_bulk_changes_through_the_orm_are_refused_on_both_databases(trail, session, connection, statement):
    with pytest.raises(PermissionError, match="append-only"):
        session.execute(statement.where(AuditEntry.id == trail[0].id))
    session.rollback()
    assert [row.detail for row in rows(connection)][-5:] == [f"regel {n}" for n in range(1, 6)]
