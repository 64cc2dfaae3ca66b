"""Counting the indicators: facts derived from the records, and counts pre-aggregated from the facts.

How the counts stay correct as records change:

- `RULES` say, per counted indicator, which records count, on which day and in which gemeente and wijk. A record's
  facts are what the rules make of it now (`FACTS_OF`).
- After every flush, `_sync_after_flush` takes the records the flush touched (meldingen and the persons on them,
  cases, interventions and their status history, a gemeente's threshold for structural attention), computes their
  facts again and compares them with the facts stored for them. Facts that went are deleted, new ones inserted,
  and each bucket they fall in (the gemeente and the wijk; the year, the quarter and the month) is adjusted by the
  difference, in the same transaction. A report reads the buckets only.
- Facts of a deleted record, and of anything on a case the retention purge anonymises, are never recomputed, so
  the counts survive deletion and the purge.
- Distinct persons are not additive: a bucket of such an indicator changes only when the first fact of a person
  enters it or the last one leaves. On PostgreSQL an advisory lock makes writers of facts take turns, so two
  transactions cannot both count the same person's first fact.
- `rebuild()` recomputes the facts of every live record and then every bucket from the facts; `differences()`
  says where the stored facts or buckets differ from what a rebuild would make (`flask indicatoren controleren`).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, delete, event, func, inspect, literal, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from caseapp.cases.models import Case
from caseapp.indicators.models import Indicator, IndicatorCount, IndicatorFact
from caseapp.interventions.models import Intervention
from caseapp.meldingen.models import Melding, MeldingPerson
from caseapp.meldingen.operations import SUBJECT_ROLES, WINDOW_DAYS, day_number
from caseapp.organisations.models import Gemeente
from caseapp.workflow.definitions import local_date
from caseapp.workflow.models import StatusChange

FACT_LOCK = 7514  # pg_advisory_xact_lock key; the audit chain has 7513
BATCH = 2000


@dataclass(frozen=True)
class Rule:
    source: str  # the table whose records it counts: melding, case or intervention
    distinct: bool = False  # counts distinct persons rather than records


RULES = {
    "signalen_ondermijning": Rule("melding"),
    "ondermijning_casussen_gestart": Rule("case"),
    "ondermijning_casussen_afgehandeld": Rule("case"),
    "bestuurlijke_waarschuwingen": Rule("intervention"),
    "sluitingen": Rule("intervention"),
    "meldingen_woonoverlast": Rule("melding"),
    "meldingen_verward_gedrag": Rule("melding"),
    "personen_verward_gedrag": Rule("melding", distinct=True),
    "personen_verward_gedrag_structureel": Rule("melding", distinct=True),
    "meldingen_jeugdoverlast": Rule("melding"),
    "meldingen_huiselijk_geweld": Rule("melding"),
    "huisverboden_opgelegd": Rule("intervention"),
    "huisverboden_verlengd": Rule("intervention"),
    "meldingen_cybercrime": Rule("melding"),
}

MELDING_CATEGORIES = {
    "ondermijning": "signalen_ondermijning",
    "woonoverlast": "meldingen_woonoverlast",
    "verward_gedrag": "meldingen_verward_gedrag",
    "jeugdoverlast": "meldingen_jeugdoverlast",
    "huiselijk_geweld": "meldingen_huiselijk_geweld",
    "cybercrime": "meldingen_cybercrime",
}
SLUITING_TYPES = ("sluiting_13b", "sluiting_174a")
HUISVERBOD_IMPOSED = ("opgelegd", "verlengd", "afgerond")


@dataclass(frozen=True)
class Fact:
    indicator: str
    gemeente_id: int
    wijk_id: int | None
    day: object  # a date
    subject_id: int | None = None


# -- the facts of the records ----------------------------------------------------------------------------

def _melding_facts(session, ids, frozen):
    meldingen = session.execute(
        select(Melding.id, Melding.category, Melding.gemeente_id, Melding.wijk_id, Melding.received_on)
        .outerjoin(Case, Case.id == Melding.case_id)
        .where(Melding.id.in_(ids), Case.anonymised_at.is_(None), _not_in(Melding.case_id, frozen))
    ).all()
    verward = [m.id for m in meldingen if m.category == "verward_gedrag"]
    subjects, flagged = defaultdict(set), _flagged(session, verward)
    for melding_id, person_id in session.execute(
            select(MeldingPerson.melding_id, MeldingPerson.person_id)
            .where(MeldingPerson.melding_id.in_(verward), MeldingPerson.role.in_(SUBJECT_ROLES))):
        subjects[melding_id].add(person_id)
    facts = {}
    for m in meldingen:
        where = dict(gemeente_id=m.gemeente_id, wijk_id=m.wijk_id, day=m.received_on)
        facts[m.id] = [Fact(MELDING_CATEGORIES[m.category], **where)] if m.category in MELDING_CATEGORIES else []
        for person_id in subjects[m.id]:
            facts[m.id].append(Fact("personen_verward_gedrag", subject_id=person_id, **where))
            if (m.id, person_id) in flagged:
                facts[m.id].append(Fact("personen_verward_gedrag_structureel", subject_id=person_id, **where))
    return facts


def _flagged(session, melding_ids):
    """{(melding id, person id)} for the subjects of these meldingen who vroegen structureel aandacht on the
    melding's day: subject of at least the gemeente's threshold of its meldingen in the 365 days up to it."""
    if not melding_ids:
        return set()
    anchor, anchor_melding = aliased(MeldingPerson), aliased(Melding)
    other, other_melding = aliased(MeldingPerson), aliased(Melding)
    anchor_day, other_day = day_number(anchor_melding.received_on), day_number(other_melding.received_on)
    rows = session.execute(
        select(anchor.melding_id, anchor.person_id)
        .join(anchor_melding, anchor_melding.id == anchor.melding_id)
        .join(Gemeente, Gemeente.id == anchor_melding.gemeente_id)
        .join(other, and_(other.person_id == anchor.person_id, other.role.in_(SUBJECT_ROLES)))
        .join(other_melding, and_(other_melding.id == other.melding_id,
                                  other_melding.gemeente_id == anchor_melding.gemeente_id))
        .where(anchor.melding_id.in_(melding_ids), anchor.role.in_(SUBJECT_ROLES),
               other_day <= anchor_day, other_day > anchor_day - WINDOW_DAYS)
        .group_by(anchor.melding_id, anchor.person_id, Gemeente.structural_attention_threshold)
        .having(func.count(func.distinct(other_melding.id)) >= Gemeente.structural_attention_threshold)
    )
    return set(rows.all())


def _case_facts(session, ids, frozen):
    cases = session.execute(
        select(Case.id, Case.type, Case.gemeente_id, Case.wijk_id, Case.opened_on, Case.status, Case.closed_at)
        .where(Case.id.in_(ids), Case.anonymised_at.is_(None), _not_in(Case.id, frozen))
    ).all()
    facts = {}
    for c in cases:
        facts[c.id] = []
        if c.type == "ondermijning":
            facts[c.id].append(Fact("ondermijning_casussen_gestart", c.gemeente_id, c.wijk_id, c.opened_on))
            if c.status == "afgesloten" and c.closed_at is not None:
                facts[c.id].append(Fact("ondermijning_casussen_afgehandeld", c.gemeente_id, c.wijk_id,
                                        local_date(c.closed_at)))
    return facts


def _intervention_facts(session, ids, frozen):
    rows = session.execute(
        select(Intervention.id, Intervention.type, Intervention.status, Intervention.decided_at,
               Intervention.extension_count, Case.gemeente_id, Case.wijk_id)
        .join(Case, Case.id == Intervention.case_id)
        .where(Intervention.id.in_(ids), Case.anonymised_at.is_(None), _not_in(Case.id, frozen))
    ).all()
    extended = dict(session.execute(
        select(StatusChange.intervention_id, func.min(StatusChange.at))
        .where(StatusChange.intervention_id.in_([r.id for r in rows if r.extension_count]),
               StatusChange.transition == "verlengen")
        .group_by(StatusChange.intervention_id)
    ).all())
    facts = {}
    for r in rows:
        facts[r.id] = []
        where = dict(gemeente_id=r.gemeente_id, wijk_id=r.wijk_id)
        decided = local_date(r.decided_at) if r.decided_at else None
        if r.type == "waarschuwing" and r.status == "verzonden" and decided:
            facts[r.id].append(Fact("bestuurlijke_waarschuwingen", day=decided, **where))
        elif r.type in SLUITING_TYPES and decided:
            facts[r.id].append(Fact("sluitingen", day=decided, **where))
        elif r.type == "huisverbod" and r.status in HUISVERBOD_IMPOSED and decided:
            facts[r.id].append(Fact("huisverboden_opgelegd", day=decided, **where))
            if r.id in extended:
                facts[r.id].append(Fact("huisverboden_verlengd", day=local_date(extended[r.id]), **where))
    return facts


def _not_in(column, ids):
    """`column` is NULL or not one of `ids`."""
    return or_(column.is_(None), column.not_in(ids)) if ids else literal(True)


FACTS_OF = {"melding": _melding_facts, "case": _case_facts, "intervention": _intervention_facts}


# -- keeping facts and buckets in step ------------------------------------------------------------------

def indicator_ids(session):
    return dict(session.execute(select(Indicator.key, Indicator.id).where(Indicator.kind == "geteld")).all())


def _stored(fact, ids):
    return (ids[fact.indicator], fact.gemeente_id, fact.wijk_id, fact.day.year, fact.day.month, fact.subject_id)


def sync(session, dirty, *, adjust_counts=True):
    """Bring the stored facts of the records in `dirty` ({source type: ids}) in line with the records, and the
    buckets with the facts. Records that no longer exist, or are on a case being purged, keep their facts."""
    dirty = {source: ids for source, ids in dirty.items() if ids}
    if not dirty:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FACT_LOCK})
    ids, frozen = indicator_ids(session), session.info.get("indicator_frozen_cases", set())
    changes = []
    for source, source_ids in dirty.items():
        for chunk in _chunks(sorted(source_ids)):
            facts = FACTS_OF[source](session, chunk, frozen)
            changes += _apply(connection, source, facts, ids)
    if adjust_counts:
        _adjust_counts(connection, changes, _distinct_ids(ids))


def _apply(connection, source, facts, ids):
    """Store the facts of these records; return the changed stored facts with +1 or -1."""
    if not facts:
        return []
    table = IndicatorFact.__table__
    columns = (table.c.indicator_id, table.c.gemeente_id, table.c.wijk_id, table.c.year, table.c.month,
               table.c.subject_id)
    stored = defaultdict(list)
    # The range repeats the IN list on purpose: it keeps the index range scan when PostgreSQL switches to a
    # generic plan, which during a long rebuild (no statistics yet) would filter every fact by the list.
    for row in connection.execute(select(table.c.id, table.c.source_id, *columns).where(
            table.c.source_type == source, table.c.source_id.in_(list(facts)),
            table.c.source_id.between(min(facts), max(facts)))):
        stored[row.source_id].append((row.id, tuple(row[2:])))
    removed, added = [], []
    for source_id, record_facts in facts.items():
        wanted = Counter(_stored(fact, ids) for fact in record_facts)
        for row_id, fact in stored[source_id]:
            if wanted[fact] > 0:
                wanted[fact] -= 1
            else:
                removed.append((row_id, fact))
        added += [(source_id, fact) for fact, n in wanted.items() for _ in range(n)]
    if removed:
        connection.execute(delete(table).where(table.c.id.in_([row_id for row_id, _ in removed])))
    if added:
        connection.execute(table.insert(), [
            dict(source_type=source, source_id=source_id, **dict(zip((c.name for c in columns), fact, strict=True)))
            for source_id, fact in added])
    return [(fact, -1) for _, fact in removed] + [(fact, 1) for _, fact in added]


def _distinct_ids(ids):
    return {indicator_id for key, indicator_id in ids.items() if RULES[key].distinct}


def buckets(gemeente_id, wijk_id, year, month):
    """The (gemeente, wijk or 0, year, quarter, month) buckets a fact falls in."""
    quarter = (month - 1) // 3 + 1
    for area in (0, wijk_id) if wijk_id else (0,):
        yield from ((gemeente_id, area, year, 0, 0), (gemeente_id, area, year, quarter, 0),
                    (gemeente_id, area, year, quarter, month))


def _adjust_counts(connection, changes, distinct):
    deltas, persons = Counter(), Counter()
    for (indicator_id, gemeente_id, wijk_id, year, month, subject_id), delta in changes:
        for bucket in buckets(gemeente_id, wijk_id, year, month):
            if indicator_id in distinct:
                persons[(indicator_id, *bucket, subject_id)] += delta
            else:
                deltas[(indicator_id, *bucket)] += delta
    deltas.update(_person_deltas(connection, persons))
    rows = [dict(zip(("indicator_id", "gemeente_id", "wijk_id", "year", "quarter", "month"), bucket, strict=True),
                 value=delta)
            for bucket, delta in deltas.items() if delta]
    if rows:
        connection.execute(_upsert_adding(connection), rows)


def _person_deltas(connection, persons):
    """A distinct-persons bucket changes by one when a person's first fact entered it or their last one left.
    The facts are stored already, so the facts a person has in a bucket now, minus the change, were there before."""
    table, now = IndicatorFact.__table__, Counter()
    years = {(indicator_id, gemeente_id, year, subject_id)
             for indicator_id, gemeente_id, _, year, _, _, subject_id in persons}
    for indicator_id, gemeente_id, year, subject_id in years:
        for wijk_id, month, n in connection.execute(
                select(table.c.wijk_id, table.c.month, func.count())
                .where(table.c.indicator_id == indicator_id, table.c.gemeente_id == gemeente_id,
                       table.c.subject_id == subject_id, table.c.year == year)
                .group_by(table.c.wijk_id, table.c.month)):
            for bucket in buckets(gemeente_id, wijk_id, year, month):
                now[(indicator_id, *bucket, subject_id)] += n
    deltas = Counter()
    for key, change in persons.items():
        before = now[key] - change
        if (before == 0) != (now[key] == 0):
            deltas[key[:-1]] += 1 if now[key] else -1
    return deltas


def _upsert_adding(connection):
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(IndicatorCount.__table__)
    return statement.on_conflict_do_update(
        index_elements=[c.name for c in IndicatorCount.__table__.primary_key.columns],
        set_={"value": IndicatorCount.__table__.c.value + statement.excluded.value})


def _chunks(ids):
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def freeze(session, case_id):
    """Leave the facts of a case and everything on it as they are for the rest of this session: the retention
    purge calls this before it strips the case, so what the case counted keeps counting."""
    session.info.setdefault("indicator_frozen_cases", set()).add(case_id)


# -- which records a flush touched -----------------------------------------------------------------------

def _touched(session):
    """{source type: ids} of the records this flush touched. Runs inside the flush: it reads columns only, since
    loading objects there would disturb the session's identity map."""
    dirty, persons, days, threshold_changed = defaultdict(set), set(), set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        deleted = obj in session.deleted
        if isinstance(obj, Melding) and not deleted:
            dirty["melding"].add(obj.id)
            days |= _values(obj, "received_on")
        elif isinstance(obj, MeldingPerson):
            dirty["melding"].update(_values(obj, "melding_id"))
            persons |= _values(obj, "person_id")
        elif isinstance(obj, Case) and not deleted:
            dirty["case"].add(obj.id)
            if _changed(obj, "gemeente_id") or _changed(obj, "wijk_id"):  # where its interventions count
                dirty["intervention"].update(session.scalars(select(Intervention.id).where(
                    Intervention.case_id == obj.id)))
        elif isinstance(obj, Intervention) and not deleted:
            dirty["intervention"].add(obj.id)
        elif isinstance(obj, StatusChange) and obj.intervention_id and not deleted:
            dirty["intervention"].add(obj.intervention_id)
        elif isinstance(obj, Gemeente) and _changed(obj, "structural_attention_threshold"):
            threshold_changed.add(obj.id)
    dirty["melding"] |= _neighbours(session, dirty["melding"], persons, days)
    if threshold_changed:
        dirty["melding"].update(session.scalars(select(Melding.id).where(
            Melding.gemeente_id.in_(threshold_changed), Melding.category == "verward_gedrag")))
    return dirty


