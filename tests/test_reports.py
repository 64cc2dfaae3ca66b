"""The analyst overview: counts per group from SQL, only of the analyst's gemeenten, and no personal data."""

from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.reports import operations


class TableParser(HTMLParser):
    """Each table of a page as {caption: {row header: [cells]}}, the header row under key None."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._text = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = {}
        elif tag == "tr":
            self._row = []
        elif tag in ("caption", "th", "td"):
            self._text = []

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag in ("caption", "th", "td") and self._text is not None:
            text = " ".join("".join(self._text).split())
            self._text = None
            if tag == "caption":
                self._caption = text
            else:
                self._row.append(text)
        elif tag == "tr":
            key = None if not self._table else self._row[0]
            self._table[key] = self._row[1:]
        elif tag == "table":
            self.tables[self._caption] = self._table


def tables_of(html):
    parser = TableParser()
    parser.feed(html)
    return parser.tables


def table_starting(tables, caption_start):
    (table,) = [table for caption, table in tables.items() if caption.startswith(caption_start)]
    return table


@pytest.fixture
def region(make):
    """Two gemeenten an analyst works for, one they do not, and cases across years, types and statuses."""
    lisse, hillegom, leiden = make.gemeente("Lisse"), make.gemeente("Hillegom"), make.gemeente("Leiden")
    analyst = make.user("analyst", gemeenten=[lisse, hillegom])
    person = make.person(first_name="Fenna", last_name="Verbruggen-Oudshoorn")
    years = operations.report_years()
    this_year, last_year, oldest = years[-1], years[-2], years[0]

    def case(gemeente, year, type="woonoverlast", status="aangemeld", **fields):
        return make.case(gemeente, type=type, status=status, opened_on=date(year, 6, 15), **fields)

    case(lisse, this_year, persons=[(person, "betrokkene")], address="Heereweg 117, Lisse",
         description="Buren melden nachtelijk lawaai en bedreiging.")
    case(lisse, this_year, status="onderzoek")
    case(lisse, last_year, status="afgesloten")
    case(lisse, oldest, type="huiselijk_geweld", status="monitoring")
    case(lisse, oldest - 1, status="uitvoering")  # before the years shown: open, but not in the year table
    case(hillegom, this_year, type="jeugdoverlast", status="onderzoek", address="Hoofdstraat 3, Hillegom")
    case(hillegom, last_year, type="ondermijning", status="afgesloten")
    case(leiden, this_year, status="onderzoek", address="Breestraat 1, Leiden")  # not the analyst's
    return {"analyst": analyst, "lisse": lisse, "hillegom": hillegom, "leiden": leiden, "person": person,
            "years": years}


def row(*counts):
    """The cells of a year-table row: five years, oldest first, then the total."""
    return [str(n) for n in (*counts, sum(counts))]


def test_cases_opened_per_type_and_year_counts_only_the_analysts_gemeenten(app, region):
    with app.app_context():
        table = operations.cases_opened_per_type_and_year(region["analyst"], region["years"])
    this_year, last_year, oldest = region["years"][-1], region["years"][-2], region["years"][0]
    assert table.counts == {
        ("woonoverlast", this_year): 2,
        ("woonoverlast", last_year): 1,
        ("huiselijk_geweld", oldest): 1,
        ("jeugdoverlast", this_year): 1,
        ("ondermijning", last_year): 1,
    }
    assert table.row_total("woonoverlast") == 3
    assert table.column_total(this_year) == 3
    assert table.total == 6


def test_open_cases_per_gemeente_and_status(app, region):
    with app.app_context():
        table = operations.open_cases_per_gemeente_and_status(region["analyst"])
    lisse, hillegom = region["lisse"].id, region["hillegom"].id
    assert [label for _, label in table.rows] == ["Hillegom", "Lisse"]
    assert "afgesloten" not in [status for status, _ in table.columns]
    assert table.counts == {
        (lisse, "aangemeld"): 1,
        (lisse, "onderzoek"): 1,
        (lisse, "monitoring"): 1,
        (lisse, "uitvoering"): 1,
        (hillegom, "onderzoek"): 1,
    }
    assert table.total == 5


@pytest.mark.parametrize("query", ["", "?gemeente_id=&status="])  # "Alle gemeenten": all the analyst's
def test_overview_page_shows_the_counts(login, region, query):
    response = login(region["analyst"]).get("/overzicht/" + query)
    assert response.status_code == 200
    tables = tables_of(response.text)
    opened = table_starting(tables, "Geopende casussen")
    assert opened[None] == [*(str(year) for year in region["years"]), "Totaal"]
    assert opened["Woonoverlast"] == row(0, 0, 0, 1, 2)
    assert opened["Huiselijk geweld"] == row(1, 0, 0, 0, 0)
    assert opened["Jeugdoverlast"] == row(0, 0, 0, 0, 1)
    assert opened["Ondermijning"] == row(0, 0, 0, 1, 0)
    assert opened["Radicalisering"] == row(0, 0, 0, 0, 0)
    assert opened["Totaal"] == row(1, 0, 0, 2, 3)
    open_now = table_starting(tables, "Open casussen")
    assert open_now[None] == ["Aangemeld", "In onderzoek", "Plan van aanpak", "Uitvoering", "Monitoring", "Totaal"]
    assert open_now["Lisse"] == ["1", "1", "0", "1", "1", "4"]
    assert open_now["Hillegom"] == ["0", "1", "0", "0", "0", "1"]
    assert open_now["Totaal"] == ["1", "2", "0", "1", "1", "5"]
    assert "Leiden" not in response.text


def test_filter_on_gemeente_narrows_both_tables(login, region):
    response = login(region["analyst"]).get(f"/overzicht/?gemeente_id={region['hillegom'].id}")
    tables = tables_of(response.text)
    opened = table_starting(tables, "Geopende casussen")
    assert opened["Woonoverlast"] == row(0, 0, 0, 0, 0)
    assert opened["Jeugdoverlast"] == row(0, 0, 0, 0, 1)
    assert opened["Totaal"] == row(0, 0, 0, 1, 1)
    open_now = table_starting(tables, "Open casussen")
    assert set(open_now) == {None, "Hillegom", "Totaal"}


def test_filter_on_status_narrows_the_year_table(login, region):
    response = login(region["analyst"]).get("/overzicht/?status=afgesloten")
    opened = table_starting(tables_of(response.text), "Geopende casussen")
    assert opened["Woonoverlast"] == row(0, 0, 0, 1, 0)
    assert opened["Ondermijning"] == row(0, 0, 0, 1, 0)
    assert opened["Totaal"] == row(0, 0, 0, 2, 0)


def test_filter_on_both(login, region):
    response = login(region["analyst"]).get(f"/overzicht/?gemeente_id={region['lisse'].id}&status=onderzoek")
    opened = table_starting(tables_of(response.text), "Geopende casussen")
    assert opened["Totaal"] == row(0, 0, 0, 0, 1)


@pytest.mark.parametrize("query, message", [
    ("gemeente_id={leiden}", "Ongeldige keuze."),
    ("gemeente_id=abc", "Ongeldige keuze"),
    ("status=gesloten", "Ongeldige keuze."),
])
def test_bad_filter_value_gets_a_message_and_no_counts(login, region, query, message):
    response = login(region["analyst"]).get("/overzicht/?" + query.format(leiden=region["leiden"].id))
    assert response.status_code == 200
    assert message in response.text
    assert tables_of(response.text) == {}


def test_overview_shows_no_personal_data(login, region):
    html = login(region["analyst"]).get("/overzicht/").text
    for text in ("Fenna", "Verbruggen-Oudshoorn", "Heereweg", "Hoofdstraat", "Breestraat", "lawaai"):
        assert text not in html


def test_analyst_without_gemeenten_sees_an_explanation(make, login):
    analyst = make.user("analyst")
    response = login(analyst).get("/overzicht/")
    assert response.status_code == 200
    assert "nog niet aan een gemeente gekoppeld" in response.text


def test_each_view_writes_one_audit_entry(login, region, session):
    client = login(region["analyst"])
    client.get("/overzicht/")
    client.get(f"/overzicht/?gemeente_id={region['lisse'].id}")
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.user_id == region["analyst"].id, AuditEntry.record_type == "report")
    ).all()
    assert [(entry.action, entry.outcome) for entry in entries] == [("view", "allowed")] * 2
    assert entries[0].detail == "overzicht; geen filter"
    assert entries[1].detail == f"overzicht; gemeente_id={region['lisse'].id}"


@pytest.mark.parametrize("role", ["coordinator", "partner", "admin"])
def test_other_roles_are_refused(make, login, region, role):
    user = make.user(role, gemeenten=[region["lisse"]])
    assert login(user).get("/overzicht/").status_code == 403


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get("/overzicht/")
    assert response.status_code == 302
    assert "/inloggen" in response.headers["Location"]
