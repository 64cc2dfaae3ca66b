"""What the pages show of interventions: their recorded values, next deadlines and the escalation ladder.

Interventions change only through caseapp.workflow.engine (start and fire); these functions only read.
"""

from sqlalchemy import select

from caseapp import db
from caseapp.enums import INTERVENTION_TYPES, LIGHTER_STEPS
from caseapp.interventions.models import Intervention
from caseapp.workflow.models import Deadline
from caseapp.workflow.processes import ESCALATION_LADDER

# The start page: the types in two groups, each with its rule in one line (the procedure page has the rest).
TYPE_GROUPS = (
    ("Juridische maatregelen", tuple(t for t in INTERVENTION_TYPES if t not in LIGHTER_STEPS)),
    ("Lichtere stappen en partnerstappen", LIGHTER_STEPS),
)
_172A = "Ten hoogste 3 maanden, ten hoogste 3 keer met 3 maanden te verlengen."
RULE_IN_BRIEF = {
    "huisverbod": "Alleen tegen een meerderjarige; 10 dagen, verlengen tot ten hoogste 28 dagen. Bij kinderen eerst "
                  "Veilig Thuis raadplegen.",
    "gedragsaanwijzing": "Alleen met de zorgplicht in de APV en nadat een lichtere stap is afgerond; met een "
                         "begunstigingstermijn.",
    "gebiedsverbod": _172A,
    "groepsverbod": _172A,
    "meldplicht": _172A,
    "sluiting_13b": "Voor een pand, na een bestuurlijke rapportage: voornemen, zienswijze, besluit; bezwaar binnen "
                    "6 weken schorst niet.",
    "sluiting_174a": "Voor een woning of lokaal; eerst een termijn voor eigen maatregelen, tenzij spoedeisend.",
    "waarschuwing": "Een brief, geen besluit: geen bezwaartermijn. Telt als lichtere stap.",
    "bibob": "Eigen onderzoek, eventueel advies van het LBB; het besluit past bij de mate van gevaar.",
    "gesprek": "Een gesprek met betrokkene: eigenaar, datum en uitkomst.",
    "buurtbemiddeling": "Bemiddeling tussen buren; de eigenaar legt de uitkomst vast.",
    "zorgtraject": "Zorg door een partner; de eigenaar legt de uitkomst vast.",
    "woonbegeleiding": "Begeleiding bij het wonen; de eigenaar legt de uitkomst vast.",
    "huurovereenkomst_ontbinding": "Door de woningcorporatie; de eigenaar legt de uitkomst vast.",
    "melding_wvggz": "Een melding voor verkennend onderzoek naar verplichte ggz.",
}

# Columns the engine sets itself, shown with a label of their own rather than the asking field's.
_PROCEDURE_DATES = (("decided_at", "Besluit of opgelegd op", "datetime"), ("ends_at", "Loopt tot", "datetime"))
_SHOWN_APART = {"person", "owner_organisation", "decided_at", "ends_at"}


def choice_label(process, name, value):
    """The label of a choice value as the process's field `name` offers it."""
    for transition in process.transitions.values():
        for spec in transition.fields:
            if spec.name == name and spec.choices:
                return spec.choices.get(value, value)
    return value


def recorded_values(intervention):
    """(label, value, kind) of each value the procedure recorded on the intervention, in the order it asks them."""
    facts = [(label, getattr(intervention, name), kind) for name, label, kind in _PROCEDURE_DATES
             if getattr(intervention, name) is not None]
    if intervention.extension_count:
        facts.append(("Aantal verlengingen", intervention.extension_count, "int"))
    seen = set(_SHOWN_APART)
    for transition in intervention.process.transitions.values():
        for spec in transition.fields:
            if spec.name in seen or not hasattr(Intervention, spec.name):
                continue
            seen.add(spec.name)
            value = getattr(intervention, spec.name)
            if value is None or value == "" or value is False:
                continue
            if spec.choices:
                value = spec.choices.get(value, value)
            facts.append((spec.label, value, spec.kind))
    return facts


def outcome_text(intervention):
    """The recorded outcome or decision of an intervention, in words; empty while there is none."""
    for name in ("outcome", "decision", "conclusion"):
        value = getattr(intervention, name)
        if value:
            return choice_label(intervention.process, name, value)
    return ""


def next_deadlines(case):
    """{intervention id: its first open deadline} for the case; a period that lapses only when nothing else is open."""
    rows = db.session().scalars(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.intervention_id.is_not(None),
                               Deadline.closed_at.is_(None))
        .order_by(Deadline.lapses, Deadline.due_at, Deadline.id)
    ).all()
    first = {}
    for row in rows:
        first.setdefault(row.intervention_id, row)
    return first


def escalation_ladder(case):
    """Each rung of the woonoverlast ladder, lightest first, with the case's interventions that count for it."""
    return [(label, [i for i in case.interventions if i.type in types]) for label, types in ESCALATION_LADDER]
