"""The indicator report on a generated region of 100k and 1M cases, on PostgreSQL.

    .venv/bin/python bench/indicator_report.py [--sizes 100000 1000000] [--repeat 15]

For each size it builds a throwaway PostgreSQL database with the migrations (a private server from
tests/postgres.py) and generates a region of 8 gemeenten with 6 wijken each and that many cases over 10 years:
the case types in a team's proportions (10% ondermijning), most cases older than a year closed; about 1.5
meldingen per case, each about a person (a share of them come back again and again, so some ask for structural
attention) and some with a melder; interventions on about 30% of the cases (bestuurlijke waarschuwingen,
sluitingen 13b and 174a, huisverboden, some of them extended, and the lighter steps), loaded with COPY. The
indicator facts and counts are then made by caseapp.indicators.counting.rebuild, a one-off cost timed apart.

With the databases of all sizes up at once, it times, the sizes taking turns run by run, the report
(caseapp.indicators.report.build, in a fresh app context and session per run) per year for one gemeente and for
the whole region, per month for one gemeente, and the report page as a logged-in analyst through the Flask test
client. It prints the median and 95th percentile in milliseconds, the ratio of the largest size to the smallest
(the goal: 1), and the plan of the report's count query on the largest database.
Everything is synthetic and thrown away afterwards.
"""

import argparse
import logging
import random
import sys
import textwrap
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository root

import pyotp  # noqa: E402
from sqlalchemy import event, func, insert, select, text  # noqa: E402

from bench._common import bulk_insert, database, stop_on_sigterm, summary, timed, without_indexes  # noqa: E402
from caseapp import create_app, db  # noqa: E402
from caseapp.accounts.operations import hash_password  # noqa: E402
from caseapp.audit.operations import today, utcnow  # noqa: E402
from caseapp.db import make_engine  # noqa: E402
from caseapp.enums import CASE_RESULTS, CASE_TYPES, RISK_LEVELS  # noqa: E402
from caseapp.indicators.counting import rebuild  # noqa: E402
from caseapp.indicators.report import build  # noqa: E402
from caseapp.meldingen.models import CATEGORIES  # noqa: E402
from caseapp.models import (  # noqa: E402
    Case,
    Gemeente,
    Indicator,
    IndicatorBaseline,
    IndicatorCount,
    IndicatorFact,
    IndicatorTarget,
    Intervention,
    Melding,
    MeldingPerson,
    Organisation,
    Person,
    StatusChange,
    User,
    Wijk,
    user_gemeente,
)
from caseapp.workflow.processes import (  # noqa: E402
    HUISVERBOD_DAYS,
    HUISVERBOD_MAX_DAYS,
    HUISVERBOD_OUTCOMES,
    PROCESS_OF_TYPE,
)

GEMEENTEN = {"Leiden": 30, "Alphen aan den Rijn": 18, "Katwijk": 12, "Teylingen": 9, "Noordwijk": 9,
             "Leiderdorp": 8, "Oegstgeest": 7, "Lisse": 7}  # name: share of the region's records
WIJKEN = ("Centrum", "Noord", "Zuid", "Oost", "West", "Buitengebied")
YEARS = 10
CHUNK = 50_000  # cases generated and copied at a time, so memory stays flat at any size
PASSWORD = "bench-wachtwoord-niet-geheim"  # noqa: S105 - a synthetic analyst in a throwaway database
TOTP_SECRET = pyotp.random_base32()

CASE_SHARES = {"woonoverlast": 30, "verward_gedrag": 20, "huiselijk_geweld": 14, "ondermijning": 10,
               "jeugdoverlast": 14, "radicalisering": 2, "other": 10}
assert CASE_SHARES.keys() == CASE_TYPES.keys()
# Meldingen not (yet) on a case: any category, cybercrime only here.
LOOSE_SHARES = {"woonoverlast": 30, "verward_gedrag": 20, "huiselijk_geweld": 8, "jeugdoverlast": 15,
                "ondermijning": 10, "radicalisering": 1, "cybercrime": 8, "other": 8}
assert LOOSE_SHARES.keys() == CATEGORIES.keys()
SOURCES = ("inwoner", "politie", "woningcorporatie", "ggz", "anoniem", "gemeente", "veilig_thuis", "school")
OPEN_STATUSES = ("aangemeld", "onderzoek", "plan_van_aanpak", "uitvoering", "monitoring")
MELDING_SHARE = {"extra on the case": 0.25, "a third on the case": 0.05, "loose": 0.2}  # ~1.5 per case
FREQUENT_SHARE = 0.3  # meldingen about one of a gemeente's persons who keep coming back
MELDER_SHARE = 0.3  # meldingen with a melder (a neighbour, who may report again)
INTERVENTION_SHARE = 0.3

