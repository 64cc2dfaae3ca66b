"""Imported series: the seed tables import as they are typed, in every file format staff save them in; any problem
refuses the whole file with a reason per row; the page is the analysts' and admins' of their own gemeenten."""

import csv
import io
import re
import zipfile
from html import unescape

import openpyxl
import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.indicators import imports
from caseapp.indicators.imports import ImportRefused, parse_number, parse_target, read, read_table
from caseapp.models import Indicator, IndicatorImport, IndicatorTarget, IndicatorValue

URL = "/indicatoren/importeren/"
POLITIE = "Politie-eenheid Den Haag"

# Seed 003 §2 and seed 001, cell by cell as they are typed there.
LISSE_ROWS = [
    ["Lisse", "2014", "2015", "2016", "2017", "2018", "2019 (t/m september)"],
    ["Misdrijven", "906", "947", "961", "706", "720", "580"],
    ["Jeugdoverlast", "235", "208", "134", "187", "132", "81"],
    ["Woninginbraken", "46", "60", "38", "38", "30", "21"],
    ["Geweld", "65", "57", "83", "66", "51", "42"],
    ["Overlast en maatschappelijke onrust", "59", "61", "56", "80", "86", "69"],
]
BRANDEN, BRANDSTICHTINGEN = "2A1.a Aantal branden (geen brandstichting)", "2A1.b Aantal brandstichtingen"
LEIDEN_ROWS = [
    ["Effectindicator", "2014", "2015", "2016", "2017", "Streefwaarde 2017", "Bron"],
    [BRANDEN, "252", "232", "239", "224", "230", POLITIE],
    [BRANDSTICHTINGEN, "34", "15", "37", "39", "<15", POLITIE],
]
LISSE_VALUES = {
    "Misdrijven": [906, 947, 961, 706, 720, 580],
    "Jeugdoverlast": [235, 208, 134, 187, 132, 81],
    "Woninginbraken": [46, 60, 38, 38, 30, 21],
    "Geweld": [65, 57, 83, 66, 51, 42],
    "Overlast en maatschappelijke onrust": [59, 61, 56, 80, 86, 69],
}
LEIDEN_VALUES = {BRANDEN: [252, 232, 239, 224], BRANDSTICHTINGEN: [34, 15, 37, 39]}
SEEDS = {
    "lisse": (LISSE_ROWS, LISSE_VALUES, range(2014, 2020), {}),
    "leiden": (LEIDEN_ROWS, LEIDEN_VALUES, range(2014, 2018), {BRANDEN: ("<=", 230.0), BRANDSTICHTINGEN: ("<", 15.0)}),
}


# --- Files as staff save them ----------------------------------------------------------------------------------

def as_csv(rows, separator=";", encoding="utf-8", line_end="\r\n"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator=line_end).writerows(rows)
    return buffer.getvalue().encode(encoding)


def as_xlsx(rows, numbers=True, first_sheet_title=None):
    """An Excel workbook with `rows` on its first sheet; digits as real numbers, or as text like a pasted table."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([int(cell) if numbers and isinstance(cell, str) and cell.isdigit() else cell for cell in row])
    if first_sheet_title:  # another sheet, made the active one: the first is still the one read
        sheet.title = first_sheet_title
        workbook.create_sheet("Toelichting").append(["Zie blad 1"])
        workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FORMATS = {
    "csv ;": lambda rows: (as_csv(rows, ";"), "cijfers.csv"),
    "csv ,": lambda rows: (as_csv(rows, ","), "cijfers.csv"),
    "csv tab": lambda rows: (as_csv(rows, "\t", line_end="\n"), "cijfers.txt"),
    "csv utf-8 with BOM": lambda rows: (as_csv(rows, ";", "utf-8-sig"), "cijfers.csv"),
    "csv windows-1252": lambda rows: (as_csv(rows, ";", "cp1252"), "CIJFERS.CSV"),
    "csv utf-16 (Excel unicode text)": lambda rows: (as_csv(rows, "\t", "utf-16"), "cijfers.txt"),
    "xlsx numbers": lambda rows: (as_xlsx(rows), "cijfers.xlsx"),
    "xlsx numbers as text": lambda rows: (as_xlsx(rows, numbers=False), "cijfers.xlsx"),
    "xlsx, another sheet active": lambda rows: (as_xlsx(rows, first_sheet_title="Cijfers"), "cijfers.xlsx"),
}


# --- Arranging and acting --------------------------------------------------------------------------------------

@pytest.fixture
def region(make):
    """Lisse and Leiden, an analyst of each, and an admin of neither."""
    lisse, leiden = make.gemeente("Lisse"), make.gemeente("Leiden")
    team = make.organisation("gemeente")
    return {
        "lisse": lisse,
        "leiden": leiden,
        "analyst lisse": make.user("analyst", team, [lisse]),
        "analyst leiden": make.user("analyst", team, [leiden]),
        "admin": make.user("admin", team),
    }


def upload(client, gemeente, data, filename="cijfers.csv", source=""):
    return client.post(URL, data={"gemeente_id": str(gemeente.id), "source": source,
                                  "upload": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def stored(session):
    """How many rows each table an import writes holds."""
    return [session.scalar(select(func.count()).select_from(model))
            for model in (Indicator, IndicatorImport, IndicatorValue, IndicatorTarget)]


def values_of(session, gemeente):
    """{name: {year: (value, note)}} of the gemeente's imported values."""
    session.expire_all()
    found = {}
    for value in session.scalars(select(IndicatorValue).where(IndicatorValue.gemeente_id == gemeente.id)):
        found.setdefault(value.indicator.name, {})[value.year] = (value.value, value.note)
    return found


