"""Documents: adding a file to a case or intervention, listing, downloading and deleting; each one audited."""

import io
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp import db
from caseapp.access import visible_documents
from caseapp.audit.operations import record, utcnow
from caseapp.documents import storage
from caseapp.documents.filetypes import Refused, clean_filename, detect, download_name
from caseapp.documents.models import Document

EMPTY = "Het bestand is leeg. Kies een bestand met inhoud."


def max_bytes():
    return current_app.config["DOCUMENT_MAX_BYTES"]


def size_label(size):
    """A size as people read it: '20 MB', '1,5 MB', '12 kB', '300 bytes'."""
    for unit, factor in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0").replace(".", ",") + f" {unit}"
    return f"{size} bytes"


def too_large_message():
    return (f"Het bestand is groter dan {size_label(max_bytes())}, de grens voor één document. Verklein het "
            "(bijvoorbeeld een scan met een lagere resolutie) of splits het op.")


def add_upload(user, case, *, stream, filename, title, note="", visibility="intern", intervention=None, now=None):
    """Keep an uploaded file as a document on `case`. Raises Refused, and keeps nothing, when the file is empty,
    too large or not of an accepted type: the type is read from the content, and must match the name."""
    received = storage.receive(stream, max_bytes())
    try:
        if received.size == 0:
            raise Refused(EMPTY)
        if received.size > max_bytes():
            raise Refused(too_large_message())
        name = clean_filename(filename)
        file_type = detect(received, name)
        return _add(user, case, received, file_type.content_type, download_name(name, file_type), kind="upload",
                    title=title, note=note, visibility=visibility, intervention=intervention, now=now)
    finally:
        received.discard()  # a no-op once the file has been kept: it has moved


def add_generated(user, case, content, *, content_type, filename, title, visibility="intern", intervention=None,
                  now=None):
    """Keep a file the app made itself (a letter) as a document on `case`."""
    received = storage.receive(io.BytesIO(content), len(content))
    try:
        return _add(user, case, received, content_type, filename, kind="brief", title=title, note="",
                    visibility=visibility, intervention=intervention, now=now)
    finally:
        received.discard()


def _add(user, case, received, content_type, filename, *, kind, title, note, visibility, intervention, now):
    if intervention is not None and intervention.case_id != case.id:
        raise ValueError("the intervention is not on this case")
    session = db.session()
    document = Document(case=case, intervention=intervention, title=title, note=note, kind=kind, filename=filename,
                        content_type=content_type, size=received.size, sha256=received.sha256,
                        storage_key=storage.keep(session, received), visibility=visibility, uploaded_by=user,
                        organisation_id=user.organisation_id, created_at=now or utcnow())
    session.add(document)
    session.flush()
    # The title and file name may name people: the audit entry says only what kind of file it was.
    record(user, "create", record_type="document", record_id=document.id, case_id=case.id,
           detail=f"{kind}, {content_type.split(';')[0]}, {received.size} bytes", at=document.created_at)
    return document


def documents_of(user, case, intervention=None):
    """The documents on `case` (or on one of its interventions) that `user` may see, newest first."""
    statement = visible_documents(user).where(Document.case_id == case.id)
    if intervention is not None:
        statement = statement.where(Document.intervention_id == intervention.id)
    return statement.options(selectinload(Document.uploaded_by), selectinload(Document.organisation),
                             selectinload(Document.intervention)).order_by(Document.created_at.desc(),
                                                                           Document.id.desc())


def may_delete(user, document):
    """A coordinator may delete any document they see; a partner user only what their organisation added."""
    return user.role == "coordinator" or (user.role == "partner" and document.organisation_id == user.organisation_id)


def delete_document(user, document):
    """Delete the document; its file is removed after the commit (see caseapp.documents.storage)."""
    record(user, "delete", record_type="document", record_id=document.id, case_id=document.case_id,
           detail=document.kind)
    db.session().delete(document)


def delete_documents_of(case):
    """Delete every document of `case`, for the retention purge (which audits the purge itself): the rows now,
    their files after the commit."""
    session = db.session()
    for document in session.scalars(select(Document).where(Document.case_id == case.id)):
        session.delete(document)
    return ()


def record_download(user, document):
    record(user, "download", record_type="document", record_id=document.id, case_id=document.case_id)


def file_of(document):
    return storage.path_of(document.storage_key)


ORPHAN_AGE_SECONDS = 24 * 3600  # younger files may belong to an upload whose transaction is still open


@dataclass
class StorageReport:
    checked: int = 0
    missing: list = field(default_factory=list)  # document ids whose file is gone
    changed: list = field(default_factory=list)  # document ids whose file has another size or checksum
    orphans: list = field(default_factory=list)  # paths no document refers to


def check_storage(*, checksums=False, remove_orphans=False):
    """Compare the storage folder with the database, e.g. after restoring a backup."""
    report, known = StorageReport(), set()
    rows = db.session().execute(select(Document.id, Document.storage_key, Document.size, Document.sha256)
                                .order_by(Document.id).execution_options(yield_per=1000))
    for document_id, key, size, sha256 in rows:
        known.add(key)
        report.checked += 1
        path = storage.path_of(key)
        if not path.is_file():
            report.missing.append(document_id)
        elif path.stat().st_size != size or (checksums and storage.sha256_of(path) != sha256):
            report.changed.append(document_id)
    cutoff = time.time() - ORPHAN_AGE_SECONDS
    for path in storage.files():
        if path.name not in known and path.stat().st_mtime < cutoff:
            report.orphans.append(path)
            if remove_orphans:
                path.unlink(missing_ok=True)
    return report