# Per case type, the interventions its cases get: (type, weight).
INTERVENTIONS = {
    "ondermijning": (("waarschuwing", 4), ("sluiting_13b", 3), ("bibob", 2), ("sluiting_174a", 1)),
    "huiselijk_geweld": (("huisverbod", 8), ("zorgtraject", 2)),
    "woonoverlast": (("waarschuwing", 3), ("buurtbemiddeling", 3), ("gesprek", 2), ("gedragsaanwijzing", 1),
                     ("sluiting_174a", 1)),
    "verward_gedrag": (("zorgtraject", 6), ("melding_wvggz", 4)),
    "jeugdoverlast": (("gesprek", 5), ("waarschuwing", 3), ("gebiedsverbod", 2)),
    "radicalisering": (("gesprek", 1),),
    "other": (("gesprek", 1),),
}
# Per intervention type, where it stands: (status, whether it was decided, weight).
_SLUITING = (("gesloten", True, 40), ("opgeheven", True, 35), ("besloten", True, 5), ("voornemen", False, 10),
             ("vervallen", False, 10))
_STEP = (("afgerond", False, 70), ("gepland", False, 30))
STATUSES = {
    "waarschuwing": (("verzonden", True, 85), ("concept", False, 10), ("vervallen", False, 5)),
    "sluiting_13b": _SLUITING,
    "sluiting_174a": _SLUITING,
    "bibob": (("besloten", True, 60), ("advies_gevraagd", False, 20), ("onderzoek", False, 20)),
    "huisverbod": (("afgerond", True, 80), ("opgelegd", True, 5), ("verlengd", True, 5), ("vervallen", False, 5),
                   ("voorbereiding", False, 5)),
    "gedragsaanwijzing": (("afgerond", True, 50), ("opgelegd", True, 20), ("voornemen", False, 20),
                          ("vervallen", False, 10)),
    "gebiedsverbod": (("afgerond", True, 70), ("opgelegd", True, 20), ("vervallen", False, 10)),
    "gesprek": _STEP, "buurtbemiddeling": _STEP, "zorgtraject": _STEP, "melding_wvggz": _STEP,
}
assert all(status in PROCESS_OF_TYPE[kind].states for kind, options in STATUSES.items() for status, *_ in options)
STEP_OWNERS = {"gesprek": "politie", "buurtbemiddeling": "buurtbemiddeling", "zorgtraject": "ggz",
               "melding_wvggz": "ggz"}
ORGANISATIONS = {"gemeente": "Team Zorg en Veiligheid", "politie": "Politie Hollands Midden", "ggz": "GGZ Rijnland",
                 "buurtbemiddeling": "Buurtbemiddeling Holland Rijnland"}
HUISVERBOD_EXTENDED = 0.3  # of the huisverboden that ran their course


@dataclass
class Region:
    gemeenten: list  # ids, largest first
    weights: list
    wijken: dict  # gemeente id: wijk ids
    organisations: dict  # type: id
    coordinator: int
    analyst_email: str


def choose(rng, weighted):
    """One of (value, ..., weight) tuples, by weight."""
    return rng.choices(weighted, weights=[item[-1] for item in weighted])[0]


def at(day, hour=10):
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)


