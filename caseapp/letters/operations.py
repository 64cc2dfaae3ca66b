"""Letters: templates the functioneel beheerder edits, filled with the case's data, saved as a document.

A template is text with placeholders ({{ gemeente }}) and conditions ({% if onderneming %} … {% endif %}),
nothing more: it is checked when it is saved, and rendered in Jinja's sandbox with autoescape. The template's
own text is escaped too, so neither the beheerder nor the case data can put HTML or script in a letter.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import render_template
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.ext import Extension
from jinja2.lexer import Token
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape
from sqlalchemy import select

from caseapp import db
from caseapp.audit.operations import apply_changes, change_detail, record
from caseapp.documents.filetypes import HTML
from caseapp.documents.operations import add_generated
from caseapp.letters.models import LETTER_KINDS, LETTER_OF_TYPE, LetterTemplate

# What a template may use; the edit page lists these for the beheerder.
PLACEHOLDERS = {
    "gemeente": "de gemeente van de casus",
    "datum": "de datum van vandaag, voluit",
    "kenmerk": "het kenmerk: het nummer van de casus",
    "geadresseerde": "aan wie de brief is gericht: de persoon, de onderneming, of de bewoners of eigenaar",
    "adres": "het adres van de geadresseerde",
    "pandadres": "het adres van het pand of de woning",
    "onderneming": "de naam van de onderneming of het lokaal (kan leeg zijn)",
    "maatregel": "de soort interventie",
    "grondslag": "de wettelijke grondslag, voluit",
    "omschrijving": "de omschrijving bij de interventie (kan leeg zijn)",
    "datum_rapportage": "de datum van de bestuurlijke rapportage van de politie (sluiting)",
    "eigen_maatregelen_tot": "het einde van de termijn om zelf maatregelen te nemen (sluiting 174a)",
    "zienswijze_uiterlijk": "de uiterste datum voor de zienswijze (voornemens)",
    "coordinator": "de coördinator van de casus",
}
LEGAL_BASIS = {
    "waarschuwing": "artikel 172 van de Gemeentewet",
    "voornemen_sluiting_13b": "artikel 13b van de Opiumwet",
    "voornemen_sluiting_174a": "artikel 174a van de Gemeentewet",
    "voornemen_gedragsaanwijzing": "artikel 151d van de Gemeentewet",
}
ZIENSWIJZE_DAYS = 14  # as the procedure's own default: "meestal twee weken"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
SYNTAX = ("Regel {line} is geen geldig sjabloon. Controleer of elk ‘{{{{’ wordt gesloten met ‘}}}}’ en elke "
          "‘{{% if … %}}’ met ‘{{% endif %}}’.")
NOT_ALLOWED = ("Regel {line}: alleen velden zoals {{{{ gemeente }}}} en voorwaarden zoals {{% if onderneming %}} … "
               "{{% else %}} … {{% endif %}} zijn toegestaan; geen punten, haakjes, filters, berekeningen of andere "
               "opdrachten.")
BROKEN = "Het briefsjabloon ‘{label}’ bevat een fout. Vraag de functioneel beheerder het sjabloon te herstellen."


class _TemplateTextIsText(Extension):
    """The template's own text is plain text, escaped like the values put into it: a '<' is shown, never HTML."""

    def filter_stream(self, stream):
        for token in stream:
            yield Token(token.lineno, "data", str(escape(token.value))) if token.type == "data" else token


ENVIRONMENT = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                   extensions=[_TemplateTextIsText])
# A template is text, placeholders and conditions: these are the only parts it may be built from.
_ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.If, nodes.Not, nodes.And, nodes.Or)


class Missing:
    """A value the records do not hold yet: false in {% if %}, and a visible gap in the letter."""

    def __init__(self, label):
        self.label = label

    def __bool__(self):
        return False

    def __html__(self):
        return Markup('<mark class="missing">[{}]</mark>').format(f"ontbreekt: {self.label}")


class LetterBroken(Exception):
    """A stored template that does not render (it was checked when saved, so it was changed behind the app)."""