def targets_of(session, gemeente):
    return {(target.indicator.name, target.year): (target.comparison, target.value) for target in session.scalars(
        select(IndicatorTarget).where(IndicatorTarget.gemeente_id == gemeente.id))}


def page_problems(response):
    """The reasons the page lists, as text."""
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", item)).split())
            for item in re.findall(r"<li>(.*?)</li>", response.text, re.DOTALL) if item.startswith("Rij ")]


# --- The seed tables, in every format ----------------------------------------------------------------------------

@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("seed", SEEDS)
def test_the_seed_tables_import_as_typed(login, session, region, seed, file_format):
    rows, values, years, targets = SEEDS[seed]
    gemeente = region[seed]
    data, filename = FORMATS[file_format](rows)
    source = "" if seed == "leiden" else POLITIE  # Leiden's table has a Bron column
    response = upload(login(region[f"analyst {seed}"]), gemeente, data, filename, source)
    assert response.status_code == 302, page_problems(response) or response.text
    partial = {2019: "t/m september"}
    assert values_of(session, gemeente) == {
        name: {year: (float(value), partial.get(year, "")) for year, value in zip(years, row, strict=True)}
        for name, row in values.items()}
    assert targets_of(session, gemeente) == {(name, 2017): target for name, target in targets.items()}
    batch = session.scalars(select(IndicatorImport)).one()
    assert (batch.gemeente_id, batch.filename, batch.source, batch.row_count, batch.value_count) == (
        gemeente.id, filename, POLITIE, len(values), sum(map(len, values.values())))


def test_lisse_misdrijven_2019_is_580_through_september(login, session, region):
    upload(login(region["analyst lisse"]), region["lisse"], as_csv(LISSE_ROWS), source=POLITIE)
    misdrijven = session.scalars(select(Indicator).where(Indicator.name == "Misdrijven")).one()
    value = session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == misdrijven.id,
                                                         IndicatorValue.year == 2019)).one()
    assert (value.value, value.note) == (580, "t/m september")


def test_new_series_are_described_and_extern(login, session, region):
    upload(login(region["analyst leiden"]), region["leiden"], as_csv(LEIDEN_ROWS))
    indicator = session.scalars(select(Indicator).where(Indicator.name == BRANDSTICHTINGEN)).one()
    assert (indicator.key, indicator.kind, indicator.theme, indicator.better, indicator.unit, indicator.source) == (
        "2a1_b_aantal_brandstichtingen", "import", "extern", "lager", "aantal", POLITIE)
    assert indicator.definition == f"Zoals aangeleverd door {POLITIE}: {BRANDSTICHTINGEN}."
    counted = session.scalar(select(func.max(Indicator.position)).where(Indicator.kind == "geteld"))
    assert indicator.position > counted


