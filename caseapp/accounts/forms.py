from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from caseapp.enums import ROLES
from caseapp.forms import MultiCheckboxField


class LoginForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in.")])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in.")])


class UserForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=150)])
    email = EmailField(
        "E-mailadres",
        validators=[
            DataRequired("Vul het e-mailadres in."),
            Email("Vul een geldig e-mailadres in.", check_deliverability=False),
            Length(max=254),
        ],
    )
    role = SelectField("Rol", choices=list(ROLES.items()))
    organisation_id = SelectField("Organisatie", coerce=int)
    gemeente_ids = MultiCheckboxField("Werkt voor gemeenten", coerce=int)
    password = PasswordField(
        "Wachtwoord",
        validators=[Optional(), Length(min=12, max=128, message="Kies een wachtwoord van 12 tot 128 tekens.")],
    )
    active = BooleanField("Actief", default=True)

    def __init__(self, *args, organisations, gemeenten, require_password, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(o.id, f"{o.name} ({o.type_label})") for o in organisations]
        self.gemeente_ids.choices = [(g.id, g.name) for g in gemeenten]
        self._organisations = {o.id: o for o in organisations}
        if require_password:
            self.password.validators = [DataRequired("Kies een wachtwoord."), *self.password.validators[1:]]
            self.password.flags.required = True

    def validate_organisation_id(self, field):
        organisation = self._organisations.get(field.data)
        if organisation is None:
            raise ValidationError("Kies een organisatie.")
        if self.role.data == "partner" and organisation.type == "gemeente":
            raise ValidationError("Een partnermedewerker hoort bij een partnerorganisatie, niet bij de gemeente.")
        if self.role.data == "coordinator" and organisation.type != "gemeente":
            raise ValidationError("Een coördinator hoort bij het team van de gemeente.")

    def validate_gemeente_ids(self, field):
        if self.role.data in ("coordinator", "partner", "analyst") and not field.data:
            raise ValidationError("Kies ten minste één gemeente waarvoor deze gebruiker werkt.")


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Zoek op naam of e-mail", validators=[Optional()])
    role = SelectField("Rol", choices=[("", "Alle rollen"), *ROLES.items()], validators=[Optional()])
    organisation_id = SelectMultipleField("Organisatie", coerce=int, validators=[Optional()])
