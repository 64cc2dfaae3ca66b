from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, text
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

    organisation: Mapped[Organisation] = relationship()
    gemeenten: Mapped[list[Gemeente]] = relationship(secondary=user_gemeente, order_by=Gemeente.name)

    @property
    def is_active(self):
        return self.active

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