class Records:
    """The synthetic records of one region, generated case by case with ids of their own (COPY takes them as they
    are, so meldingen and interventions can point at their case without a round trip)."""

    def __init__(self, rng, region, size, last_day):
        self.rng, self.region, self.last_day = rng, region, last_day
        self.first_day = date(last_day.year - YEARS + 1, 1, 1)
        self.ids = {"person": 0, "case": 0, "melding": 0, "intervention": 0}
        self.rows = {table: [] for table in ("person", "case", "melding", "melding_person", "intervention",
                                              "status_change")}
        share = {g: w / sum(region.weights) for g, w in zip(region.gemeenten, region.weights, strict=True)}
        # Persons who keep coming back (a few per hundred cases), and neighbours who report more than once.
        self.frequent = {g: [self.person() for _ in range(max(5, round(size / 50 * share[g])))] for g in share}
        self.neighbours = {g: [self.person() for _ in range(max(5, round(size / 20 * share[g])))] for g in share}

    def next_id(self, kind):
        self.ids[kind] += 1
        return self.ids[kind]

    def day(self, start=None, end=None):
        start, end = start or self.first_day, end or self.last_day
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def take(self):
        """The rows generated since the last take, per table."""
        rows, self.rows = self.rows, {table: [] for table in self.rows}
        return rows

    def person(self):
        person_id = self.next_id("person")
        self.rows["person"].append({
            "id": person_id, "first_name": self.rng.choice(("Jan", "Fatima", "Piotr", "Anna", "Mohamed", "Linda")),
            "tussenvoegsel": "", "last_name": f"Bench {person_id}",
            "date_of_birth": date(1950, 1, 1) + timedelta(days=self.rng.randint(0, 50 * 365)),
            "address": f"Benchstraat {person_id % 500 + 1}", "created_at": at(self.first_day)})
        return person_id

    def subject(self, gemeente):
        """The person a melding is about: someone who keeps coming back, or someone new."""
        if self.rng.random() < FREQUENT_SHARE:
            return self.rng.choice(self.frequent[gemeente])
        return self.person()

    def case(self):
        rng, region = self.rng, self.region
        gemeente = rng.choices(region.gemeenten, weights=region.weights)[0]
        wijk = rng.choice(region.wijken[gemeente]) if rng.random() < 0.92 else None
        case_type = rng.choices(list(CASE_SHARES), weights=list(CASE_SHARES.values()))[0]
        opened = self.day()
        age = (self.last_day - opened).days
        closed = None
        if age > 14 and rng.random() < min(0.9, age / 400):
            closed = at(opened + timedelta(days=rng.randint(14, min(age, 540))), hour=15)
        case_id = self.next_id("case")
        self.rows["case"].append({
            "id": case_id, "type": case_type, "status": "afgesloten" if closed else rng.choice(OPEN_STATUSES),
            "gemeente_id": gemeente, "wijk_id": wijk, "address": "Benchstraat 1", "description": "Bench",
            "risk_level": rng.choice(list(RISK_LEVELS)), "coordinator_id": region.coordinator, "opened_on": opened,
            "result": rng.choice(list(CASE_RESULTS)) if closed else None, "closed_at": closed,
            "created_at": at(opened), "updated_at": closed or at(opened), "version": 1})
        subject = self.subject(gemeente)
        where = dict(gemeente_id=gemeente, wijk_id=wijk, case_id=case_id)
        first = max(self.first_day, opened - timedelta(days=rng.randint(0, 14)))
        self.melding(case_type, first, subject, "zaak_geopend", at(opened), **where)
        end = closed.date() if closed else self.last_day
        for extra in ("extra on the case", "a third on the case"):
            if rng.random() < MELDING_SHARE[extra]:
                received = self.day(opened, end)
                self.melding(case_type, received, subject, "gekoppeld", min(at(received + timedelta(days=1)),
                                                                            at(self.last_day)), **where)
        if rng.random() < MELDING_SHARE["loose"]:
            self.loose_melding(gemeente)
        if age > 14 and rng.random() < INTERVENTION_SHARE:
            decided_by = min(closed.date() if closed else self.last_day, opened + timedelta(days=120))
            self.intervention(case_id, case_type, subject, self.day(opened + timedelta(days=3), decided_by))

    def loose_melding(self, gemeente):
        """A melding on no case: new, or closed at triage."""
        rng = self.rng
        category = rng.choices(list(LOOSE_SHARES), weights=list(LOOSE_SHARES.values()))[0]
        received = self.day()
        new = (self.last_day - received).days < 21
        wijk = rng.choice(self.region.wijken[gemeente]) if rng.random() < 0.92 else None
        self.melding(category, received, self.subject(gemeente), "nieuw" if new else "gesloten",
                     None if new else at(received + timedelta(days=2)), gemeente_id=gemeente, wijk_id=wijk,
                     case_id=None)

    def melding(self, category, received, subject, triage_status, triaged_at, **where):
        melding_id = self.next_id("melding")
        self.rows["melding"].append({
            "id": melding_id, "kind": "signaal" if category == "ondermijning" else "melding",
            "source": self.rng.choice(SOURCES), "category": category, "address": "Benchstraat 1",
            "description": "Bench", "received_on": received, "registered_by_id": self.region.coordinator,
            "registered_at": at(received), "triage_status": triage_status,
            "triage_reason": "Geen aanleiding voor een casus" if triage_status == "gesloten" else "",
            "triaged_by_id": self.region.coordinator if triaged_at else None, "triaged_at": triaged_at,
            "version": 1, **where})
        links = [(subject, "betrokkene")]
        if self.rng.random() < MELDER_SHARE:
            links.append((self.rng.choice(self.neighbours[where["gemeente_id"]]), "melder"))
        self.rows["melding_person"] += [{"melding_id": melding_id, "person_id": person_id, "role": role,
                                         "added_at": at(received)} for person_id, role in links]

    def intervention(self, case_id, case_type, subject, day):
        rng = self.rng
        kind = choose(rng, INTERVENTIONS[case_type])[0]
        status, decided, _ = choose(rng, STATUSES[kind])
        decided_at = at(day, hour=rng.randint(8, 20)) if decided else None
        row = {
            "id": self.next_id("intervention"), "case_id": case_id, "type": kind, "status": status,
            "person_id": subject if kind in ("waarschuwing", "huisverbod", "gedragsaanwijzing", "gebiedsverbod")
            else None,
            "premises_address": "Bedrijfsweg 1" if kind in ("sluiting_13b", "sluiting_174a", "bibob") else "",
            "business_name": "Bench B.V." if kind == "bibob" else "",
            "owner_organisation_id": self.region.organisations[STEP_OWNERS[kind]] if kind in STEP_OWNERS else None,
            "decided_at": decided_at, "ends_at": None, "extension_count": 0, "veilig_thuis_consulted_at": None,
            "outcome": "", "created_at": at(day, hour=8), "updated_at": decided_at or at(day, hour=8), "version": 1,
        }
        start = PROCESS_OF_TYPE[kind].start
        changes = [(start.name, None, start.target, row["created_at"])]
        if kind == "huisverbod" and decided:
            extended_at = decided_at + timedelta(days=7)  # within the 10 days it runs
            extended = extended_at.date() <= self.last_day and (
                status == "verlengd" or (status == "afgerond" and rng.random() < HUISVERBOD_EXTENDED))
            row.update(status="opgelegd" if status == "verlengd" and not extended else status,
                       veilig_thuis_consulted_at=decided_at - timedelta(hours=2), extension_count=int(extended),
                       ends_at=decided_at + timedelta(days=HUISVERBOD_MAX_DAYS if extended else HUISVERBOD_DAYS),
                       outcome=rng.choice(list(HUISVERBOD_OUTCOMES)) if status == "afgerond" else "")
            if extended:
                changes.append(("verlengen", "opgelegd", "verlengd", extended_at))
        self.rows["intervention"].append(row)
        self.rows["status_change"] += [{
            "case_id": case_id, "intervention_id": row["id"], "transition": transition, "from_status": from_status,
            "to_status": to_status, "actor_id": self.region.coordinator, "at": moment,
        } for transition, from_status, to_status, moment in changes]


