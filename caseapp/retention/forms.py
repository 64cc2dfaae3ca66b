from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from caseapp.enums import CASE_RESULTS
from caseapp.forms import Form
from caseapp.retention.models import MAX_YEARS, MIN_YEARS


class RetentionForm(Form):
    """One period in whole years per case result."""

    def years(self):
        return {result: self[result].data for result in CASE_RESULTS}


for _result, _label in CASE_RESULTS.items():
    setattr(RetentionForm, _result, IntegerField(_label, validators=[
        InputRequired(f"Vul de bewaartermijn voor ‘{_label}’ in."),
        NumberRange(MIN_YEARS, MAX_YEARS, f"Kies {MIN_YEARS} tot en met {MAX_YEARS} jaar."),
    ], render_kw={"min": MIN_YEARS, "max": MAX_YEARS}))
