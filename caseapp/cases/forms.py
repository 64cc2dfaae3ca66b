from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from caseapp.audit.operations import today
from caseapp.enums import CASE_STATUSES, CASE_TYPES, LEEFGEBIEDEN, NOTE_VISIBILITY, PERSON_ROLES, RISK_LEVELS
from caseapp.forms import FilterForm, Form, MultiCheckboxField, optional_int
from caseapp.persons.forms import PersonForm
from caseapp.versions import VersionedForm

SORTS = {
    "opened_desc": "Nieuwste eerst",
    "opened_asc": "Oudste eerst",
    "updated_desc": "Laatst gewijzigd",
    "risk_desc": "Hoogste risico eerst",
    "address_asc": "Adres (A-Z)",
}


def _with_empty(label, choices):
    return [("", label), *choices]


class CaseForm(VersionedForm):
    type = SelectField("Soort casus", choices=_with_empty("Kies een soort", CASE_TYPES.items()),
                       validators=[DataRequired("Kies de soort casus.")])
    gemeente_id = SelectField("Gemeente", coerce=optional_int,
                              validators=[DataRequired("Kies de gemeente.")])
    wijk_id = SelectField("Wijk", coerce=optional_int, validators=[Optional()])
    address = StringField("Adres van de casus", validators=[DataRequired("Vul het adres in."), Length(max=200)])
    description = TextAreaField("Omschrijving", validators=[DataRequired("Beschrijf de casus."), Length(max=10000)])
    risk_level = SelectField("Risico", choices=list(RISK_LEVELS.items()), default="midden")
    leefgebieden = MultiCheckboxField("Betrokken leefgebieden", choices=list(LEEFGEBIEDEN.items()))
    coordinator_id = SelectField("Coördinator", coerce=optional_int, validators=[Optional()])
    opened_on = DateField("Datum aanmelding", validators=[DataRequired("Vul de datum van aanmelding in.")])

    def __init__(self, *args, gemeenten, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self._wijken = {wijk.id: wijk for gemeente in gemeenten for wijk in gemeente.wijken}
        self._gemeenten = {gemeente.id: gemeente for gemeente in gemeenten}
        self._coordinators = {user.id: user for user in coordinators}
        self.gemeente_id.choices = _with_empty("Kies een gemeente", [(g.id, g.name) for g in gemeenten])
        self.wijk_id.choices = _with_empty(
            "Geen wijk / onbekend",
            [(w.id, f"{w.gemeente.name} – {w.name}") for w in self._wijken.values()],
        )
        self.coordinator_id.choices = _with_empty("Nog niet toegewezen", [(u.id, u.name) for u in coordinators])

    def validate_gemeente_id(self, field):
        if field.data not in self._gemeenten:
            raise ValidationError("Kies een gemeente waarvoor u werkt.")

    def validate_wijk_id(self, field):
        wijk = self._wijken.get(field.data)
        if field.data and (wijk is None or wijk.gemeente_id != self.gemeente_id.data):
            raise ValidationError("Deze wijk hoort niet bij de gekozen gemeente.")

    def validate_coordinator_id(self, field):
        if field.data and field.data not in self._coordinators:
            raise ValidationError("Kies een coördinator van deze gemeenten.")

    def validate_opened_on(self, field):
        if field.data and field.data > today():
            raise ValidationError("De datum van aanmelding ligt in de toekomst.")

    def case_fields(self):
        return {
            "type": self.type.data,
            "gemeente": self._gemeenten[self.gemeente_id.data],
            "wijk": self._wijken.get(self.wijk_id.data),
            "address": self.address.data.strip(),
            "description": self.description.data.strip(),
            "risk_level": self.risk_level.data,
            "leefgebieden": self.leefgebieden.data,
            "coordinator": self._coordinators.get(self.coordinator_id.data),
            "opened_on": self.opened_on.data,
        }


class CaseFilterForm(FilterForm):
    q = StringField("Zoek op adres of naam", validators=[Optional(), Length(max=100)])
    status = SelectField("Status", choices=_with_empty("Alle statussen", CASE_STATUSES.items()),
                         validators=[Optional()])
    type = SelectField("Soort", choices=_with_empty("Alle soorten", CASE_TYPES.items()), validators=[Optional()])
    gemeente_id = SelectField("Gemeente", coerce=optional_int, validators=[Optional()])
    wijk_id = SelectField("Wijk", coerce=optional_int, validators=[Optional()])
    coordinator_id = SelectField("Coördinator", coerce=optional_int, validators=[Optional()])
    sort = SelectField("Sorteren", choices=list(SORTS.items()), default="opened_desc", validators=[Optional()])

    def __init__(self, *args, gemeenten, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente_id.choices = _with_empty("Alle gemeenten", [(g.id, g.name) for g in gemeenten])
        self.wijk_id.choices = _with_empty(
            "Alle wijken", [(w.id, f"{g.name} – {w.name}") for g in gemeenten for w in g.wijken]
        )
        self.coordinator_id.choices = _with_empty("Alle coördinatoren", [(u.id, u.name) for u in coordinators])

    def filters(self):
        """The valid filter values; an invalid one (a tampered URL) is ignored rather than failing."""
        self.validate()
        return {name: value for name, value in self.criteria().items() if not self[name].errors}


class CasePersonForm(PersonForm):
    role = SelectField("Rol in deze casus", choices=list(PERSON_ROLES.items()), default="betrokkene")
    confirm_new = HiddenField(default="")


class LinkPersonForm(Form):
    person_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])
    role = SelectField("Rol in deze casus", choices=list(PERSON_ROLES.items()), default="betrokkene")


class PartnerForm(Form):
    organisation_id = SelectField("Partnerorganisatie", coerce=optional_int,
                                  validators=[DataRequired("Kies een partnerorganisatie.")])

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self._organisations = {o.id: o for o in organisations}
        self.organisation_id.choices = _with_empty(
            "Kies een organisatie", [(o.id, f"{o.name} ({o.type_label})") for o in organisations]
        )

    def validate_organisation_id(self, field):
        if field.data not in self._organisations:
            raise ValidationError("Kies een partnerorganisatie die nog niet aan de casus is gekoppeld.")

    @property
    def organisation(self):
        return self._organisations[self.organisation_id.data]


class NoteForm(Form):
    body = TextAreaField("Notitie", validators=[DataRequired("Schrijf de notitie."), Length(max=10000)])
    visibility = SelectField("Zichtbaar voor", choices=list(NOTE_VISIBILITY.items()), default="partners")