def test_eenheid_and_definitie_columns_describe_the_series(login, session, region):
    rows = [["Lisse", "2018", "Eenheid", "Definitie", "Bron"],
            ["Branden in woningen", "12", "branden", "Uitrukken naar woningbranden.", "Brandweer Hollands Midden"]]
    response = upload(login(region["analyst lisse"]), region["lisse"], as_csv(rows))
    assert response.status_code == 302
    indicator = session.scalars(select(Indicator).where(Indicator.name == "Branden in woningen")).one()
    assert (indicator.unit, indicator.definition, indicator.source) == (
        "branden", "Uitrukken naar woningbranden.", "Brandweer Hollands Midden")


def test_keys_stay_unique(login, session, region):
    rows = [["Lisse", "2018"], ["Geweld!", "1"], ["Geweld?", "2"]]
    upload(login(region["analyst lisse"]), region["lisse"], as_csv(rows), source=POLITIE)
    keys = session.scalars(select(Indicator.key).where(Indicator.name.in_(["Geweld!", "Geweld?"]))).all()
    assert sorted(keys) == ["geweld", "geweld_2"]


def test_windows_1252_text_survives(login, session, region):
    rows = [["Lisse", "2018", "Bron"], ["Overlast rond cafés", "7", "Politie – district Bollenstreek"]]
    response = upload(login(region["analyst lisse"]), region["lisse"], as_csv(rows, encoding="cp1252"))
    assert response.status_code == 302
    indicator = session.scalars(select(Indicator).where(Indicator.kind == "import")).one()
    assert (indicator.name, indicator.source) == ("Overlast rond cafés", "Politie – district Bollenstreek")


# --- A later import ----------------------------------------------------------------------------------------------

def test_a_later_import_replaces_the_years_it_has(login, session, region):
    client = login(region["analyst lisse"])
    upload(client, region["lisse"], as_csv(LISSE_ROWS), source=POLITIE)
    first = session.scalars(select(IndicatorImport)).one()
    before = stored(session)
    # The whole of 2019 now, in capitals; 2018 left empty: the value already there stays.
    response = upload(client, region["lisse"], as_csv([["Lisse", "2018", "2019"], ["MISDRIJVEN", "-", "812"]]),
                      source=POLITIE)
    assert response.status_code == 302
    second = session.scalars(select(IndicatorImport).where(IndicatorImport.id != first.id)).one()
    misdrijven = values_of(session, region["lisse"])["Misdrijven"]
    assert misdrijven[2019] == (812.0, "") and misdrijven[2018] == (720.0, "")
    assert stored(session) == [before[0], before[1] + 1, before[2], before[3]]  # no new series, no new value
    pointing = dict(session.execute(select(IndicatorValue.year, IndicatorValue.import_id).join(Indicator).where(
        Indicator.name == "Misdrijven", IndicatorValue.year.in_([2018, 2019]))).all())
    assert pointing == {2018: first.id, 2019: second.id}


def test_a_later_streefwaarde_replaces_the_earlier(login, session, region):
    client = login(region["analyst leiden"])
    upload(client, region["leiden"], as_csv(LEIDEN_ROWS))
    rows = [["Leiden", "2017", "Streefwaarde 2017", "Bron"], [BRANDSTICHTINGEN, "39", "≤ 20", POLITIE]]
    assert upload(client, region["leiden"], as_csv(rows)).status_code == 302
    assert targets_of(session, region["leiden"])[(BRANDSTICHTINGEN, 2017)] == ("<=", 20.0)
    assert session.scalar(select(func.count()).select_from(IndicatorTarget)) == 2


def test_the_same_table_for_another_gemeente_is_its_own(login, session, region):
    rows = [["Cijfers", "2018"], ["Geweld", "51"]]
    admin = login(region["admin"])
    upload(admin, region["lisse"], as_csv(rows), source=POLITIE)
    upload(admin, region["leiden"], as_csv([["Cijfers", "2018"], ["geweld", "300"]]), source=POLITIE)
    assert values_of(session, region["lisse"]) == {"Geweld": {2018: (51.0, "")}}
    assert values_of(session, region["leiden"]) == {"Geweld": {2018: (300.0, "")}}
    assert session.scalar(select(func.count()).select_from(Indicator).where(Indicator.kind == "import")) == 1


# --- Refusals: every one lists its rows and imports nothing ------------------------------------------------------

