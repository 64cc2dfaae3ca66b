from wtforms import SelectField

from caseapp.enums import CASE_STATUSES
from caseapp.forms import FilterForm, optional_int


class OverviewFilterForm(FilterForm):
    gemeente_id = SelectField("Gemeente", coerce=optional_int)
    status = SelectField("Status", choices=[("", "Alle statussen"), *CASE_STATUSES.items()], default="")

    def __init__(self, *args, gemeenten, **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente_id.choices = [("", "Alle gemeenten"), *((g.id, g.name) for g in gemeenten)]
