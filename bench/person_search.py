"""Person search on a generated registry of 100k and 1M persons, on PostgreSQL and SQLite.

    .venv/bin/python bench/person_search.py [--sizes 100000 1000000] [--db postgresql sqlite] [--repeat 7]

For each database and size it builds a throwaway database with the migrations (PostgreSQL: a private server
from tests/postgres.py; SQLite: a file in a temporary folder), generates that many synthetic persons (Dutch
names with tussenvoegsels and a long tail of surnames, dates of birth, addresses with postcodes, BSNs from
the test range 99999…, 1% registered twice under a spelling variant), puts them on cases in 20 gemeenten,
and runs a fixed set of searches as a coordinator of 3 of those gemeenten, through the app's own search
(caseapp.persons.operations.person_search and the page the search view shows: the capped count and the first
25 rows). It prints the median and the 95th percentile in milliseconds per query, per database and size,
and the 1M/100k ratio. Everything is synthetic and thrown away afterwards.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository root

from sqlalchemy import insert, text  # noqa: E402

from bench._common import bulk_insert, database, stop_on_sigterm, summary, timed, without_indexes  # noqa: E402
from caseapp import create_app, db  # noqa: E402
from caseapp.db import make_engine  # noqa: E402
from caseapp.models import Case, CasePerson, Gemeente, Organisation, Person, User  # noqa: E402
from caseapp.pagination import paginate  # noqa: E402
from caseapp.persons import matching  # noqa: E402
from caseapp.persons.models import refresh_search_columns  # noqa: E402
from caseapp.persons.operations import MAX_RESULTS, duplicate_pairs, hit_no_hit, person_search  # noqa: E402

PAGE_SIZE = 25
GEMEENTEN = 20
ACTOR_GEMEENTEN = 3

FIRST_NAMES = [
    "Jan", "Peter", "Kees", "Mark", "Dennis", "Sander", "Ruud", "Henk", "Wim", "Bas", "Jeroen", "Thijs", "Daan",
    "Sem", "Lucas", "Noah", "Levi", "Finn", "Milan", "Bram", "Mohamed", "Ahmed", "Mustafa", "Kerem", "Piotr",
    "Tomasz", "Ricardo", "Dirk", "Gerrit", "Stefan", "Rachid", "Ibrahim", "Martijn", "Nick", "Kevin", "Joost",
    "Arie", "Leo", "Anna", "Maria", "Linda", "Sandra", "Petra", "Monique", "Ingrid", "Esther", "Sanne", "Lisa",
    "Kim", "Fatima", "Naima", "Zeynep", "Agnieszka", "Shirley", "Priscilla", "Annemieke", "Joke", "Wilma",
    "Nadia", "Samira", "Charlotte", "Eva", "Marloes", "Bianca", "Ria", "Tineke", "Emma", "Julia", "Mila",
    "Tess", "Sophie", "Zoë", "Nora", "Lina", "Amira", "Fleur", "Roos", "Yara", "Anne-Marie", "José", "Chantal",
]
COMMON_SURNAMES = [
    ("de", "Jong"), ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Janssen"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"),
    ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"),
    ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"),
    ("van der", "Heijden"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"),
    ("", "Hoekstra"), ("", "Koster"), ("", "Verhoeven"), ("", "Prins"), ("", "El Idrissi"), ("", "Benali"),
    ("", "Bouzid"), ("", "Yıldız"), ("", "Demir"), ("", "Kaya"), ("", "Kowalski"), ("", "Nowak"),
    ("", "Wiśniewski"), ("", "Pinas"), ("", "Sedney"), ("", "Kromodikoro"), ("", "Öztürk"), ("", "Şahin"),
]
ROOTS = ["Berg", "Bos", "Brink", "Dijk", "Hoek", "Hout", "Kamp", "Kerk", "Laan", "Meer", "Molen", "Velde", "Horst",
         "Broek", "Heuvel", "Water", "Wal", "Sloot", "Veen", "Burg", "Donk", "Hof", "Akker", "Beek", "Zand", "Ham",
         "Hage", "Dam", "Wijk", "Steen", "Riet", "Vlier", "Eik", "Linde", "Weide", "Gaarde", "Oever", "Rijn"]
SUFFIXES = ["", "man", "mans", "er", "ers", "stra", "sma", "inga", "ink", "hof", "kamp", "veld", "huis", "berg",
            "s", "en", "ing", "boom", "haar", "hout", "dijk", "meijer", "kes", "je", "tjes", "horst", "link"]
PARTICLES = ["", "", "", "", "van", "van de", "van der", "van den", "de", "ter", "ten", "in 't"]
STREET_KINDS = ["straat", "laan", "weg", "plein", "hof", "kade", "gracht", "dreef", "singel", "pad"]
PLACES = ["Lisse", "Hillegom", "Sassenheim", "Voorhout", "Warmond", "Leiden", "Leiderdorp", "Oegstgeest",
          "Katwijk", "Noordwijk", "Teylingen", "Voorschoten", "Zoeterwoude", "Alphen", "Gouda", "Delft",
          "Haarlem", "Heemstede", "Zandvoort", "Bloemendaal"]
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
TYPOS = {"ij": "y", "ss": "s", "dt": "d", "ei": "ij", "ou": "au", "ck": "k"}


def surnames(rng):
    """Common surnames with Zipf-like weights, then a long tail built from Dutch name parts."""
    tail = [(particle, root + suffix) for root in ROOTS for suffix in SUFFIXES
            for particle in ("", rng.choice(PARTICLES))]
    names = COMMON_SURNAMES + list(dict.fromkeys(tail))
    weights = [1 / (rank + 3) for rank in range(len(names))]
    return names, weights


def streets(rng):
    """(street, place, postcode digits) for a few thousand streets."""
    found = []
    for place_number, place in enumerate(PLACES):
        for root in rng.sample(ROOTS, 25):
            for kind in rng.sample(STREET_KINDS, 3):
                found.append((root + kind, place, 1000 + place_number * 400 + rng.randint(0, 399)))
    return found


def test_bsns():
    """Every BSN of the test range 99999… that passes the elfproef: about 900."""
    numbers = []
    for middle in range(1000):
        digits = [9, 9, 9, 9, 9, *map(int, f"{middle:03d}")]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check <= 9:
            numbers.append("".join(map(str, digits)) + str(check))
    return numbers


def variant(name):
    """A spelling variant of the name (ij → y, ss → s, ...), or None."""
    written = next((written for written in TYPOS if written in name.lower()), None)
    return name.lower().replace(written, TYPOS[written], 1) if written else None


def typo(rng, name):
    """Two letters swapped in the middle of the name."""
    middle = rng.randint(1, max(1, len(name) - 3))
    return name[:middle] + name[middle + 1] + name[middle] + name[middle + 2:]


def generate_persons(rng, count, now):
    """Person rows as dicts, search columns included (computed as the model computes them on write)."""
    names, weights = surnames(rng)
    all_streets = streets(rng)
    bsns = iter(rng.sample(test_bsns(), k=len(test_bsns())))
    chosen = rng.choices(names, weights=weights, k=count)
    first = date(1930, 1, 1)
    rows = []
    for number, (tussenvoegsel, last_name) in enumerate(chosen):
        if rows and rng.random() < 0.01:  # the same person registered again, under a variant of their name
            original = rng.choice(rows[-5000:])
            misspelt = variant(original["last_name"]) or typo(rng, original["last_name"])
            row = {**original, "last_name": misspelt.capitalize(), "bsn": None}
        else:
            street, place, digits = rng.choice(all_streets)
            postcode = f"{digits} {rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
            house = f"{rng.randint(1, 250)}{rng.choice('abc') if rng.random() < 0.1 else ''}"
            row = {
                "first_name": rng.choice(FIRST_NAMES), "tussenvoegsel": tussenvoegsel, "last_name": last_name,
                "date_of_birth": first + timedelta(days=rng.randint(0, 85 * 365)),
                "bsn": next(bsns, None) if number % 100 == 0 else None,
                "address": f"{street} {house}, {postcode} {place}",
                "phone": "", "created_at": now, "version": 1,
            }
        computed = SimpleNamespace(**row)
        refresh_search_columns(None, None, computed)  # what the model does on every write
        row.update(vars(computed))
        rows.append(row)
    return rows


def load(connection, rng, count):
    """The region, one coordinator of 3 gemeenten, `count` persons on count/2 cases; the actor's id and the
    persons on the actor's cases (to draw the queries from)."""
    now = datetime(2026, 11, 22, 9, 0)
    team = connection.execute(insert(Organisation).values(name="Team", type="gemeente", active=True)
                              .returning(Organisation.id)).scalar_one()
    gemeenten = [connection.execute(insert(Gemeente).values(name=f"Gemeente {n}", apv_151d=False)
                                    .returning(Gemeente.id)).scalar_one() for n in range(GEMEENTEN)]
    actor = connection.execute(insert(User).values(
        email="bench@example.org", name="Bench Coördinator", role="coordinator", organisation_id=team,
        password_hash="-",  # noqa: S106 - never logs in
        active=True, created_at=now).returning(User.id)).scalar_one()
    connection.execute(text("INSERT INTO user_gemeente (user_id, gemeente_id) VALUES (:u, :g)"),
                       [{"u": actor, "g": g} for g in gemeenten[:ACTOR_GEMEENTEN]])
    # A bulk load is faster into bare tables; the same indexes come back after.
    with without_indexes(connection, [Person.__table__, Case.__table__, CasePerson.__table__]):
        persons = generate_persons(rng, count, now)
        bulk_insert(connection, Person.__table__, persons)
        first_person = connection.execute(text("SELECT min(id) FROM person")).scalar_one()
        cases = [{
            "type": "woonoverlast", "status": rng.choice(("aangemeld", "uitvoering", "monitoring")),
            "gemeente_id": rng.choice(gemeenten), "address": "Adres", "description": "Bench", "risk_level": "midden",
            "opened_on": date(2026, 1, 1), "created_at": now, "updated_at": now, "version": 1,
        } for _ in range(count // 2)]
        actor_gemeenten = set(gemeenten[:ACTOR_GEMEENTEN])
        visible = [person for n, person in enumerate(persons) if cases[n // 2]["gemeente_id"] in actor_gemeenten]
        bulk_insert(connection, Case.__table__, cases)
        first_case = connection.execute(text("SELECT min(id) FROM \"case\"")).scalar_one()
        links = [{"case_id": first_case + n // 2, "person_id": first_person + n, "role": "betrokkene", "added_at": now}
                 for n in range(count)]
        links += [{"case_id": first_case + rng.randrange(count // 2), "person_id": first_person + n, "role": "melder",
                   "added_at": now} for n in rng.sample(range(count), count // 10)]
        bulk_insert(connection, CasePerson.__table__, links)
    if connection.dialect.name == "postgresql":
        connection.execute(text("ANALYZE"))  # what autovacuum does after a load; SQLite runs as deployed
    return actor, visible


def queries(rng, persons):
    """The fixed set: (label, criteria), drawn from the persons the actor may see."""
    sample = rng.sample(persons, 200)
    with_bsn = next(p for p in persons if p["bsn"])
    person = sample[0]
    street = person["address"].split(",")[0]
    common = {name for _, name in COMMON_SURNAMES}
    tail = [p for p in sample if p["last_name"] not in common]
    surnames = {" ".join(matching.name_words(p["last_name"])) for p in persons}

    def unknown(name):
        """A misspelling no surname starts with, so the search has to fall back on similar names."""
        return name and not any(known.startswith(matching.fold(name)) for known in surnames)

    spelt = next(name for name in (variant(p["last_name"]) for p in tail) if unknown(name))
    mistyped = next(name for name in (typo(rng, p["last_name"]) for p in tail) if unknown(name))
    return [
        ("prefix 2 letters", {"q": "ja"}),
        ("prefix 3 letters", {"q": "bak"}),
        ("prefix 4 letters", {"q": tail[0]["last_name"][:4]}),
        ("prefix 5 letters", {"q": "vries"}),
        ("full name", {"q": " ".join(filter(None, (person["first_name"], person["tussenvoegsel"],
                                                   person["last_name"])))}),
        ("surname + first name", {"q": f"{sample[1]['last_name']} {sample[1]['first_name']}"}),
        ("date of birth", {"date_of_birth": sample[2]["date_of_birth"]}),
        ("name + date of birth", {"q": sample[3]["last_name"], "date_of_birth": sample[3]["date_of_birth"]}),
        ("BSN", {"q": with_bsn["bsn"]}),
        ("street + number", {"q": street}),
        ("postcode", {"q": person["address"].split(", ")[1][:7]}),
        ("postcode + number", {"q": f"{person['address'].split(', ')[1][:7]} {street.rsplit(' ', 1)[1]}"}),
        ("spelling variant", {"q": spelt}),
        ("typo (letters swapped)", {"q": mistyped}),
    ]


def search_page(actor, criteria):
    """What the search view does: the search, its capped count and the first page."""
    found = person_search(actor, **criteria)
    page = paginate(found.capped(), 1, PAGE_SIZE)
    return page, found.approximate


def rollback():
    db.session().rollback()  # hit/no-hit and the duplicates page write audit entries: not kept


def run(kind, size, repeat):
    """Build, load and measure one database of one size; the timings per query label."""
    with database(kind) as url:
        engine = make_engine(url)
        rng = random.Random(size)  # noqa: S311 - the same registry on both databases  # nosec B311
        started = time.perf_counter()
        with engine.begin() as connection:
            actor_id, persons = load(connection, rng, size)
        engine.dispose()
        print(f"  {kind} {size:>9,}: loaded in {time.perf_counter() - started:.0f} s", flush=True)
        app = create_app("test", DATABASE_URL=url)
        results = {}
        with app.app_context():
            actor = db.session().get(User, actor_id)
            for label, criteria in queries(rng, persons):
                search_page(actor, criteria)  # warm the cache once
                times, (page, approximate) = timed(lambda c=criteria: search_page(actor, c), repeat, rollback)
                results[label] = times
                found = f"{page.total:>5}{'+' if page.total >= MAX_RESULTS else ' '}{' similar' if approximate else ''}"
                print(f"    {label:<22} {statistics.median(times):7.1f} ms  found {found}  {criteria}", flush=True)
            checked = rng.sample(range(1, size + 1), 20)
            extra = {
                "hit/no-hit": timed(lambda: [hit_no_hit(actor, db.session().get(Person, pid)) for pid in checked],
                                    3, rollback)[0],
                "duplicates page": timed(lambda: duplicate_pairs(actor, 1, PAGE_SIZE), 3, rollback)[0],
            }
            print(f"    {'hit/no-hit (20 persons)':<22} {statistics.median(extra['hit/no-hit']):7.1f} ms")
            print(f"    {'duplicates page':<22} {statistics.median(extra['duplicates page']):7.1f} ms")
        app.extensions["db_engine"].dispose()
        return results


def main():
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--db", nargs="+", choices=("postgresql", "sqlite"), default=["postgresql", "sqlite"])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each query (after one warm-up run)")
    args = parser.parse_args()
    table = {}
    for kind in args.db:
        for size in args.sizes:
            table[kind, size] = run(kind, size, args.repeat)
    print("\nAll queries together (ms): median, p95")
    for (kind, size), results in table.items():
        median, p95 = summary([t for times in results.values() for t in times])
        print(f"  {kind:<10} {size:>9,}  median {median:6.1f}  p95 {p95:6.1f}")
    sizes = sorted(args.sizes)
    for kind in args.db:
        if len(sizes) > 1:
            small, large = (summary([t for ts in table[kind, s].values() for t in ts]) for s in (sizes[0], sizes[-1]))
            print(f"  {kind:<10} {sizes[-1]:,}/{sizes[0]:,} ratio: median {large[0] / small[0]:.2f}, "
                  f"p95 {large[1] / small[1]:.2f}")


if __name__ == "__main__":
    main()
