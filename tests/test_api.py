"""The API for BI tools: its OpenAPI document, tokens that work and tokens that are refused, answers that match
their schemas and the report, and the admin pages that issue and revoke tokens."""

import hashlib
import re
from datetime import date, datetime, timedelta

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select, update

from caseapp import db
from caseapp.accounts.models import User
from caseapp.api import operations, views
from caseapp.api.models import ApiToken
from caseapp.api.openapi import DOCUMENT
from caseapp.audit.models import AuditEntry
from caseapp.audit.operations import today, utcnow
from caseapp.db import Base
from caseapp.indicators import report
from caseapp.indicators.models import (
    Indicator,
    IndicatorBaseline,
    IndicatorImport,
    IndicatorTarget,
    IndicatorValue,
)

TOKEN = re.compile(r"cak_[A-Za-z0-9_-]{43}")
DOCUMENT_URI = "urn:caseapp:openapi"
REGISTRY = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(DOCUMENT))
WOONOVERLAST = "meldingen_woonoverlast"


# -- helpers and fixtures ----------------------------------------------------------------------------------


def conforms(response, path, method="get"):
    """Check `response` against the schema the document gives for `path`, `method` and its status code."""
    pointer = "/".join(part.replace("~", "~0").replace("/", "~1") for part in (
        "paths", path, method, "responses", str(response.status_code), "content", "application/json", "schema"))
    assert response.is_json, response.text
    Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/{pointer}"}, registry=REGISTRY).validate(response.get_json())
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def region(make):
    """Lisse with two wijken and its analyst; Teylingen, where the analyst does not work."""
    lisse, teylingen = make.gemeente("Lisse", wijken=("Centrum", "Noord")), make.gemeente("Teylingen")
    analyst = make.user("analyst", gemeenten=[lisse])
    return lisse, teylingen, analyst


@pytest.fixture
def issue(app, admin):
    """Issue a token to `user` as the admin, as the admin page does; returns its id and the token itself."""

    def issue(user, name="Power BI team veiligheid", expires_on=None):
        with app.app_context():
            session = db.session()
            api_token, token = operations.issue_token(session.get(User, admin.id), user=session.get(User, user.id),
                                                      name=name, expires_on=expires_on)
            session.commit()
            return api_token.id, token

    return issue


@pytest.fixture
def token(region, issue):
    return issue(region[2])[1]


@pytest.fixture
def api(client, token):
    """GET under /api/v1 with the analyst's token."""

    def get(path, **params):
        return client.get(f"/api/v1{path}", query_string=params, headers=bearer(token))

    return get


def indicator(session, key=WOONOVERLAST):
    return session.scalar(select(Indicator).where(Indicator.key == key))


def imported_indicator(session, gemeente, by, values):
    """An imported series (as caseapp.indicators.imports makes them) with these yearly values for `gemeente`."""
    found = Indicator(key="branden", name="Branden", definition="Branden volgens de brandweer.", unit="branden",
                      source="Brandweer Hollands Midden", kind="import", theme="extern", better="lager", position=99)
    session.add(found)
    session.flush()
    upload = IndicatorImport(gemeente_id=gemeente.id, source="Brandweer", filename="branden.csv", row_count=1,
                             value_count=len(values), imported_by_id=by.id, imported_at=utcnow())
    session.add(upload)
    session.flush()
    for year, value in values.items():
        session.add(IndicatorValue(indicator_id=found.id, gemeente_id=gemeente.id, year=year, value=value,
                                   import_id=upload.id))
    session.commit()
    return found


def meldingen(make, gemeente, user, days, wijk=None, category="woonoverlast"):
    for day in days:
        make.melding(gemeente, user, category=category, received_on=day, wijk=wijk)


def api_entries(session, user):
    return session.scalars(select(AuditEntry).where(AuditEntry.user_id == user.id, AuditEntry.record_type == "api")
                           .order_by(AuditEntry.id)).all()


# -- the OpenAPI document ----------------------------------------------------------------------------------