def _values(obj, name):
    """The attribute's value now and, if this flush changed it, before."""
    history = inspect(obj).attrs[name].history
    return {value for value in (*history.unchanged, *history.added, *history.deleted) if value is not None}


def _changed(obj, name):
    return inspect(obj).attrs[name].history.has_changes()


def _neighbours(session, melding_ids, persons, days):
    """The verward gedrag meldingen whose structural attention a change to these meldingen (and to the persons
    and days the flush took off them) may alter: those of the same persons, from the earliest day involved
    to 365 days after the latest."""
    if not melding_ids:
        return set()
    rows = session.execute(select(Melding.received_on, MeldingPerson.person_id)
                           .outerjoin(MeldingPerson, and_(MeldingPerson.melding_id == Melding.id,
                                                          MeldingPerson.role.in_(SUBJECT_ROLES)))
                           .where(Melding.id.in_(melding_ids))).all()
    persons = persons | {person_id for _, person_id in rows if person_id is not None}
    days = days | {day for day, _ in rows}
    if not persons or not days:
        return set()
    return set(session.scalars(
        select(Melding.id).join(MeldingPerson, MeldingPerson.melding_id == Melding.id)
        .where(MeldingPerson.person_id.in_(persons), MeldingPerson.role.in_(SUBJECT_ROLES),
               Melding.category == "verward_gedrag", Melding.received_on >= min(days),
               Melding.received_on <= max(days) + timedelta(days=WINDOW_DAYS))))


