from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from caseapp.enums import AUDIT_ACTIONS, AUDIT_OUTCOMES
from caseapp.forms import FilterForm, optional_int, strip
from caseapp.persons.forms import bsn_is_valid

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


class InzageSearchForm(FilterForm):
    """Find the person an inzage request is about: by BSN, or by last name and date of birth together."""

    bsn = StringField("BSN", validators=[Optional()], filters=[strip],
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    last_name = StringField("Achternaam", validators=[Optional(), Length(max=100)], filters=[strip],
                            render_kw={"autocomplete": "off"})
    date_of_birth = DateField("Geboortedatum", validators=[Optional()], format="%Y-%m-%d")

    def is_filled(self):
        return any(field.raw_data and field.raw_data[0].strip() for field in self)

    def validate_bsn(self, field):
        if field.data and not bsn_is_valid(field.data):
            raise ValidationError("Dit is geen geldig BSN (9 cijfers die voldoen aan de elfproef).")

    def validate(self, extra_validators=None):
        """Without a BSN, the last name and the date of birth together: either alone finds too many people."""
        if not super().validate(extra_validators):
            return False
        if not self.bsn.data:
            if not self.last_name.data:
                self.last_name.errors.append("Vul de achternaam in, of zoek op BSN.")
            if not self.date_of_birth.data:
                self.date_of_birth.errors.append("Vul de geboortedatum in, of zoek op BSN.")
        return not (self.last_name.errors or self.date_of_birth.errors)