def test_the_openapi_document_validates_and_its_schemas_are_json_schema_2020_12():
    validate(DOCUMENT)
    assert DOCUMENT["openapi"].startswith("3.1")
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_the_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json() == DOCUMENT
    conforms(response, "/openapi.json")


def test_the_document_describes_every_route_of_the_api(app):
    routes = {re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes == set(DOCUMENT["paths"])
    for path, operations_ in DOCUMENT["paths"].items():
        assert set(operations_) == {"get"}, path
        responses = operations_["get"]["responses"]
        assert path == "/openapi.json" or "401" in responses, path


# -- tokens that work and tokens that do not ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/gemeenten", "/indicatoren", "/indicatoren/meldingen_woonoverlast/waarden"])
def test_every_data_endpoint_answers_with_a_token_and_audits_it(api, session, region, path):
    response = api(path)
    assert response.status_code == 200, response.text
    conforms(response, path.replace(WOONOVERLAST, "{key}"))
    entries = api_entries(session, region[2])
    assert [(e.action, e.outcome, e.detail) for e in entries] == [("view", "allowed", f"/api/v1{path}")]


@pytest.mark.parametrize("path", ["/gemeenten", "/indicatoren", "/indicatoren/meldingen_woonoverlast/waarden"])
def test_every_data_endpoint_refuses_without_a_token(client, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == 401
    assert conforms(response, path.replace(WOONOVERLAST, "{key}"))["fout"].startswith("Geef een API-token mee")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="caseapp"'


def _revoke(session, token_id, user):
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=utcnow(),
                                                                           revoked_by_id=user.id))


def _expire(session, token_id, user):
    earlier = utcnow() - timedelta(days=10)
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(created_at=earlier,
                                                                           expires_at=utcnow() - timedelta(seconds=1)))


def _deactivate(session, token_id, user):
    session.execute(update(User).where(User.id == user.id).values(active=False))


def _make_coordinator(session, token_id, user):
    session.execute(update(User).where(User.id == user.id).values(role="coordinator"))


@pytest.mark.parametrize(("change", "message"), [
    (_revoke, "Dit API-token is ingetrokken"),
    (_expire, "Dit API-token is verlopen"),
    (_deactivate, "niet meer actief is of geen analist meer is"),
    (_make_coordinator, "niet meer actief is of geen analist meer is"),
])
def test_a_token_stops_working_and_the_attempt_is_audited(client, session, region, issue, change, message):
    analyst = region[2]
    token_id, token = issue(analyst)
    assert client.get("/api/v1/gemeenten", headers=bearer(token)).status_code == 200
    change(session, token_id, analyst)
    session.commit()
    response = client.get("/api/v1/gemeenten", headers=bearer(token))
    assert response.status_code == 401
    assert message in conforms(response, "/gemeenten")["fout"]
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="caseapp", error="invalid_token"'
    last = api_entries(session, analyst)[-1]
    assert (last.outcome, last.record_id) == ("denied", token_id)


@pytest.mark.parametrize(("headers", "query", "message"), [
    ({}, {}, "Geef een API-token mee"),
    ({"Authorization": "Basic YW5hbHlzdDpnZWhlaW0="}, {}, "Geef een API-token mee"),
    ({"Authorization": "Bearer "}, {}, "Geef een API-token mee"),
    ({"Authorization": "Bearer cak_dezebestaatniet"}, {}, "onbekend"),
    ({"Authorization": "Bearer not-even-ours"}, {}, "onbekend"),
    ({}, {"access_token": "TOKEN"}, "niet in de URL"),
    ({}, {"token": "TOKEN"}, "niet in de URL"),
    ({"Authorization": "Bearer TOKEN"}, {"api_token": "TOKEN"}, "niet in de URL"),
])
def test_requests_without_a_token_in_the_header_are_refused(client, token, headers, query, message):
    headers = {name: value.replace("TOKEN", token) for name, value in headers.items()}
    query = {name: value.replace("TOKEN", token) for name, value in query.items()}
    response = client.get("/api/v1/indicatoren", headers=headers, query_string=query)
    assert response.status_code == 401
    assert message in conforms(response, "/indicatoren")["fout"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


def test_a_logged_in_session_is_no_token(login, region):
    client = login(region[2])
    assert client.get("/api/v1/indicatoren").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(client, session, region, issue, monkeypatch):
    token_id, token = issue(region[2])
    moments = iter([datetime(2026, 3, 1, 9, 0, 0), datetime(2026, 3, 1, 9, 0, 40), datetime(2026, 3, 1, 9, 1, 5)])
    seen = []
    for moment in moments:
        monkeypatch.setattr(views, "utcnow", lambda moment=moment: moment)
        assert client.get("/api/v1/gemeenten", headers=bearer(token)).status_code == 200
        seen.append(session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id)
                                   .execution_options(populate_existing=True)))
    assert seen == [datetime(2026, 3, 1, 9, 0, 0), datetime(2026, 3, 1, 9, 0, 0), datetime(2026, 3, 1, 9, 1, 5)]


