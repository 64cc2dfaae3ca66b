from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from caseapp.documents.filetypes import ACCEPTED_EXTENSIONS
from caseapp.enums import NOTE_VISIBILITY
from caseapp.forms import Form, optional_int, strip
from caseapp.workflow.definitions import local_date


class DocumentForm(Form):
    """A file for a case, optionally for one of its interventions. The file's content is checked on adding it."""

    upload = FileField("Bestand", validators=[FileRequired("Kies een bestand.")],
                       render_kw={"accept": ",".join(ACCEPTED_EXTENSIONS)})
    title = StringField("Titel", filters=[strip],
                        validators=[DataRequired("Geef het document een titel."), Length(max=200)])
    intervention_id = SelectField("Hoort bij interventie", coerce=optional_int, validators=[Optional()])
    note = TextAreaField("Toelichting", filters=[strip], validators=[Optional(), Length(max=2000)])
    visibility = SelectField("Zichtbaar voor", choices=list(NOTE_VISIBILITY.items()), default="intern")

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self._interventions = {intervention.id: intervention for intervention in interventions}
        self.intervention_id.choices = [("", "Alleen de casus")] + [
            (intervention.id, f"{intervention.type_label}, gestart {local_date(intervention.created_at):%d-%m-%Y}")
            for intervention in interventions]

    def validate_intervention_id(self, field):
        if field.data and field.data not in self._interventions:
            raise ValidationError("Kies een interventie van deze casus.")

    @property
    def intervention(self):
        return self._interventions.get(self.intervention_id.data)
