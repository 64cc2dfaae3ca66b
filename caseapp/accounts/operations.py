import re
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload
from zxcvbn import zxcvbn

from caseapp import db
from caseapp.accounts.models import FailedLogin, User
from caseapp.audit.operations import apply_changes, change_detail, record, utcnow

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when the e-mail address is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a real password")

MAX_FAILED_LOGINS = 5  # per account, then it is locked for LOCKOUT
MAX_FAILED_LOGINS_PER_ADDRESS = 20  # within LOCKOUT, over all accounts: slows guessing across many accounts
LOCKOUT = timedelta(minutes=15)

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
    """The active user with this e-mail and password, or None. Audits both outcomes.

    Refused, whatever the password, while the account is locked or the address has failed too often. The
    caller shows one message for every refusal, so it reveals neither whether an account exists nor whether
    it is locked.
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
    user.failed_logins, user.locked_until = 0, None
    user.last_login_at = now
    record(user, "login", record_type="user", record_id=user.id, at=now)
    db.session().commit()
    return user


def _refusal(user, client_address, now):
    """Why a login is refused whatever the password: the address failed too often, or the account is locked."""
    failures = db.session().scalar(select(func.count()).select_from(FailedLogin).where(
        FailedLogin.client_address == client_address, FailedLogin.at > now - LOCKOUT))
    if failures >= MAX_FAILED_LOGINS_PER_ADDRESS:
        return "address limit"
    if user is not None and user.locked_until is not None and user.locked_until > now:
        return "account locked"
    return ""


def _login_failed(user, client_address, now, refusal):
    """Count the failure against the address and, when the password was checked, the account; lock at the limit."""
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
    record(user, "login", record_type="user", record_id=user.id if user else None, outcome="denied",
           detail=refusal, at=now)


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