# -- what the endpoints answer -----------------------------------------------------------------------------


def test_gemeenten_are_the_analysts_own_with_their_wijken(api, region):
    lisse = region[0]
    body = conforms(api("/gemeenten"), "/gemeenten")
    assert body == {"gemeenten": [{"id": lisse.id, "naam": "Lisse", "cbs_code": None, "wijken": [
        {"id": wijk.id, "naam": wijk.name} for wijk in lisse.wijken]}]}


def test_indicatoren_lists_every_indicator_with_its_definition(api, session):
    body = conforms(api("/indicatoren"), "/indicatoren")
    keys = [item["key"] for item in body["indicatoren"]]
    assert set(keys) == set(session.scalars(select(Indicator.key)))
    woonoverlast = body["indicatoren"][keys.index(WOONOVERLAST)]
    found = indicator(session)
    assert woonoverlast == {"key": WOONOVERLAST, "naam": found.name, "definitie": found.definition,
                            "eenheid": found.unit, "bron": found.source, "soort": "geteld", "thema": "overlast",
                            "richting": found.better}


@pytest.mark.parametrize("granularity", ["jaar", "kwartaal", "maand"])
@pytest.mark.parametrize("in_wijk", [False, True])
def test_values_equal_the_report(app, api, make, session, region, granularity, in_wijk):
    lisse, teylingen, analyst = region
    centrum, noord = lisse.wijken
    meldingen(make, lisse, analyst, [date(2024, 2, 3), date(2024, 2, 20), date(2024, 7, 1)], wijk=centrum)
    meldingen(make, lisse, analyst, [date(2025, 3, 9)] * 6 + [date(2025, 11, 30)], wijk=noord)
    meldingen(make, lisse, analyst, [date(2025, 5, 1)], wijk=None)
    meldingen(make, teylingen, analyst, [date(2025, 5, 1)] * 3)  # not the analyst's
    meldingen(make, lisse, analyst, [date(2025, 5, 1)], category="jeugdoverlast")  # another indicator
    params = {"gemeente": lisse.id, "indeling": granularity, "van": 2024, "tot": 2025}
    if in_wijk:
        params["wijk"] = noord.id
    body = conforms(api(f"/indicatoren/{WOONOVERLAST}/waarden", **params), "/indicatoren/{key}/waarden")
    with app.app_context():
        expected = report.build([lisse.id], noord.id if in_wijk else None, granularity, 2024, 2025,
                                only=db.session().get(Indicator, indicator(session).id))
        row = expected.rows[0]
        assert [(v["periode"], v["label"], v["waarde"], v["volledig"]) for v in body["waarden"]] == [
            (p.key, p.label, c.value, c.complete) for p, c in zip(expected.periods, row.cells, strict=True)]
    assert sum(v["waarde"] for v in body["waarden"]) == (7 if in_wijk else 11)
    assert body["selectie"] == {"gemeenten": [{"id": lisse.id, "naam": "Lisse"}],
                                "wijk": {"id": noord.id, "naam": "Noord"} if in_wijk else None,
                                "indeling": granularity, "van": 2024, "tot": 2025, "publicatie": False}


