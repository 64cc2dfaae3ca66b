"""No lost updates on the edit forms: a save based on an old version of a record is refused, never overwrites.

The form carries the version the user saw (`VersionedForm`); the operation compares it with the record's
(`check_version`) and flushes at once, so a save that raced past the comparison is caught by the version
column as well (`flush_or_conflict`). The refused form keeps what was typed, beside what is stored now.
"""

from datetime import date

from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, SelectField, SelectMultipleField

from caseapp import db
from caseapp.forms import Form, posted_int
from caseapp.workflow.engine import Conflict


class VersionedForm(Form):
    """A form that edits a record with a version column; the hidden field holds the version the user saw."""

    expected_version = HiddenField()

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        posted = self.is_submitted() and kwargs.get("formdata", True) is not None
        if record is not None and not posted:  # a posted form keeps the version it was opened with
            self.expected_version.data = record.version

    def version(self):
        return posted_int(self.expected_version.data)

    def refused(self, current):
        """After a refused save: what differs between `current` (the form filled from the record as it is
        now) and what the user typed, as (label, stored, typed) texts; the next save is based on now."""
        self.expected_version.data = current.expected_version.data
        return [(field.label.text, shown(current[name]), shown(field))
                for name, field in self._fields.items()
                if name not in ("csrf_token", "expected_version") and shown(current[name]) != shown(field)]


def shown(field):
    """A field's value as the user reads it: choice labels, Dutch dates."""
    data = field.data
    if isinstance(field, SelectMultipleField):
        chosen = set(data or ())
        return ", ".join(label for value, label in field.choices if value in chosen)
    if isinstance(field, SelectField):
        return next((label for value, label in field.choices if value == data), "") if data not in (None, "") else ""
    if isinstance(data, date):
        return data.strftime("%d-%m-%Y")
    return "" if data is None else str(data).strip()


def check_version(record, expected_version):
    """Refuse (Conflict) a save based on another version than the record's own.

    As in the workflow engine, a post without a version (not one of our forms) is not compared; the version
    column still refuses it when it races with another save.
    """
    if expected_version is not None and expected_version != record.version:
        raise Conflict()


def flush_or_conflict():
    """Write now: an UPDATE based on a version someone else just replaced changes nothing and is refused."""
    try:
        db.session().flush()
    except StaleDataError:
        raise Conflict() from None
