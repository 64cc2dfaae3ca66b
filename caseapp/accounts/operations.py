import hashlib
import hmac
import re
import secrets
from datetime import UTC, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload
from zxcvbn import zxcvbn

from caseapp import db
from caseapp.accounts.models import FailedLogin, RecoveryCode, User, UserSession
from caseapp.audit.operations import apply_changes, change_detail, record, utcnow

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when the e-mail address is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a real password")

MAX_FAILED_LOGINS = 5  # per account, then it is locked for LOCKOUT
MAX_FAILED_LOGINS_PER_ADDRESS = 20  # within LOCKOUT, over all accounts: slows guessing across many accounts
LOCKOUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=15)  # a session unused this long has ended
SESSION_LIFETIME = timedelta(hours=10)  # and one this old, however busy

PASSWORD_LENGTH = (12, 128)
MIN_PASSWORD_SCORE = 3  # zxcvbn: 3 is "safely unguessable", about 10^8 guesses or more
# Words our users would reach for that zxcvbn's (English) lists do not hold.
_SITE_WORDS = ("wachtwoord", "welkom", "geheim", "inloggen", "gemeente", "zorg", "veiligheid", "casus", "beheer")
# What zxcvbn found, in Dutch: its own feedback is English.
_WEAKNESSES = {
    "user_inputs": "het bevat uw naam of e-mailadres",
    "dictionary": "het lijkt op een veelgebruikt wachtwoord of woord",
    "repeat": "het herhaalt tekens of woorden",
    "sequence": "het bevat een reeks zoals abcd of 1234",
    "spatial": "het bevat een toetsenbordpatroon zoals qwerty",
    "date": "het bevat een datum of jaartal",
    "regex": "het bevat een datum of jaartal",
}


def hash_password(password):
    return _hasher.hash(password)


def password_problem(password, user_inputs=()):
    """Why `password` may not be used (Dutch, for the user), or None: 12 to 128 characters, hard to guess."""
    shortest, longest = PASSWORD_LENGTH
    if not shortest <= len(password) <= longest:
        return f"Kies een wachtwoord van {shortest} tot {longest} tekens."
    words = {word for text in user_inputs for word in (text.lower(), *re.split(r"\W+", text.lower())) if word}
    result = zxcvbn(password, user_inputs=[*sorted(words), *_SITE_WORDS], max_length=longest)
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    found = dict.fromkeys(
        _WEAKNESSES["user_inputs" if match.get("matched_word") in words else match["pattern"]]
        for match in result["sequence"] if match["pattern"] in _WEAKNESSES
    )
    reasons = f" ({'; '.join(found)})" if found else ""
    return (f"Dit wachtwoord is te makkelijk te raden{reasons}. "
            "Kies bijvoorbeeld een zin van vier of meer woorden die niet vaak samen voorkomen.")


def find_user_by_email(email):
    return db.session().scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email, password, client_address, now=None):
    """The active user with this e-mail and password, or None: the first step of a login. Audits both outcomes.

    Refused, whatever the password, while the account is locked or the address has failed too often. The
    caller shows one message for every refusal, so it reveals neither whether an account exists nor whether
    it is locked. The failure count is reset only by `complete_login`, after the second factor: otherwise
    whoever knows the password could reset it between guesses at the code.
    """
    now = now or utcnow()
    user = find_user_by_email(email)
    try:  # always verified, so a refusal takes as long as a check
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        password_ok = False
    else:
        password_ok = user is not None
    refusal = _refusal(user, client_address, now)
    if refusal or not password_ok or not user.active:
        _login_failed(user, client_address, now, refusal)
        db.session().commit()
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record(user, "login", record_type="user", record_id=user.id, detail="password accepted", at=now)
    db.session().commit()
    return user


def complete_login(user, how, now=None):
    """Log `user` in, both factors given (`how` says how), and open their server-side session; the caller commits.

    Resets the failure count and prunes the sessions past their lifetime, whoever's they were.
    """
    now = now or utcnow()
    user.failed_logins, user.locked_until = 0, None
    user.last_login_at = now
    record(user, "login", record_type="user", record_id=user.id, detail=how, at=now)
    session = db.session()
    session.execute(delete(UserSession).where(UserSession.created_at <= now - SESSION_LIFETIME))
    user_session = UserSession(id=secrets.token_urlsafe(32), user=user, created_at=now, last_seen_at=now)
    session.add(user_session)
    return user_session


def _refusal(user, client_address, now):
    """Why a login is refused whatever the password: the address failed too often, or the account is locked."""
    failures = db.session().scalar(select(func.count()).select_from(FailedLogin).where(
        FailedLogin.client_address == client_address, FailedLogin.at > now - LOCKOUT))
    if failures >= MAX_FAILED_LOGINS_PER_ADDRESS:
        return "address limit"
    if user is not None and user.locked_until is not None and user.locked_until > now:
        return "account locked"
    return ""


