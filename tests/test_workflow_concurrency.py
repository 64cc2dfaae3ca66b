"""Two people acting on one intervention at once: one wins, the other is told so, and nothing is lost or mixed.

On PostgreSQL, `fire` takes a row lock: the second transition waits for the first to commit, then sees the new
version and refuses with a conflict. The stale-form case (a version read earlier) is checked on both databases.
"""

import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session

from caseapp import create_app, db
from caseapp.db import Base
from caseapp.models import AuditEntry, Intervention, StatusChange, User
from caseapp.workflow.engine import CONFLICT, Conflict, fire
from tests import test_workflow
from tests.factories import Factory
from tests.test_workflow import NOW

world = test_workflow.world  # the fixture the table uses

TIMEOUT = 10  # seconds any step may wait for the other thread before the test gives up


def huisverbod_columns(person):
    """A huisverbod imposed two days ago, running for ten days."""
    return {"person": person, "decided_at": NOW - timedelta(days=2), "ends_at": NOW + timedelta(days=8)}


# -- two transactions at once (PostgreSQL) ----------------------------------------------------------------


@dataclass
class Committed:
    intervention_id: int
    version: int
    first: int  # user ids of the two coordinators
    second: int


@pytest.fixture
def committed(engine):
    """A case with a running huisverbod and two coordinators, committed so that other connections see it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) exist on PostgreSQL; SQLite allows one writer at a time")
    with Session(engine, expire_on_commit=False) as session:
        make = Factory(session)
        gemeente = make.gemeente()
        team = make.organisation("gemeente")
        first, second = make.user("coordinator", team, [gemeente]), make.user("coordinator", team, [gemeente])
        person = make.person()
        case = make.case(gemeente, status="uitvoering", persons=[(person, "betrokkene")], coordinator=first)
        huisverbod = make.intervention(case, "huisverbod", "opgelegd", **huisverbod_columns(person))
    yield Committed(huisverbod.id, huisverbod.version, first.id, second.id)
    _remove(engine, gemeente_id=gemeente.id, organisation_id=team.id, user_ids=[first.id, second.id],
            person_id=person.id, case_id=case.id)


def _remove(engine, *, gemeente_id, organisation_id, user_ids, person_id, case_id):
    """Delete what the fixture committed; the case's interventions, history and deadlines go with it (cascade).

    Audit entries are append-only (a trigger on PostgreSQL); the test removes its own with plain SQL.
    """
    tables = Base.metadata.tables
    audit, notification = tables["audit_entry"], tables["notification"]
    with engine.begin() as connection:
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:  # the table's owner switches the append-only trigger off for this cleanup
            connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
        connection.execute(delete(audit).where(or_(audit.c.case_id == case_id, audit.c.user_id.in_(user_ids))))
        if postgresql:
            connection.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"))
        connection.execute(delete(notification).where(notification.c.user_id.in_(user_ids)))
        connection.execute(delete(tables["case"]).where(tables["case"].c.id == case_id))
        connection.execute(delete(tables["person"]).where(tables["person"].c.id == person_id))
        connection.execute(delete(tables["user_gemeente"]).where(tables["user_gemeente"].c.user_id.in_(user_ids)))
        connection.execute(delete(tables["user"]).where(tables["user"].c.id.in_(user_ids)))
        connection.execute(delete(tables["organisation"]).where(tables["organisation"].c.id == organisation_id))
        for counted in ("indicator_fact", "indicator_count"):  # what the case counted
            connection.execute(delete(tables[counted]).where(tables[counted].c.gemeente_id == gemeente_id))
        connection.execute(delete(tables["wijk"]).where(tables["wijk"].c.gemeente_id == gemeente_id))
        connection.execute(delete(tables["gemeente"]).where(tables["gemeente"].c.id == gemeente_id))


@pytest.fixture
def threaded_app(engine, database_url):
    """An app whose every app context opens its own session on its own pooled connection of the test engine."""
    app = create_app("test", DATABASE_URL=database_url, WTF_CSRF_ENABLED=False)
    app.extensions["db_bind"] = engine
    yield app
    app.extensions["db_engine"].dispose()


def _waiting_on_a_lock(engine):
    """Whether another connection of this database is waiting for a lock."""
    with engine.connect() as connection:
        return connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )) > 0


def test_two_transitions_at_once_one_wins_and_the_other_gets_a_conflict(committed, threaded_app, engine):
    first_has_the_lock, second_is_waiting = threading.Event(), threading.Event()
    outcome = {}

    def first():
        """Extends the huisverbod, and holds the row lock until the second is waiting for it."""
        try:
            with threaded_app.app_context():
                s = db.session()
                fire(s.get(User, committed.first), s.get(Intervention, committed.intervention_id), "verlengen",
                     expected_version=committed.version, now=NOW, extension_decided_at=NOW,
                     ends_at=NOW + timedelta(days=26))
                first_has_the_lock.set()
                second_is_waiting.wait(TIMEOUT)
                s.commit()
                outcome["first"] = "committed"
        except Exception as error:  # reported by the main thread
            outcome["first"] = error
            first_has_the_lock.set()

    def second():
        """Ends the huisverbod, from the same version the first started from."""
        first_has_the_lock.wait(TIMEOUT)
        with threaded_app.app_context():
            s = db.session()
            try:
                fire(s.get(User, committed.second), s.get(Intervention, committed.intervention_id), "afronden",
                     expected_version=committed.version, now=NOW, outcome="ingetrokken")
                s.commit()
                outcome["second"] = "committed"
            except Exception as error:  # reported by the main thread
                outcome["second"] = error
                s.rollback()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TIMEOUT
    while not (blocked := _waiting_on_a_lock(engine)) and threads[1].is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    second_is_waiting.set()
    for thread in threads:
        thread.join(TIMEOUT * 2)

    assert outcome["first"] == "committed"
    assert blocked, "the second transition never waited for the row lock"
    assert isinstance(outcome["second"], Conflict), outcome["second"]
    assert outcome["second"].messages == [CONFLICT]
    with Session(engine) as session:
        huisverbod = session.get(Intervention, committed.intervention_id)
        assert (huisverbod.status, huisverbod.version, huisverbod.ends_at, huisverbod.outcome) == (
            "verlengd", committed.version + 1, NOW + timedelta(days=26), "")
        changes = session.scalars(select(StatusChange).where(
            StatusChange.intervention_id == committed.intervention_id)).all()
        assert [(c.transition, c.actor_id) for c in changes] == [("verlengen", committed.first)]
        entries = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "intervention",
                                                           AuditEntry.record_id == committed.intervention_id)).all()
        assert [(e.user_id, e.detail) for e in entries] == [
            (committed.first, "huisverbod.verlengen: opgelegd -> verlengd")]
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.user_id == committed.second)) == 0


# -- a form filled in before someone else acted (both databases) ------------------------------------------


def test_a_stale_version_is_a_conflict_and_changes_nothing(world, make, app):
    arranged = make.intervention(world.case, "huisverbod", "opgelegd", **huisverbod_columns(world.person))
    coordinator_id = world.users["coordinator"].id

    def count(s, model, *where):
        return s.scalar(select(func.count()).select_from(model).where(*where))

    with app.app_context():  # the user opens the page: the form carries this version
        seen = db.session().get(Intervention, arranged.id).version
    with app.app_context():  # meanwhile, someone else records the contact address
        s = db.session()
        fire(s.get(User, coordinator_id), s.get(Intervention, arranged.id), "contactadres_ontvangen", now=NOW)
        s.commit()
    with app.app_context():  # the user submits the form
        s = db.session()
        subject = s.get(Intervention, arranged.id)
        before = (subject.version, count(s, StatusChange), count(s, AuditEntry))
        with pytest.raises(Conflict) as caught:
            fire(s.get(User, coordinator_id), subject, "afronden", expected_version=seen, now=NOW,
                 outcome="ingetrokken")
        assert caught.value.messages == [CONFLICT]
        assert (subject.status, subject.outcome) == ("opgelegd", "")
        assert (subject.version, count(s, StatusChange), count(s, AuditEntry)) == before

        fire(s.get(User, coordinator_id), subject, "afronden", expected_version=subject.version, now=NOW,
             outcome="ingetrokken")  # with the version they now see, it goes through
        assert subject.status == "afgerond"