@event.listens_for(Session, "after_flush")
def _sync_after_flush(session, _context):
    with session.no_autoflush:
        sync(session, _touched(session))


def resync_meldingen_of(session, person_ids):
    """After references moved outside the ORM (a person merge): the meldingen of these persons."""
    sync(session, {"melding": set(session.scalars(
        select(MeldingPerson.melding_id).where(MeldingPerson.person_id.in_(person_ids))))})


# -- rebuilding and checking ----------------------------------------------------------------------------

def rebuild(session):
    """Recompute the facts of every live record, then every bucket from the facts (`flask indicatoren
    herberekenen`). Facts of deleted and anonymised records are kept."""
    for source, model in (("melding", Melding), ("case", Case), ("intervention", Intervention)):
        last = 0
        while chunk := session.scalars(select(model.id).where(model.id > last).order_by(model.id).limit(BATCH)).all():
            sync(session, {source: chunk}, adjust_counts=False)
            last = chunk[-1]
    session.execute(delete(IndicatorCount))
    for statement in _count_statements(session):
        session.execute(statement)


def _count_statements(session):
    """INSERT ... SELECT statements that make every bucket from the facts."""
    fact, count = IndicatorFact.__table__, IndicatorCount.__table__
    distinct = _distinct_ids(indicator_ids(session)) or {0}
    value = case((fact.c.indicator_id.in_(distinct), func.count(func.distinct(fact.c.subject_id))),
                 else_=func.count())
    quarter = (fact.c.month - 1) // 3 + 1
    zero = literal(0)
    for by_wijk in (False, True):
        area = fact.c.wijk_id if by_wijk else zero
        for quarter_of, month_of in ((zero, zero), (quarter, zero), (quarter, fact.c.month)):
            keys = (fact.c.indicator_id, fact.c.gemeente_id, area, fact.c.year, quarter_of, month_of)
            select_ = select(*keys, value).group_by(*(k for k in keys if k is not zero))
            if by_wijk:
                select_ = select_.where(fact.c.wijk_id.is_not(None))
            yield count.insert().from_select(
                ["indicator_id", "gemeente_id", "wijk_id", "year", "quarter", "month", "value"], select_)


def differences(session):
    """Where the stored facts or buckets differ from what a rebuild would make: a list of Dutch sentences."""
    found = []
    with session.begin_nested() as savepoint:
        before = _snapshot(session)
        rebuild(session)
        after = _snapshot(session)
        savepoint.rollback()
    for name, label in (("facts", "feiten"), ("counts", "tellingen")):
        for key in sorted(set(before[name]) | set(after[name]), key=str):
            if before[name].get(key, 0) != after[name].get(key, 0):
                found.append(f"{label} {key}: opgeslagen {before[name].get(key, 0)}, opnieuw geteld "
                             f"{after[name].get(key, 0)}")
    return found


def _snapshot(session):
    fact, count = IndicatorFact.__table__, IndicatorCount.__table__
    facts = Counter(tuple(row) for row in session.execute(select(
        fact.c.source_type, fact.c.source_id, fact.c.indicator_id, fact.c.gemeente_id, fact.c.wijk_id, fact.c.year,
        fact.c.month, fact.c.subject_id)))
    counts = {tuple(row[:-1]): row[-1] for row in session.execute(select(count)) if row[-1]}
    return {"facts": facts, "counts": counts}
