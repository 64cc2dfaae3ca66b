"""The person registry: normalised search columns, search by name, address, postcode, BSN and date of birth
through the index, and the person page."""

import random
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from caseapp.demo import _Builder
from caseapp.models import AuditEntry
from caseapp.persons import matching, operations
from caseapp.persons.forms import bsn_is_valid


@pytest.fixture
def region(make):
    lisse, hillegom = make.gemeente("Lisse"), make.gemeente("Hillegom")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    return {
        "lisse": lisse,
        "hillegom": hillegom,
        "coordinator": make.user("coordinator", team, [lisse]),
        "politie": make.organisation("politie", "Politie Bollenstreek"),
    }


def in_lisse(make, region, *persons, **case_fields):
    make.case(region["lisse"], persons=[(person, "betrokkene") for person in persons], **case_fields)
    return persons


@pytest.mark.parametrize(("first", "last", "expected"), [
    ("Jan", "Jansen", "jansen jan"),
    ("Anna Maria", "Vries", "vries anna maria"),
    ("Zoë", "Yıldız", "yildiz zoe"),
    ("Agnieszka", "Wiśniewski", "wisniewski agnieszka"),
    ("Anouk", "Vermeulen-de Wit", "vermeulen wit anouk"),
    ("Mohamed", "El Idrissi", "el idrissi mohamed"),
    ("Kees", "De Boer", "boer kees"),  # a tussenvoegsel typed into the surname
    ("Piet", "v/d Meer", "meer piet"),
])
def test_search_name_is_surname_then_first_names_in_folded_ascii(first, last, expected):
    assert matching.search_name(first, last) == expected


@pytest.mark.parametrize(("one", "other"), [
    ("Jansen", "Janssen"), ("Meijer", "Meyer"), ("Meijer", "Meier"), ("Smit", "Smid"), ("Dijkstra", "Dykstra"),
    ("Hendriks", "Hendrix"), ("de Vries", "Fries"), ("Schouten", "Schouwten"), ("Bakker", "Baker"),
])
def test_phonetic_key_folds_dutch_spelling_variants(one, other):
    assert matching.search_phonetic("", one) == matching.search_phonetic("", other)


@pytest.mark.parametrize(("one", "other"), [("Jansen", "Jacobs"), ("Visser", "Vos"), ("de Wit", "de Vries")])
def test_phonetic_key_keeps_different_names_apart(one, other):
    assert matching.search_phonetic("", one) != matching.search_phonetic("", other)


@pytest.mark.parametrize(("address", "street", "postcode"), [
    ("Kanaalstraat 12, 2161 AB Lisse", "kanaalstraat 12 lisse", "2161ab 12"),
    ("Ter Speckelaan 7a, 2162 CD Lisse", "ter speckelaan 7a lisse", "2162cd 7a"),
    ("1e Hogeweg 5 2161AB", "1e hogeweg 5", "2161ab 5"),
    ("Molenstraat 5, Lisse", "molenstraat 5 lisse", ""),
    ("", "", ""),
])
def test_address_is_searchable_by_street_and_by_postcode(address, street, postcode):
    assert (matching.search_address(address), matching.search_postcode(address)) == (street, postcode)


def test_search_columns_follow_every_write(make, session):
    person = make.person("José", "Müller", tussenvoegsel="von", address="Heereweg 1, 2161 AB Lisse")
    assert (person.search_name, person.search_postcode) == ("muller jose", "2161ab 1")
    person.last_name, person.address = "Jansen", "Kerkstraat 3, 2162 XY Lisse"
    session.commit()
    stored = session.execute(text("SELECT search_name, search_phonetic, search_address, search_postcode "
                                  "FROM person WHERE id = :id"), {"id": person.id}).one()
    assert tuple(stored) == ("jansen jose", "jansen jose", "kerkstraat 3 lisse", "2162xy 3")


@pytest.fixture
def registry(make, region):
    people = {
        "jan": make.person("Jan", "Jansen", date(1980, 5, 17), address="Kanaalstraat 12, 2161 AB Lisse",
                           bsn="999990019"),
        "janneke": make.person("Janneke", "Jansen", date(1985, 1, 2), address="Heereweg 3, 2161 AC Lisse"),
        "anna": make.person("Anna Maria", "Vries", date(1970, 3, 3), tussenvoegsel="de",
                            address="Kerkstraat 12a, 2161 BB Lisse"),
        "piet": make.person("Piet", "Meer", date(1990, 1, 1), tussenvoegsel="van der", address="Poellaan 1, Lisse"),
        "meijer": make.person("Sandra", "Meijer", date(1975, 6, 6), address="Grachtweg 9, 2161 AD Lisse"),
        "warmerdam": make.person("Kees", "Warmerdam", date(1966, 6, 6), address="Poellaan 3, Lisse"),
    }
    in_lisse(make, region, *people.values())
    people["elsewhere"] = make.person("Jan", "Jansma", date(1980, 5, 17))
    make.case(region["hillegom"], persons=[(people["elsewhere"], "betrokkene")])
    return people


