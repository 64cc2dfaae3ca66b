from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from caseapp.enums import ORGANISATION_TYPES
from caseapp.forms import STATUS_CHOICES, FilterForm, Form, Unique, strip
from caseapp.organisations.models import Gemeente, Organisation, Wijk

APV_151D_LABEL = "APV bevat de zorgplicht voor woonoverlast (art. 151d Gemeentewet)"
STRUCTURAL_ATTENTION_LABEL = "Drempel structurele aandacht (meldingen in 12 maanden)"


def _upper(value):
    return value.upper() if isinstance(value, str) else value


class OrganisationForm(Form):
    name = StringField("Naam", filters=[strip], validators=[
        DataRequired("Vul de naam van de organisatie in."),
        Length(max=150, message="Gebruik ten hoogste 150 tekens."),
        Unique(Organisation.name, "Er is al een organisatie met deze naam."),
    ])
    type = SelectField("Soort organisatie", choices=list(ORGANISATION_TYPES.items()),
                       description="Zorgpartners (GGZ, GGD, Veilig Thuis, sociaal team) lezen ook notities "
                                   "die alleen voor zorgpartners zijn.")
    active = BooleanField("Actief", description="Aan een gedeactiveerde organisatie kunt u geen nieuwe gebruikers "
                                                "toevoegen. Bestaande gegevens blijven bewaard.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is None:
            del self.active  # a new organisation is active


class OrganisationFilterForm(FilterForm):
    q = StringField("Zoek op naam", filters=[strip])
    type = SelectField("Soort", choices=[("", "Alle soorten"), *ORGANISATION_TYPES.items()], default="")
    status = SelectField("Status", choices=STATUS_CHOICES, default="")


class GemeenteForm(Form):
    name = StringField("Naam", filters=[strip], validators=[
        DataRequired("Vul de naam van de gemeente in."),
        Length(max=100, message="Gebruik ten hoogste 100 tekens."),
        Unique(Gemeente.name, "Er is al een gemeente met deze naam."),
    ])
    cbs_code = StringField(
        "CBS-gemeentecode",
        filters=[strip, _upper],
        description='Optioneel. "GM" gevolgd door vier cijfers, bijvoorbeeld GM0553 voor Lisse.',
        validators=[
            Optional(),
            Regexp(r"^GM[0-9]{4}$", message="Een CBS-gemeentecode is GM gevolgd door vier cijfers, zoals GM0553."),
            Unique(Gemeente.cbs_code, "Deze CBS-gemeentecode hoort al bij een andere gemeente."),
        ],
    )
    apv_151d = BooleanField(
        APV_151D_LABEL,
        description="Alleen dan kan de burgemeester een gedragsaanwijzing bij woonoverlast (art. 151d Gemeentewet) "
                    "opleggen.",
    )
    structural_attention_threshold = IntegerField(
        STRUCTURAL_ATTENTION_LABEL, default=3,
        description="Een persoon die in zoveel meldingen van deze gemeente binnen 12 maanden de betrokkene is, vraagt "
                    "structureel aandacht en wordt bij de meldingen gemarkeerd. Van 2 tot en met 50.",
        validators=[NumberRange(min=2, max=50, message="Kies een drempel van 2 tot en met 50 meldingen.")],
    )


class GemeenteFilterForm(FilterForm):
    q = StringField("Zoek op naam of CBS-code", filters=[strip])


class WijkForm(Form):
    name = StringField("Naam van de wijk", filters=[strip], validators=[
        DataRequired("Vul de naam van de wijk in."),
        Length(max=100, message="Gebruik ten hoogste 100 tekens."),
        Unique(Wijk.name, "Deze gemeente heeft al een wijk met deze naam.",
               scope=lambda form: Wijk.gemeente_id == form.gemeente.id),
    ])

    def __init__(self, *args, gemeente, **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente = gemeente
