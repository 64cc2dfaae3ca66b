from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from caseapp import db
from caseapp.accounts.models import User
from caseapp.audit.operations import record, utcnow

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when the e-mail address is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password):
    return _hasher.hash(password)


def find_user_by_email(email):
    return db.session().scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email, password):
    """The active user with this e-mail and password, or None. Audits both outcomes."""
    user = find_user_by_email(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user_ok = False
    else:
        user_ok = user is not None and user.active
    if not user_ok:
        record(user, "login", record_type="user", record_id=user.id if user else None, outcome="denied")
        db.session().commit()
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record(user, "login", record_type="user", record_id=user.id)
    db.session().commit()
    return user


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
    user.email = email.strip().lower()
    user.name = name.strip()
    user.role = role
    user.organisation = organisation
    user.gemeenten = list(gemeenten)
    user.active = active
    if password:
        user.password_hash = hash_password(password)
    record(actor, "update", record_type="user", record_id=user.id, detail="password reset" if password else "")
    return user
