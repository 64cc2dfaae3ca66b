from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import (
    PrimaryKeyConstraint,
    Select,
    UniqueConstraint,
    and_,
    delete,
    func,
    literal,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.orm.attributes import flag_modified

from caseapp import db
from caseapp.access import case_scope, melding_scope, visible_persons
from caseapp.accounts.models import User, user_gemeente
from caseapp.audit.operations import record, record_search, utcnow
from caseapp.cases.models import Case, CasePerson
from caseapp.db import Base
from caseapp.indicators.counting import resync_meldingen_of
from caseapp.meldingen.models import Melding, MeldingPerson
from caseapp.organisations.models import Gemeente
from caseapp.pagination import Page
from caseapp.persons import matching
from caseapp.persons.models import Person, PersonMerge, refresh_search_columns
from caseapp.versions import check_version, flush_or_conflict
from caseapp.workflow.engine import Conflict

BSN_IN_USE = "Er is al een persoon met dit BSN geregistreerd. Neem contact op met het team Zorg en Veiligheid."


def register_person(actor, fields):
    person = Person(created_at=utcnow(), **fields)
    db.session().add(person)
    db.session().flush()
    record(actor, "create", record_type="person", record_id=person.id, person_id=person.id)
    return person


def update_person(actor, person, fields, *, expected_version):
    """Save the edit form; refused (Conflict, nothing changed) when the person changed since the user opened it."""
    check_version(person, expected_version)
    for name, value in fields.items():
        setattr(person, name, value)
    flush_or_conflict()
    record(actor, "update", record_type="person", record_id=person.id, person_id=person.id)
    return person


def similar_persons(actor, **fields):
    """Persons the actor may see who look like the one being registered (see duplicate_condition), or share
    the BSN.

    Only the actor's own scope is searched, so the check reveals nothing about other gemeenten.
    """
    keys = _literal_keys(Person(**fields))
    condition = duplicate_condition(Person, keys)
    if fields.get("bsn"):
        condition |= Person.bsn == fields["bsn"]
    found = db.session().scalars(visible_persons(actor).where(condition).order_by(Person.id)).all()
    _record_views(actor, found, "duplicate check")
    return found


# -- search ---------------------------------------------------------------------------------------

MAX_RESULTS = 200  # a search counts and pages through at most this many; more means: ask a narrower question
SEARCH_ORDER = (Person.search_name, Person.date_of_birth, Person.id)  # the order of ix_person_search_name_dob
# How alike a misspelt word and a name must be on PostgreSQL (pg_trgm word similarity, 0 to 1). The default
# 0.6 misses two swapped letters in most names ("horstres" for "horsters" scores 0.56); at 0.5 a common name
# part lets in thousands ("veldehius" matched 11,000 of a million in bench/person_search.py).
TRIGRAM_THRESHOLD = 0.55


@dataclass
class PersonSearch:
    statement: Select
    approximate: bool  # nothing matched as typed: these are persons with a similar name

    def capped(self):
        """The first MAX_RESULTS matches, to page through. Counting exact matches walks the index in name
        order and stops at the cap, where a count of all matches would first collect every one. Similar names
        are few and come from other indexes, in order of likeness."""
        if self.approximate:
            return self.statement.limit(MAX_RESULTS)
        first = aliased(Person, self.statement.limit(MAX_RESULTS).subquery())
        return select(first).order_by(*(getattr(first, column.key) for column in SEARCH_ORDER))


def search_persons(actor, *, q=None, date_of_birth=None):
    """A statement over the persons the actor may see matching the query; see person_search."""
    return person_search(actor, q=q, date_of_birth=date_of_birth).statement


def person_search(actor, *, q=None, date_of_birth=None):
    """The persons the actor may see by name, address, postcode or BSN (`q`) and date of birth.

    Nine digits are a BSN; a postcode (with or without house number) or words with digits are an address
    ("kerkstraat 12"). Words alone are a name, as a prefix in either order ("jans", "jan jansen", "de vries
    anna"); when no name matches they are tried as a street, and then as a name by sound (both databases)
    and by trigram similarity (PostgreSQL). Each condition is one range on an index, so the first page comes
    from walking that index in name order: fast on a registry of a million persons.
    """
    _tune_postgresql()
    statement = visible_persons(actor)
    if date_of_birth:
        statement = statement.where(Person.date_of_birth == date_of_birth)
    stages = _search_stages(q or "")
    for number, (condition, approximate) in enumerate(stages, start=1):
        if number == len(stages) or _finds_any(statement.where(condition)):
            order = (*_likeness(q), *SEARCH_ORDER) if approximate else SEARCH_ORDER
            return PersonSearch(statement.where(condition).order_by(*order), approximate)
    return PersonSearch(statement.order_by(*SEARCH_ORDER), approximate=False)


def _search_stages(q):
    """The conditions to try in turn, each with whether its matches are only similar."""
    folded = matching.fold(q)
    if not folded:
        return []
    if q.strip().isdigit() and len(q.strip()) == 9:
        return [(Person.bsn == q.strip(), False)]
    postcode = matching.query_postcode(q) or (folded if folded.isdigit() else None)
    if postcode:
        return [(matching.prefix_range(Person.search_postcode, postcode), False)]
    address = matching.prefix_range(Person.search_address, matching.search_address(q))
    if any(char.isdigit() for char in folded):
        return [(address, False)]
    words = _query_words(q)
    return [(or_(*matching.name_condition(Person.search_name, words)), False), (address, False),
            (_similar_name(words), True)]


def _similar_name(words):
    """The same words by sound, and on PostgreSQL each longer word by trigram similarity."""
    condition = or_(*matching.name_condition(Person.search_phonetic, [matching.phonetic(w) for w in words]))
    long_words = [word for word in words if len(word) >= 3]
    if long_words and _on_postgresql():
        # word <% name: word_similarity(word, name) above TRIGRAM_THRESHOLD, answered by the GIN index
        condition |= and_(*(literal(word).op("<%")(Person.search_name) for word in long_words))
    return condition


def _likeness(q):
    """On PostgreSQL, the most alike names first (which also keeps the planner from walking the name index in
    order in search of scattered matches)."""
    if not _on_postgresql():
        return ()
    return (func.word_similarity(" ".join(_query_words(q)), Person.search_name).desc(),)


def _on_postgresql():
    return db.session().get_bind().dialect.name == "postgresql"


def _tune_postgresql():
    """For the rest of this transaction on PostgreSQL: no parallel workers, whose start costs more than the
    short index walk they would share (measured: 40-90 ms against 10-20 ms on a million persons); and
    TRIGRAM_THRESHOLD for similar names."""
    if _on_postgresql():
        db.session().execute(select(func.set_config("max_parallel_workers_per_gather", "0", True),
                                    func.set_config("pg_trgm.word_similarity_threshold", str(TRIGRAM_THRESHOLD),
                                                    True)))


def _query_words(q):
    return matching.name_words(q)[:5]  # five words are a full name; more only multiply the ranges


def _finds_any(statement):
    return db.session().scalar(statement.with_only_columns(Person.id).limit(1)) is not None


# -- duplicates -----------------------------------------------------------------------------------

_KEY_COLUMNS = ("search_name", "search_phonetic", "search_address", "date_of_birth", "bsn")


def duplicate_condition(a, b):
    """Whether persons `a` and `b` look like one person: same date of birth and the same name by sound, or
    the same name at the same address where a date of birth is missing; never two different BSNs.

    `a` and `b` are Person or its aliases, or the SQL literals of one person's keys (_literal_keys).
    """
    born_and_named_alike = (a.date_of_birth == b.date_of_birth) & (a.search_phonetic == b.search_phonetic)
    same_home = ((a.search_name == b.search_name) & (a.search_address == b.search_address)
                 & (a.search_address != "") & (a.date_of_birth.is_(None) | b.date_of_birth.is_(None)))
    different_bsn = a.bsn.is_not(None) & b.bsn.is_not(None) & (a.bsn != b.bsn)
    return (born_and_named_alike | same_home) & ~different_bsn


def duplicate_reason(a, b):
    """Why duplicate_condition holds for two loaded persons, in Dutch."""
    if a.date_of_birth is not None and a.date_of_birth == b.date_of_birth:
        return "Zelfde geboortedatum en naam" if a.search_name == b.search_name else \
            "Zelfde geboortedatum, naam klinkt gelijk"
    return "Zelfde naam en adres"


def _literal_keys(person):
    """One person's keys as SQL literals, to compare with the persons in a query."""
    if not person.search_name:
        refresh_search_columns(None, None, person)  # a person not yet saved
    columns = Person.__table__.c
    return SimpleNamespace(**{name: literal(getattr(person, name), columns[name].type) for name in _KEY_COLUMNS})


def possible_duplicates(actor, person, limit=10):
    """Other persons the actor may see who look like `person`."""
    statement = visible_persons(actor).where(Person.id != person.id,
                                             duplicate_condition(Person, _literal_keys(person)))
    found = db.session().scalars(statement.order_by(*SEARCH_ORDER).limit(limit)).all()
    _record_views(actor, found, "duplicate check")
    return found


def duplicate_pairs(actor, number, per_page):
    """A page of the pairs of persons the actor may see that look like one person, in name order."""
    _tune_postgresql()
    # Only persons who share a key with someone else can be in a pair. The shared keys come from one walk
    # along an index of the whole registry; only the persons with those keys are checked against the scope.
    born_alike = (Person.search_phonetic, Person.date_of_birth)
    same_home = (Person.search_name, Person.search_address)
    shared_births = (select(*born_alike).where(Person.date_of_birth.is_not(None)).group_by(*born_alike)
                     .having(func.count() > 1).subquery())
    undated_homes = (select(*same_home).where(Person.date_of_birth.is_(None), Person.search_address != "")
                     .distinct().subquery())
    columns = [getattr(Person, name) for name in ("id", *_KEY_COLUMNS)]
    candidates = union(*(
        visible_persons(actor).with_only_columns(*columns)
        .join(keys, and_(*(column == keys.c[column.key] for column in key_columns)))
        for keys, key_columns in ((shared_births, born_alike), (undated_homes, same_home))
    )).cte("candidates")
    a, b = candidates.alias("a"), candidates.alias("b")
    # Each rule of duplicate_condition as its own join on equal columns (a hash join); one join on the OR of
    # both would compare every candidate with every other.
    rules = ((a.c.search_phonetic == b.c.search_phonetic) & (a.c.date_of_birth == b.c.date_of_birth),
             (a.c.search_name == b.c.search_name) & (a.c.search_address == b.c.search_address))
    found = union(*(select(a.c.id.label("first_id"), b.c.id.label("second_id"))
                    .join_from(a, b, rule & (a.c.id < b.c.id) & duplicate_condition(a.c, b.c)) for rule in rules)
                  ).subquery()
    # All pairs at once (they are few), so the work above is done once for both the count and the page.
    ordered = db.session().execute(
        select(found.c.first_id, found.c.second_id).join(Person, Person.id == found.c.first_id)
        .order_by(Person.search_name, Person.id, found.c.second_id)
    ).all()
    page = Page(items=[], total=len(ordered), number=1, per_page=per_page)
    page.number = min(max(1, number), page.pages)
    shown = ordered[(page.number - 1) * per_page:page.number * per_page]
    persons = {person.id: person for person in db.session().scalars(
        select(Person).where(Person.id.in_({person_id for pair in shown for person_id in pair})))}
    page.items = [(persons[first_id], persons[second_id]) for first_id, second_id in shown]
    record_search(actor, "person", {"dubbel": "ja"}, page.total)
    return page


def _record_views(actor, persons, detail):
    for person in persons:
        record(actor, "view", record_type="person", record_id=person.id, person_id=person.id, detail=detail)


# -- the person page ------------------------------------------------------------------------------

def person_cases(actor, person):
    """The person's roles on the cases the actor may see, newest first."""
    return db.session().scalars(
        select(CasePerson).join(Case).where(CasePerson.person_id == person.id, case_scope(actor))
        .options(selectinload(CasePerson.case).selectinload(Case.gemeente))
        .order_by(Case.opened_on.desc(), CasePerson.id.desc())
    ).all()


def person_meldingen(actor, person):
    """The person's roles on the meldingen the actor may see, newest first."""
    return db.session().scalars(
        select(MeldingPerson).join(Melding).where(MeldingPerson.person_id == person.id, melding_scope(actor))
        .options(selectinload(MeldingPerson.melding).selectinload(Melding.gemeente))
        .order_by(Melding.received_on.desc(), MeldingPerson.id.desc())
    ).all()


def merged_into(actor, person_id):
    """The id of the person a merged person now lives on (after any later merges too), if the actor may see
    them; otherwise None."""
    kept_id, seen = None, set()
    while person_id not in seen:
        seen.add(person_id)
        person_id = db.session().scalar(
            select(PersonMerge.kept_person_id).where(PersonMerge.merged_person_id == person_id))
        if person_id is None:
            break
        kept_id = person_id
    if kept_id is None or not _finds_any(visible_persons(actor).where(Person.id == kept_id)):
        return None
    return kept_id


# -- merge ----------------------------------------------------------------------------------------

MERGE_FIELDS = ("first_name", "tussenvoegsel", "last_name", "date_of_birth", "bsn", "address", "phone")


class MergeRefused(Exception):
    """Two records that may not be merged; the message says why, in Dutch."""


def merge_refusal(kept, merged):
    """Why these two records cannot be one person, or None."""
    if kept.id == merged.id:
        return "Kies twee verschillende personen om samen te voegen."
    if kept.bsn and merged.bsn and kept.bsn != merged.bsn:
        return "Deze personen hebben elk een ander BSN: het zijn verschillende personen. Samenvoegen kan niet."
    return None


def merge_persons(actor, kept, merged, *, choices, kept_version, merged_version):
    """Merge `merged` into `kept`: every link to `merged` moves to `kept`, `kept` takes the chosen values
    (`choices`: field -> "kept" or "merged"), `merged` is deleted and a PersonMerge keeps both records as
    they were. Refused with Conflict (nothing changed) when either changed since the user compared them.
    """
    refusal = merge_refusal(kept, merged)
    if refusal:
        raise MergeRefused(refusal)
    check_version(kept, kept_version)
    check_version(merged, merged_version)
    trace = PersonMerge(kept_person_id=kept.id, merged_person_id=merged.id, merged_by=actor, merged_at=utcnow(),
                        merged_record=_record_of(merged), kept_record=_record_of(kept))
    values = {name: getattr(merged if choices.get(name) == "merged" else kept, name) for name in MERGE_FIELDS}
    # Lock the kept row first (a version-checked UPDATE), so it cannot be merged away meanwhile.
    flag_modified(kept, "first_name")
    flush_or_conflict()
    trace.moved = _move_references(merged.id, kept.id)
    resync_meldingen_of(db.session(), [kept.id])  # the merged person's meldingen now count as the kept one's
    person = Person.__table__
    deleted = db.session().execute(delete(person).where(person.c.id == merged.id, person.c.version == merged_version))
    if deleted.rowcount != 1:
        raise Conflict()
    db.session().expunge(merged)
    for name, value in values.items():  # after the delete: the BSN may come from the merged record
        setattr(kept, name, value)
    flush_or_conflict()
    db.session().add(trace)
    detail = f"person {merged.id} merged into {kept.id}; {trace.moved}"
    for person_id in (kept.id, merged.id):
        record(actor, "merge", record_type="person", record_id=person_id, person_id=person_id, detail=detail)
    return trace


def _record_of(person):
    """A person's fields as JSON."""
    fields = {name: getattr(person, name) for name in (*MERGE_FIELDS, "created_at")}
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in fields.items()}


