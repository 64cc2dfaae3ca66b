"""API tokens: how a BI tool (Power BI, Excel) reads the indicator values as one analyst."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp import AMSTERDAM
from caseapp.accounts.models import User
from caseapp.db import Base

# Why a token no longer works, as the admin list shows it; the API answers each with its own message.
REFUSALS = {
    "ingetrokken": "Ingetrokken",
    "verlopen": "Verlopen",
    "gebruiker": "Werkt niet: de gebruiker is gedeactiveerd of geen analist meer",
}


class ApiToken(Base):
    """A token an admin issued to an analyst. Only its SHA-256 is kept: the token itself is shown once."""

    __tablename__ = "api_token"
    __table_args__ = (
        CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)", name="revoked_by_someone"),
        CheckConstraint("expires_at IS NULL OR expires_at > created_at", name="expires_after_created"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # what it is for: "Power BI team veiligheid"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # its first characters, to recognise it in a BI tool's settings
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # the first moment it no longer works (naive UTC)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def expires_on(self):
        """The last Dutch calendar day on which it works, or None when it does not expire."""
        if self.expires_at is None:
            return None
        return (self.expires_at.replace(tzinfo=UTC).astimezone(AMSTERDAM) - timedelta(microseconds=1)).date()

    def refusal(self, now):
        """Why it does not work at `now` (a key of REFUSALS), or None when it does."""
        if self.revoked_at is not None:
            return "ingetrokken"
        if self.expires_at is not None and self.expires_at <= now:
            return "verlopen"
        if not self.user.active or self.user.role != "analyst":
            return "gebruiker"
        return None

    def status(self, now):
        """As the admin list shows it: Actief, or why it no longer works."""
        refusal = self.refusal(now)
        return REFUSALS[refusal] if refusal else "Actief"
