"""Where document files live: a folder outside the database (DOCUMENT_STORAGE), under random names.

A file is received into a temporary file and renamed into place, so nobody ever reads half a file. Files follow
the database transaction: one put in place by a transaction that does not commit is removed when that
transaction ends, and the file of a deleted document is removed only after the deletion is committed.
"""

import atexit
import hashlib
import logging
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from caseapp import ROOT

CHUNK = 64 * 1024
INCOMING = ".incoming"  # received files wait here: same file system, so the rename into place is atomic
_WRITTEN, _REMOVED = "documents_written", "documents_removed"  # keys in Session.info
log = logging.getLogger(__name__)


def init_app(app):
    """Settle the storage folder (a throwaway one for a test app) and make sure it exists."""
    configured = app.config.get("DOCUMENT_STORAGE") or ""
    if configured:
        folder = Path(configured)
        folder = folder if folder.is_absolute() else ROOT / folder
    elif app.testing:
        folder = Path(tempfile.mkdtemp(prefix="caseapp-documents-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    else:
        raise RuntimeError("DOCUMENT_STORAGE must name the folder where uploaded documents are kept")
    (folder / INCOMING).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config["DOCUMENT_STORAGE"] = str(folder)


def folder():
    return Path(current_app.config["DOCUMENT_STORAGE"])


def path_of(key, root=None):
    """Two hex characters of fan-out, so no folder holds more than a few thousand of a million files."""
    return Path(root or folder()) / key[:2] / key


@dataclass
class Received:
    """An upload in a temporary file: not yet a document, and removed again unless it is kept."""

    path: Path
    size: int
    sha256: str

    def head(self, length=8192):
        with self.path.open("rb") as file:
            return file.read(length)

    def read(self):
        return self.path.read_bytes()

    def discard(self):
        self.path.unlink(missing_ok=True)


def receive(stream, max_bytes):
    """Copy `stream` into a temporary file, hashing it on the way; stops reading after `max_bytes` + 1 bytes."""
    handle, name = tempfile.mkstemp(dir=folder() / INCOMING)  # mode 0600
    path, digest, size = Path(name), hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            while size <= max_bytes and (chunk := stream.read(min(CHUNK, max_bytes + 1 - size))):
                size += len(chunk)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path, size, digest.hexdigest())


def keep(session, received):
    """Move a received file into place under a new random key; it goes again if `session` does not commit."""
    key = secrets.token_hex(16)
    target = path_of(key)
    target.parent.mkdir(mode=0o700, exist_ok=True)
    os.replace(received.path, target)
    session.info.setdefault(_WRITTEN, []).append(target)
    return key


def remove_after_commit(session, key):
    if has_app_context():  # the app knows the folder; outside it (a test's own session) no files are involved
        session.info.setdefault(_REMOVED, []).append(path_of(key))


def _remove(path):
    try:
        path.unlink(missing_ok=True)
    except OSError:  # the transaction is done either way; `flask documents check` finds what is left behind
        log.warning("document file %s could not be removed", path.name)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop(_WRITTEN, None)  # committed rows refer to them now
    for path in session.info.pop(_REMOVED, ()):
        _remove(path)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    """The outermost transaction ended: files it put in place without committing (a rollback, a failed commit)
    are orphans, and deletions it did not commit keep their files."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(_WRITTEN, ()):
        _remove(path)
    session.info.pop(_REMOVED, None)


def sha256_of(path):
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def files():
    """Every file in the storage: kept ones, and received ones an interrupted upload left behind."""
    yield from (path for path in folder().glob("??/*") if path.is_file())
    yield from (path for path in (folder() / INCOMING).iterdir() if path.is_file())
