from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from caseapp.audit.operations import today
from caseapp.enums import PERSON_ROLES
from caseapp.forms import FilterForm, Form, optional_int, strip
from caseapp.meldingen.models import CATEGORIES, KINDS, SOURCES, TRIAGE_STATUSES
from caseapp.persons.forms import PersonForm
from caseapp.versions import VersionedForm


def _with_empty(label, choices):
    return [("", label), *choices]


class _GemeenteFields(Form):
    """Gemeente and address: what every melding has. The gemeente is one the user works for."""

    gemeente_id = SelectField("Gemeente", coerce=optional_int, validators=[DataRequired("Kies de gemeente.")])
    address = StringField("Adres of plek", filters=[strip],
                          validators=[DataRequired("Vul het adres of de plek in."),
                                      Length(max=200, message="Gebruik ten hoogste 200 tekens.")])
    description = TextAreaField("Omschrijving", filters=[strip],
                                validators=[DataRequired("Beschrijf wat er is gemeld."),
                                            Length(max=10000, message="Gebruik ten hoogste 10.000 tekens.")])

    def __init__(self, *args, gemeenten, **kwargs):
        super().__init__(*args, **kwargs)
        self._gemeenten = {gemeente.id: gemeente for gemeente in gemeenten}
        self.gemeente_id.choices = _with_empty("Kies een gemeente", [(g.id, g.name) for g in gemeenten])
        if len(gemeenten) == 1 and not self.is_submitted():
            self.gemeente_id.data = gemeenten[0].id

    def validate_gemeente_id(self, field):
        if field.data not in self._gemeenten:
            raise ValidationError("Kies een gemeente waarvoor u werkt.")

    def melding_fields(self):
        return {"gemeente": self._gemeenten[self.gemeente_id.data], "address": self.address.data,
                "description": self.description.data}


class SignaalForm(_GemeenteFields):
    """The low-threshold internal form of the meldpunt ondermijning: where, and what was seen."""

    address = StringField("Adres of pand", filters=[strip],
                          validators=[DataRequired("Vul het adres of pand in waar het signaal over gaat."),
                                      Length(max=200, message="Gebruik ten hoogste 200 tekens.")])
    description = TextAreaField("Wat heeft u gezien of gehoord?", filters=[strip],
                                validators=[DataRequired("Beschrijf wat u heeft gezien of gehoord."),
                                            Length(max=10000, message="Gebruik ten hoogste 10.000 tekens.")])


class PartnerMeldingForm(_GemeenteFields):
    """A partner's melding: the source is their organisation, so they say only what, where and when."""

    wijk_id = SelectField("Wijk", coerce=optional_int, validators=[Optional()])
    category = SelectField("Soort melding", choices=_with_empty("Kies een soort", CATEGORIES.items()),
                           validators=[DataRequired("Kies de soort melding.")])
    received_on = DateField("Datum van de melding", default=today,
                            validators=[DataRequired("Vul de datum van de melding in.")])

    def __init__(self, *args, gemeenten, **kwargs):
        super().__init__(*args, gemeenten=gemeenten, **kwargs)
        self._wijken = {wijk.id: wijk for gemeente in gemeenten for wijk in gemeente.wijken}
        self.wijk_id.choices = _with_empty(
            "Geen wijk / onbekend", [(w.id, f"{w.gemeente.name} – {w.name}") for w in self._wijken.values()])

    def validate_wijk_id(self, field):
        wijk = self._wijken.get(field.data)
        if field.data and (wijk is None or wijk.gemeente_id != self.gemeente_id.data):
            raise ValidationError("Deze wijk hoort niet bij de gekozen gemeente.")

    def validate_received_on(self, field):
        if field.data > today():
            raise ValidationError("De datum van de melding ligt in de toekomst.")

    def melding_fields(self):
        return {**super().melding_fields(), "wijk": self._wijken.get(self.wijk_id.data),
                "category": self.category.data, "received_on": self.received_on.data}


class MeldingForm(PartnerMeldingForm, VersionedForm):
    """A coordinator registers or corrects any melding: also what kind it is and who reported it."""

    kind = SelectField("Soort", choices=list(KINDS.items()), default="melding")
    source = SelectField("Gemeld door", choices=_with_empty("Kies wie het meldde", SOURCES.items()),
                         validators=[DataRequired("Kies wie het meldde.")])

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        if record is not None and record.source_organisation_id is not None:
            del self.source  # a partner's melding keeps its organisation as the source

    def melding_fields(self):
        fields = {**super().melding_fields(), "kind": self.kind.data}
        if "source" in self:
            fields["source"] = self.source.data
        return fields


class MeldingFilterForm(FilterForm):
    triage_status = SelectField("Status", choices=[*TRIAGE_STATUSES.items(), ("alle", "Alle statussen")],
                                default="nieuw")
    gemeente_id = SelectField("Gemeente", coerce=optional_int, validators=[Optional()])
    category = SelectField("Soort", choices=_with_empty("Alle soorten", CATEGORIES.items()), validators=[Optional()])

    def __init__(self, *args, gemeenten, **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente_id.choices = _with_empty("Alle gemeenten", [(g.id, g.name) for g in gemeenten])

    def filters(self):
        """The valid filter values; an invalid one (a tampered URL) is ignored rather than failing."""
        self.validate()
        return {name: value for name, value in self.criteria().items() if not self[name].errors}


class MeldingPersonForm(PersonForm):
    role = SelectField("Rol bij deze melding", choices=list(PERSON_ROLES.items()), default="betrokkene")
    confirm_new = HiddenField(default="")


class LinkPersonForm(Form):
    person_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])
    role = SelectField("Rol bij deze melding", choices=list(PERSON_ROLES.items()), default="betrokkene")


class LinkCaseForm(VersionedForm):
    case_id = HiddenField(validators=[DataRequired("Kies een casus."), Regexp(r"^\d{1,9}$")])


class CloseForm(VersionedForm):
    reason = TextAreaField("Reden van afsluiten", filters=[strip],
                           validators=[DataRequired("Geef de reden waarom de melding zonder casus wordt gesloten."),
                                       Length(max=2000, message="Gebruik ten hoogste 2.000 tekens.")])


class CaseSearchForm(FilterForm):
    """Look for a case to link the melding to, beyond the candidates found by address and person."""

    zoek = StringField("Zoek een casus op adres of naam", filters=[strip],
                       validators=[Optional(), Length(max=100, message="Gebruik ten hoogste 100 tekens.")])
