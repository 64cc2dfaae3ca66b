from datetime import date

from wtforms import DateField, HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from caseapp.audit.operations import today
from caseapp.forms import FilterForm, Form, posted_int
from caseapp.versions import VersionedForm


def bsn_is_valid(bsn):
    """The elfproef: 9 digits, weighted 9..2 and -1, sum divisible by 11 (and not all zeros)."""
    if len(bsn) != 9 or not (bsn.isascii() and bsn.isdigit()) or bsn == "000000000":  # int("²") fails
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


class PersonEditForm(PersonForm, VersionedForm):
    """The person's own fields, with the version the user saw (a stale save is refused)."""


class PersonSearchForm(FilterForm):
    q = StringField("Naam, adres, postcode of BSN", validators=[Optional(), Length(max=100)])
    date_of_birth = DateField("Geboortedatum", validators=[Optional()], format="%Y-%m-%d")

    def validate_q(self, field):
        """Only digits: a BSN (9, with the elfproef) or the digits of a postcode (4)."""
        digits = (field.data or "").strip()
        if not digits.isdigit() or len(digits) == 4:
            return
        if len(digits) != 9:
            raise ValidationError("Zoek op een BSN van 9 cijfers, of op een postcode (bijvoorbeeld 2161 AB).")
        if not bsn_is_valid(digits):
            raise ValidationError("Dit BSN voldoet niet aan de elfproef. Controleer het nummer.")


MERGE_FIELD_LABELS = {
    "first_name": "Voornaam", "tussenvoegsel": "Tussenvoegsel", "last_name": "Achternaam",
    "date_of_birth": "Geboortedatum", "bsn": "BSN", "address": "Adres", "phone": "Telefoon",
}


def _keep(name):
    """The choice, for one field, between the kept person's value and the merged person's."""
    return RadioField(MERGE_FIELD_LABELS[name], choices=[("kept", ""), ("merged", "")], default="kept")


class MergeForm(Form):
    """Per field, whose value the kept person takes; and the versions of both records the user compared."""

    kept_version = HiddenField()
    merged_version = HiddenField()
    keep_first_name = _keep("first_name")
    keep_tussenvoegsel = _keep("tussenvoegsel")
    keep_last_name = _keep("last_name")
    keep_date_of_birth = _keep("date_of_birth")
    keep_bsn = _keep("bsn")
    keep_address = _keep("address")
    keep_phone = _keep("phone")

    def __init__(self, *args, kept, merged, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.kept_version.data, self.merged_version.data = kept.version, merged.version
        self.choices = {}
        for name in MERGE_FIELD_LABELS:
            values = (getattr(kept, name), getattr(merged, name))
            if values[0] != values[1]:
                field = self[f"keep_{name}"]
                field.choices = [("kept", shown_value(values[0])), ("merged", shown_value(values[1]))]
                if not self.is_submitted() and not values[0]:
                    field.data = "merged"  # an empty value is never the better one
                self.choices[name] = field

    def versions(self):
        """The two versions the user compared (None when tampered with)."""
        return tuple(posted_int(value) for value in (self.kept_version.data, self.merged_version.data))

    def chosen(self):
        return {name: field.data for name, field in self.choices.items()}


def shown_value(value):
    """A field value as the merge form shows it."""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return value or "(leeg)"