TABLES = {"person": Person, "case": Case, "melding": Melding, "melding_person": MeldingPerson,
          "intervention": Intervention, "status_change": StatusChange}  # in the order foreign keys need


def load_region(connection, now):
    """The organisations, the 8 gemeenten with their wijken, a coordinator and an analyst of all of them."""
    organisations = {kind: connection.execute(insert(Organisation).values(name=name, type=kind, active=True)
                                              .returning(Organisation.id)).scalar_one()
                     for kind, name in ORGANISATIONS.items()}
    gemeenten, wijken = [], {}
    for name in GEMEENTEN:
        gemeente = connection.execute(insert(Gemeente).values(name=name, apv_151d=True)
                                      .returning(Gemeente.id)).scalar_one()
        gemeenten.append(gemeente)
        wijken[gemeente] = list(connection.execute(insert(Wijk).returning(Wijk.id),
                                                   [{"gemeente_id": gemeente, "name": w} for w in WIJKEN]).scalars())
    users = {}
    for role, password_hash, secret in (("coordinator", "-", None), ("analyst", hash_password(PASSWORD), TOTP_SECRET)):
        users[role] = connection.execute(insert(User).values(
            email=f"bench-{role}@example.org", name=f"Bench {role}", role=role,
            organisation_id=organisations["gemeente"], password_hash=password_hash, active=True, created_at=now,
            totp_secret=secret, totp_enrolled_at=now if secret else None).returning(User.id)).scalar_one()
        connection.execute(insert(user_gemeente), [{"user_id": users[role], "gemeente_id": g} for g in gemeenten])
    return Region(gemeenten, list(GEMEENTEN.values()), wijken, organisations, users["coordinator"],
                  "bench-analyst@example.org")


