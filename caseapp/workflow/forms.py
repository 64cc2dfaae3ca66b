"""Forms built from a transition's declared fields, so every procedure step gets its form without writing one."""

from datetime import UTC
from types import SimpleNamespace

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from caseapp import AMSTERDAM
from caseapp.forms import Form, optional_int, posted_int

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _to_utc(value):
    """A moment typed in Dutch local time, as naive UTC."""
    return value.replace(tzinfo=AMSTERDAM).astimezone(UTC).replace(tzinfo=None)


def _to_local(value):
    return value.replace(tzinfo=UTC).astimezone(AMSTERDAM).replace(tzinfo=None)


def _wtforms_field(spec, choices):
    required = [DataRequired(f"Vul ‘{spec.label}’ in.")] if spec.required else [Optional()]
    # For typed values, "required" is about the input only, so a bad date still says "Ongeldige datum.".
    typed = [InputRequired(f"Vul ‘{spec.label}’ in.")] if spec.required else [Optional()]
    hint = {"description": spec.hint} if spec.hint else {}
    if spec.kind == "date":
        return DateField(spec.label, validators=typed, **hint)
    if spec.kind == "datetime":
        return DateTimeLocalField(spec.label, format=DATETIME_FORMAT, validators=typed, **hint)
    if spec.kind == "int":
        return IntegerField(spec.label, validators=[*typed, NumberRange(min=0, max=1000)], **hint)
    if spec.kind == "bool":
        return BooleanField(spec.label, **hint)
    if spec.kind == "text":
        return StringField(spec.label, validators=[*required, Length(max=200)], **hint)
    if spec.kind == "textarea":
        return TextAreaField(spec.label, validators=[*required, Length(max=5000)], **hint)
    empty = [("", "Kies…")]
    if spec.kind == "choice":
        return SelectField(spec.label, choices=empty + list(spec.choices.items()), validators=required, **hint)
    # person or organisation: the records the view offers
    options = [(record.id, str(record)) for record in choices.get(spec.kind, ())]
    return SelectField(spec.label, coerce=optional_int, choices=[("", "Kies…" if spec.required else "Geen")] + options,
                       validators=required, **hint)


class TransitionForm(Form):
    """Base of the generated forms: a reason, and the version of the record the user saw."""

    expected_version = HiddenField()

    def values(self):
        """The typed values as the engine takes them: UTC moments, records instead of ids."""
        values = {}
        for spec in self.transition.fields:
            data = self[spec.name].data
            if spec.kind == "datetime" and data is not None:
                data = _to_utc(data)
            elif spec.kind in ("person", "organisation"):
                data = self._records[spec.kind].get(data)
            elif spec.kind in ("text", "textarea"):
                data = (data or "").strip()
            values[spec.name] = data
        return values

    def version(self):
        return posted_int(self.expected_version.data)


def transition_form(transition, subject, *, now, persons=(), organisations=(), formdata=None):
    """The form of one transition, prefixed with its name so several fit on one page.

    Without `formdata` it starts with the declared defaults. `persons` and `organisations` are what a
    person or organisation field may choose from.
    """
    choices = {"person": persons, "organisation": organisations}
    attributes = {spec.name: _wtforms_field(spec, choices) for spec in transition.fields}
    attributes["reason"] = TextAreaField(
        "Toelichting" + ("" if transition.reason_required else " (optioneel)"),
        validators=[DataRequired("Geef een toelichting.") if transition.reason_required else Optional(),
                    Length(max=5000)])
    form_class = type(f"{transition.name.title()}Form", (TransitionForm,), attributes)
    form = form_class(formdata=formdata, prefix=transition.name)
    form.transition = transition
    form._records = {kind: {record.id: record for record in records} for kind, records in choices.items()}
    if formdata is None:
        form.expected_version.data = subject.version if subject.id is not None else ""
        for spec in transition.fields:
            if spec.default is not None:
                value = spec.default(subject, now)
                form[spec.name].data = _to_local(value) if spec.kind == "datetime" and value else value
    return form


def new_subject(case, type):
    """What a start form's defaults are computed from: the intervention does not exist until it is started."""
    return SimpleNamespace(id=None, case=case, type=type, version=None)