LISSE_HEADER = ["Lisse", "2014", "2015"]
REFUSALS = {
    "not a number": ([LISSE_HEADER, ["Misdrijven", "906", "veel"]],
                     "Rij 2 (kolom C): ‘veel’ onder 2015 is geen getal."),
    "negative": ([LISSE_HEADER, ["Misdrijven", "906", "-5"]],
                 "Rij 2 (kolom C): ‘-5’ onder 2015 is negatief; een aantal kan niet negatief zijn."),
    "a formula": ([LISSE_HEADER, ["Misdrijven", "906", "=B2+1"]],
                  "Rij 2 (kolom C): ‘=B2+1’ onder 2015 is geen getal. Een formule wordt niet uitgerekend: vul de "
                  "uitkomst zelf in."),
    "a formula starting with +": ([LISSE_HEADER, ["Misdrijven", "906", "+cmd"]], "Rij 2 (kolom C): ‘+cmd’ onder"),
    "a formula starting with @": ([LISSE_HEADER, ["Misdrijven", "@SUM(1)", "1"]], "Rij 2 (kolom B): ‘@SUM(1)’ onder"),
    "a decimal point": ([LISSE_HEADER, ["Misdrijven", "7.4", "1"]],
                        "Rij 2 (kolom B): ‘7.4’ onder 2014: schrijf decimalen met een komma (7,4)"),
    "a year before 1990": ([["Lisse", "1989", "2015"], ["Misdrijven", "1", "2"]],
                           "Rij 1 (kolom B): het jaar 1989 ligt niet tussen 1990 en 2100."),
    "a year after 2100": ([["Lisse", "2014", "2101"], ["Misdrijven", "1", "2"]],
                          "Rij 1 (kolom C): het jaar 2101 ligt niet tussen 1990 en 2100."),
    "a repeated year": ([["Lisse", "2014", "2014 (t/m juni)"], ["Misdrijven", "1", "2"]],
                        "Rij 1 (kolom C): de kolom ‘2014 (t/m juni)’ komt twee keer voor (ook kolom B)."),
    "an unknown column": ([["Lisse", "2014", "Totaal"], ["Misdrijven", "1", "2"]],
                          "Rij 1 (kolom C): onbekende kolom ‘Totaal’"),
    "a value without a column": ([["Lisse", "2014"], ["Misdrijven", "1", "2"]],
                                 "Rij 2 (kolom C): ‘2’ staat in een kolom zonder kop."),
    "a duplicate name": ([LISSE_HEADER, ["Misdrijven", "1", "2"], ["misdrijven", "3", "4"]],
                         "Rij 3 (kolom A): de reeks ‘misdrijven’ staat ook op rij 2."),
    "an empty name": ([LISSE_HEADER, ["Misdrijven", "1", "2"], ["", "3", "4"]],
                      "Rij 3 (kolom A): de naam van de reeks ontbreekt."),
    "a row without values": ([LISSE_HEADER, ["Misdrijven", "1", "2"], ["Geweld", "", "-"]],
                             "Rij 3: de reeks ‘Geweld’ heeft bij geen enkel jaar een waarde."),
    "a streefwaarde that is no comparison": (
        [["Lisse", "2014", "Streefwaarde 2023"], ["Misdrijven", "1", "ongeveer 15"]],
        "Rij 2 (kolom C): ‘ongeveer 15’ is geen streefwaarde"),
    "a streefwaarde without its year": ([["Lisse", "2014", "Streefwaarde"], ["Misdrijven", "1", "< 15"]],
                                        "Rij 1 (kolom C): noem het jaar van de streefwaarde in de kop"),
    "a counted indicator": ([LISSE_HEADER, ["Meldingen woonoverlast", "1", "2"]],
                            "Rij 2 (kolom A): ‘Meldingen woonoverlast’ is een indicator die uit de eigen registratie "
                            "wordt geteld"),
    "a counted indicator in other capitals": ([LISSE_HEADER, ["MELDINGEN JEUGDOVERLAST", "1", "2"]],
                                              "Rij 2 (kolom A): ‘Meldingen jeugdoverlast’ is een indicator"),
    "a row without its source": ([["Lisse", "2014", "Bron"], ["Misdrijven", "1", POLITIE], ["Geweld", "2", ""]],
                                 "Rij 3 (kolom C): de bron ontbreekt"),
    "the table of another gemeente": ([["Leiden", "2014"], ["Misdrijven", "1"]],
                                      "Rij 1 (kolom A): de tabel is van Leiden, maar u importeert voor Lisse."),
    "a name too long": ([LISSE_HEADER, ["x" * 201, "1", "2"]], "Rij 2 (kolom A): de naam is langer dan 200 tekens."),
    "a title above the table": ([["Veiligheidsbeeld Lisse"], LISSE_HEADER, ["Misdrijven", "1", "2"]],
                                "Rij 1: de eerste regel moet de kop van de tabel zijn"),
    "a header without rows": ([LISSE_HEADER], "Rij 1: onder de kop staan geen reeksen."),
}