def test_periods_name_their_year_quarter_and_month(api, region):
    body = conforms(api(f"/indicatoren/{WOONOVERLAST}/waarden", gemeente=region[0].id, indeling="maand",
                        van=2025, tot=2025), "/indicatoren/{key}/waarden")
    march = body["waarden"][2]
    assert (march["periode"], march["label"], march["jaar"], march["kwartaal"], march["maand"]) == (
        "2025-03", "mrt 2025", 2025, 1, 3)
    body = conforms(api(f"/indicatoren/{WOONOVERLAST}/waarden", gemeente=region[0].id, indeling="kwartaal",
                        van=2025, tot=2025), "/indicatoren/{key}/waarden")
    assert [(v["periode"], v["kwartaal"], v["maand"]) for v in body["waarden"]] == [
        (f"2025-K{q}", q, None) for q in range(1, 5)]


def test_baseline_target_and_trend_are_those_of_the_report(api, make, session, region):
    lisse, _teylingen, analyst = region
    meldingen(make, lisse, analyst, [date(2023, 6, 1)] * 9)
    meldingen(make, lisse, analyst, [date(2024, 6, 1)] * 7)
    meldingen(make, lisse, analyst, [date(2025, 6, 1)] * 5)
    found = indicator(session)
    session.add(IndicatorBaseline(indicator_id=found.id, gemeente_id=lisse.id, year=2023, set_at=utcnow()))
    session.add(IndicatorTarget(indicator_id=found.id, gemeente_id=lisse.id, year=2025, comparison="<", value=6,
                                set_at=utcnow()))
    session.commit()
    body = conforms(api(f"/indicatoren/{WOONOVERLAST}/waarden", gemeente=lisse.id, van=2023, tot=2025),
                    "/indicatoren/{key}/waarden")
    assert body["nulmeting"] == {"jaar": 2023, "waarde": 9}
    assert body["streefwaarde"] == {"jaar": 2025, "vergelijking": "<", "waarde": 6, "gemeten": 5,
                                    "definitief": True, "status": "Gehaald"}
    assert body["trend"] == {"van": "2024", "tot": "2025", "verandering": -2, "richting": "daalt",
                             "oordeel": "gunstig"}  # fewer meldingen woonoverlast is better


def test_all_gemeenten_together_have_no_baseline_or_target(api, make, session, region):
    lisse, teylingen, analyst = region
    second = make.gemeente("Hillegom")
    analyst.gemeenten.append(second)
    session.commit()
    meldingen(make, lisse, analyst, [date(2025, 6, 1)] * 2)
    meldingen(make, second, analyst, [date(2025, 6, 1)] * 3)
    body = conforms(api(f"/indicatoren/{WOONOVERLAST}/waarden", gemeente="", van=2025, tot=2025),
                    "/indicatoren/{key}/waarden")
    assert body["waarden"][0]["waarde"] == 5
    assert {g["naam"] for g in body["selectie"]["gemeenten"]} == {"Lisse", "Hillegom"}
    assert body["nulmeting"] is None and body["streefwaarde"] is None


def test_publication_shows_counts_of_one_to_four_as_less_than_five(api, make, region):
    lisse, _teylingen, analyst = region
    meldingen(make, lisse, analyst, [date(2023, 6, 1)] * 6)
    meldingen(make, lisse, analyst, [date(2024, 6, 1)] * 3)
    meldingen(make, lisse, analyst, [date(2025, 6, 1)] * 4)
    path = f"/indicatoren/{WOONOVERLAST}/waarden"
    published = conforms(api(path, gemeente=lisse.id, van=2022, tot=2025, publicatie="1"),
                         "/indicatoren/{key}/waarden")
    assert [v["waarde"] for v in published["waarden"]] == [0, 6, "<5", "<5"]
    assert published["selectie"]["publicatie"] is True
    assert published["trend"]["verandering"] is None  # 3 → 4 would give both away
    plain = conforms(api(path, gemeente=lisse.id, van=2022, tot=2025, publicatie="0"), "/indicatoren/{key}/waarden")
    assert [v["waarde"] for v in plain["waarden"]] == [0, 6, 3, 4]
    assert plain["trend"]["verandering"] == 1