def found(region, login, registry, **args):
    """The names on the search page's results, and the page itself."""
    page = login(region["coordinator"]).get("/personen/", query_string=args).text
    return {key for key, person in registry.items() if f"/personen/{person.id}\"" in page}, page


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "jans"}, {"jan", "janneke"}),
    ({"q": "Jansen"}, {"jan", "janneke"}),
    ({"q": "jan jansen"}, {"jan", "janneke"}),  # the last word typed is a prefix: Jan… Jansen
    ({"q": "jansen jan"}, {"jan", "janneke"}),
    ({"q": "janneke jans"}, {"janneke"}),  # typing the surname after the first name
    ({"q": "de vries"}, {"anna"}),
    ({"q": "Anna de Vries"}, {"anna"}),
    ({"q": "v/d Meer"}, {"piet"}),
    ({"q": "piet van der meer"}, {"piet"}),
    ({"q": "JANSEN"}, {"jan", "janneke"}),
    ({"q": "kanaalstraat"}, {"jan"}),
    ({"q": "Kerkstraat 12"}, {"anna"}),
    ({"q": "2161 AB"}, {"jan"}),
    ({"q": "2161ab 12"}, {"jan"}),
    ({"q": "2161"}, {"jan", "janneke", "anna", "meijer"}),
    ({"q": "999990019"}, {"jan"}),
    ({"date_of_birth": "1980-05-17"}, {"jan"}),  # Jansma of Hillegom is outside the coordinator's gemeenten
    ({"q": "jansen", "date_of_birth": "1985-01-02"}, {"janneke"}),
    ({"q": "zzz"}, set()),
])
def test_search_finds_by_name_address_postcode_bsn_and_date_of_birth(region, login, registry, query, expected):
    assert found(region, login, registry, **query)[0] == expected


def test_misspelt_name_finds_the_similar_ones_and_says_so(region, login, registry):
    names, page = found(region, login, registry, q="Meyer")
    assert names == {"meijer"}
    assert "Niemand heet precies zo" in page
    names, page = found(region, login, registry, q="Meijer")
    assert names == {"meijer"} and "Niemand heet precies zo" not in page


def test_typos_and_inner_words_are_found_by_trigrams_on_postgresql(region, login, registry, connection):
    """pg_trgm: letters swapped in a longer name, or a word from the middle of the name; SQLite has only the
    phonetic key, which does not see these."""
    postgresql = connection.dialect.name == "postgresql"
    for q, expected in (("Warmerdma", {"warmerdam"}), ("maria", {"anna"})):
        names, page = found(region, login, registry, q=q)
        assert names == (expected if postgresql else set())
        assert ("Niemand heet precies zo" in page) is postgresql


@pytest.mark.parametrize(("q", "message"), [
    ("999990018", "Dit BSN voldoet niet aan de elfproef."),
    ("12345678", "Zoek op een BSN van 9 cijfers"),
])
def test_invalid_bsn_or_number_gets_a_dutch_message_and_no_search(region, login, session, registry, q, message):
    page = login(region["coordinator"]).get("/personen/", query_string={"q": q}).text
    assert message in page and 'aria-invalid="true"' in page and f'value="{q}"' in page
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "search")) is None


def test_demo_bsns_pass_the_elfproef():
    builder = _Builder(None, random.Random(1), date.today(), datetime.now())  # noqa: S311
    assert all(bsn_is_valid(builder._bsn()) for _ in range(200))


def test_search_is_audited_with_its_question_and_count(region, login, session, registry):
    login(region["coordinator"]).get("/personen/?q=jansen")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "search"))
    assert (entry.user_id, entry.record_type) == (region["coordinator"].id, "person")
    assert "q=jansen" in entry.detail and "2 resultaten" in entry.detail


def test_search_pages_and_caps_the_count(region, login, make, monkeypatch):
    in_lisse(make, region, *(make.person(f"Kind{n}", "Bakker") for n in range(12)))
    client = login(region["coordinator"])
    assert "Pagina 1 van 2" in client.get("/personen/?q=bakker").text  # the test configuration pages by 10
    assert len(re.findall(r'href="/personen/\d+"', client.get("/personen/?q=bakker&page=2").text)) == 2
    for module in ("operations", "views"):
        monkeypatch.setattr(f"caseapp.persons.{module}.MAX_RESULTS", 5)
    page = client.get("/personen/?q=bakker").text
    assert "Meer dan 5 personen gevonden" in page and "Maak uw zoekopdracht specifieker" in page
    assert len(re.findall(r'href="/personen/\d+"', page)) == 5 and "Pagina 1 van" not in page


