"""API tokens: issue, revoke, list, and find the analyst a presented token belongs to."""

import hashlib
import secrets
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp import AMSTERDAM, db
from caseapp.accounts.models import User
from caseapp.api.models import ApiToken
from caseapp.audit.operations import record, utcnow

PREFIX = "cak_"  # caseapp key: recognisable in a BI tool's settings, and for secret scanners
TOKEN_BYTES = 32
SHOWN_CHARACTERS = 12  # the prefix and 8 random characters: enough to tell tokens apart, useless to guess with
TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is written at most this often: not a write per request


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def eligible_analysts():
    """Who can be given a token: active analysts, by name."""
    return db.session().scalars(
        select(User).where(User.role == "analyst", User.active.is_(True)).order_by(User.name, User.id)).all()


def list_tokens():
    """Every token, newest first, with its analyst."""
    return select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.created_at.desc(),
                                                                        ApiToken.id.desc())


def end_of_day(day):
    """The first moment (naive UTC) after the Dutch calendar day `day`: a token valid up to and including `day`."""
    start = datetime.combine(day + timedelta(days=1), time.min, tzinfo=AMSTERDAM)
    return start.astimezone(UTC).replace(tzinfo=None)


def issue_token(actor, *, user, name, expires_on=None):
    """A new token for `user` (an active analyst); returns the record and the token itself, which is not kept."""
    if user.role != "analyst" or not user.active:
        raise ValueError("API tokens are for active analysts only")
    token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    api_token = ApiToken(user=user, name=name.strip(), token_hash=digest(token), prefix=token[:SHOWN_CHARACTERS],
                         created_at=utcnow(), created_by=actor,
                         expires_at=end_of_day(expires_on) if expires_on else None)
    db.session().add(api_token)
    db.session().flush()
    until = f"valid through {expires_on.isoformat()}" if expires_on else "no expiry"
    record(actor, "create", record_type="api_token", record_id=api_token.id, detail=f"for user {user.id}, {until}")
    return api_token, token


def revoke_token(actor, api_token):
    """Revoke `api_token` from now on; False when it already was."""
    if api_token.revoked_at is not None:
        return False
    api_token.revoked_at, api_token.revoked_by = utcnow(), actor
    record(actor, "update", record_type="api_token", record_id=api_token.id,
           detail=f"revoked (user {api_token.user_id})")
    return True


def find_token(presented):
    """The token record whose hash is that of `presented`, or None.

    Looked up by its SHA-256, not compared with a stored token: a lookup's timing can at most tell an attacker
    something about the hash, and that brings them no closer to a token with that hash (32 random bytes cannot
    be guessed), so constant-time comparison has nothing to protect here.
    """
    if not presented.startswith(PREFIX) or len(presented) > 100:
        return None
    return db.session().scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(presented)).options(joinedload(ApiToken.user)))


def touch(api_token, now):
    """Note that the token was used, at most once per TOUCH_INTERVAL; the caller commits."""
    if api_token.last_used_at is None or now - api_token.last_used_at >= TOUCH_INTERVAL:
        api_token.last_used_at = now
