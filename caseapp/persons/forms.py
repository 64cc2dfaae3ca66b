from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from caseapp.audit.operations import today
from caseapp.forms import FilterForm, Form


def bsn_is_valid(bsn):
    """The elfproef: 9 digits, weighted 9..2 and -1, sum divisible by 11 (and not all zeros)."""
    if len(bsn) != 9 or not bsn.isdigit() or bsn == "000000000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(bsn[:8], range(9, 1, -1), strict=True))
    return (total - int(bsn[8])) % 11 == 0


class PersonForm(Form):
    first_name = StringField("Voornaam", validators=[DataRequired("Vul de voornaam in."), Length(max=100)])
    tussenvoegsel = StringField("Tussenvoegsel", validators=[Optional(), Length(max=20)])
    last_name = StringField("Achternaam", validators=[DataRequired("Vul de achternaam in."), Length(max=100)])
    date_of_birth = DateField(
        "Geboortedatum", validators=[Optional()], format="%Y-%m-%d",
        render_kw={"autocomplete": "off"},
    )
    bsn = StringField("BSN", validators=[Optional(), Length(max=9)], render_kw={"inputmode": "numeric"})
    address = StringField("Adres", validators=[Optional(), Length(max=200)])
    phone = StringField("Telefoon", validators=[Optional(), Length(max=30)])

    def validate_date_of_birth(self, field):
        if field.data and field.data > today():
            raise ValidationError("De geboortedatum ligt in de toekomst.")
        if field.data and field.data.year < 1900:
            raise ValidationError("Vul een geboortedatum na 1900 in.")

    def validate_bsn(self, field):
        if field.data and not bsn_is_valid(field.data.strip()):
            raise ValidationError("Dit is geen geldig BSN (9 cijfers die voldoen aan de elfproef).")

    def person_fields(self):
        """The submitted values as keyword arguments for the operations."""
        return {
            "first_name": self.first_name.data.strip(),
            "tussenvoegsel": (self.tussenvoegsel.data or "").strip(),
            "last_name": self.last_name.data.strip(),
            "date_of_birth": self.date_of_birth.data,
            "bsn": (self.bsn.data or "").strip() or None,
            "address": (self.address.data or "").strip(),
            "phone": (self.phone.data or "").strip(),
        }


class PersonSearchForm(FilterForm):
    q = StringField("Naam, adres of BSN", validators=[Optional(), Length(max=100)])
    date_of_birth = DateField("Geboortedatum", validators=[Optional()], format="%Y-%m-%d")
