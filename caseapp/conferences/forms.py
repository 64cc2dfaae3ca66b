from datetime import UTC, datetime, timedelta

from wtforms import DateField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, ValidationError

from caseapp import AMSTERDAM
from caseapp.audit.operations import today
from caseapp.conferences.models import CONFERENCE_KINDS
from caseapp.forms import Form, MultiCheckboxField, optional_int, strip
from caseapp.plans.forms import text_field
from caseapp.versions import VersionedForm

EARLIEST = timedelta(days=366)  # a conference held up to a year ago can still be registered, to record it
LATEST = timedelta(days=2 * 366)


class ConferenceForm(VersionedForm):
    kind = SelectField("Soort overleg", choices=[("", "Kies de soort"), *CONFERENCE_KINDS.items()],
                       validators=[DataRequired("Kies de soort overleg.")])
    gemeente_ids = MultiCheckboxField("Gemeenten", coerce=int,
                                      validators=[DataRequired("Kies voor welke gemeente het overleg is.")])
    start_date = DateField("Datum", validators=[DataRequired("Vul een geldige datum in.")])
    start_time = TimeField("Aanvang", validators=[DataRequired("Vul een geldige tijd in, bijvoorbeeld 09:30.")])
    location = StringField("Locatie", filters=[strip],
                           validators=[DataRequired("Vul de locatie in."), Length(max=200, message="Gebruik ten "
                                                                                  "hoogste 200 tekens.")])
    chair_id = SelectField("Voorzitter", coerce=optional_int, validate_choice=False,
                           validators=[DataRequired("Kies de voorzitter.")])
    organisation_ids = MultiCheckboxField("Uitgenodigde organisaties", coerce=int,
                                          validators=[DataRequired("Nodig ten minste één organisatie uit.")])

    def __init__(self, *args, gemeenten, chairs, organisations, conference=None, **kwargs):
        if conference is not None:  # what the form starts with; posted values take their place
            local = _local(conference.starts_at)
            kwargs = {"start_date": local.date(), "start_time": local.time(),
                      "gemeente_ids": [g.id for g in conference.gemeenten],
                      "organisation_ids": [o.id for o in conference.organisations], **kwargs}
        super().__init__(*args, record=conference, **kwargs)
        self._gemeenten = {g.id: g for g in gemeenten}
        self._chairs = {u.id: u for u in chairs}
        self._organisations = {o.id: o for o in organisations}
        self.gemeente_ids.choices = [(g.id, g.name) for g in gemeenten]
        self.chair_id.choices = [("", "Kies de voorzitter")] + [(u.id, u.name) for u in chairs]
        self.organisation_ids.choices = [(o.id, f"{o.name} ({o.type_label})") for o in organisations]

    def validate_chair_id(self, field):
        if field.data not in self._chairs:
            raise ValidationError("Kies als voorzitter een coördinator van een van de gekozen gemeenten.")

    def validate_start_date(self, field):
        unchanged = self.record is not None and field.data == _local(self.record.starts_at).date()
        if field.data and not unchanged:  # a past conference can be edited without the date being refused
            if field.data < today() - EARLIEST:
                raise ValidationError("De datum ligt meer dan een jaar terug.")
            if field.data > today() + LATEST:
                raise ValidationError("Kies een datum binnen twee jaar.")

    def conference_fields(self):
        local = datetime.combine(self.start_date.data, self.start_time.data, tzinfo=AMSTERDAM)
        return {
            "kind": self.kind.data,
            "starts_at": local.astimezone(UTC).replace(tzinfo=None),
            "location": self.location.data,
            "chair": self._chairs[self.chair_id.data],
            "gemeenten": [self._gemeenten[i] for i in self.gemeente_ids.data],
            "organisations": [self._organisations[i] for i in self.organisation_ids.data],
        }


class AgendaForm(Form):
    reference = StringField("Casusnummer", filters=[strip], validators=[DataRequired("Vul het casusnummer in."),
                                                                        Length(max=20)])


class ScheduleCaseForm(Form):
    """On the case page: put this case on the agenda of a conference."""

    conference_id = SelectField("Overleg", coerce=optional_int, validators=[DataRequired("Kies een overleg.")])

    def __init__(self, *args, conferences, **kwargs):
        super().__init__(*args, **kwargs)
        self._conferences = {c.id: c for c in conferences}
        self.conference_id.choices = [("", "Kies een overleg")] + [
            (c.id, f"{c.kind_label}, {_local(c.starts_at):%d-%m-%Y %H:%M}, {c.location}") for c in conferences]

    @property
    def conference(self):
        return self._conferences[self.conference_id.data]


class RecordForm(VersionedForm):
    organisation_ids = MultiCheckboxField("Aanwezige organisaties", coerce=int,
                                          validators=[DataRequired("Vink aan welke organisaties aanwezig waren.")])
    user_ids = MultiCheckboxField("Aanwezige personen (optioneel)", coerce=int)
    decisions = text_field("Besluiten en afspraken", "Leg de besluiten vast.")

    def __init__(self, *args, item, attendees, **kwargs):
        super().__init__(*args, record=item, organisation_ids=[o.id for o in item.present_organisations],
                         user_ids=[u.id for u in item.present_users], **kwargs)
        self._organisations = {o.id: o for o in item.conference.organisations}
        self._users = {u.id: u for u in attendees}
        self.organisation_ids.choices = [(o.id, o.name) for o in item.conference.organisations]
        self.user_ids.choices = [(u.id, f"{u.name} ({u.organisation.name})") for u in attendees]

    def record_fields(self):
        return {"decisions": self.decisions.data,
                "organisations": [self._organisations[i] for i in self.organisation_ids.data],
                "users": [self._users[i] for i in self.user_ids.data]}


def _local(moment):
    """A stored (naive UTC) moment in Dutch local time."""
    return moment.replace(tzinfo=UTC).astimezone(AMSTERDAM)