def template_errors(source):
    """Why `source` cannot be a letter template, in Dutch; empty when it can."""
    try:
        tree = ENVIRONMENT.parse(source)
    except TemplateSyntaxError as error:
        return [SYNTAX.format(line=error.lineno)]
    errors = []
    other = [node for node in tree.find_all(nodes.Node) if not isinstance(node, _ALLOWED)]
    if other:
        errors.append(NOT_ALLOWED.format(line=other[0].lineno))
    unknown = sorted(meta.find_undeclared_variables(tree) - PLACEHOLDERS.keys())
    if unknown:
        names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
        errors.append(f"Onbekend veld: {names}. Gebruik alleen de velden uit de lijst hiernaast.")
    if errors:
        return errors
    try:  # the sandbox has the last word on whatever the checks above let through
        render_text(source, example_values())
    except TemplateError:
        return ["Het sjabloon kan niet worden gevuld. Gebruik alleen velden en voorwaarden."]
    return []


def render_text(source, values):
    """`source` filled with `values` in the sandbox: escaped HTML text (Markup)."""
    # Markup: autoescape escaped every value, and _TemplateTextIsText the template's own text.
    return Markup(ENVIRONMENT.from_string(source).render(values))  # noqa: S704  # nosec B704


def long_date(day):
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def example_values():
    """Values of the right kind for every placeholder: for checking a template and for the beheerder's preview."""
    return {
        "gemeente": "Lisse", "datum": "22 november 2026", "kenmerk": "2026-000123", "geadresseerde": "J. Jansen",
        "adres": "Kanaalstraat 12, 2161 AB Lisse", "pandadres": "Kanaalstraat 12, 2161 AB Lisse",
        "onderneming": "", "maatregel": "Voorbeeld", "grondslag": "artikel 151d van de Gemeentewet",
        "omschrijving": "Harde muziek en geschreeuw in de nacht, bijna dagelijks sinds maart.",
        "datum_rapportage": "1 november 2026", "eigen_maatregelen_tot": "15 november 2026",
        "zienswijze_uiterlijk": "6 december 2026", "coordinator": "M. van der Horst",
    }


@dataclass
class Letter:
    kind: str
    subject: Markup
    paragraphs: list
    values: dict
    notices: list = field(default_factory=list)  # what the letter had to assume; shown on screen, not printed

    @property
    def label(self):
        return LETTER_KINDS[self.kind]

    @property
    def address_lines(self):
        """The addressee's address on separate lines, as it goes in the window of an envelope."""
        return self.values["adres"].split(", ")


def template_for(intervention):
    """The letter template for an intervention's type; None when the type has no letter."""
    kind = LETTER_OF_TYPE.get(intervention.type)
    return get_template(kind) if kind else None


def compose(template, intervention, author, today):
    """The letter `template` makes for `intervention`, written by `author` on `today` (a Dutch date)."""
    values, notices = letter_values(template.kind, intervention, author, today)
    try:
        subject, body = render_text(template.subject, values), render_text(template.body, values)
    except TemplateError as error:
        raise LetterBroken(BROKEN.format(label=template.label)) from error
    if 'class="missing"' in subject + body:  # a gap the template actually prints
        notices.append("Niet alle gegevens zijn bekend: in de brief staat ‘ontbreekt’ waar iets moet worden "
                       "aangevuld. Leg het vast bij de interventie en stel de brief opnieuw op.")
    return Letter(template.kind, subject, _paragraphs(body), values, notices)


def example(template):
    """The letter `template` makes from example values: the beheerder's preview (None if it does not render)."""
    values = {**example_values(), "grondslag": LEGAL_BASIS[template.kind]}
    try:
        return Letter(template.kind, render_text(template.subject, values),
                      _paragraphs(render_text(template.body, values)), values)
    except TemplateError:
        return None


