from datetime import date

from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from caseapp.audit.operations import today
from caseapp.forms import Form, strip

MAX_YEARS_VALID = 2


def latest_expiry(on):
    """The last day a token issued on `on` may be valid: two years on (28 February for 29 February)."""
    try:
        return on.replace(year=on.year + MAX_YEARS_VALID)
    except ValueError:
        return date(on.year + MAX_YEARS_VALID, 2, 28)


class ApiTokenForm(Form):
    # validate_user_id checks the choice, with a clearer message than the built-in one.
    user_id = SelectField("Analist", coerce=int, validate_choice=False,
                          description="Het token geeft toegang tot de cijfers van de gemeenten van deze analist.")
    name = StringField("Waarvoor", filters=[strip], validators=[
        DataRequired("Vul in waarvoor het token is."), Length(max=100, message="Gebruik ten hoogste 100 tekens."),
    ], description="Bijvoorbeeld: Power BI team veiligheid.")
    expires_on = DateField("Geldig tot en met", validators=[Optional()],
                           description=f"Laat leeg voor een token dat geldt tot het wordt ingetrokken. Ten hoogste "
                                       f"{MAX_YEARS_VALID} jaar vooruit.")

    def __init__(self, *args, analysts, **kwargs):
        super().__init__(*args, **kwargs)
        self._analysts = {user.id: user for user in analysts}
        self.user_id.choices = [(user.id, f"{user.name} ({user.email})") for user in analysts]
        self.user_id.flags.required = True

    @property
    def user(self):
        return self._analysts[self.user_id.data]

    def validate_user_id(self, field):
        if field.data not in self._analysts:
            raise ValidationError("Kies een actieve analist.")

    def validate_expires_on(self, field):
        if field.data is None:
            return
        on = today()
        if field.data < on:
            raise ValidationError("Deze datum ligt in het verleden.")
        if field.data > latest_expiry(on):
            raise ValidationError(f"Kies een datum tot en met {latest_expiry(on).strftime('%d-%m-%Y')}.")

