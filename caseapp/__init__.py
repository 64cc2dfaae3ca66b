"""caseapp: case management for zorg- en veiligheid and woonoverlast casework."""

from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, render_template
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from caseapp import db, logs, security
from caseapp.extensions import csrf, login_manager, mail

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ROOT = Path(__file__).resolve().parent.parent


class RecordId(IntegerConverter):
    """`<int:...>` in every route, up to the largest id PostgreSQL's integer holds: beyond it is a 404, not an error."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **{"max": 2**31 - 1, **kwargs})


def create_app(config_name=None, **overrides):
    """The application factory; `config_name` or CASEAPP_ENV picks the configuration."""
    from config import get_config

    config = get_config(config_name)
    config.check()
    app = Flask(__name__, template_folder=str(ROOT / "templates"), instance_path=str(ROOT / "instance"))
    app.url_map.converters["int"] = RecordId  # before the first route
    app.config.from_object(config)
    app.config.update(overrides)
    if app.config["PROXY_HOPS"]:
        # Trust the X-Forwarded-For and -Proto that this many proxies in front of the app added, so
        # request.remote_addr (audit log, login throttling) is the client's; the headers are ignored otherwise.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    logs.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    from caseapp import sessions  # here: it imports the models, which need this package first

    sessions.init_app(app)
    mail.init_app(app)
    security.init_app(app)
    from caseapp.documents import storage  # here: it imports the models, which need this package first

    storage.init_app(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_template_helpers(app)

    from caseapp.cli import register_commands

    register_commands(app)
    return app


def _register_blueprints(app):
    from caseapp.accounts.views import bp as accounts_bp
    from caseapp.api.views import admin_bp as api_tokens_bp
    from caseapp.api.views import bp as api_bp
    from caseapp.audit.views import bp as audit_bp
    from caseapp.cases.views import bp as cases_bp
    from caseapp.conferences.views import bp as conferences_bp
    from caseapp.deadlines.views import bp as deadlines_bp
    from caseapp.documents.views import bp as documents_bp
    from caseapp.home import bp as home_bp
    from caseapp.indicators.import_views import bp as indicator_imports_bp
    from caseapp.indicators.views import bp as indicators_bp
    from caseapp.interventions.views import bp as interventions_bp
    from caseapp.letters.views import bp as letters_bp
    from caseapp.meldingen.views import bp as meldingen_bp
    from caseapp.notifications.views import bp as notifications_bp
    from caseapp.organisations.views import bp as organisations_bp
    from caseapp.persons.views import bp as persons_bp
    from caseapp.plans.views import bp as plans_bp
    from caseapp.reports.views import bp as reports_bp
    from caseapp.retention.views import bp as retention_bp
    from caseapp.workflow.views import bp as workflow_bp

    for blueprint in (home_bp, accounts_bp, organisations_bp, cases_bp, interventions_bp, workflow_bp, deadlines_bp,
                      notifications_bp, persons_bp, audit_bp, reports_bp, retention_bp, documents_bp, letters_bp,
                      meldingen_bp, plans_bp, conferences_bp, indicators_bp, indicator_imports_bp, api_bp,
                      api_tokens_bp):
        app.register_blueprint(blueprint)


def _register_error_pages(app):
    messages = {
        400: ("Ongeldig verzoek", "Het verzoek kon niet worden verwerkt. Probeer het opnieuw."),
        403: ("Geen toegang", "U heeft geen toegang tot dit onderdeel."),
        404: ("Niet gevonden", "Deze pagina bestaat niet of u heeft er geen toegang toe."),
        405: ("Niet toegestaan", "Deze handeling is op deze pagina niet toegestaan."),
        500: ("Er ging iets mis", "Er is een fout opgetreden. De fout is vastgelegd; probeer het later opnieuw."),
    }

    from caseapp.api.views import http_error, is_api_request

    def handler(error):
        code = getattr(error, "code", 500) or 500
        if is_api_request():  # a BI tool reads JSON, also for a URL no route matches
            return http_error(code)
        title, text = messages.get(code, messages[500])
        return render_template("error.html", code=code, title=title, text=text), code

    for code in messages:
        app.register_error_handler(code, handler)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        text = "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens."
        return render_template("error.html", code=400, title="Formulier verlopen", text=text), 400


def _register_template_helpers(app):
    from caseapp import enums

    @app.context_processor
    def inject_enums():
        return {"enums": enums}

    @app.context_processor
    def inject_unread_notifications():
        """The header's unread count: counted once per request, and only when the header shows it."""
        from flask import g
        from flask_login import current_user

        from caseapp.notifications.operations import unread_count

        def unread_notifications():
            if "unread_notifications" not in g:
                g.unread_notifications = unread_count(current_user)
            return g.unread_notifications

        return {"unread_notifications": unread_notifications}

    @app.template_filter("datum")
    def format_date(value):
        return value.strftime("%d-%m-%Y") if value else ""

    @app.template_filter("tijdstip")
    def format_datetime(value):
        """Stored times are naive UTC; users read them in Dutch local time."""
        if not value:
            return ""
        return value.replace(tzinfo=UTC).astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
