from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from caseapp.audit.operations import today
from caseapp.forms import FilterForm, Form, Unique, optional_int
from caseapp.indicators.models import BETTER, COMPARISON_SIGNS, COMPARISONS, MAX_YEAR, MIN_YEAR, Indicator
from caseapp.indicators.report import GRANULARITIES, MAX_PERIODS, periods
from caseapp.versions import VersionedForm

YEARS_SHOWN = 5
_IN_RANGE = NumberRange(MIN_YEAR, MAX_YEAR, f"Kies een jaar van {MIN_YEAR} tot en met {MAX_YEAR}.")
_YEAR = [InputRequired("Vul een jaar in."), _IN_RANGE]
_FILTER_YEAR = [DataRequired("Vul een jaar in."), _IN_RANGE]  # a GET form: a missing year keeps its default


class ReportFilterForm(FilterForm):
    """Which part of the indicators to show: a gemeente or all of the user's gemeenten, a wijk, the periods.
    The report page, its exports and the API read the same parameters through this form."""

    gemeente = SelectField("Gemeente", coerce=optional_int)
    wijk = SelectField("Wijk", coerce=optional_int)
    indeling = SelectField("Indeling", choices=list(GRANULARITIES.items()), default="jaar")
    van = IntegerField("Van jaar", validators=_FILTER_YEAR)
    tot = IntegerField("Tot en met jaar", validators=_FILTER_YEAR)
    # "0" is off too: the API documents publicatie=0 and 1 (WTForms would read any value but "false" as on).
    publicatie = BooleanField("Voor publicatie (aantallen 1 tot en met 4 als <5)",
                              false_values=(False, "false", "0", ""))

    def __init__(self, formdata, *, gemeenten, **kwargs):
        this_year = today().year
        super().__init__(formdata, van=this_year - YEARS_SHOWN + 1, tot=this_year,
                         gemeente=gemeenten[0].id if gemeenten else None, **kwargs)
        self.gemeenten = {g.id: g for g in gemeenten}
        self.gemeente.choices = [("", "Alle gemeenten samen"), *((g.id, g.name) for g in gemeenten)]
        self.wijk.choices = [("", "Alle wijken"), *((w.id, f"{w.name} ({g.name})")
                                                    for g in gemeenten for w in g.wijken)]

    def validate_wijk(self, field):
        if field.data is None:
            return
        gemeente = self.gemeenten.get(self.gemeente.data)
        if gemeente is None:
            raise ValidationError("Kies eerst de gemeente van de wijk.")
        if field.data not in {w.id for w in gemeente.wijken}:
            raise ValidationError(f"Deze wijk ligt niet in {gemeente.name}.")

    def validate_tot(self, field):
        if self.van.data is None or field.data is None:
            return
        if field.data < self.van.data:
            raise ValidationError("Het laatste jaar ligt voor het eerste.")
        granularity = self.indeling.data if self.indeling.data in MAX_PERIODS else "jaar"
        if len(periods(granularity, self.van.data, field.data)) > MAX_PERIODS[granularity]:
            raise ValidationError(f"Kies een kortere periode: {GRANULARITIES[granularity].lower()} passen er "
                                  f"ten hoogste {MAX_PERIODS[granularity]} kolommen in de tabel.")

    def report_arguments(self):
        """The arguments of report.build for what was chosen."""
        gemeente_ids = [self.gemeente.data] if self.gemeente.data else list(self.gemeenten)
        return dict(gemeente_ids=gemeente_ids, wijk_id=self.wijk.data, granularity=self.indeling.data,
                    year_from=self.van.data, year_to=self.tot.data)


class BaselineForm(Form):
    year = IntegerField("Jaar van de nulmeting", validators=_YEAR)
    value = FloatField("Waarde (alleen als de reeks dat jaar niet bevat)", validators=[
        Optional(), NumberRange(0, 10**9, "Vul een getal van 0 of meer in.")])


class TargetForm(Form):
    year = IntegerField("Jaar", validators=_YEAR)
    comparison = SelectField("Vergelijking", choices=[(key, f"{COMPARISON_SIGNS[key]} ({label})")
                                                      for key, label in COMPARISONS.items()])
    value = FloatField("Streefwaarde", validators=[InputRequired("Vul de streefwaarde in."),
                                                   NumberRange(0, 10**9, "Vul een getal van 0 of meer in.")])


class IndicatorForm(VersionedForm):
    name = StringField("Naam", validators=[InputRequired("Vul de naam in."), Length(max=200),
                                           Unique(Indicator.name, "Er is al een indicator met deze naam.")])
    definition = TextAreaField("Definitie: wat precies wordt geteld", validators=[
        InputRequired("Schrijf op wat precies wordt geteld."), Length(max=2000)])
    unit = StringField("Eenheid", validators=[InputRequired("Vul de eenheid in, bijvoorbeeld aantal."),
                                              Length(max=40)])
    source = StringField("Bron", validators=[InputRequired("Vul de bron in."), Length(max=200)])
    better = SelectField("Richting", choices=list(BETTER.items()))