def _person_references():
    """Every column, in any table of the schema, with a foreign key to person.id."""
    person_id = Person.__table__.c.id
    return [fk.parent for table in Base.metadata.sorted_tables for fk in table.foreign_keys
            if fk.column is person_id]


def _unique_partners(column):
    """For each unique constraint or index that includes `column`: its other columns."""
    table = column.table
    sets = [constraint.columns for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint)]
    sets += [index.columns for index in table.indexes if index.unique]
    return [[other for other in columns if other is not column] for columns in sets if column in list(columns)]


def _move_references(from_id, to_id):
    """Point every reference to person `from_id` at `to_id`; a row that would then repeat one of `to_id`'s
    (the same person twice in the same role on a case) is removed instead. What changed, per table."""
    session, changes = db.session(), []
    for column in _person_references():
        table, removed = column.table, 0
        for others in _unique_partners(column):
            twin = table.alias()
            clash = (select(twin.c[column.name]).where(twin.c[column.name] == to_id,
                                                       *(twin.c[other.name] == other for other in others))
                     .correlate(table).exists())
            removed += session.execute(delete(table).where(column == from_id, clash)).rowcount
        moved = session.execute(update(table).where(column == from_id).values({column.name: to_id})).rowcount
        if moved or removed:
            changes.append(f"{table.name}.{column.name}: {moved} moved" + (f", {removed} removed" if removed else ""))
    return "; ".join(changes)[:300] or "no links"