@pytest.mark.parametrize("file_format", ["csv ;", "xlsx numbers"])
@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_wrong_row_refuses_the_whole_file(login, session, region, refusal, file_format):
    rows, reason = REFUSALS[refusal]
    # A good row too: it is not imported either.
    rows = [*rows, ["Woninginbraken", "46", "60"]] if len(rows) > 1 and len(rows[0]) == 3 else rows
    data, filename = FORMATS[file_format](rows)
    source = "" if "Bron" in rows[0] else POLITIE
    before = stored(session)
    response = upload(login(region["analyst lisse"]), region["lisse"], data, filename, source)
    assert response.status_code == 200
    assert "Het bestand is niet geïmporteerd" in response.text
    assert any(problem.startswith(reason) for problem in page_problems(response)), page_problems(response)
    assert stored(session) == before
    assert f'value="{POLITIE}"' in response.text or not source  # the form keeps what was typed
    assert f'<option selected value="{region["lisse"].id}">' in response.text


def test_every_problem_is_listed_at_once(login, region):
    rows = [["Lisse", "2014", "2014", "1800"], ["Misdrijven", "x", "1", "2", "3"], ["", "1"], ["Geweld", "-1"]]
    response = upload(login(region["analyst lisse"]), region["lisse"], as_csv(rows), source=POLITIE)
    assert page_problems(response) == [
        "Rij 1 (kolom C): de kolom ‘2014’ komt twee keer voor (ook kolom B).",
        "Rij 1 (kolom D): het jaar 1800 ligt niet tussen 1990 en 2100.",
        "Rij 2 (kolom B): ‘x’ onder 2014 is geen getal.",
        "Rij 2 (kolom E): ‘3’ staat in een kolom zonder kop. Geef de kolom als kop een jaartal (2019 of 2019 (t/m "
        "september)), Streefwaarde <jaar>, Bron, Eenheid of Definitie, of haal de waarde weg.",
        "Rij 3 (kolom A): de naam van de reeks ontbreekt.",
        "Rij 4 (kolom B): ‘-1’ onder 2014 is negatief; een aantal kan niet negatief zijn.",
    ]


FILE_REFUSALS = {
    "empty": (b"", "cijfers.csv", "Het bestand is leeg."),
    "only empty cells": (b";;;\r\n;;\r\n", "cijfers.csv", "Het bestand bevat geen tabel: alle cellen zijn leeg."),
    "not a table": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "cijfers.pdf", "Kies een CSV-bestand (.csv) of een Excel"),
    "old excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cijfers.xls", "Dit is een Excel-bestand in"),
    "text named xlsx": (as_csv(LISSE_ROWS), "cijfers.xlsx", "Het bestand is geen leesbare Excel-werkmap"),
    "a broken xlsx": (b"PK\x03\x04" + b"\x00" * 100, "cijfers.xlsx", "Het bestand is geen leesbare Excel-werkmap"),
    "a zip that is no workbook": (None, "cijfers.xlsx", "Het bestand is geen leesbare Excel-werkmap"),
    "binary named csv": (b"Lisse;2014\x00\x01\x02", "cijfers.csv", "Het bestand is geen tekst (CSV)"),
    "too big": (b"Lisse;2014\r\n" + b"Misdrijven;1\r\n" * 200_000, "cijfers.csv", "Het bestand is groter dan 2 MB."),
    "too many rows": (as_csv([LISSE_HEADER, *([f"Reeks {n}", "1", "2"] for n in range(501))]), "cijfers.csv",
                      "Het bestand heeft meer dan 500 rijen"),
    "too many columns": (as_csv([["Lisse", *map(str, range(1990, 2101)), *(["x"] * 50)], ["A", "1"]]), "cijfers.csv",
                         "Het bestand heeft meer dan 500 rijen of 150 kolommen."),
}


