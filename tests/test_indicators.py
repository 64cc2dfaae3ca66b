"""The analyst's indicator report: tables, charts, targets and baselines, exports for publication."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.audit.operations import today, utcnow
from caseapp.indicators import exports
from caseapp.indicators.charts import step_for
from caseapp.indicators.models import Indicator, IndicatorBaseline, IndicatorTarget
from caseapp.indicators.report import number

THIS_YEAR = today().year
LAST_YEAR = THIS_YEAR - 1


@pytest.fixture
def region(make):
    lisse, hillegom = make.gemeente("Lisse", wijken=("Centrum", "De Engel")), make.gemeente("Hillegom")
    analyst = make.user("analyst", gemeenten=[lisse, hillegom])
    coordinator = make.user(gemeenten=[lisse, hillegom])
    return {"lisse": lisse, "hillegom": hillegom, "analyst": analyst, "coordinator": coordinator}


def meldingen(make, region, gemeente, n, category="woonoverlast", day=date(LAST_YEAR, 3, 1), wijk=None):
    for _ in range(n):
        make.melding(region[gemeente], region["coordinator"], category=category, received_on=day,
                     wijk=wijk or region[gemeente].wijken[0])


def indicator(session, key):
    return session.scalar(select(Indicator).where(Indicator.key == key))


def target(session, make, gemeente, key, year, comparison, value):
    session.add(IndicatorTarget(indicator_id=indicator(session, key).id, gemeente_id=gemeente.id, year=year,
                                comparison=comparison, value=value, set_at=utcnow()))
    session.commit()


def test_the_report_shows_every_indicator_with_its_definition_and_counts(session, make, region, login):
    meldingen(make, region, "lisse", 12)
    meldingen(make, region, "hillegom", 7)
    page = login(region["analyst"]).get(f"/indicatoren/?gemeente={region['lisse'].id}").text
    for i in session.scalars(select(Indicator)):
        assert i.name in page and i.definition in page
    assert "<svg" in page and 'role="img"' in page
    row = page.split("Meldingen woonoverlast</caption>")[1].split("</tr>")[1]
    assert ">12<" in row

    region_page = login(region["analyst"]).get("/indicatoren/?gemeente=").text
    row = region_page.split("Meldingen woonoverlast</caption>")[1].split("</tr>")[1]
    assert ">19<" in row


def test_a_wijk_shows_only_its_own_counts(make, region, login):
    lisse = region["lisse"]
    meldingen(make, region, "lisse", 3, wijk=lisse.wijken[0])
    meldingen(make, region, "lisse", 5, wijk=lisse.wijken[1])
    page = login(region["analyst"]).get(f"/indicatoren/?gemeente={lisse.id}&wijk={lisse.wijken[1].id}").text
    assert ">5<" in page.split("Meldingen woonoverlast</caption>")[1].split("</tr>")[1]


@pytest.mark.parametrize(("query", "message"), [
    ("wijk={other_wijk}&gemeente={lisse}", "Deze wijk ligt niet in Lisse."),
    ("wijk={wijk}&gemeente=", "Kies eerst de gemeente van de wijk."),
    ("van=2020&tot=2019", "Het laatste jaar ligt voor het eerste."),
    ("indeling=maand&van=2020&tot=2024", "ten hoogste 24 kolommen"),
    ("van=1800&tot=2020", "Kies een jaar van 1990 tot en met 2100."),
    ("gemeente={elsewhere}", "Ongeldige keuze"),
])
def test_bad_filters_are_refused_with_a_message(make, region, login, query, message):
    elsewhere = make.gemeente()
    url = "/indicatoren/?" + query.format(lisse=region["lisse"].id, wijk=region["lisse"].wijken[0].id,
                                          other_wijk=region["hillegom"].wijken[0].id, elsewhere=elsewhere.id)
    page = login(region["analyst"]).get(url)
    assert page.status_code == 200 and message in page.text and "<svg" not in page.text


def test_months_and_quarters_are_columns(make, region, login):
    meldingen(make, region, "lisse", 2, day=date(LAST_YEAR, 2, 10))
    client = login(region["analyst"])
    page = client.get(f"/indicatoren/?gemeente={region['lisse'].id}&indeling=maand&van={LAST_YEAR}&tot={LAST_YEAR}")
    header = page.text.split("Meldingen woonoverlast</caption>")[1].split("</thead>")[0]
    assert header.count('scope="col" class="num"') == 12 and f"feb {LAST_YEAR}" in header
    page = client.get(f"/indicatoren/?gemeente={region['lisse'].id}&indeling=kwartaal&van={LAST_YEAR}&tot={LAST_YEAR}")
    assert f"{LAST_YEAR} K1" in page.text


@pytest.mark.parametrize(("comparison", "value", "status"), [
    ("<", 80, "Gehaald"), ("<", 12, "Niet gehaald"), ("<=", 12, "Gehaald"), ("=", 12, "Gehaald"),
    (">", 12, "Niet gehaald"), (">=", 13, "Niet gehaald"),
])
def test_the_report_says_whether_a_target_is_met(session, make, region, login, comparison, value, status):
    meldingen(make, region, "lisse", 12)
    target(session, make, region["lisse"], "meldingen_woonoverlast", LAST_YEAR, comparison, value)
    page = login(region["analyst"]).get(f"/indicatoren/?gemeente={region['lisse'].id}").text
    row = page.split("Meldingen woonoverlast</caption>")[1].split("</tr>")[1]
    assert f">{status}<" in row


def test_a_target_of_the_running_year_is_not_judged_yet(session, make, region, login):
    meldingen(make, region, "lisse", 2, day=today())
    target(session, make, region["lisse"], "meldingen_woonoverlast", THIS_YEAR, "<", 80)
    page = login(region["analyst"]).get(f"/indicatoren/?gemeente={region['lisse'].id}").text
    assert ">Loopt nog<" in page and "(stand 2)" in page


def test_a_baseline_takes_its_value_from_the_series_or_from_what_was_typed(session, make, region, login):
    meldingen(make, region, "lisse", 9, category="cybercrime", day=date(LAST_YEAR - 2, 5, 1))
    lisse = region["lisse"]
    for key, value in (("meldingen_cybercrime", None), ("meldingen_jeugdoverlast", 74)):
        session.add(IndicatorBaseline(indicator_id=indicator(session, key).id, gemeente_id=lisse.id,
                                      year=LAST_YEAR - 2, value=value, set_at=utcnow()))
    session.commit()
    page = login(region["analyst"]).get(f"/indicatoren/?gemeente={lisse.id}").text
    assert f"{LAST_YEAR - 2}: 9" in page.split("Meldingen cybercrime</caption>")[1]
    assert f"{LAST_YEAR - 2}: 74" in page.split("Meldingen jeugdoverlast</caption>")[1]


def test_the_trend_compares_the_last_two_complete_periods(make, region, login):
    meldingen(make, region, "lisse", 10, day=date(LAST_YEAR - 1, 6, 1))
    meldingen(make, region, "lisse", 7, day=date(LAST_YEAR, 6, 1))
    page = login(region["analyst"]).get(f"/indicatoren/?gemeente={region['lisse'].id}").text
    assert f"daalt 3 ({LAST_YEAR} t.o.v. {LAST_YEAR - 1}), gunstig" in page


def export(client, region, kind, **args):
    query = "&".join(f"{k}={v}" for k, v in {"gemeente": region["lisse"].id, **args}.items())
    response = client.get(f"/indicatoren/export.{kind}?{query}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    return response


def csv_rows(response):
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_hold_the_report_table_and_publication_hides_1_to_4(session, make, region, login, kind):
    meldingen(make, region, "lisse", 3)
    meldingen(make, region, "lisse", 12, category="jeugdoverlast")
    client = login(region["analyst"])
    read = csv_rows if kind == "csv" else xlsx_rows
    rows = {row[1]: row for row in read(export(client, region, kind))}
    column = rows["Indicator"].index(str(LAST_YEAR) if kind == "csv" else str(LAST_YEAR))
    plain = {"csv": ("3", "12"), "xlsx": (3, 12)}[kind]
    assert (rows["Meldingen woonoverlast"][column], rows["Meldingen jeugdoverlast"][column]) == plain
    rows = {row[1]: row for row in read(export(client, region, kind, publicatie="y"))}
    assert (rows["Meldingen woonoverlast"][column], rows["Meldingen jeugdoverlast"][column]) == ("<5", plain[1])
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id.desc())) \
        .detail.startswith(kind)


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_text_that_a_spreadsheet_would_run_is_neutralised(session, make, region, login, text):
    series = indicator(session, "meldingen_woonoverlast")
    series.name = text + " meldingen"  # what an import or an admin could put in a name
    session.commit()
    client = login(region["analyst"])
    assert any(row[1] == "'" + text + " meldingen" for row in csv_rows(export(client, region, "csv")))
    cells = [row[1] for row in xlsx_rows(export(client, region, "xlsx"))]
    assert any(cell.startswith("'") and cell.endswith(" meldingen") for cell in cells)


def test_neutralise_leaves_ordinary_text_alone():
    assert exports.neutralise("Meldingen <5") == "Meldingen <5"
    assert exports.neutralise("-") == "'-"


@pytest.mark.parametrize(("value", "publication", "shown"), [
    (None, False, "–"), (0, True, "0"), (1, True, "<5"), (4, True, "<5"), (4, False, "4"), (5, True, "5"),
    (1234, False, "1.234"), (7.4, False, "7,4"), (1234.5, False, "1.234,5"),
])
def test_numbers_read_the_dutch_way(value, publication, shown):
    assert number(value, publication) == shown


@pytest.mark.parametrize(("top", "step"), [(0, 1), (1, 1), (4, 1), (9, 2), (12, 5), (80, 20), (961, 200)])
def test_chart_gridlines_are_round(top, step):
    assert step_for(top) == step


def test_publication_mode_draws_no_bar_for_a_hidden_count(make, region, login):
    meldingen(make, region, "lisse", 3)
    page = login(region["analyst"]).get(f"/indicatoren/?gemeente={region['lisse'].id}&publicatie=y").text
    section = page.split('id="chart-')[1]
    woonoverlast = page.split("Meldingen woonoverlast (meldingen)</title>")[1].split("</svg>")[0]
    assert "<rect" not in woonoverlast and "&lt;5" in woonoverlast and section


def test_targets_and_baselines_are_set_changed_and_removed(session, make, region, login):
    lisse, series = region["lisse"], indicator(session, "meldingen_woonoverlast")
    client = login(region["analyst"])
    base = f"/indicatoren/streefwaarden/{lisse.id}/{series.id}"
    for comparison, value in (("<", "80"), ("<=", "75")):
        response = client.post(base + "/streefwaarde", data={"year": 2023, "comparison": comparison, "value": value})
        assert response.status_code == 302
    targets = session.scalars(select(IndicatorTarget).where(IndicatorTarget.gemeente_id == lisse.id)).all()
    assert [(t.year, t.comparison, t.value) for t in targets] == [(2023, "<=", 75)]
    assert client.post(base + "/nulmeting", data={"year": 2018, "value": ""}).status_code == 302
    assert session.get(IndicatorBaseline, (series.id, lisse.id)).year == 2018
    assert "≤ 75 in 2023" in client.get(f"/indicatoren/streefwaarden?gemeente={lisse.id}").text
    assert client.post(f"{base}/streefwaarde/{targets[0].id}/verwijderen").status_code == 302
    assert client.post(base + "/nulmeting/verwijderen").status_code == 302
    session.expire_all()
    assert session.scalars(select(IndicatorTarget)).all() == []
    assert session.get(IndicatorBaseline, (series.id, lisse.id)) is None


@pytest.mark.parametrize(("data", "message"), [
    ({"year": "", "comparison": "<", "value": "80"}, "Vul een jaar in."),
    ({"year": "2023", "comparison": "~", "value": "80"}, "Ongeldige keuze"),
    ({"year": "2023", "comparison": "<", "value": ""}, "Vul de streefwaarde in."),
    ({"year": "2023", "comparison": "<", "value": "-1"}, "Vul een getal van 0 of meer in."),
    ({"year": "3000", "comparison": "<", "value": "1"}, "Kies een jaar van 1990 tot en met 2100."),
])
def test_a_bad_target_is_refused_and_kept_in_the_form(session, make, region, login, data, message):
    series = indicator(session, "meldingen_woonoverlast")
    response = login(region["analyst"]).post(
        f"/indicatoren/streefwaarden/{region['lisse'].id}/{series.id}/streefwaarde", data=data)
    assert response.status_code == 400 and message in response.text
    assert session.scalars(select(IndicatorTarget)).all() == []


def test_another_regions_gemeente_answers_404(session, make, region, login):
    elsewhere, series = make.gemeente(), indicator(session, "meldingen_woonoverlast")
    client = login(region["analyst"])
    assert client.get(f"/indicatoren/streefwaarden/{elsewhere.id}/{series.id}").status_code == 404
    assert client.post(f"/indicatoren/streefwaarden/{elsewhere.id}/{series.id}/streefwaarde",
                       data={"year": 2023, "comparison": "<", "value": "1"}).status_code == 404
    assert client.get(f"/indicatoren/streefwaarden?gemeente={elsewhere.id}").status_code == 404


def test_a_counted_indicators_definition_cannot_be_edited(session, as_admin):
    series = indicator(session, "meldingen_woonoverlast")
    assert as_admin.get(f"/indicatoren/reeksen/{series.id}").status_code == 404
    assert as_admin.post(f"/indicatoren/reeksen/{series.id}/verwijderen").status_code == 404
