from wtforms import SelectField

from caseapp.enums import DEADLINE_KINDS
from caseapp.forms import FilterForm, optional_int


class DeadlineFilterForm(FilterForm):
    gemeente_id = SelectField("Gemeente", coerce=optional_int)
    coordinator_id = SelectField("Coördinator", coerce=optional_int)
    kind = SelectField("Soort", choices=[("", "Alles"), *DEADLINE_KINDS.items(), ("actie", "Plan van aanpak")],
                       default="")

    def __init__(self, *args, gemeenten, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente_id.choices = [("", "Alle gemeenten"), *((g.id, g.name) for g in gemeenten)]
        self.coordinator_id.choices = [("", "Alle coördinatoren"), *((u.id, u.name) for u in coordinators)]