def _zip_without_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("refusal", FILE_REFUSALS)
def test_a_file_that_is_no_table_is_refused_on_the_file_field(login, session, region, refusal):
    data, filename, reason = FILE_REFUSALS[refusal]
    before = stored(session)
    data = _zip_without_workbook() if data is None else data
    response = upload(login(region["analyst lisse"]), region["lisse"], data, filename, POLITIE)
    assert response.status_code == 200
    assert re.search(r'<p class="error" id="upload-error">([^<]*)</p>', response.text).group(1).startswith(
        reason.replace("<", "&lt;")), response.text
    assert stored(session) == before


def test_without_a_source_column_the_form_needs_one(login, session, region):
    before = stored(session)
    response = upload(login(region["analyst lisse"]), region["lisse"], as_csv(LISSE_ROWS))
    assert '<p class="error" id="source-error">Vul de bron in: het bestand heeft geen kolom Bron.</p>' in response.text
    assert stored(session) == before


def test_a_bare_streefwaarde_needs_a_direction(login, session, region):
    session.add(Indicator(key="veiligheidsgevoel", name="Veiligheidsgevoel", definition="Rapportcijfer.",
                          unit="cijfer", source="Veiligheidsmonitor", kind="import", theme="extern",
                          better="neutraal"))
    session.commit()
    rows = [["Lisse", "2019", "Streefwaarde 2023"], ["Veiligheidsgevoel", "7,4", "7,5"]]
    response = upload(login(region["analyst lisse"]), region["lisse"], as_csv(rows), source="Veiligheidsmonitor")
    assert page_problems(response) == [
        "Rij 2 (kolom C): bij ‘Veiligheidsgevoel’ is niet vastgelegd of lager of hoger beter is: schrijf de "
        "streefwaarde 2023 met een vergelijking (< ≤ = ≥ >)."]
    rows[1][2] = "≥ 7,5"
    assert upload(login(region["analyst lisse"]), region["lisse"], as_csv(rows),
                  source="Veiligheidsmonitor").status_code == 302
    assert targets_of(session, region["lisse"]) == {("Veiligheidsgevoel", 2023): (">=", 7.5)}
    assert values_of(session, region["lisse"]) == {"Veiligheidsgevoel": {2019: (7.4, "")}}


def test_a_bare_streefwaarde_is_at_least_when_higher_is_better(login, session, region):
    session.add(Indicator(key="aangiftebereidheid", name="Aangiftebereidheid", definition="Percentage.",
                          unit="procent", source="Veiligheidsmonitor", kind="import", theme="extern", better="hoger"))
    session.commit()
    rows = [["Lisse", "2019", "Streefwaarde 2023"], ["Aangiftebereidheid", "31", "35"]]
    upload(login(region["analyst lisse"]), region["lisse"], as_csv(rows), source="Veiligheidsmonitor")
    assert targets_of(session, region["lisse"]) == {("Aangiftebereidheid", 2023): (">=", 35.0)}


# --- Cells and files, without the database ---------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "value"), [
    ("906", 906), ("1.234", 1234), ("1.234.567", 1234567), ("7,4", 7.4), ("1.234,5", 1234.5), ("1 234", 1234),
    ("1\xa0234", 1234), (" 42 ", 42), ("0", 0), ("-", None), ("–", None), ("", None), (None, None), (230, 230),
    (7.25, 7.25),
])
def test_numbers_as_staff_type_them(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["veel", "7.4", "1,2,3", "12.34", "=1+1", "+5", "@A1", "-5", "1e3", "nan", "inf",
                                   "9" * 20, "½", "١٢", -1, float("inf"), float("nan")])
def test_anything_else_is_no_number(typed):
    with pytest.raises(ValueError):
        parse_number(typed)


@pytest.mark.parametrize(("typed", "target"), [
    ("<15", ("<", 15)), ("< 15", ("<", 15)), ("≤ 15", ("<=", 15)), ("<= 15", ("<=", 15)), ("> 80", (">", 80)),
    ("≥80", (">=", 80)), (">= 80", (">=", 80)), ("= 5", ("=", 5)), ("=5", ("=", 5)), ("230", (None, 230)),
    (230, (None, 230)), ("< 7,5", ("<", 7.5)), ("", None), ("-", None), (None, None),
])
def test_streefwaarden_as_staff_type_them(typed, target):
    assert parse_target(typed) == target


@pytest.mark.parametrize("typed", ["ca. 15", "<", "<<15", "< -5", "15 of minder", "=SOM(A1)"])
def test_anything_else_is_no_streefwaarde(typed):
    with pytest.raises(ValueError, match="is geen streefwaarde"):
        parse_target(typed)


