"""Logging: one line per record with the request's path and user, and nothing a user typed.

Records never hold form data, query strings, cookies or result rows: the request line is the path alone
(the dev server's too), SQLAlchemy's statements leave their parameters out (`hide_parameters` in
`caseapp.db`) and its result rows are dropped, and a logged exception keeps its frames and type but not its
message, which can quote input (a database refusal quotes the value it refused).
"""

import logging
import re
import sys
import time
import traceback

from flask import g, has_request_context, request
from sqlalchemy import inspect

FORMAT = "%(asctime)s %(levelname)s %(name)s method=%(method)s path=%(path)s user=%(user_id)s %(message)s"


class RequestContext(logging.Filter):
    """Adds the request's method, path (without query string) and user id to every record, '-' outside one."""

    def filter(self, record):
        record.method = record.path = record.user_id = "-"
        if has_request_context():
            record.method, record.path = request.method, request.path
            record.user_id = _user_id()
        return True


def _user_id():
    """The id of the user the request loaded, read without touching the database (so it is safe in a log call)."""
    state = inspect(g.get("_login_user"), raiseerr=False)  # set by Flask-Login; None or anonymous is no state
    return state.identity[0] if state is not None and state.identity else "-"


class RedactException(logging.Filter):
    """Replaces a record's exception by its frames and type: its message may quote what was typed."""

    def filter(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info[1])
            record.exc_info = None
        return True


def redacted_traceback(error):
    """The traceback of `error` and the exceptions it came from, innermost last, without their messages."""
    parts, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = "".join(traceback.format_list(traceback.extract_tb(error.__traceback__)))
        parts.append(f"{frames}{type(error).__module__}.{type(error).__qualname__} (message not logged)\n")
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return "Traceback (most recent call last):\n" + "During handling of the above:\n".join(reversed(parts))


class OneLineFormatter(logging.Formatter):
    """The record on one line: a traceback's line breaks are escaped, so a log collector keeps it whole."""

    def format(self, record):
        if record.exc_info:  # a copy without the traceback text another handler may have cached, message and all
            record = logging.makeLogRecord({**record.__dict__, "exc_text": None})
        return super().format(record).replace("\n", "\\n")

    def formatException(self, exc_info):
        return redacted_traceback(exc_info[1])


def handler(stream=None):
    """The handler the app installs when nothing else is configured: one line per record on stderr."""
    result = logging.StreamHandler(stream or sys.stderr)
    result.setFormatter(OneLineFormatter(FORMAT))
    result.addFilter(RequestContext())
    return result


def _not_a_row(record):
    """SQLAlchemy logs result rows at DEBUG: they are personal data, so they never reach a handler."""
    return record.levelno > logging.DEBUG


def _without_query(record):
    """The dev server logs each request line; its query string can hold a search for a name, so it is cut."""
    if isinstance(record.args, tuple):
        record.args = tuple(re.sub(r"\?\S*", "", arg) if isinstance(arg, str) else arg for arg in record.args)
    return True


_redact_exception = RedactException()


def init_app(app):
    """Log one line per request; configure the root logger only when nothing else did (e.g. --log-config)."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(handler())
        root.setLevel(app.config["LOG_LEVEL"])
    # On the loggers themselves, so the records are clean whichever handler formats them. Adding the same
    # filter again (a second app) is a no-op.
    app.logger.addFilter(_redact_exception)  # Flask logs an unhandled exception here
    logging.getLogger("sqlalchemy.engine.Engine").addFilter(_not_a_row)
    logging.getLogger("werkzeug").addFilter(_without_query)
    requests = logging.getLogger("caseapp.request")

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        milliseconds = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
        requests.info("status=%s ms=%.0f", response.status_code, milliseconds)
        return response
