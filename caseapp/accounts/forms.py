from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from caseapp.accounts.models import User
from caseapp.accounts.operations import password_problem
from caseapp.enums import ROLES
from caseapp.forms import STATUS_CHOICES, FilterForm, Form, MultiCheckboxField, Unique, optional_int, strip


class LoginForm(Form):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in.")])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in.")])


class UserForm(Form):
    name = StringField("Naam", filters=[strip], validators=[
        DataRequired("Vul de naam in."), Length(max=150, message="Gebruik ten hoogste 150 tekens."),
    ])
    email = EmailField(
        "E-mailadres",
        filters=[strip],
        validators=[
            DataRequired("Vul het e-mailadres in."),
            Email("Vul een geldig e-mailadres in.", check_deliverability=False),
            Length(max=254, message="Gebruik ten hoogste 254 tekens."),
            Unique(User.email, "Er is al een gebruiker met dit e-mailadres."),
        ],
    )
    role = SelectField("Rol", choices=list(ROLES.items()))
    # validate_organisation_id checks the choice, with a clearer message than the built-in one.
    organisation_id = SelectField("Organisatie", coerce=int, validate_choice=False)
    gemeente_ids = MultiCheckboxField(
        "Werkt voor gemeenten", coerce=int,
        description="Coördinatoren zien de casussen van deze gemeenten, analisten de cijfers ervan. "
                    "Verplicht voor iedereen behalve functioneel beheerders.",
    )
    password = PasswordField(
        "Wachtwoord", validators=[Optional()],
        description="12 tot 128 tekens. Een zin van een paar ongewone woorden is sterk en goed te onthouden.",
    )
    active = BooleanField("Actief", description="Een gedeactiveerde gebruiker kan niet meer inloggen.")

    def __init__(self, *args, actor, organisations, gemeenten, **kwargs):
        """`actor` is the admin filling in the form: they may not lock themselves out."""
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.organisation_id.choices = [(o.id, f"{o.name} ({o.type_label})") for o in organisations]
        self.gemeente_ids.choices = [(g.id, g.name) for g in gemeenten]
        self._organisations = {o.id: o for o in organisations}
        self._gemeenten = {g.id: g for g in gemeenten}
        if self.record is None:
            # A new user is active and needs a first password.
            del self.active
            self.password.validators = [DataRequired("Kies een wachtwoord.")]
            self.password.flags.required = True
        else:
            self.password.label.text = "Nieuw wachtwoord"
            self.password.description = f"Laat leeg om het huidige wachtwoord te houden. {self.password.description}"

    @property
    def organisation(self):
        return self._organisations[self.organisation_id.data]

    @property
    def gemeenten(self):
        return [self._gemeenten[gemeente_id] for gemeente_id in self.gemeente_ids.data]

    @property
    def editing_self(self):
        return self.record is not None and self.record.id == self.actor.id

    def validate_role(self, field):
        if self.editing_self and field.data != "admin":
            raise ValidationError("U kunt uw eigen rol van functioneel beheerder niet intrekken.")

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

    def validate_password(self, field):
        problem = password_problem(field.data, [self.name.data or "", self.email.data or ""])
        if problem:
            raise ValidationError(problem)

    def validate_active(self, field):
        if self.editing_self and not field.data:
            raise ValidationError("U kunt uw eigen account niet deactiveren.")


class UserFilterForm(FilterForm):
    q = StringField("Zoek op naam of e-mail", filters=[strip])
    role = SelectField("Rol", choices=[("", "Alle rollen"), *ROLES.items()], default="")
    organisation_id = SelectField("Organisatie", coerce=optional_int)
    status = SelectField("Status", choices=STATUS_CHOICES, default="")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", "Alle organisaties"), *((o.id, o.name) for o in organisations)]


def _without_spaces(value):
    """A field filter: spaces typed between the digits of a code do not count."""
    return "".join(value.split()) if isinstance(value, str) else value


_CODE_FORMAT = Regexp(r"^\d{6}$", message="Een code bestaat uit 6 cijfers.")
_CODE_INPUT = {"autocomplete": "one-time-code", "inputmode": "numeric"}


class EnrolForm(Form):
    code = StringField("Code uit de app", filters=[_without_spaces], render_kw=_CODE_INPUT,
                       validators=[DataRequired("Vul de code uit de app in."), _CODE_FORMAT],
                       description="De 6 cijfers die de app toont nadat u de QR-code heeft gescand.")


class SecondFactorForm(Form):
    """A code from the authenticator app or, without the app at hand, a recovery code."""

    code = StringField("Code uit uw authenticator-app", filters=[_without_spaces], render_kw=_CODE_INPUT,
                       validators=[Optional(), _CODE_FORMAT],
                       description="6 cijfers. De app toont elke 30 seconden een nieuwe code.")
    recovery_code = StringField(
        "Herstelcode", filters=[strip],
        validators=[Optional(), Length(max=40, message="Gebruik ten hoogste 40 tekens.")],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
        description="Een van de herstelcodes die u bij het koppelen van de app kreeg, zoals abcd-efgh-jkmn-pqrs. "
                    "Elke herstelcode werkt één keer.",
    )

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not (self.code.data or self.recovery_code.data):
            self.code.errors.append("Vul de code uit uw authenticator-app in, of een herstelcode.")
            return False
        return True

    @property
    def used_field(self):
        """The field the check used: the app's code when both are filled in."""
        return self.code if self.code.data else self.recovery_code


class SecondFactorResetForm(Form):
    confirm = BooleanField("Ja, reset de tweede factor van deze gebruiker",
                           validators=[DataRequired("Vink aan dat u de tweede factor wilt resetten.")])