def test_a_formula_in_a_workbook_is_never_taken_for_its_result():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Lisse", 2014, 2015])
    workbook.active.append(["Misdrijven", 906, "=B2*2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read(buffer.getvalue(), "cijfers.xlsx")
    assert [str(problem) for problem in table.problems] == [
        "Rij 2 (kolom C): ‘=B2*2’ onder 2015 is geen getal. Een formule wordt niet uitgerekend: vul de uitkomst zelf "
        "in."]


def test_rows_keep_their_sheet_numbers_across_empty_rows():
    workbook = openpyxl.Workbook()
    workbook.active["A3"], workbook.active["B3"] = "Lisse", 2014
    workbook.active["A6"], workbook.active["B6"] = "Geweld", "veel"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [str(problem) for problem in read(buffer.getvalue(), "cijfers.xlsx").problems] == [
        "Rij 6 (kolom B): ‘veel’ onder 2014 is geen getal."]


def test_a_wrapped_cell_reads_as_one_line():
    table = read(as_xlsx([["Leiden", "2017", "Streefwaarde\n2017", "Bron"], ["Branden", "224", "230",
                                                                               "Politie-eenheid Den\nHaag"]]), "x.xlsx")
    assert (table.series[0].source, table.series[0].targets) == (POLITIE, {2017: (None, 230.0, 2)})


def test_an_xlsx_that_unpacks_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ImportRefused, match="uitgepakt te groot"):
        read_table(as_xlsx(LISSE_ROWS), "cijfers.xlsx")


# --- The pages, per role and gemeente --------------------------------------------------------------------------

def test_after_an_import_the_page_says_what_landed(login, region):
    client = login(region["analyst leiden"])
    response = upload(client, region["leiden"], as_csv(LEIDEN_ROWS))
    assert response.status_code == 302 and response.location.endswith(URL)
    page = client.get(response.location).text
    assert (f"Geïmporteerd voor Leiden: 2 reeksen met 8 waarden (2 nieuwe indicatoren). Streefwaarden gezet: "
            f"{BRANDEN} 2017: ≤ 230; {BRANDSTICHTINGEN} 2017: &lt; 15.") in page
    assert "Laatste import" in page and ">252<" in page and "&lt; 15" in page
    assert f"Zoals aangeleverd door {POLITIE}: {BRANDSTICHTINGEN}." in page


def test_the_page_shows_a_partial_year_with_its_note(login, region):
    client = login(region["analyst lisse"])
    upload(client, region["lisse"], as_csv(LISSE_ROWS), "lisse.csv", POLITIE)
    page = client.get(URL).text
    assert '580 <span class="muted">(t/m september)</span>' in page
    assert "lisse.csv" in page


def test_each_import_is_audited(login, session, region):
    upload(login(region["analyst lisse"]), region["lisse"], as_csv(LISSE_ROWS), "lisse.csv", POLITIE)
    batch = session.scalars(select(IndicatorImport)).one()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "indicator_import")).one()
    assert (entry.action, entry.record_id, entry.user_id) == ("create", batch.id, region["analyst lisse"].id)
    assert entry.detail == "gemeente Lisse; bestand lisse.csv; 5 reeksen; 30 waarden; 0 streefwaarden"


def test_an_analyst_sees_the_imports_of_their_own_gemeenten_only(login, session, region):
    admin = login(region["admin"])
    upload(admin, region["lisse"], as_csv(LISSE_ROWS), "lisse.csv", POLITIE)
    upload(admin, region["leiden"], as_csv(LEIDEN_ROWS), "leiden.csv")
    lisse_import, leiden_import = (session.scalars(select(IndicatorImport.id).where(
        IndicatorImport.gemeente_id == region[name].id)).one() for name in ("lisse", "leiden"))
    client = login(region["analyst lisse"])
    page = client.get(URL).text
    assert "lisse.csv" in page and "leiden.csv" not in page and BRANDEN not in page
    assert re.findall(r'href="/indicatoren/importeren/(\d+)"', page) == [str(lisse_import)]
    assert client.get(f"{URL}{lisse_import}").status_code == 200
    assert client.get(f"{URL}{leiden_import}").status_code == 404
    assert login(region["admin"]).get(f"{URL}{leiden_import}").status_code == 200


