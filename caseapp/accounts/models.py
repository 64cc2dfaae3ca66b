from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.db import Base
from caseapp.enums import ROLES, check_in
from caseapp.organisations.models import Gemeente, Organisation

user_gemeente = Table(
    "user_gemeente",
    Base.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("gemeente_id", ForeignKey("gemeente.id"), primary_key=True, index=True),
)


class User(UserMixin, Base):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(check_in("role", ROLES), name="role"),
        CheckConstraint("failed_logins >= 0", name="failed_logins_not_negative"),
        CheckConstraint("(totp_secret IS NULL) = (totp_enrolled_at IS NULL)", name="second_factor_enrolled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    # Failed logins since the last success or lock; kept here so every worker process sees the same count.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None]
    # The second factor (TOTP, base32). The pending secret is one being enrolled: the current one keeps working
    # until a code of the new one confirms it. The last step is the newest time step whose code was accepted;
    # no code of that step or an earlier one is accepted again, so an observed code cannot be replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(32))
    totp_last_step: Mapped[int | None]
    totp_enrolled_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    gemeenten: Mapped[list[Gemeente]] = relationship(secondary=user_gemeente, order_by=Gemeente.name)

    @property
    def is_active(self):
        return self.active

    @property
    def has_second_factor(self):
        return self.totp_secret is not None

    @property
    def role_label(self):
        return ROLES[self.role]

    @property
    def gemeente_ids(self):
        return [gemeente.id for gemeente in self.gemeenten]

    def __str__(self):
        return self.name


class FailedLogin(Base):
    """A failed or refused login from a client address, for the per-address limit; pruned after the window."""

    __tablename__ = "failed_login"
    __table_args__ = (Index("ix_failed_login_address_at", "client_address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(index=True)


class RecoveryCode(Base):
    """A one-time recovery code for the second factor, stored as its SHA-256; deleted when used."""

    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class UserSession(Base):
    """A login on the server: its random id is in the signed session cookie, and every request checks it here.

    Ending the record (logout, password or second factor change, deactivation, timeout) ends the session
    wherever its cookie is, copies included.
    """

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