def test_imported_series_show_for_one_whole_gemeente_per_year_only(api, make, session, region):
    lisse = region[0]
    region[2].gemeenten.append(make.gemeente("Hillegom"))  # so "all gemeenten" is more than one
    session.commit()
    branden = imported_indicator(session, lisse, region[2], {2024: 41, 2025: 37.5})
    path = f"/indicatoren/{branden.key}/waarden"
    body = conforms(api(path, gemeente=lisse.id, van=2024, tot=2025), "/indicatoren/{key}/waarden")
    assert [v["waarde"] for v in body["waarden"]] == [41, 37.5]
    for params in ({"indeling": "maand"}, {"indeling": "kwartaal"}, {"wijk": lisse.wijken[0].id}, {"gemeente": ""}):
        response = api(path, **{"gemeente": lisse.id, "van": 2024, "tot": 2025, **params})
        assert response.status_code == 400, params
        assert "geïmporteerd" in conforms(response, "/indicatoren/{key}/waarden")["fout"]


# -- refusals of what may not be seen, and bad input -------------------------------------------------------


def test_a_gemeente_of_another_region_is_not_found_and_the_attempt_audited(api, session, region):
    lisse, teylingen, analyst = region
    path = f"/indicatoren/{WOONOVERLAST}/waarden"
    other = api(path, gemeente=teylingen.id)
    missing = api(path, gemeente=999_999)
    assert other.status_code == missing.status_code == 404
    assert conforms(other, "/indicatoren/{key}/waarden") == conforms(missing, "/indicatoren/{key}/waarden")
    assert api(path, gemeente=teylingen.id, wijk=teylingen.wijken[0].id).status_code == 404
    entries = api_entries(session, analyst)
    assert [e.outcome for e in entries] == ["denied"] * 3
    assert entries[0].detail == f"/api/v1{path}?gemeente={teylingen.id}"


def test_an_unknown_indicator_is_not_found(api):
    response = api("/indicatoren/bestaat_niet/waarden")
    assert response.status_code == 404
    assert "indicator bestaat niet" in conforms(response, "/indicatoren/{key}/waarden")["fout"]


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"indeling": "week"}, "indeling", "Ongeldige"),
    ({"van": "twintig"}, "van", ""),
    ({"van": 1800}, "van", "Kies een jaar van 1990"),
    ({"van": 2025, "tot": 2024}, "tot", "Het laatste jaar ligt voor het eerste."),
    ({"indeling": "maand", "van": 2020, "tot": 2025}, "tot", "Kies een kortere periode"),
    ({"wijk": "abc"}, "wijk", ""),
    ({"gemeente": "abc"}, "gemeente", ""),
    ({"gemeente": "", "wijk": "WIJK"}, "wijk", "Kies eerst de gemeente van de wijk."),
    ({"wijk": 999_999}, "wijk", ""),
])
def test_bad_parameters_answer_400_with_the_forms_messages(api, region, params, field, message):
    params = {name: region[0].wijken[0].id if value == "WIJK" else value for name, value in params.items()}
    response = api(f"/indicatoren/{WOONOVERLAST}/waarden", **params)
    assert response.status_code == 400
    body = conforms(response, "/indicatoren/{key}/waarden")
    assert body["fout"] == views.INVALID_PARAMETERS
    assert message in " ".join(body["velden"][field]) and body["velden"][field]


