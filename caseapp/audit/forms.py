from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from caseapp.enums import AUDIT_ACTIONS, AUDIT_OUTCOMES
from caseapp.forms import FilterForm, optional_int

_MAX_ID = 2**31 - 1  # the largest id the database's integer columns hold


class AuditSearchForm(FilterForm):
    user_id = SelectField("Gebruiker", coerce=optional_int)
    case_id = IntegerField("Casusnummer", validators=[
        Optional(), NumberRange(min=1, max=_MAX_ID, message="Een casusnummer is een positief geheel getal."),
    ])
    person_id = IntegerField("Persoonsnummer", validators=[
        Optional(), NumberRange(min=1, max=_MAX_ID, message="Een persoonsnummer is een positief geheel getal."),
    ])
    action = SelectField("Handeling", choices=[("", "Alle handelingen"), *AUDIT_ACTIONS.items()], default="")
    outcome = SelectField("Uitkomst", choices=[("", "Alle uitkomsten"), *AUDIT_OUTCOMES.items()], default="")
    date_from = DateField("Vanaf datum", validators=[Optional()])
    date_to = DateField("Tot en met datum", validators=[Optional()])

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [("", "Alle gebruikers"), *((u.id, f"{u.name} ({u.email})") for u in users)]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("De einddatum ligt vóór de begindatum.")