def test_another_gemeentes_import_answers_404_and_is_audited(login, session, region):
    upload(login(region["admin"]), region["leiden"], as_csv(LEIDEN_ROWS), "leiden.csv")
    batch = session.scalars(select(IndicatorImport)).one()
    response = login(region["analyst lisse"]).get(f"{URL}{batch.id}")
    assert response.status_code == 404
    denied = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).one()
    assert (denied.record_type, denied.record_id) == ("indicator_import", batch.id)


def test_an_analyst_cannot_import_for_another_gemeente(login, session, region):
    before = stored(session)
    response = upload(login(region["analyst lisse"]), region["leiden"], as_csv(LEIDEN_ROWS))
    assert response.status_code == 200 and 'id="gemeente_id-error"' in response.text
    assert str(region["leiden"].id) not in re.findall(r'<option[^>]*value="(\d+)"', response.text)
    assert stored(session) == before


def test_the_admin_imports_for_every_gemeente(login, region):
    page = login(region["admin"]).get(URL).text
    assert f'value="{region["lisse"].id}"' in page and f'value="{region["leiden"].id}"' in page


@pytest.mark.parametrize("role", ["coordinator", "partner"])
def test_casework_roles_are_refused(make, login, region, role):
    client = login(make.user(role, gemeenten=[region["lisse"]]))
    assert client.get(URL).status_code == 403
    assert upload(client, region["lisse"], as_csv(LISSE_ROWS), source=POLITIE).status_code == 403


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/inloggen" in response.location


def test_an_empty_page_says_so(login, region):
    page = login(region["analyst lisse"]).get(URL).text
    assert "Nog geen imports voor de gemeenten waarvoor u werkt." in page
    assert f'<option selected value="{region["lisse"].id}">Lisse</option>' in page  # the only choice, chosen


def test_an_analyst_without_gemeenten_is_told_why(make, login):
    page = login(make.user("analyst")).get(URL).text
    assert "nog niet aan een gemeente gekoppeld" in page and 'type="file"' not in page


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Kies een bestand."),
    ({"upload": "geen bestand maar tekst"}, "Kies een bestand."),
    ({"gemeente_id": "onbekend"}, "Kies een bestand."),
])
def test_a_form_without_a_file_says_so(login, region, data, message):
    response = login(region["analyst lisse"]).post(URL, data=data)
    assert response.status_code == 200
    assert f'<p class="error" id="upload-error">{message}</p>' in response.text


def test_the_list_of_imports_is_paged(app, login, region):
    client = login(region["analyst lisse"])
    for number in range(app.config["PAGE_SIZE"] + 1):
        upload(client, region["lisse"], as_csv([["Lisse", "2018"], ["Geweld", str(number)]]), f"bestand-{number}.csv",
               POLITIE)
    first, second = client.get(URL).text, client.get(f"{URL}?page=2").text
    assert "bestand-10.csv" in first and "bestand-0.csv" not in first  # newest first
    assert "bestand-0.csv" in second and 'rel="prev"' in second


@pytest.mark.parametrize(("rows", "reason"), [
    ([["Lisse", "2019 (t/m\x01september)"], ["Geweld", "1"]], "Rij 1 (kolom B): de kop bevat een teken dat niet is"),
    ([["Lisse", "2019"], ["Gew\x00eld", "1"]], "Rij 2 (kolom A): de naam bevat een teken dat niet is toegestaan."),
    ([["Lisse", "2019", "Bron"], ["Geweld", "1", "Poli\x1btie"]], "Rij 2 (kolom C): de bron bevat een teken dat"),
    ([["Lisse", "2019", "Eenheid"], ["Geweld", "1", "x" * 41]], "Rij 2 (kolom C): de eenheid is langer dan 40 tekens."),
    ([["Lisse", "2019 (" + "x" * 101 + ")"], ["Geweld", "1"]], "Rij 1 (kolom B): de toelichting tussen haakjes is"),
])
def test_text_a_keyboard_does_not_type_is_refused(rows, reason):
    problems = [str(problem) for problem in imports.parse_table(rows).problems]
    assert len(problems) == 1 and problems[0].startswith(reason), problems


def test_the_file_name_is_kept_without_folder_or_control_characters(login, session, region):
    upload(login(region["analyst lisse"]), region["lisse"], as_csv(LISSE_ROWS), "Politie/lisse\x07.csv", POLITIE)
    assert session.scalars(select(IndicatorImport.filename)).one() == "lisse.csv"
