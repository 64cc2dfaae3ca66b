"""Server-side sessions: the signed cookie holds only a random session id, and every request checks its record.

A login is two steps. After the right password the cookie holds only who is half-way (`PENDING`), which gives
access to nothing; after the second factor `log_in` starts a new cookie and a new record. Logging out, a new
password, a second factor change and deactivation end the record, and with it every copy of the cookie.
"""

from datetime import datetime, timedelta

from flask import flash, g, redirect, request, session
from flask_login import login_url, login_user, logout_user
from sqlalchemy.orm import joinedload

from caseapp import db
from caseapp.accounts.models import User, UserSession
from caseapp.accounts.operations import (
    IDLE_TIMEOUT,
    SESSION_LIFETIME,
    complete_login,
    end_session,
    session_end_reason,
)
from caseapp.audit.operations import utcnow
from caseapp.extensions import login_manager

SESSION_ID = "session_id"  # the key of the record's id in the cookie
PENDING = "pending_login"  # the key of the half-way login: the user who gave the right password, and when
PENDING_LIFETIME = timedelta(minutes=10)  # time to type the code, or to enrol the app, after the password
TOUCH_INTERVAL = timedelta(minutes=1)  # last_seen_at is written at most this often: not a write per request

END_MESSAGES = {
    "ended": "Uw sessie is beëindigd. Log opnieuw in.",
    "idle": f"U bent uitgelogd omdat u {IDLE_TIMEOUT.seconds // 60} minuten niet actief was. Log opnieuw in.",
    "expired": f"U bent uitgelogd omdat u {SESSION_LIFETIME.seconds // 3600} uur ingelogd was. Log opnieuw in.",
}


def init_app(app):
    app.before_request(_check_session)
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)


def _check_session():
    """Find this request's session record and end it when it has run out; the user loader trusts only its result."""
    session_id = session.get(SESSION_ID)
    if session_id is None or request.endpoint == "static":
        return
    now = utcnow()
    user_session = db.session().get(UserSession, session_id, options=[joinedload(UserSession.user)])
    reason = session_end_reason(user_session, now)
    if reason:
        if reason != "ended":
            end_session(user_session, now, reason=f"session {reason}")
            db.session().commit()
        session.clear()
        g.session_end_reason = reason
        return
    if now - user_session.last_seen_at >= TOUCH_INTERVAL:
        user_session.last_seen_at = now
        db.session().commit()
    g.user_session = user_session


def _load_user(user_id):
    user_session = g.get("user_session")
    if user_session is None or str(user_session.user_id) != user_id:
        return None
    return user_session.user


def _unauthorized():
    """To the login page, saying why when the session ended (Flask-Login's own handler has one message for all)."""
    flash(END_MESSAGES.get(g.get("session_end_reason"), login_manager.login_message), "info")
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def begin_login(user, next_url):
    """Remember, in a fresh cookie, that `user` gave the right password: the second factor comes next."""
    session.clear()
    session[PENDING] = {"user_id": user.id, "at": utcnow().isoformat(), "next": next_url}


def pending_user():
    """The active user half-way through logging in, or None when nobody is or it took too long."""
    pending = session.get(PENDING)
    if not pending or utcnow() - datetime.fromisoformat(pending["at"]) > PENDING_LIFETIME:
        return None
    user = db.session().get(User, pending["user_id"])
    return user if user is not None and user.active else None


def pending_next():
    return session.get(PENDING, {}).get("next")


def drop_pending():
    session.pop(PENDING, None)


def log_in(user, how):
    """Log `user` in with a new cookie and a new session record (`how`: how the second factor was given).

    Nothing from the cookie before login survives it, so a cookie planted before login is useless after.
    """
    user_session = complete_login(user, how)
    db.session().commit()
    session.clear()
    session[SESSION_ID] = user_session.id
    login_user(user)


def current_session_id():
    return session.get(SESSION_ID)


def log_out():
    """End the current session on the server, so a copy of the cookie no longer works, and clear the cookie."""
    user_session = g.get("user_session")
    if user_session is not None:
        end_session(user_session)
        db.session().commit()
    logout_user()
    session.clear()