def test_http_errors_under_the_api_answer_json(app, client, token, monkeypatch):
    missing = client.get("/api/v1/bestaat-niet", headers=bearer(token))
    assert missing.status_code == 404 and missing.get_json()["fout"].startswith("Niet gevonden")
    assert missing.headers["Cache-Control"] == "no-store"
    not_allowed = client.post("/api/v1/gemeenten", headers=bearer(token))
    assert not_allowed.status_code == 405 and "GET" in not_allowed.get_json()["fout"]

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "indicators", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    failed = client.get("/api/v1/indicatoren", headers=bearer(token))
    assert failed.status_code == 500 and failed.get_json() == {"fout": views.HTTP_ERRORS[500]}
    assert "a bug" not in failed.text
    assert client.get("/bestaat-niet").content_type.startswith("text/html")  # the app's own pages stay HTML


@pytest.mark.parametrize("role", ["coordinator", "partner", "admin"])
def test_a_token_of_someone_no_longer_an_analyst_sees_nothing_on_any_route(app, client, session, region, issue,
                                                                           role):
    _token_id, token = issue(region[2])
    session.execute(update(User).where(User.id == region[2].id).values(role=role))
    session.commit()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            url = rule.rule.replace("<key>", WOONOVERLAST)
            assert client.get(url, headers=bearer(token)).status_code == 401, url


# -- issuing and revoking ----------------------------------------------------------------------------------


def test_an_issued_token_is_shown_once_and_stored_only_as_its_hash(as_admin, session, region, engine):
    analyst = region[2]
    response = as_admin.post("/beheer/api-tokens/nieuw", data={"user_id": analyst.id, "name": "Power BI",
                                                               "expires_on": ""})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    assert "maar één keer" in response.text
    (token,) = set(TOKEN.findall(response.text))
    assert token not in response.headers.get("Set-Cookie", "")
    stored = session.scalar(select(ApiToken).where(ApiToken.user_id == analyst.id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.prefix == token[:12] and stored.expires_at is None
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            assert token not in repr(tuple(row)), table.name
            assert table.name == "api_token" or stored.token_hash not in repr(tuple(row)), table.name
    assert token not in as_admin.get("/beheer/api-tokens").text
    assert as_admin.get("/beheer/api-tokens").status_code == 200
    listing = as_admin.get("/beheer/api-tokens").text
    assert stored.prefix in listing and "Power BI" in listing and "Nog nooit" in listing


def test_issuing_and_revoking_are_audited_without_the_token(as_admin, session, region, admin, client):
    analyst = region[2]
    expires_on = (today() + timedelta(days=30)).isoformat()
    response = as_admin.post("/beheer/api-tokens/nieuw", data={"user_id": analyst.id, "name": "Excel",
                                                               "expires_on": expires_on})
    (token,) = set(TOKEN.findall(response.text))
    stored = session.scalar(select(ApiToken).where(ApiToken.user_id == analyst.id))
    assert as_admin.get(f"/beheer/api-tokens/{stored.id}/intrekken").status_code == 200
    response = as_admin.post(f"/beheer/api-tokens/{stored.id}/intrekken")
    assert response.status_code == 302
    session.refresh(stored)
    assert stored.revoked_at is not None and stored.revoked_by_id == admin.id
    entries = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "api_token")
                              .order_by(AuditEntry.id)).all()
    assert [(e.user_id, e.action, e.record_id) for e in entries] == [(admin.id, "create", stored.id),
                                                                      (admin.id, "update", stored.id)]
    assert entries[0].detail.startswith(f"for user {analyst.id}, valid through")
    for entry in entries:
        assert token not in entry.detail and stored.token_hash not in entry.detail and stored.prefix not in entry.detail
    assert client.get("/api/v1/gemeenten", headers=bearer(token)).status_code == 401
    again = as_admin.post(f"/beheer/api-tokens/{stored.id}/intrekken", follow_redirects=True)
    assert "was al ingetrokken" in again.text


def test_an_expiry_date_lasts_through_that_dutch_day(as_admin, session, region):
    on = today() + timedelta(days=3)
    as_admin.post("/beheer/api-tokens/nieuw", data={"user_id": region[2].id, "name": "Excel",
                                                    "expires_on": on.isoformat()})
    stored = session.scalar(select(ApiToken).where(ApiToken.user_id == region[2].id))
    assert stored.expires_on == on
    assert stored.expires_at.hour in (22, 23)  # midnight in Amsterdam, in UTC
    assert stored.refusal(stored.expires_at - timedelta(seconds=1)) is None
    assert stored.refusal(stored.expires_at) == "verlopen"