def _login_failed(user, client_address, now, refusal, action="login", what=""):
    """Count the failure against the address and, when the password or code was checked, the account; lock at the
    limit. Audited as `action`, with `what` failed and why it was refused."""
    session = db.session()
    session.execute(delete(FailedLogin).where(FailedLogin.at <= now - LOCKOUT))
    session.add(FailedLogin(client_address=client_address, at=now))
    if user is not None and not refusal:
        # Incremented in the database, so concurrent failures in other workers are all counted.
        failed = session.scalar(update(User).where(User.id == user.id)
                                .values(failed_logins=User.failed_logins + 1).returning(User.failed_logins))
        if failed >= MAX_FAILED_LOGINS:
            user.failed_logins, user.locked_until = 0, now + LOCKOUT
            refusal = "account locked now"
    record(user, action, record_type="user", record_id=user.id if user else None, outcome="denied",
           detail="; ".join(filter(None, (what, refusal))), at=now)


def is_locked(user, client_address, now=None):
    """Whether codes from this user and address are refused now, right or wrong (the login lockout)."""
    return bool(_refusal(user, client_address, now or utcnow()))


# -- second factor ------------------------------------------------------------------------------------

ISSUER = "Zorg en Veiligheid"  # the name authenticator apps show beside the account
TIME_STEP_WINDOW = 1  # codes of one time step (30 seconds) before and after the current one are accepted too
RECOVERY_CODE_COUNT = 10
# 16 characters from 31 that cannot be mistaken for each other on paper (no 0/o, 1/i/l): 79 bits.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 16


def check_second_factor(user, client_address, *, code="", recovery_code="", action="login", now=None):
    """How `user` proved the second factor ('totp code' or 'recovery code'), or None; a used code is spent.

    A failure counts towards the login lockout and is audited as `action`; while the account or address is
    locked every code is refused.
    """
    now = now or utcnow()
    refusal = _refusal(user, client_address, now)
    if refusal:
        how = None
    elif code:
        how = "totp code" if user.totp_secret and _accept_totp(user, code, now) else None
    else:
        how = "recovery code" if recovery_code and _spend_recovery_code(user, recovery_code) else None
    if how is None:
        _login_failed(user, client_address, now, refusal, action,
                      what="wrong recovery code" if recovery_code else "wrong second factor code")
    return how


def _accept_totp(user, code, now):
    """Whether `code` is a code of the user's secret within the window, of a step newer than the last accepted.

    The step is claimed in one conditional UPDATE, so of two requests with the same code only one succeeds.
    """
    step = _matching_step(user.totp_secret, code, now)
    if step is None:
        return False
    claimed = db.session().execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step))
    return claimed.rowcount == 1


def _matching_step(secret, code, now):
    """The time step within the window around `now` whose code of `secret` is `code`, or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now.replace(tzinfo=UTC))
    for step in range(current - TIME_STEP_WINDOW, current + TIME_STEP_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _spend_recovery_code(user, code):
    deleted = db.session().execute(delete(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_code_hash(code)))
    return deleted.rowcount == 1


def _recovery_code_hash(code):
    """SHA-256 of the code without case, spaces or dashes.

    A fast hash is enough: the codes are random with 79 bits, far beyond guessing even offline, unlike a
    password. Argon2 would take about a second for the 10 codes at every check on this hardware, and needs a
    loop over them where a hash can be looked up.
    """
    normalised = re.sub(r"[^a-z0-9]", "", code.lower())
    return hashlib.sha256(normalised.encode()).hexdigest()


def recovery_codes_left(user):
    return db.session().scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _new_recovery_codes(user, now):
    """Replace the user's recovery codes by new ones; the plain codes are returned to be shown once."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session = db.session()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_code_hash(code), created_at=now)
                    for code in codes)
    return codes


def _new_recovery_code():
    """Random characters in groups of four, easier to copy: abcd-efgh-jkmn-pqrs."""
    code = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(code[start:start + 4] for start in range(0, _RECOVERY_LENGTH, 4))


def start_enrolment(user, how=None, now=None):
    """Give `user` a new pending secret to enrol; a second factor they have keeps working until it is confirmed.

    `how` is how an enrolled user proved their current second factor to start again, for the audit.
    """
    user.totp_pending_secret = pyotp.random_base32()
    if how is not None:
        record(user, "update", record_type="user", record_id=user.id,
               detail=f"second factor re-enrolment started after {how}", at=now or utcnow())


