from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from caseapp.forms import Form, optional_int, strip


class ImportForm(Form):
    """A file of series for one gemeente of the user's (caseapp.access.indicator_gemeenten), with its source."""

    gemeente_id = SelectField("Gemeente", coerce=optional_int, validators=[DataRequired("Kies de gemeente.")])
    source = StringField("Bron", filters=[strip],
                         validators=[Optional(), Length(max=200, message="Gebruik ten hoogste 200 tekens.")])
    upload = FileField("Bestand", validators=[FileRequired("Kies een bestand.")],
                       render_kw={"accept": ".csv,.txt,.xlsx"})

    def __init__(self, *args, gemeenten, **kwargs):
        super().__init__(*args, **kwargs)
        self._gemeenten = {gemeente.id: gemeente for gemeente in gemeenten}
        self.gemeente_id.choices = [("", "Kies een gemeente"), *((g.id, g.name) for g in gemeenten)]
        if len(gemeenten) == 1 and not self.is_submitted():
            self.gemeente_id.data = gemeenten[0].id

    def validate_gemeente_id(self, field):
        if field.data not in self._gemeenten:
            raise ValidationError("Kies een gemeente waarvoor u werkt.")

    @property
    def gemeente(self):
        return self._gemeenten[self.gemeente_id.data]
