"""Form pieces shared by every area."""

import re
from datetime import date

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectMultipleField, ValidationError, widgets
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation

from caseapp import db

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
YEARS = (1900, 2100)  # no date in casework lies outside; near year 1 or 9999 deadline arithmetic overflows


def no_control_characters(form, field):
    """Every field's first check: no keyboard types these (tab and line breaks are fine), and PostgreSQL cannot
    store NUL at all. It stops the field's other checks, so no query ever sees such a value."""
    if any(isinstance(value, str) and _CONTROL_CHARACTERS.search(value) for value in field.raw_data or ()):
        raise StopValidation("Dit veld bevat een teken dat niet is toegestaan.")


class Form(FlaskForm):
    """A form whose built-in WTForms messages ("Ongeldige keuze.", "Ongeldige datum.") are Dutch.

    Every field refuses control characters, and every date outside YEARS, so no form needs to remember it.
    """

    class Meta:
        locales = ("nl",)

        def get_translations(self, form):
            # Flask-WTF only translates through Flask-Babel, which we do not use; WTForms ships Dutch itself.
            return DefaultMeta.get_translations(self, form)

        def bind_field(self, form, unbound_field, options):
            field = DefaultMeta.bind_field(self, form, unbound_field, options)
            field.validators = [no_control_characters, *field.validators]
            return field

    def __init__(self, *args, record=None, **kwargs):
        """`record` is the record being edited (None when creating): it fills the form and `Unique` skips it."""
        super().__init__(*args, obj=record, **kwargs)
        self.record = record

    def validate(self, extra_validators=None):
        """The fields' checks, then YEARS: last, so a field's own rule about its date is the one shown."""
        valid = super().validate(extra_validators)
        for field in self:
            if not field.errors and isinstance(field.data, date) and not YEARS[0] <= field.data.year <= YEARS[1]:
                field.errors.append(f"Vul een datum tussen {YEARS[0]} en {YEARS[1]} in.")
                valid = False
        return valid


class FilterForm(Form):
    """A GET form that narrows a list; it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    def criteria(self):
        """The filled-in fields, as keyword arguments for the area's query function."""
        return {name: field.data for name, field in self._fields.items() if field.data not in (None, "", [])}


# The choice of a filter on an `active` flag; query functions take the value as `status`.
STATUS_CHOICES = [("", "Alle"), ("actief", "Actief"), ("gedeactiveerd", "Gedeactiveerd")]


def strip(value):
    """A field filter: surrounding spaces never count."""
    return value.strip() if isinstance(value, str) else value


def posted_int(value):
    """A posted number (a version, an id) as an int, or None for anything else. Only ASCII digits, at most 9,
    so it fits PostgreSQL's integer ("²".isdigit() holds, yet int("²") fails; int() refuses 4301 digits)."""
    return int(value) if isinstance(value, str) and re.fullmatch(r"[0-9]{1,9}", value) else None


def optional_int(value):
    """Coerce a select's value to an int, with "" (the "all" choice) as None."""
    return int(value) if value not in (None, "") else None


class Unique:
    """A validator: no other record holds this value, compared case-insensitively.

    `scope(form)`, if given, is a WHERE clause that limits the comparison (a wijk's name within its gemeente).
    """

    def __init__(self, column, message, scope=None):
        self.column = column
        self.message = message
        self.scope = scope

    def __call__(self, form, field):
        if not field.data:
            return
        model = self.column.class_
        # lower() on both sides, so the comparison is the database's own (SQLite only folds ASCII).
        statement = select(model.id).where(func.lower(self.column) == func.lower(field.data))
        if self.scope is not None:
            statement = statement.where(self.scope(form))
        if form.record is not None:
            statement = statement.where(model.id != form.record.id)
        if db.session().scalar(statement.limit(1)) is not None:
            raise ValidationError(self.message)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a group of checkboxes, which is usable without JavaScript."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