def load_targets(connection, gemeente, first_year, last_year, now):
    """A nulmeting and a streefwaarde per counted indicator for one gemeente, so its report shows them too."""
    counted = connection.execute(select(Indicator.id).where(Indicator.kind == "geteld")).scalars().all()
    connection.execute(insert(IndicatorBaseline), [
        {"indicator_id": i, "gemeente_id": gemeente, "year": first_year, "value": None, "set_at": now}
        for i in counted])
    connection.execute(insert(IndicatorTarget), [
        {"indicator_id": i, "gemeente_id": gemeente, "year": last_year, "comparison": "<=", "value": 100,
         "set_at": now} for i in counted])


def generate(connection, rng, size, last_day, now):
    """The region and `size` cases with everything on them: the region, and the rows loaded per table."""
    region = load_region(connection, now)
    load_targets(connection, region.gemeenten[0], last_day.year - YEARS + 1, last_day.year, now)
    loaded = dict.fromkeys(TABLES, 0)
    # A bulk load is faster into bare tables; the same indexes come back after.
    with without_indexes(connection, [model.__table__ for model in TABLES.values()]):
        records = Records(rng, region, size, last_day)
        for start in range(0, size, CHUNK):
            for _ in range(min(CHUNK, size - start)):
                records.case()
            for table, rows in records.take().items():
                loaded[table] += bulk_insert(connection, TABLES[table].__table__, rows)
    for model in (Person, Case, Melding, Intervention):  # ids were given: move the sequences past them
        sequence = func.pg_get_serial_sequence(f'"{model.__tablename__}"', "id")
        connection.execute(select(func.setval(sequence, select(func.max(model.id)).scalar_subquery())))
    connection.execute(text("ANALYZE"))  # what autovacuum does after a load
    return region, loaded


def log_in(client, email):
    """The analyst through the login pages: password, then a code of the second factor."""
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/inloggen/code"), response.status
    response = client.post("/inloggen/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.status_code == 302, response.status


def measurements(app, region, year):
    """(label, function) per measurement; the page only when its route exists."""
    one, region_ids = region.gemeenten[:1], region.gemeenten

    def report(*args):
        with app.app_context():  # a fresh session, as a request has
            return build(*args)

    found = [
        ("year report, 1 gemeente", lambda: report(one, None, "jaar", year - 4, year)),
        ("year report, region (8)", lambda: report(region_ids, None, "jaar", year - 4, year)),
        ("month report, 1 gemeente", lambda: report(one, None, "maand", year - 1, year - 1)),
    ]
    if not any(rule.rule == "/indicatoren/" for rule in app.url_map.iter_rules()):
        print("    The page /indicatoren/ is left out: the route does not exist yet.", flush=True)
        return found
    client = app.test_client()
    log_in(client, region.analyst_email)
    pages = [(label, f"/indicatoren/?gemeente={gemeente}&indeling=jaar&van={year - 4}&tot={year}")
             for label, gemeente in (("page, year, 1 gemeente", one[0]), ("page, year, region (8)", ""))]
    problem = page_problem(client, pages[0][1])
    if problem:
        print(f"    The page /indicatoren/ is left out: {problem}", flush=True)
        return found
    return found + [(label, lambda url=url: client.get(url)) for label, url in pages]


def page_problem(client, url):
    """Why the page cannot be measured (it is being built at the same time as this benchmark), or None."""
    try:
        response = client.get(url)
    except Exception as error:  # noqa: BLE001 - any failure of the page is reported, and the rest measured
        return f"it fails with {type(error).__name__}: {error}"
    if response.status_code != 200 or b"<table" not in response.data:
        return f"it answers {response.status} without a table"
    return None


def count_query_plan(app, region, year):
    """EXPLAIN (ANALYZE, BUFFERS) of the count query the region's year report runs, as the report sends it."""
    engine, sent = app.extensions["db_engine"], []

    def catch(_connection, _cursor, statement, parameters, _context, _executemany):
        if "FROM indicator_count" in statement and "GROUP BY" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", catch)
    try:
        with app.app_context():
            build(region.gemeenten, None, "jaar", year - 4, year)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    statement, parameters = sent[0]
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).scalars().all()
    return statement, plan


def record_counts(app):
    with app.app_context():
        session = db.session()
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (IndicatorFact, IndicatorCount)}


def sample_values(app, region, year):
    """The region's counts in the last complete year: that every indicator counts something."""
    with app.app_context():
        report = build(region.gemeenten, None, "jaar", year, year)
        return {row.indicator.key: row.cells[0].value for row in report.rows}


