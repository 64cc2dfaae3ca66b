from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, backref, mapped_column, object_session, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.db import Base
from caseapp.documents import storage
from caseapp.enums import CARE_ORGANISATION_TYPES, NOTE_VISIBILITY, check_in
from caseapp.interventions.models import Intervention
from caseapp.organisations.models import Organisation

DOCUMENT_KINDS = {
    "upload": "Geüpload",
    "brief": "Brief",  # generated from a letter template
}


class Document(Base):
    """A file on a case, optionally on one of its interventions; the bytes live in DOCUMENT_STORAGE.

    `storage_key` is a random name: the user's filename never reaches the file system. Visibility works as
    for notes: a partner sees a document when its visibility admits their organisation or they uploaded it.
    """

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(check_in("visibility", NOTE_VISIBILITY), name="visibility"),
        CheckConstraint(check_in("kind", DOCUMENT_KINDS), name="kind"),
        CheckConstraint("size > 0", name="size_positive"),
        Index("ix_document_case_created", "case_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    # An intervention's documents stay on the case should the intervention ever go.
    intervention_id: Mapped[int | None] = mapped_column(ForeignKey("intervention.id", ondelete="SET NULL"),
                                                        index=True)
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10), default="upload")
    filename: Mapped[str] = mapped_column(String(255))  # sanitised; only for the download's Content-Disposition
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    visibility: Mapped[str] = mapped_column(String(20), default="intern")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime]

    # Deleting a case through the ORM deletes its documents through the ORM too, so their files go after the commit.
    case: Mapped[Case] = relationship(backref=backref("documents", cascade="all, delete-orphan"))
    intervention: Mapped[Intervention | None] = relationship()
    uploaded_by: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()

    @property
    def audience(self):
        """Who sees it, in words: the visibility, and the uploading partner, who always sees its own."""
        label = NOTE_VISIBILITY[self.visibility]
        if self.organisation.type == "gemeente" or self.visibility == "partners" or (
                self.visibility == "zorgpartners" and self.organisation.type in CARE_ORGANISATION_TYPES):
            return label
        if self.visibility == "intern":
            return f"Gemeente en {self.organisation.name}"
        return f"{label}, en {self.organisation.name}"

    @property
    def kind_label(self):
        return DOCUMENT_KINDS[self.kind]


@event.listens_for(Document, "after_delete")
def _remove_file_after_commit(_mapper, _connection, document):
    """However a document is deleted through the ORM (itself, or with its case), its file goes after the commit."""
    storage.remove_after_commit(object_session(document), document.storage_key)
