from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from caseapp import db
from caseapp.accounts.models import User
from caseapp.audit.operations import apply_changes, change_detail, record, utcnow

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
