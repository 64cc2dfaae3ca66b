"""The read-only JSON API for BI tools (/api/v1), and the admin pages that issue and revoke its tokens.

The API knows no session and no cookie: every call brings a token in `Authorization: Bearer …`, and answers as
the analyst the token belongs to, with the gemeenten that analyst works for. It reads the indicator report
(caseapp.indicators.report) through the report page's own filter form, so both accept exactly the same input.
"""

from flask import Blueprint, flash, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import role_required
from caseapp.api import operations
from caseapp.api.forms import ApiTokenForm
from caseapp.api.models import ApiToken
from caseapp.api.openapi import DOCUMENT
from caseapp.audit.operations import record, utcnow
from caseapp.extensions import csrf
from caseapp.forms import posted_int
from caseapp.indicators.forms import ReportFilterForm
from caseapp.indicators.models import Indicator
from caseapp.indicators.report import SUPPRESSED, build, indicators, suppressed
from caseapp.organisations.models import Gemeente
from caseapp.pagination import request_page

API_PATH = "/api/"
bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # GET only, and no cookie is ever read: a forged cross-site request carries no token

TOKEN_IN_URL = ("token", "access_token", "api_token")
REFUSED = {
    None: "Geef een API-token mee in de header Authorization: Bearer <token>.",
    "url": "Geef het API-token mee in de header Authorization: Bearer <token>, niet in de URL: een URL komt in "
           "logbestanden en in de geschiedenis van de browser terecht. Laat de functioneel beheerder dit token "
           "intrekken en een nieuw uitgeven.",
    "onbekend": "Dit API-token is onbekend. Controleer of het helemaal is overgenomen.",
    "ingetrokken": "Dit API-token is ingetrokken. Vraag de functioneel beheerder om een nieuw token.",
    "verlopen": "Dit API-token is verlopen. Vraag de functioneel beheerder om een nieuw token.",
    "gebruiker": "Dit API-token hoort bij een account dat niet meer actief is of geen analist meer is.",
}
HTTP_ERRORS = {
    400: "Ongeldig verzoek.",
    404: "Niet gevonden. De beschrijving van de API staat op /api/v1/openapi.json.",
    405: "Deze methode is hier niet toegestaan: de API kan alleen lezen (GET).",
    500: "Er is een fout opgetreden. De fout is vastgelegd; probeer het later opnieuw.",
}
UNKNOWN_INDICATOR = "Deze indicator bestaat niet. De indicatoren staan op /api/v1/indicatoren."
UNKNOWN_GEMEENTE = "Deze gemeente bestaat niet of u werkt er niet voor. Uw gemeenten staan op /api/v1/gemeenten."
INVALID_PARAMETERS = "Controleer de parameters: zie velden."
IMPORTED_YEARLY = ("Deze reeks is geïmporteerd en bestaat alleen als jaarcijfer van een hele gemeente: kies één "
                   "gemeente, geen wijk, en indeling=jaar.")
PARAMETERS = ("gemeente", "wijk", "indeling", "van", "tot", "publicatie")


# -- errors, tokens and answers ----------------------------------------------------------------------------


def is_api_request():
    return request.path.startswith(API_PATH)


def error_response(status, message, **extra):
    """The API's error answer: JSON `{"fout": ...}` in Dutch, never cached."""
    response = make_response(jsonify(fout=message, **extra), status)
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        # RFC 6750: which scheme to use, and with a token that did not work, that the token was the problem.
        response.headers["WWW-Authenticate"] = 'Bearer realm="caseapp"' + (
            ', error="invalid_token"' if _presented_token() else "")
    return response


def http_error(status):
    """The JSON answer for an HTTP error (404, 405, 500) anywhere under /api/, also for URLs no route matches."""
    return error_response(status, HTTP_ERRORS.get(status, HTTP_ERRORS[500]))


def _presented_token():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@bp.before_request
def authenticate():
    """Find the analyst of the token, or refuse (401). The OpenAPI document needs none: it holds no data."""
    if request.endpoint == "api.openapi":
        return None
    if any(name in request.args for name in TOKEN_IN_URL):
        return error_response(401, REFUSED["url"])
    presented = _presented_token()
    if not presented:
        return error_response(401, REFUSED[None])
    api_token = operations.find_token(presented)
    if api_token is None:
        return error_response(401, REFUSED["onbekend"])
    now = utcnow()
    refusal = api_token.refusal(now)
    if refusal:
        # A known token names its analyst: the attempt is theirs to answer for. Unknown ones are not audited, so
        # nobody can fill the audit log from outside.
        record(api_token.user, "view", record_type="api", record_id=api_token.id, outcome="denied",
               detail=f"token {refusal}; {_asked()}")
        db.session().commit()
        return error_response(401, REFUSED[refusal])
    operations.touch(api_token, now)
    g.api_token = api_token
    return None


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _asked():
    """The path and the known parameters, as the audit entry's detail: nothing else a caller typed."""
    asked = "&".join(f"{name}={request.args[name][:20]}" for name in PARAMETERS if name in request.args)
    return request.path + (f"?{asked}" if asked else "")


def _answer(body):
    """Data for the token's analyst: audited, with the token's use, in one commit."""
    api_token = g.api_token
    record(api_token.user, "view", record_type="api", record_id=api_token.id, detail=_asked())
    db.session().commit()
    return jsonify(body)


def _refuse_gemeente(api_token):
    record(api_token.user, "view", record_type="api", record_id=api_token.id, outcome="denied", detail=_asked())
    db.session().commit()
    return error_response(404, UNKNOWN_GEMEENTE)


def _gemeenten(user):
    """The gemeenten the analyst works for, with their wijken, in two queries."""
    return db.session().scalars(
        select(Gemeente).where(Gemeente.id.in_(user.gemeente_ids)).options(selectinload(Gemeente.wijken))
        .order_by(Gemeente.name)).all()