def letter_values(kind, intervention, author, today):
    """The placeholders' values for a letter on `intervention`, and what the letter had to assume."""
    case = intervention.case
    premises = intervention.premises_address or case.address
    notices = []
    zienswijze = intervention.zienswijze_deadline
    if zienswijze is None and kind.startswith("voornemen"):
        zienswijze = today + timedelta(days=ZIENSWIJZE_DAYS)
        notices.append(f"De zienswijzetermijn is nog niet vastgelegd. De brief noemt {long_date(zienswijze)}, twee "
                       "weken na vandaag; leg dezelfde datum vast bij de stap ‘Voornemen verzenden’.")
    return {
        "gemeente": case.gemeente.name,
        "datum": long_date(today),
        "kenmerk": case.reference,
        "geadresseerde": _addressee(intervention),
        "adres": (intervention.person.address if intervention.person else "") or premises,
        "pandadres": premises,
        "onderneming": intervention.business_name,
        "maatregel": intervention.type_label,
        "grondslag": LEGAL_BASIS[kind],
        "omschrijving": intervention.description,
        "datum_rapportage": _date_or_missing(intervention.report_received_on, "datum bestuurlijke rapportage"),
        "eigen_maatregelen_tot": _date_or_missing(intervention.measures_until, "termijn eigen maatregelen"),
        "zienswijze_uiterlijk": _date_or_missing(zienswijze, "uiterste datum zienswijze"),
        "coordinator": (case.coordinator or author).name,
    }, notices


def _addressee(intervention):
    if intervention.person is not None:
        return intervention.person.full_name
    if intervention.business_name:
        return intervention.business_name
    if intervention.type.startswith("sluiting"):
        return "De eigenaar en de gebruiker(s) van het pand"
    return "De bewoner(s)"


def _date_or_missing(day, label):
    return long_date(day) if day else Missing(label)


def _paragraphs(text):
    """Escaped text (Markup) as paragraphs: a blank line separates them, a single newline is a line break."""
    paragraphs, lines = [], []
    for line in [*text.splitlines(), Markup("")]:  # Markup's own methods: every piece stays escaped
        if line.strip():
            lines.append(line.strip())
        elif lines:
            paragraphs.append(Markup("<br>\n").join(lines))
            lines = []
    return paragraphs


def save_letter(user, intervention, letter, *, visibility, now=None):
    """Keep the letter as an HTML document on the case, with the intervention; audited as a new document."""
    article = render_template("letters/_letter.html", letter=letter)
    reference = letter.values["kenmerk"]
    return add_generated(
        user, intervention.case, _standalone(article, f"{letter.label} · {reference}").encode("utf-8"),
        content_type=HTML.content_type, filename=f"{letter.kind.replace('_', '-')}-{reference}.html",
        title=f"{letter.label}, {letter.values['datum']}", visibility=visibility, intervention=intervention,
        now=now)


# The saved letter leaves the app (downloaded, printed, archived), so it carries its own few styles.
_FILE_STYLE = """
@page { size: A4; margin: 25mm 20mm 25mm 25mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.45; color: #000; max-width: 165mm;
       margin: 0 auto; }
.letterhead { font-size: 16pt; font-weight: bold; margin: 0 0 2mm; }
.sender { margin: 0 0 12mm; color: #333; }
.addressee { font-style: normal; margin: 0 0 12mm; }
.letter-meta { border-collapse: collapse; margin: 0 0 8mm; }
.letter-meta th { text-align: left; font-weight: normal; color: #333; padding: 0 6mm 1mm 0; }
.letter-meta td { padding: 0 0 1mm; }
.letter-body p { margin: 0 0 4mm; }
mark.missing { background: #fff4e0; border: 1px dashed #8a5300; }
"""


def _standalone(article, title):
    return (f'<!doctype html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
            f"<style>{_FILE_STYLE}</style>\n</head>\n<body>\n{article}\n</body>\n</html>\n")


def all_templates():
    order = list(LETTER_KINDS)
    return sorted(db.session().scalars(select(LetterTemplate)).all(), key=lambda template: order.index(template.kind))


def get_template(kind):
    return db.session().scalar(select(LetterTemplate).where(LetterTemplate.kind == kind))


def update_template(user, template, *, subject, body, now):
    """Save a template's new text (checked by the form); audited with what changed."""
    changed = apply_changes(template, subject=subject, body=body)
    if changed:
        template.updated_at = now
        template.updated_by = user
    record(user, "update", record_type="letter_template", record_id=template.id, detail=change_detail(changed))
    return changed