def test_only_active_analysts_can_be_given_a_token(as_admin, make, region):
    lisse, _teylingen, analyst = region
    inactive = make.user("analyst", gemeenten=[lisse], active=False)
    coordinator = make.user("coordinator", gemeenten=[lisse])
    page = as_admin.get("/beheer/api-tokens/nieuw").text
    assert analyst.email in page and inactive.email not in page and coordinator.email not in page
    for user in (inactive, coordinator):
        response = as_admin.post("/beheer/api-tokens/nieuw", data={"user_id": user.id, "name": "Power BI"})
        assert response.status_code == 200 and "Kies een actieve analist." in response.text
        assert not TOKEN.search(response.text)


@pytest.mark.parametrize(("expires_on", "message"), [
    (lambda on: on - timedelta(days=1), "Deze datum ligt in het verleden."),
    (lambda on: on.replace(year=on.year + 2) + timedelta(days=1), "Kies een datum tot en met"),
    (lambda on: "31-12-2025", "Ongeldige datum"),
])
def test_a_refused_form_keeps_what_was_typed(as_admin, session, region, expires_on, message):
    value = expires_on(today())
    value = value if isinstance(value, str) else value.isoformat()
    response = as_admin.post("/beheer/api-tokens/nieuw", data={"user_id": region[2].id, "name": "Power BI veiligheid",
                                                               "expires_on": value})
    assert response.status_code == 200 and message in response.text, response.text
    assert 'value="Power BI veiligheid"' in response.text and not TOKEN.search(response.text)
    assert session.scalar(select(ApiToken.id)) is None


def test_a_name_is_required(as_admin, region):
    response = as_admin.post("/beheer/api-tokens/nieuw", data={"user_id": region[2].id, "name": "  "})
    assert "Vul in waarvoor het token is." in response.text and not TOKEN.search(response.text)


def test_without_analysts_the_page_says_so(as_admin):
    page = as_admin.get("/beheer/api-tokens/nieuw").text
    assert "Er is geen actieve analist" in page


@pytest.mark.parametrize("role", ["coordinator", "partner", "analyst"])
def test_only_an_admin_issues_and_revokes(login, make, session, region, issue, role):
    analyst = region[2]
    token_id, _token = issue(analyst)
    client = login(analyst if role == "analyst" else make.user(role, gemeenten=[region[0]]))
    assert client.get("/beheer/api-tokens").status_code == 403
    assert client.post("/beheer/api-tokens/nieuw", data={"user_id": analyst.id, "name": "x"}).status_code == 403
    assert client.post(f"/beheer/api-tokens/{token_id}/intrekken").status_code == 403
    assert session.scalar(select(ApiToken.revoked_at).where(ApiToken.id == token_id)) is None
    assert session.scalar(select(ApiToken.id).where(ApiToken.name == "x")) is None


def test_the_list_is_paginated_and_shows_each_tokens_status(as_admin, session, region, issue, admin):
    analyst = region[2]
    ids = [issue(analyst, name=f"Token {n:02d}")[0] for n in range(11)]
    _revoke(session, ids[0], admin)
    session.commit()
    first = as_admin.get("/beheer/api-tokens")
    assert "Token 10" in first.text and "Token 00" not in first.text and "Pagina 1 van 2" in first.text
    second = as_admin.get("/beheer/api-tokens?page=2").text
    assert "Token 00" in second and "Ingetrokken" in second
    session.execute(update(User).where(User.id == analyst.id).values(active=False))
    session.commit()
    assert "gebruiker is gedeactiveerd" in as_admin.get("/beheer/api-tokens").text


def test_the_empty_list_says_so(as_admin):
    assert "Er zijn nog geen API-tokens uitgegeven." in as_admin.get("/beheer/api-tokens").text