def prepare(stack, size):
    """A database of `size` cases, loaded and counted, kept until `stack` closes: the app on it and the region."""
    url = stack.enter_context(database("postgresql"))
    engine = make_engine(url)
    rng = random.Random(size)  # noqa: S311 - synthetic data, the same for every run  # nosec B311
    now, last_day = utcnow().replace(microsecond=0), today()
    started = time.perf_counter()
    with engine.begin() as connection:
        region, loaded = generate(connection, rng, size, last_day, now)
    engine.dispose()
    generated = time.perf_counter() - started
    app = create_app("test", DATABASE_URL=url, WTF_CSRF_ENABLED=False)
    stack.callback(app.extensions["db_engine"].dispose)  # before the server stops
    started = time.perf_counter()
    with app.app_context():
        rebuild(db.session())
        db.session().commit()
    rebuilt = time.perf_counter() - started
    with app.app_context():
        db.session().execute(text("ANALYZE indicator_fact; ANALYZE indicator_count"))
        db.session().commit()
    counted = record_counts(app)
    print(f"  {size:,} cases: {loaded['case']:,} cases, {loaded['melding']:,} meldingen "
          f"({loaded['melding_person']:,} persons on them), {loaded['intervention']:,} interventions "
          f"({loaded['status_change']:,} status changes), {loaded['person']:,} persons", flush=True)
    print(f"    generated and loaded in {generated:.0f} s; rebuild (one-off): {rebuilt:.0f} s, "
          f"{counted['indicator_fact']:,} facts, {counted['indicator_count']:,} count rows", flush=True)
    values = sample_values(app, region, last_day.year - 1)
    print(textwrap.fill(", ".join(f"{key} {value:,}" for key, value in values.items()), width=116,
                        initial_indent=f"    region in {last_day.year - 1}: ", subsequent_indent="      "), flush=True)
    return app, region


def measure(prepared, year, repeat):
    """{size: {label: times in ms}}. The sizes take turns run by run, so that a busy moment on this shared machine
    weighs on every size alike and the ratio compares like with like."""
    found = {size: measurements(app, region, year) for size, (app, region) in prepared.items()}
    for functions in found.values():
        for _, function in functions:
            function()  # warm up once
    results = {size: {label: [] for label, _ in functions} for size, functions in found.items()}
    for _ in range(repeat):
        for size, functions in found.items():
            for label, function in functions:
                results[size][label] += timed(function, 1)[0]
    return results


def main():
    stop_on_sigterm()
    for name in ("alembic", "caseapp.request"):  # a line per migration and per request would hide the table
        logging.getLogger(name).setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each measurement (after one warm-up run)")
    args = parser.parse_args()
    sizes, year = sorted(args.sizes), today().year
    print(f"Indicator report on PostgreSQL: {len(GEMEENTEN)} gemeenten of {len(WIJKEN)} wijken, {YEARS} years of "
          "records")
    with ExitStack() as stack:
        prepared = {size: prepare(stack, size) for size in sizes}
        results = measure(prepared, year, args.repeat)
        print(f"\nTimings in ms, median / p95 of {args.repeat} runs after a warm-up, the sizes taking turns; year: "
              f"{year - 4}–{year}, month: the 12 months of {year - 1}")
        print(f"    {'':<26}" + "".join(f"{f'{size:,} cases':>20}" for size in sizes))
        for label in results[sizes[0]]:
            cells = (summary(results[size][label]) for size in sizes)
            print(f"    {label:<26}" + "".join(f"{median:12.1f} /{p95:6.1f}" for median, p95 in cells))
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            print(f"\nRatio {large:,} / {small:,} cases (the goal: 1)")
            for label in results[large]:
                (small_median, small_p95), (large_median, large_p95) = (summary(results[n][label])
                                                                        for n in (small, large))
                print(f"    {label:<26} median {large_median / small_median:5.2f}  p95 {large_p95 / small_p95:5.2f}")
        app, region = prepared[sizes[-1]]
        statement, plan = count_query_plan(app, region, year)
        print(f"\nThe report's count query for the region at {sizes[-1]:,} cases:\n    {' '.join(statement.split())}\n")
        print("\n".join(f"    {line}" for line in plan))
        uses = "pk_indicator_count" in "\n".join(plan)
        print(f"\n    {'Uses' if uses else 'Does NOT use'} the primary key index pk_indicator_count "
              "(indicator_id, gemeente_id, wijk_id, year, quarter, month).")


if __name__ == "__main__":
    main()