def enrolment_uri(user):
    """The pending secret as the otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_pending_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def confirm_enrolment(user, code, keep_session=None, now=None):
    """Make the pending secret the user's second factor if `code` is one of its codes; the new recovery codes.

    The user's sessions end, but for `keep_session` (the id of the one confirming it). Returns None, audited,
    for a wrong code. That does not count towards the lockout: the secret was made moments ago for whoever
    holds this login or session, so there is nothing to guess.
    """
    now = now or utcnow()
    secret = user.totp_pending_secret
    step = _matching_step(secret, code, now) if secret else None
    if step is None:
        record(user, "update", record_type="user", record_id=user.id, outcome="denied",
               detail="second factor enrolment: wrong code", at=now)
        return None
    # The step of the confirming code counts as used; steps of an earlier secret say nothing about this one.
    user.totp_secret, user.totp_pending_secret, user.totp_enrolled_at = secret, None, now
    user.totp_last_step = step
    end_sessions(user, now, keep=keep_session)
    record(user, "update", record_type="user", record_id=user.id, detail="second factor enrolled", at=now)
    return _new_recovery_codes(user, now)


def renew_recovery_codes(user, how, keep_session=None, now=None):
    """New recovery codes for `user`, who just proved the second factor (`how`); the old ones stop working, and
    so do the user's sessions but for `keep_session`."""
    now = now or utcnow()
    end_sessions(user, now, keep=keep_session)
    record(user, "update", record_type="user", record_id=user.id, detail=f"recovery codes renewed after {how}",
           at=now)
    return _new_recovery_codes(user, now)


def reset_second_factor(actor, user, now=None):
    """Remove the user's second factor and recovery codes and end their sessions: they enrol at their next login."""
    now = now or utcnow()
    user.totp_secret = user.totp_pending_secret = user.totp_enrolled_at = user.totp_last_step = None
    db.session().execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_sessions(user, now)
    record(actor, "update", record_type="user", record_id=user.id, detail="second factor reset", at=now)


# -- server-side sessions -----------------------------------------------------------------------------


def session_end_reason(user_session, now):
    """Why this session is no longer valid ('ended', 'idle', 'expired'), or '' while it is."""
    if user_session is None or user_session.ended_at is not None or not user_session.user.active:
        return "ended"
    if now - user_session.created_at >= SESSION_LIFETIME:
        return "expired"
    if now - user_session.last_seen_at >= IDLE_TIMEOUT:
        return "idle"
    return ""


def end_session(user_session, now=None, reason=""):
    """End one session (the caller commits) and audit it as a logout, saying why unless the user chose it."""
    now = now or utcnow()
    user_session.ended_at = now
    record(user_session.user, "logout", record_type="user", record_id=user_session.user_id, detail=reason, at=now)


def end_sessions(user, now=None, keep=None):
    """End every open session of `user`, except the one with id `keep`: copies of their cookies stop working."""
    statement = (update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                 .values(ended_at=now or utcnow()))
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    db.session().execute(statement)


def create_user(actor, *, email, name, password, role, organisation, gemeenten):
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
        organisation=organisation,
        gemeenten=list(gemeenten),
        created_at=utcnow(),
    )
    db.session().add(user)
    db.session().flush()
    record(actor, "create", record_type="user", record_id=user.id)
    return user


def update_user(actor, user, *, email, name, role, organisation, gemeenten, active, password=None):
    changed = apply_changes(user, email=email.strip().lower(), name=name.strip(), role=role,
                            organisation=organisation, active=active)
    if set(user.gemeente_ids) != {gemeente.id for gemeente in gemeenten}:
        user.gemeenten = list(gemeenten)
        changed.append("gemeenten")
    if password:
        user.password_hash = hash_password(password)
        changed.append("password reset")
    if password or "active=False" in changed:
        end_sessions(user)  # the old password, or the account, no longer holds: neither do its sessions
    record(actor, "update", record_type="user", record_id=user.id, detail=change_detail(changed))
    return user


def all_users():
    """Every user, active or not, by name: for choosing whose audit trail to read."""
    return db.session().scalars(select(User).order_by(User.name, User.id)).all()


def search_users(*, q=None, role=None, organisation_id=None, status=None):
    """Users matching every given criterion, by name; `q` is part of the name or e-mail address."""
    statement = select(User).options(joinedload(User.organisation), selectinload(User.gemeenten))
    if q:
        statement = statement.where(or_(User.name.icontains(q, autoescape=True),
                                        User.email.icontains(q, autoescape=True)))
    if role:
        statement = statement.where(User.role == role)
    if organisation_id is not None:
        statement = statement.where(User.organisation_id == organisation_id)
    if status:
        statement = statement.where(User.active.is_(status == "actief"))
    return statement.order_by(User.name, User.id)