# -- hit/no-hit -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class HitNoHit:
    hit: bool
    contacts: tuple  # whom to call, as Dutch text: "Inge Bakker (i.bakker@…)" or a gemeente's team

    @property
    def message(self):
        if not self.hit:
            return "No-hit: deze persoon staat niet in een lopende casus van een andere gemeente in de regio."
        return ("Hit: deze persoon staat in een lopende casus van een andere gemeente in de regio. "
                f"Neem voor overleg contact op met {' of '.join(self.contacts)}.")


def hit_no_hit(actor, person):
    """Whether `person` is on an active case of a gemeente the coordinator does not work for, and whom to
    contact; nothing about that case itself. Audited; None for anyone but a coordinator.

    The same person is the same record, the same BSN, or (where either has no BSN) the same name and date
    of birth: another gemeente may have registered them separately.
    """
    if actor.role != "coordinator":
        return None
    own = select(user_gemeente.c.gemeente_id).where(user_gemeente.c.user_id == actor.id)
    rows = db.session().execute(
        select(Case.id, Gemeente.name, User.name, User.email, User.active)
        .join(Gemeente, Gemeente.id == Case.gemeente_id).outerjoin(User, User.id == Case.coordinator_id)
        .where(Case.status != "afgesloten", Case.gemeente_id.not_in(own),
               Case.id.in_(select(CasePerson.case_id).join(Person).where(_same_person(person))))
        .order_by(Case.id)
    ).all()
    contacts = tuple(dict.fromkeys(
        f"{name} ({email})" if name and active else f"het team Zorg en Veiligheid van gemeente {gemeente}"
        for _case_id, gemeente, name, email, active in rows))
    record(actor, "hit-no-hit", record_type="person", record_id=person.id, person_id=person.id,
           outcome="hit" if rows else "no hit",
           detail="cases " + ", ".join(str(row[0]) for row in rows) if rows else "")
    return HitNoHit(hit=bool(rows), contacts=contacts)


def _same_person(person):
    """A WHERE clause on Person: records of the same person (see hit_no_hit)."""
    condition = Person.id == person.id
    if person.bsn:
        condition |= Person.bsn == person.bsn
    if person.date_of_birth is not None:
        by_name = (Person.search_name == person.search_name) & (Person.date_of_birth == person.date_of_birth)
        condition |= by_name & Person.bsn.is_(None) if person.bsn else by_name
    return condition


def bsn_in_use(bsn, person=None):
    """Whether another person already has this BSN (the registry holds each person once)."""
    if not bsn:
        return False
    statement = select(Person.id).where(Person.bsn == bsn)
    if person is not None:
        statement = statement.where(Person.id != person.id)
    return db.session().scalar(statement) is not None