# -- the API -----------------------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)


@bp.get("/gemeenten")
def gemeenten():
    return _answer({"gemeenten": [
        {"id": gemeente.id, "naam": gemeente.name, "cbs_code": gemeente.cbs_code,
         "wijken": [{"id": wijk.id, "naam": wijk.name} for wijk in gemeente.wijken]}
        for gemeente in _gemeenten(g.api_token.user)]})


@bp.get("/indicatoren")
def indicatoren():
    return _answer({"indicatoren": [_indicator(indicator) for indicator in indicators()]})


@bp.get("/indicatoren/<key>/waarden")
def waarden(key):
    indicator = db.session().scalar(select(Indicator).where(Indicator.key == key))
    if indicator is None:
        return error_response(404, UNKNOWN_INDICATOR)
    gemeenten = _gemeenten(g.api_token.user)
    asked = posted_int(request.args.get("gemeente"))
    if asked is not None and asked not in {gemeente.id for gemeente in gemeenten}:
        return _refuse_gemeente(g.api_token)
    form = ReportFilterForm(request.args, gemeenten=gemeenten)
    if not form.validate():
        return error_response(400, INVALID_PARAMETERS, velden=form.errors)
    report = build(**form.report_arguments(), only=indicator)
    if not report.rows:
        return error_response(400, IMPORTED_YEARLY)
    return _answer(_values(form, report, report.rows[0], form.publicatie.data))


def _indicator(indicator):
    return {"key": indicator.key, "naam": indicator.name, "definitie": indicator.definition, "eenheid": indicator.unit,
            "bron": indicator.source, "soort": indicator.kind, "thema": indicator.theme,
            "richting": indicator.better}


def _values(form, report, row, publication):
    """The row of one indicator as JSON; with `publication`, counts of 1 to 4 as "<5"."""

    def shown(value):
        return SUPPRESSED if suppressed(value, publication) else value

    chosen = [form.gemeenten[gemeente_id] for gemeente_id in report.gemeente_ids]
    wijk = next((wijk for wijk in chosen[0].wijken if wijk.id == report.wijk_id), None) if report.wijk_id else None
    by_period = dict(zip(report.periods, row.cells, strict=True))
    return {
        "indicator": _indicator(row.indicator),
        "selectie": {
            "gemeenten": [{"id": gemeente.id, "naam": gemeente.name} for gemeente in chosen],
            "wijk": {"id": wijk.id, "naam": wijk.name} if wijk else None,
            "indeling": report.granularity,
            "van": form.van.data,
            "tot": form.tot.data,
            "publicatie": publication,
        },
        "waarden": [
            {"periode": period.key, "label": period.label, "jaar": period.year, "kwartaal": period.quarter or None,
             "maand": period.month or None, "waarde": shown(cell.value), "toelichting": cell.note,
             "volledig": cell.complete}
            for period, cell in by_period.items()],
        "nulmeting": None if row.baseline_year is None else {
            "jaar": row.baseline_year, "waarde": shown(row.baseline_value)},
        "streefwaarde": None if row.target is None else {
            "jaar": row.target.target.year, "vergelijking": row.target.target.comparison,
            "waarde": row.target.target.value, "gemeten": shown(row.target.value), "definitief": row.target.final,
            "status": row.target.label},
        "trend": None if row.trend is None else {
            "van": row.trend.before.key, "tot": row.trend.after.key, "richting": row.trend.direction,
            "oordeel": row.trend.judgement or None,
            # Hidden when an end is: the change and the other end would give it away.
            "verandering": None if any(suppressed(by_period[p].value, publication)
                                       for p in (row.trend.before, row.trend.after)) else row.trend.change},
    }


# -- beheer: issuing and revoking tokens -------------------------------------------------------------------

admin_bp = Blueprint("api_tokens", __name__, url_prefix="/beheer/api-tokens")


@admin_bp.route("")
@role_required("admin")
def index():
    return render_template("api/tokens.html", page=request_page(operations.list_tokens()), now=utcnow(),
                           openapi_url=url_for("api.openapi", _external=True))


@admin_bp.route("/nieuw", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = ApiTokenForm(analysts=operations.eligible_analysts())
    if form.validate_on_submit():
        api_token, token = operations.issue_token(current_user, user=form.user, name=form.name.data,
                                                  expires_on=form.expires_on.data)
        db.session().commit()
        # Shown in this answer only (201: it made the token): not in a URL, not in a flashed message (that is the
        # session cookie), and never again.
        response = make_response(render_template("api/issued.html", api_token=api_token, token=token,
                                                 api_url=url_for("api.indicatoren", _external=True),
                                                 openapi_url=url_for("api.openapi", _external=True)), 201)
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template("api/new.html", form=form, has_analysts=bool(form.user_id.choices))


@admin_bp.route("/<int:token_id>/intrekken", methods=["GET", "POST"])
@role_required("admin")
def revoke(token_id):
    """Ask first (GET), then revoke (POST): a revoked token cannot be brought back."""
    api_token = db.get_or_404(ApiToken, token_id)
    if api_token.revoked_at is not None:
        flash(f"Het token ‘{api_token.name}’ was al ingetrokken.", "info")
        return redirect(url_for("api_tokens.index"))
    form = FlaskForm()
    if form.validate_on_submit():
        operations.revoke_token(current_user, api_token)
        db.session().commit()
        flash(f"Het token ‘{api_token.name}’ van {api_token.user.name} is ingetrokken en werkt niet meer.", "success")
        return redirect(url_for("api_tokens.index"))
    return render_template("api/revoke.html", api_token=api_token, form=form)