def test_partner_finds_only_persons_of_their_cases(region, login, make, registry):
    agent = make.user("partner", region["politie"])
    in_lisse(make, region, make.person("Karel", "Jansen"), partners=[region["politie"]])
    page = login(agent).get("/personen/?q=jansen").text
    assert "Karel Jansen" in page and "Janneke" not in page


@pytest.mark.parametrize("query", [
    {"q": "jans"}, {"q": "jan jansen"}, {"q": "kerkstraat 12"}, {"q": "2161 ab"}, {"q": "999990019"},
    {"date_of_birth": date(1980, 5, 17)},
])
def test_search_uses_an_index(app, connection, region, registry, query):
    """The search's conditions can be answered from an index on both databases (the plan names one)."""
    with app.app_context():
        statement = operations.search_persons(region["coordinator"], **query)
        compiled = statement.compile(connection, compile_kwargs={"literal_binds": True})
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL enable_seqscan = off"))  # tiny tables: ask whether it *can*
        plan = " ".join(connection.execute(text(f"EXPLAIN {compiled}")).scalars())
    else:
        plan = " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_person_" in plan or "uq_person_bsn" in plan or "sqlite_autoindex_person" in plan, plan
    assert "SCAN person" not in plan.replace("SCAN person USING", "")


def test_search_columns_sort_bytewise_on_postgresql(connection):
    if connection.dialect.name != "postgresql":
        pytest.skip("SQLite compares text bytewise already")
    collations = dict(connection.execute(text(
        "SELECT column_name, collation_name FROM information_schema.columns "
        "WHERE table_name = 'person' AND column_name LIKE 'search_%'")).all())
    assert collations == dict.fromkeys(("search_name", "search_phonetic", "search_address", "search_postcode"),
                                       "C")


def test_person_page_shows_every_visible_case_over_the_years(region, login, make):
    person = make.person("Henk", "Smit")
    make.case(region["lisse"], persons=[(person, "melder")], type="jeugdoverlast", opened_on=date(2021, 3, 1),
              status="afgesloten", closed_at=datetime(2021, 9, 1, 10, 0))
    make.case(region["lisse"], persons=[(person, "betrokkene")], type="woonoverlast", opened_on=date(2024, 2, 1))
    make.case(region["hillegom"], persons=[(person, "slachtoffer")], address="Hoofdstraat 2, Hillegom")
    page = login(region["coordinator"]).get(f"/personen/{person.id}").text
    assert page.index(">2024<") < page.index(">2021<")  # newest first, per year
    for shown in ("Jeugdoverlast", "Melder", "Afgesloten (opgelost)", "01-03-2021", "01-09-2021",
                  "Woonoverlast", "Betrokkene", "Aangemeld", "01-02-2024", "Lisse"):
        assert shown in page
    assert "Hillegom" not in page and "Slachtoffer" not in page


def test_partner_sees_a_person_only_through_their_cases(region, login, make, session):
    agent = make.user("partner", region["politie"])
    person = make.person("Fatima", "Benali", bsn="999990020")
    make.case(region["lisse"], persons=[(person, "betrokkene")], partners=[region["politie"]], type="woonoverlast")
    make.case(region["lisse"], persons=[(person, "melder")], type="huiselijk_geweld")
    page = login(agent).get(f"/personen/{person.id}").text
    assert "Woonoverlast" in page and "Huiselijk geweld" not in page and "999990020" not in page
    assert "Mogelijk dubbel" not in page
    hidden = make.person("Greet", "Geheim")
    make.case(region["lisse"], persons=[(hidden, "betrokkene")])
    assert login(agent).get(f"/personen/{hidden.id}").status_code == 404


def test_person_page_lists_the_meldingen_the_coordinator_may_see(region, login, make):
    person = make.person("Henk", "Smit")
    make.case(region["lisse"], persons=[(person, "betrokkene")])
    melding = make.melding(region["lisse"], region["coordinator"], persons=[(person, "betrokkene")],
                           category="verward_gedrag", received_on=date(2025, 4, 1))
    hidden = make.melding(region["hillegom"], region["coordinator"], persons=[(person, "melder")])
    page = login(region["coordinator"]).get(f"/personen/{person.id}").text
    assert melding.reference in page and "Verward gedrag" in page and "01-04-2025" in page
    assert hidden.reference not in page
