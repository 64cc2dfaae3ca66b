"""Form pieces shared by every area."""

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectMultipleField, ValidationError, widgets
from wtforms.meta import DefaultMeta

from caseapp import db


class Form(FlaskForm):
    """A form whose built-in WTForms messages ("Ongeldige keuze.", "Ongeldige datum.") are Dutch."""

    class Meta:
        locales = ("nl",)

        def get_translations(self, form):
            # Flask-WTF only translates through Flask-Babel, which we do not use; WTForms ships Dutch itself.
            return DefaultMeta.get_translations(self, form)

    def __init__(self, *args, record=None, **kwargs):
        """`record` is the record being edited (None when creating): it fills the form and `Unique` skips it."""
        super().__init__(*args, obj=record, **kwargs)
        self.record = record


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
