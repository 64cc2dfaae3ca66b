from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from caseapp.enums import NOTE_VISIBILITY
from caseapp.forms import Form
from caseapp.letters.operations import template_errors


def _valid_template(_form, field):
    """Refused at saving, not when a coordinator later needs the letter."""
    errors = template_errors(field.data or "")
    if errors:
        raise ValidationError(" ".join(errors))


class LetterTemplateForm(Form):
    subject = StringField("Onderwerp", validators=[DataRequired("Vul het onderwerp in."), Length(max=200),
                                                   _valid_template])
    body = TextAreaField("Brieftekst", render_kw={"rows": 24},
                         validators=[DataRequired("Schrijf de brieftekst."), Length(max=20000), _valid_template])
    version = HiddenField()


class SaveLetterForm(Form):
    visibility = SelectField("Zichtbaar voor", choices=list(NOTE_VISIBILITY.items()), default="intern")
