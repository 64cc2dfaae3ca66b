"""Every lifecycle, declared: the case's, and one per intervention type, with the legal rules of DESIGN §3.

Each rule that comes from a law names its article; periods that are local working agreements say so.
The engine (caseapp/workflow/engine.py) runs these, and the procedure pages print them.
"""

from datetime import timedelta

from caseapp.cases.models import Case
from caseapp.enums import CASE_RESULTS, INTERVENTION_TYPES, LIGHTER_STEPS
from caseapp.workflow import deadlines
from caseapp.workflow.definitions import (
    DeadlineRule,
    Field,
    Guard,
    Process,
    State,
    Transition,
    after,
    after_entering,
    later,
    local_date,
    on,
    start_of_day,
)

SUSPEND, RESUME = "opschorten", "hervatten"
BOTH = ("coordinator", "partner")


def _today(_subject, now):
    return local_date(now)


def _in_days(days):
    return lambda _subject, now: local_date(now) + timedelta(days=days)


def _now(_subject, now):
    return now


def suspension(*sources):
    """Opschorten and hervatten: the days in between push every open deadline back."""
    return (
        Transition(SUSPEND, "Opschorten", sources, reason_required=True, apply=deadlines.suspend),
        Transition(RESUME, "Hervatten", sources, apply=deadlines.resume, while_suspended=True),
    )


# -- shared fields and guards -------------------------------------------------------------------------

DECIDED_ON = Field("decided_on", "Datum besluit", "date", default=_today)
OUTCOME_NOTE = Field("outcome_note", "Toelichting op de uitkomst (optioneel)", "textarea", required=False)
PERSON = Field("person", "Persoon", "person", hint="Een persoon die op deze casus staat.")
DESCRIPTION = Field("description", "Omschrijving", "textarea", required=False)
OBJECTION_RECEIVED = Field("objection_received_on", "Bezwaar ontvangen op", "date", default=_today)


def _not_future(name, label):
    def check(_subject, values, now):
        value = values.get(name)
        if value is not None:
            moment = value if hasattr(value, "hour") else start_of_day(value)
            if moment > now:
                return f"{label} ligt in de toekomst."
        return None

    return Guard(f"{label} ligt niet in de toekomst", check)


def _case_open():
    def check(subject, _values, _now):
        return "De casus is afgesloten; heropen haar eerst." if subject.case.status == "afgesloten" else None

    return Guard("de casus is niet afgesloten", check)


def _person_on_case():
    def check(subject, values, _now):
        person = values.get("person")
        if person is not None and person.id not in {link.person_id for link in subject.case.persons}:
            return "Kies een persoon die op deze casus staat."
        return None

    return Guard("de persoon staat op de casus", check)


def _age_on(person, day):
    born = person.date_of_birth
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _store_decided_on(subject, values, _now):
    subject.decided_at = start_of_day(values["decided_on"])


def _bezwaar(states):
    return DeadlineRule("bezwaar", "Bezwaartermijn (6 weken, art. 6:7 Awb)", states, kind="termijn", lapses=True,
                        closed_by=("bezwaar_ontvangen",), **after("decided_at", "het besluit", weeks=6))


def _bezwaar_ontvangen(*sources):
    return Transition("bezwaar_ontvangen", "Bezwaar ontvangen", sources, fields=(OBJECTION_RECEIVED,),
                      guards=(_not_future("objection_received_on", "De datum van het bezwaar"),))


def _still_running_unless_withdrawn(outcome_withdrawn):
    """A measure ends early only when it is withdrawn; otherwise its period must be over."""

    def check(subject, values, now):
        if values.get("outcome") != outcome_withdrawn and subject.ends_at and now < subject.ends_at:
            return (f"De maatregel loopt nog tot {local_date(subject.ends_at):%d-%m-%Y}. "
                    "Eerder afronden kan alleen door hem in te trekken.")
        return None

    return Guard("de looptijd is voorbij, of de maatregel wordt ingetrokken", check)


# -- the case -----------------------------------------------------------------------------------------

CASE_OPEN_STATES = ("aangemeld", "onderzoek", "plan_van_aanpak", "uitvoering", "monitoring")


def _no_running_interventions():
    def check(case, _values, _now):
        running = [i.type_label for i in case.interventions if not i.process.is_final(i.status)]
        if running:
            return "De casus heeft nog lopende interventies: " + ", ".join(running) + ". Rond die eerst af."
        return None

    return Guard("geen interventie loopt nog", check)


def _close_case(case, _values, now):
    case.closed_at = now


def _reopen_case(case, _values, _now):
    case.result, case.closed_at = None, None


CASE_PROCESS = Process.declare(
    "casus", "Casus", "Werkproces zorg- en veiligheidshuis",
    summary="Van aanmelding via onderzoek, plan van aanpak, uitvoering en monitoring naar afsluiting met een "
            "resultaat. Een casus met een lopende interventie kan niet worden afgesloten; heropenen kan altijd.",
    decided_by="Coördinator zorg en veiligheid",
    states=(
        State("aangemeld", "Aangemeld"),
        State("onderzoek", "In onderzoek"),
        State("plan_van_aanpak", "Plan van aanpak"),
        State("uitvoering", "Uitvoering"),
        State("monitoring", "Monitoring"),
        State("afgesloten", "Afgesloten", final=True),
    ),
    transitions=(
        Transition("aanmelden", "Casus aanmelden", (), target="aangemeld"),
        Transition("onderzoeken", "Onderzoek starten", ("aangemeld",), target="onderzoek"),
        Transition("plan_opstellen", "Plan van aanpak opstellen", ("onderzoek",), target="plan_van_aanpak"),
        Transition("uitvoeren", "Plan in uitvoering nemen", ("plan_van_aanpak",), target="uitvoering"),
        Transition("monitoren", "Naar monitoring", ("uitvoering",), target="monitoring"),
        Transition("terug_naar_uitvoering", "Terug naar uitvoering", ("monitoring",), target="uitvoering",
                   reason_required=True),
        Transition("afsluiten", "Casus afsluiten", CASE_OPEN_STATES, target="afgesloten",
                   fields=(Field("result", "Resultaat", "choice", choices=CASE_RESULTS),),
                   guards=(_no_running_interventions(),), apply=_close_case, while_suspended=True),
        Transition("heropenen", "Casus heropenen", ("afgesloten",), target="onderzoek", reason_required=True,
                   apply=_reopen_case),
        *suspension(*CASE_OPEN_STATES),
    ),
    deadlines=(
        DeadlineRule("triage", "Triage afronden (werkafspraak)", ("aangemeld",),
                     **after_entering("aanmelding", days=7)),
        DeadlineRule("onderzoek", "Onderzoek afronden (werkafspraak)", ("onderzoek",),
                     **after_entering("de start van het onderzoek", weeks=4)),
        DeadlineRule("evaluatie", "Evaluatie monitoring (werkafspraak)", ("monitoring",),
                     **after_entering("de start van de monitoring", months=3)),
    ),
)


# -- huisverbod (Wet tijdelijk huisverbod) --------------------------------------------------------------

HUISVERBOD_OUTCOMES = {
    "hulpverlening_gestart": "Hulpverlening gestart",
    "beeindigd": "Beëindigd (termijn verstreken)",
    "ingetrokken": "Ingetrokken",
    "overtreden": "Overtreden",
}
HUISVERBOD_DAYS, HUISVERBOD_MAX_DAYS = 10, 28


def _adult(moment_value):
    def check(subject, values, now):
        person = values.get("person", subject.person)
        moment = values.get(moment_value) or now
        if person is not None and person.date_of_birth and _age_on(person, local_date(moment)) < 18:
            return "Een huisverbod kan alleen worden opgelegd aan een meerderjarige."
        if person is not None and person.date_of_birth is None:
            return "Leg eerst de geboortedatum van de persoon vast: een huisverbod geldt alleen voor meerderjarigen."
        return None

    return Guard("de persoon is meerderjarig", check)


def _veilig_thuis_first():
    def check(subject, values, _now):
        day = local_date(values["decided_at"])
        minors = [link for link in subject.case.persons
                  if link.role == "minderjarige" or (link.person.date_of_birth and _age_on(link.person, day) < 18)]
        if minors and (subject.veilig_thuis_consulted_at is None
                       or subject.veilig_thuis_consulted_at > values["decided_at"]):
            return "Er zijn minderjarigen in het huishouden: leg eerst vast dat Veilig Thuis is geraadpleegd."
        return None

    return Guard("bij minderjarigen in het huishouden is Veilig Thuis eerst geraadpleegd", check)


def _impose_huisverbod(subject, values, _now):
    subject.ends_at = values["decided_at"] + timedelta(days=HUISVERBOD_DAYS)


def _extension_rules():
    def check(subject, values, _now):
        decided, until = values["extension_decided_at"], values["ends_at"]
        if decided >= subject.ends_at:
            return (f"Het huisverbod is op {subject.ends_at:%d-%m-%Y %H:%M} (UTC) afgelopen; verlengen kan alleen "
                    "zolang het loopt.")
        if until <= subject.ends_at:
            return "De nieuwe einddatum moet later liggen dan de huidige."
        if until > subject.decided_at + timedelta(days=HUISVERBOD_MAX_DAYS):
            return "Een huisverbod kan ten hoogste tot vier weken (28 dagen) na het opleggen worden verlengd (art. 9)."
        return None

    return Guard("besloten terwijl het huisverbod loopt, en tot ten hoogste 28 dagen na het opleggen", check)


def _appeal_open():
    def check(subject, _values, _now):
        return None if subject.appeal_at else "Er is geen beroep ingesteld."

    return Guard("er is beroep ingesteld", check)


def _extend_huisverbod(subject, _values, _now):
    subject.extension_count += 1
    return f"Verlengd tot {local_date(subject.ends_at):%d-%m-%Y}."


HUISVERBOD_RUNNING = ("opgelegd", "verlengd")
HUISVERBOD = Process.declare(
    "huisverbod", "Tijdelijk huisverbod", "Wet tijdelijk huisverbod",
    decided_by="Burgemeester (oplegging kan zijn gemandateerd aan een hulpofficier van justitie)",
    summary="Alleen tegen een meerderjarige. Het huisverbod duurt 10 dagen na het opleggen (art. 2); "
            "binnen 24 uur geeft de uithuisgeplaatste een contactadres; beroep wordt binnen 3 dagen door de "
            "rechter behandeld; verlengen wordt besloten zolang het huisverbod loopt en kan tot ten hoogste "
            "4 weken na het opleggen (art. 9). Zijn er kinderen bij betrokken, dan wordt eerst Veilig Thuis "
            "geraadpleegd. Een huisverbod kan niet worden opgeschort: de termijnen staan in de wet.",
    states=(
        State("voorbereiding", "In voorbereiding"),
        State("opgelegd", "Opgelegd"),
        State("verlengd", "Verlengd"),
        State("afgerond", "Afgerond", final=True),
        State("vervallen", "Niet opgelegd", final=True),
    ),
    transitions=(
        Transition("starten", "Huisverbod voorbereiden", (), target="voorbereiding", fields=(PERSON,),
                   guards=(_case_open(), _person_on_case(), _adult(None))),
        Transition("veilig_thuis_geraadpleegd", "Veilig Thuis geraadpleegd", ("voorbereiding",),
                   fields=(Field("veilig_thuis_consulted_at", "Tijdstip raadpleging", "datetime", default=_now),),
                   guards=(_not_future("veilig_thuis_consulted_at", "Het tijdstip van raadpleging"),)),
        Transition("opleggen", "Huisverbod opleggen", ("voorbereiding",), target="opgelegd",
                   fields=(Field("decided_at", "Tijdstip van opleggen", "datetime", default=_now),),
                   guards=(_not_future("decided_at", "Het tijdstip van opleggen"), _adult("decided_at"),
                           _veilig_thuis_first()),
                   apply=_impose_huisverbod),
        Transition("contactadres_ontvangen", "Contactadres ontvangen", HUISVERBOD_RUNNING),
        Transition("hulpverlening_gestart", "Hulpverlening gestart", HUISVERBOD_RUNNING),
        Transition("beroep_ingesteld", "Beroep ingesteld", HUISVERBOD_RUNNING,
                   fields=(Field("appeal_at", "Tijdstip beroep", "datetime", default=_now),),
                   guards=(_not_future("appeal_at", "Het tijdstip van het beroep"),)),
        Transition("beroep_behandeld", "Uitspraak op beroep", HUISVERBOD_RUNNING, reason_required=True,
                   guards=(_appeal_open(),)),
        Transition("verlengen", "Huisverbod verlengen", HUISVERBOD_RUNNING, target="verlengd",
                   fields=(Field("extension_decided_at", "Tijdstip besluit tot verlengen", "datetime", default=_now),
                           Field("ends_at", "Verlengd tot", "datetime",
                                 default=lambda s, _now: s.decided_at + timedelta(days=HUISVERBOD_MAX_DAYS),
                                 hint="Ten hoogste 28 dagen na het opleggen.")),
                   guards=(_not_future("extension_decided_at", "Het besluit tot verlengen"), _extension_rules()),
                   apply=_extend_huisverbod),
        Transition("afronden", "Uitkomst vastleggen", HUISVERBOD_RUNNING, target="afgerond",
                   fields=(Field("outcome", "Uitkomst", "choice", choices=HUISVERBOD_OUTCOMES), OUTCOME_NOTE),
                   guards=(_still_running_unless_withdrawn("ingetrokken"),)),
        Transition("niet_opleggen", "Niet opleggen", ("voorbereiding",), target="vervallen", reason_required=True),
    ),
    deadlines=(
        DeadlineRule("einde", "Einde huisverbod", HUISVERBOD_RUNNING, **on("ends_at", "10 dagen na het opleggen, "
                     "of de verlengde einddatum")),
        DeadlineRule("contactadres", "Contactadres opgeven (24 uur)", HUISVERBOD_RUNNING, kind="taak",
                     closed_by=("contactadres_ontvangen",), **after("decided_at", "het opleggen", hours=24)),
        DeadlineRule("hulpverlening", "Hulpverlening starten", HUISVERBOD_RUNNING, kind="taak",
                     closed_by=("hulpverlening_gestart",), **on("ends_at", "binnen de looptijd van het huisverbod")),
        DeadlineRule("beroep", "Behandeling beroep door de rechter (3 dagen)", HUISVERBOD_RUNNING,
                     closed_by=("beroep_behandeld",), **after("appeal_at", "het instellen van beroep", days=3)),
    ),
)


# -- gedragsaanwijzing (art. 151d Gemeentewet) ---------------------------------------------------------

LIGHTER_FOR_151D = {"gesprek": "gesprek", "buurtbemiddeling": "buurtbemiddeling",
                    "waarschuwing": "bestuurlijke waarschuwing", "zorgtraject": "zorgtraject"}
GEDRAGSAANWIJZING_OUTCOMES = {
    "nageleefd": "Nageleefd: overlast gestopt",
    "dwangsom_ingevorderd": "Dwangsom verbeurd en ingevorderd",
    "bestuursdwang_toegepast": "Bestuursdwang toegepast",
    "ingetrokken": "Ingetrokken",
}
ENFORCEMENT = {"dwangsom": "Last onder dwangsom", "bestuursdwang": "Last onder bestuursdwang"}


def steps_taken(case):
    """The lighter steps carried out on a case: completed steps and sent waarschuwingen."""
    return {i.type for i in case.interventions
            if i.type in LIGHTER_FOR_151D and i.status in ("afgerond", "verzonden")}


def _lighter_steps_first():
    def check(subject, _values, _now):
        if steps_taken(subject.case):
            return None
        return ("Een gedragsaanwijzing kan pas als lichtere middelen zijn geprobeerd. Op deze casus is nog geen "
                "daarvan afgerond; ontbreekt: " + ", ".join(LIGHTER_FOR_151D.values()) + ".")

    return Guard("de casus toont een afgeronde lichtere stap: " + ", ".join(LIGHTER_FOR_151D.values()), check)


def _apv_151d():
    def check(subject, _values, _now):
        gemeente = subject.case.gemeente
        if not gemeente.apv_151d:
            return (f"De APV van {gemeente.name} bevat geen zorgplichtbepaling voor woonoverlast; een "
                    "gedragsaanwijzing (art. 151d) is daar niet mogelijk.")
        return None

    return Guard("de APV van de gemeente heeft de zorgplicht van art. 151d", check)


def _future_date(name, label):
    def check(_subject, values, now):
        value = values.get(name)
        return f"{label} moet na vandaag liggen." if value is not None and value <= local_date(now) else None

    return Guard(f"{label} ligt na vandaag", check)


def _zienswijze_done():
    def check(subject, values, now):
        day = values.get("decided_on") or local_date(now)
        deadline = subject.zienswijze_deadline
        if subject.zienswijze_received_on is None and deadline and day <= deadline:
            return (f"De zienswijzetermijn loopt tot en met {subject.zienswijze_deadline:%d-%m-%Y}. Besluit daarna, "
                    "of leg eerst de ontvangen zienswijze vast.")
        return None

    return Guard("de zienswijzetermijn is verstreken of er is een zienswijze ontvangen", check)


def _compliance_after_decision():
    def check(_subject, values, _now):
        if values["compliance_until"] <= values["decided_on"]:
            return "De begunstigingstermijn moet na de datum van het besluit eindigen."
        return None

    return Guard("de begunstigingstermijn eindigt na het besluit", check)


def _home_ban_end(subject, _started):
    return later(subject.decided_at, days=10) if subject.home_ban else None


ZIENSWIJZE_DEADLINE = Field("zienswijze_deadline", "Zienswijze uiterlijk op", "date", default=_in_days(14),
                            hint="De termijn uit de brief met het voornemen, meestal twee weken.")
ZIENSWIJZE_RECEIVED = Transition(
    "zienswijze_ontvangen", "Zienswijze ontvangen", ("voornemen",),
    fields=(Field("zienswijze_received_on", "Ontvangen op", "date", default=_today),),
    guards=(_not_future("zienswijze_received_on", "De ontvangstdatum"),))

GEDRAGSAANWIJZING = Process.declare(
    "gedragsaanwijzing", "Gedragsaanwijzing woonoverlast", "Art. 151d Gemeentewet",
    decided_by="Burgemeester",
    summary="Alleen waar de APV de zorgplicht van art. 151d heeft, en alleen als de ernstige en herhaalde "
            "overlast niet op een andere manier te stoppen is: de casus toont eerst een lichtere stap (gesprek, "
            "buurtbemiddeling, bestuurlijke waarschuwing of zorgtraject). Voornemen met zienswijze, dan het besluit "
            "met een begunstigingstermijn onder last onder dwangsom of bestuursdwang, eventueel met een verbod "
            "om 10 dagen in de woning te zijn.",
    states=(
        State("voorbereiding", "In voorbereiding"),
        State("voornemen", "Voornemen verzonden, zienswijzetermijn loopt"),
        State("opgelegd", "Opgelegd, begunstigingstermijn"),
        State("handhaving", "Overtreden, last wordt gehandhaafd"),
        State("afgerond", "Afgerond", final=True),
        State("vervallen", "Afgezien", final=True),
    ),
    transitions=(
        Transition("starten", "Gedragsaanwijzing voorbereiden", (), target="voorbereiding",
                   fields=(PERSON, DESCRIPTION),
                   guards=(_case_open(), _person_on_case(), _apv_151d(), _lighter_steps_first())),
        Transition("voornemen_verzenden", "Voornemen verzenden", ("voorbereiding",), target="voornemen",
                   fields=(ZIENSWIJZE_DEADLINE,),
                   guards=(_future_date("zienswijze_deadline", "De zienswijzetermijn"),)),
        ZIENSWIJZE_RECEIVED,
        Transition("opleggen", "Gedragsaanwijzing opleggen", ("voornemen",), target="opgelegd",
                   fields=(DECIDED_ON,
                           Field("compliance_until", "Einde begunstigingstermijn", "date", default=_in_days(28)),
                           Field("enforcement", "Last", "choice", choices=ENFORCEMENT),
                           Field("home_ban", "Met verbod om 10 dagen in de woning te zijn", "bool", required=False)),
                   guards=(_not_future("decided_on", "De datum van het besluit"), _zienswijze_done(),
                           _compliance_after_decision()),
                   apply=_store_decided_on),
        _bezwaar_ontvangen("opgelegd", "handhaving", "afgerond"),
        Transition("overtreding", "Overtreding vastgesteld", ("opgelegd",), target="handhaving", reason_required=True),
        Transition("afronden", "Uitkomst vastleggen", ("opgelegd", "handhaving"), target="afgerond",
                   fields=(Field("outcome", "Uitkomst", "choice", choices=GEDRAGSAANWIJZING_OUTCOMES), OUTCOME_NOTE)),
        Transition("afzien", "Afzien van de gedragsaanwijzing", ("voorbereiding", "voornemen"), target="vervallen",
                   reason_required=True, while_suspended=True),
        *suspension("voorbereiding", "voornemen"),
    ),
    deadlines=(
        DeadlineRule("zienswijze", "Zienswijzetermijn", ("voornemen",), closed_by=("zienswijze_ontvangen",),
                     **on("zienswijze_deadline", "de datum in de brief met het voornemen")),
        DeadlineRule("verbod_woning", "Einde verbod de woning te betreden (10 dagen)", ("opgelegd", "handhaving"),
                     lapses=True, due=_home_ban_end, description="10 dagen na het besluit, als het verbod is opgelegd"),
        DeadlineRule("begunstiging", "Einde begunstigingstermijn: naleving controleren", ("opgelegd",),
                     **on("compliance_until", "de datum in het besluit")),
        _bezwaar(("opgelegd", "handhaving", "afgerond")),
    ),
)


# -- gebiedsverbod, groepsverbod, meldplicht (art. 172a Gemeentewet) -------------------------------------

MAX_172A_EXTENSIONS = 3
MAATREGEL_172A_OUTCOMES = {"nageleefd": "Nageleefd", "overtreden": "Overtreden", "ingetrokken": "Ingetrokken"}


def _impose_172a(subject, values, _now):
    subject.decided_at = start_of_day(values["decided_on"])
    subject.ends_at = later(values["decided_on"], months=3, days=-1)  # three months, the first day included


def _extension_172a():
    def check(subject, values, _now):
        if subject.extension_count >= MAX_172A_EXTENSIONS:
            return "Een maatregel op grond van art. 172a kan ten hoogste drie keer met drie maanden worden verlengd."
        if start_of_day(values["extension_decided_on"]) > subject.ends_at:
            return "De maatregel is al afgelopen; verlengen kan alleen zolang hij loopt."
        return None

    return Guard("ten hoogste 3 verlengingen, besloten zolang de maatregel loopt", check)


def _extend_172a(subject, _values, _now):
    subject.extension_count += 1
    subject.ends_at = later(local_date(subject.ends_at), months=3)
    until = local_date(subject.ends_at)
    return f"Verlenging {subject.extension_count} van {MAX_172A_EXTENSIONS}: loopt tot {until:%d-%m-%Y}."


MAATREGEL_172A = Process.declare(
    "maatregel_172a", "Gebiedsverbod, groepsverbod of meldplicht", "Art. 172a Gemeentewet",
    decided_by="Burgemeester",
    summary="Bij herhaalde verstoring van de openbare orde en vrees voor verdere verstoring. De maatregel geldt "
            "ten hoogste 3 maanden en kan ten hoogste 3 keer met 3 maanden worden verlengd; een vierde verlenging "
            "wordt geweigerd. De looptijd staat in de wet: opschorten kan niet.",
    states=(
        State("voorbereiding", "In voorbereiding"),
        State("opgelegd", "Opgelegd"),
        State("afgerond", "Afgerond", final=True),
        State("vervallen", "Niet opgelegd", final=True),
    ),
    transitions=(
        Transition("starten", "Maatregel voorbereiden", (), target="voorbereiding",
                   fields=(PERSON, Field("description", "Gebied, groep of meldplicht", "textarea")),
                   guards=(_case_open(), _person_on_case())),
        Transition("opleggen", "Maatregel opleggen", ("voorbereiding",), target="opgelegd",
                   fields=(Field("decided_on", "Ingangsdatum", "date", default=_today),),
                   guards=(_not_future("decided_on", "De ingangsdatum"),), apply=_impose_172a),
        Transition("verlengen", "Met 3 maanden verlengen", ("opgelegd",),
                   fields=(Field("extension_decided_on", "Datum besluit tot verlengen", "date", default=_today),),
                   guards=(_not_future("extension_decided_on", "Het besluit tot verlengen"), _extension_172a()),
                   apply=_extend_172a),
        _bezwaar_ontvangen("opgelegd", "afgerond"),
        Transition("overtreding", "Overtreding vastgelegd", ("opgelegd",), reason_required=True),
        Transition("afronden", "Uitkomst vastleggen", ("opgelegd",), target="afgerond",
                   fields=(Field("outcome", "Uitkomst", "choice", choices=MAATREGEL_172A_OUTCOMES), OUTCOME_NOTE),
                   guards=(_still_running_unless_withdrawn("ingetrokken"),)),
        Transition("niet_opleggen", "Niet opleggen", ("voorbereiding",), target="vervallen", reason_required=True),
    ),
    deadlines=(
        DeadlineRule("einde", "Einde maatregel", ("opgelegd",),
                     **on("ends_at", "3 maanden na de ingangsdatum, 3 maanden later per verlenging")),
        _bezwaar(("opgelegd", "afgerond")),
    ),
)


# -- sluiting (art. 13b Opiumwet, art. 174a Gemeentewet) ----------------------------------------------------

def _own_measures_first():
    def check(subject, _values, now):
        if subject.type != "sluiting_174a" or subject.urgent:
            return None
        if subject.measures_until is None:
            return ("Bij een sluiting op grond van art. 174a krijgen betrokkenen eerst een termijn om zelf "
                    "maatregelen te nemen, tenzij de zaak spoedeisend is. Geef eerst die termijn.")
        if subject.measures_until >= local_date(now):
            return f"De termijn voor eigen maatregelen loopt tot en met {subject.measures_until:%d-%m-%Y}."
        return None

    return Guard("art. 174a: de termijn voor eigen maatregelen is verstreken, of de zaak is spoedeisend", check)


def _zienswijze_phase_unless_urgent():
    def check(subject, _values, _now):
        if subject.status != "voornemen" and not subject.urgent:
            return ("Verzend eerst het voornemen en wacht de zienswijze af; alleen bij spoed kan dat worden "
                    "overgeslagen.")
        return None

    return Guard("het voornemen is verzonden (niet nodig bij spoed)", check)


def _wkpb_registered():
    def check(subject, _values, _now):
        if any(row.key == "wkpb" and row.met for row in deadlines.deadlines_of(subject)):
            return None
        return "Registreer het besluit eerst in de Wkpb; de opheffing wordt daar ook bijgewerkt."

    return Guard("het besluit is in de Wkpb geregistreerd", check)


def _execute_sluiting(subject, values, _now):
    subject.ends_at = later(values["executed_on"], months=subject.duration_months, days=-1)


def _extend_sluiting(subject, values, _now):
    months = values["extension_months"]
    subject.duration_months += months
    subject.extension_count += 1
    subject.ends_at = later(local_date(subject.ends_at), months=months)
    return f"Verlengd met {months} maanden, tot {local_date(subject.ends_at):%d-%m-%Y}."


def _months_between(name, label, low, high):
    def check(_subject, values, _now):
        value = values.get(name)
        if value is not None and not low <= value <= high:
            return f"{label} moet tussen {low} en {high} maanden liggen."
        return None

    return Guard(f"{label}: {low} tot {high} maanden", check)


def _sluiting(key, type_key, legal_basis, summary, own_measures):
    start_fields = (
        Field("premises_address", "Adres van het pand", "text", default=lambda s, _now: s.case.address),
        Field("business_name", "Naam onderneming of lokaal", "text", required=False),
        Field("report_received_on", "Datum bestuurlijke rapportage (politie)", "date", default=_today),
    ) + ((Field("urgent", "Spoedeisend (geen termijn voor eigen maatregelen)", "bool", required=False),)
         if own_measures else ())
    extra_transitions = (
        Transition("eigen_maatregelen", "Termijn geven voor eigen maatregelen", ("rapportage", "gewaarschuwd"),
                   target="eigen_maatregelen",
                   fields=(Field("measures_until", "Zelf maatregelen nemen tot en met", "date", default=_in_days(14)),),
                   guards=(_future_date("measures_until", "De termijn voor eigen maatregelen"),)),
        Transition("verlengen", "Sluiting verlengen", ("gesloten",),
                   fields=(Field("extension_months", "Verlengen met (maanden)", "int", default=lambda s, n: 3),),
                   guards=(_months_between("extension_months", "De verlenging", 1, 12),), apply=_extend_sluiting),
    ) if own_measures else ()
    voornemen_sources = ("rapportage", "gewaarschuwd", "eigen_maatregelen") if own_measures \
        else ("rapportage", "gewaarschuwd")
    before_besluit = (*voornemen_sources, "voornemen")
    return Process.declare(
        key, INTERVENTION_TYPES[type_key], legal_basis, decided_by="Burgemeester", summary=summary,
        states=(
            State("rapportage", "Bestuurlijke rapportage ontvangen"),
            State("gewaarschuwd", "Waarschuwing gegeven"),
            *((State("eigen_maatregelen", "Termijn voor eigen maatregelen loopt"),) if own_measures else ()),
            State("voornemen", "Voornemen verzonden, zienswijzetermijn loopt"),
            State("besloten", "Besluit tot sluiting genomen"),
            State("gesloten", "Gesloten"),
            State("opgeheven", "Sluiting opgeheven", final=True),
            State("vervallen", "Afgezien van sluiting", final=True),
        ),
        transitions=(
            Transition("starten", "Sluitingsprocedure starten", (), target="rapportage", fields=start_fields,
                       guards=(_case_open(), _not_future("report_received_on", "De datum van de rapportage"))),
            Transition("waarschuwen", "Waarschuwing geven", ("rapportage",), target="gewaarschuwd"),
            *extra_transitions,
            Transition("voornemen_verzenden", "Voornemen tot sluiting verzenden", voornemen_sources, target="voornemen",
                       fields=(ZIENSWIJZE_DEADLINE,),
                       guards=(_future_date("zienswijze_deadline", "De zienswijzetermijn"), _own_measures_first())),
            ZIENSWIJZE_RECEIVED,
            # At 174a, an urgent case may skip the voornemen (the guard below allows that only when urgent).
            Transition("besluiten", "Besluit tot sluiting",
                       ("voornemen",) + (voornemen_sources if own_measures else ()), target="besloten",
                       fields=(DECIDED_ON, Field("duration_months", "Duur van de sluiting (maanden)", "int",
                                                 default=lambda s, n: 3, hint="Volgens het lokale beleid, "
                                                 "bijvoorbeeld 3 of 6 maanden.")),
                       guards=(_not_future("decided_on", "De datum van het besluit"), _zienswijze_phase_unless_urgent(),
                               _zienswijze_done(), _months_between("duration_months", "De duur", 1, 60)),
                       apply=_store_decided_on),
            _bezwaar_ontvangen("besloten", "gesloten", "opgeheven"),
            Transition("wkpb_geregistreerd", "Geregistreerd in de Wkpb", ("besloten", "gesloten")),
            Transition("uitvoeren", "Sluiting uitgevoerd", ("besloten",), target="gesloten",
                       fields=(Field("executed_on", "Gesloten op", "date", default=_today),),
                       guards=(_not_future("executed_on", "De datum van sluiting"),), apply=_execute_sluiting),
            Transition("opheffen", "Sluiting opheffen", ("gesloten",), target="opgeheven",
                       guards=(_wkpb_registered(),)),
            Transition("afzien", "Afzien van sluiting", before_besluit, target="vervallen",
                       reason_required=True, while_suspended=True),
            *suspension(*before_besluit),
        ),
        deadlines=(
            *((DeadlineRule("eigen_maatregelen", "Termijn voor eigen maatregelen", ("eigen_maatregelen",),
                            **on("measures_until", "de datum die betrokkenen is gegeven")),) if own_measures else ()),
            DeadlineRule("zienswijze", "Zienswijzetermijn", ("voornemen",), closed_by=("zienswijze_ontvangen",),
                         **on("zienswijze_deadline", "de datum in de brief met het voornemen")),
            DeadlineRule("wkpb", "Registratie publiekrechtelijke beperking (Wkpb, 4 dagen)",
                         ("besloten", "gesloten"), kind="taak", closed_by=("wkpb_geregistreerd",),
                         **after("decided_at", "het besluit", days=4)),
            _bezwaar(("besloten", "gesloten", "opgeheven")),
            DeadlineRule("einde", "Einde sluiting: opheffen", ("gesloten",),
                         **on("ends_at", "de duur uit het besluit, gerekend vanaf de sluiting")),
        ),
    )


SLUITING_13B = _sluiting(
    "sluiting_13b", "sluiting_13b", "Art. 13b Opiumwet",
    "Na een bestuurlijke rapportage van de politie: (waarschuwing) → voornemen → zienswijze (termijn uit de brief, "
    "meestal 2 weken) → besluit met de duur volgens lokaal beleid → sluiting → opheffing. Bezwaar binnen 6 weken "
    "(art. 6:7 Awb) schorst de sluiting niet. De sluiting wordt binnen 4 dagen in de Wkpb geregistreerd en het "
    "besluit 10 jaar bewaard.", own_measures=False)
SLUITING_174A = _sluiting(
    "sluiting_174a", "sluiting_174a", "Art. 174a Gemeentewet",
    "Bij verstoring van de openbare orde vanuit een woning of lokaal. Betrokkenen krijgen eerst een termijn om "
    "zelf maatregelen te nemen, tenzij de zaak spoedeisend is (bij spoed kan ook het voornemen worden "
    "overgeslagen). Verder als bij 13b: voornemen, zienswijze, besluit, sluiting, opheffing; bezwaar (6 weken) "
    "schorst de sluiting niet; Wkpb-registratie. De sluiting kan worden verlengd.", own_measures=True)


# -- bestuurlijke waarschuwing --------------------------------------------------------------------------

def _addressee():
    def check(_subject, values, _now):
        if values.get("person") is None and not values.get("premises_address") and not values.get("business_name"):
            return "Kies de persoon of vul het adres of de onderneming in aan wie de waarschuwing is gericht."
        return None

    return Guard("gericht aan een persoon, een pand of een onderneming", check)


WAARSCHUWING = Process.declare(
    "waarschuwing", "Bestuurlijke waarschuwing", "Bevoegdheid burgemeester (geen besluit in de zin van de Awb)",
    decided_by="Burgemeester",
    summary="Een brief, geen besluit: er loopt geen bezwaartermijn. Telt mee als lichtere stap voor een "
            "gedragsaanwijzing en als indicator ondermijning/overlast.",
    states=(
        State("concept", "Concept"),
        State("verzonden", "Verzonden", final=True),
        State("vervallen", "Niet verzonden", final=True),
    ),
    transitions=(
        Transition("starten", "Waarschuwing opstellen", (), target="concept",
                   fields=(Field("person", "Persoon", "person", required=False),
                           Field("premises_address", "Adres", "text", required=False),
                           Field("business_name", "Onderneming", "text", required=False), DESCRIPTION),
                   guards=(_case_open(), _person_on_case(), _addressee())),
        Transition("verzenden", "Waarschuwing verzonden", ("concept",), target="verzonden",
                   fields=(Field("decided_on", "Verzonden op", "date", default=_today),),
                   guards=(_not_future("decided_on", "De verzenddatum"),), apply=_store_decided_on),
        Transition("niet_verzenden", "Niet verzenden", ("concept",), target="vervallen", reason_required=True),
    ),
)


# -- Bibob-toets ---------------------------------------------------------------------------------------------

BIBOB_CONCLUSIONS = {"geen": "Geen gevaar", "mindere_mate": "Mindere mate van gevaar",
                     "ernstig": "Ernstig gevaar"}
BIBOB_DECISIONS = {"verlenen": "Verlenen", "verlenen_voorwaarden": "Verlenen onder voorwaarden",
                   "weigeren": "Weigeren", "intrekken": "Intrekken"}
# Art. 3 Wet Bibob: what each degree of danger allows.
BIBOB_ALLOWED = {"geen": {"verlenen"}, "mindere_mate": {"verlenen_voorwaarden", "weigeren", "intrekken"},
                 "ernstig": {"weigeren", "intrekken"}}


def _decision_fits_conclusion():
    def check(subject, values, _now):
        allowed = BIBOB_ALLOWED[subject.conclusion]
        if values["decision"] not in allowed:
            return (f"Bij de conclusie ‘{BIBOB_CONCLUSIONS[subject.conclusion].lower()}’ past alleen: "
                    + ", ".join(BIBOB_DECISIONS[d].lower() for d in BIBOB_DECISIONS if d in allowed) + ".")
        return None

    return Guard("het besluit past bij de mate van gevaar (art. 3 Wet Bibob)", check)


def _kvk_number():
    def check(_subject, values, _now):
        value = values.get("kvk_number") or ""
        return "Een KvK-nummer heeft 8 cijfers." if value and not (value.isdigit() and len(value) == 8) else None

    return Guard("het KvK-nummer heeft 8 cijfers", check)


BIBOB = Process.declare(
    "bibob", "Bibob-toets", "Wet Bibob",
    decided_by="Bestuursorgaan (burgemeester of college)",
    summary="Eigen onderzoek, eventueel advies van het Landelijk Bureau Bibob (8 weken, eenmaal met 4 weken te "
            "verlengen), conclusie geen / mindere mate / ernstig gevaar, en een besluit dat daarbij past: bij "
            "ernstig gevaar weigeren of intrekken, bij mindere mate voorwaarden verbinden.",
    states=(
        State("onderzoek", "Eigen onderzoek"),
        State("advies_gevraagd", "Advies gevraagd aan het LBB"),
        State("geconcludeerd", "Conclusie getrokken"),
        State("besloten", "Besloten", final=True),
        State("vervallen", "Gestopt", final=True),
    ),
    transitions=(
        Transition("starten", "Bibob-toets starten", (), target="onderzoek",
                   fields=(Field("business_name", "Onderneming of aanvrager", "text"),
                           Field("kvk_number", "KvK-nummer", "text", required=False),
                           Field("premises_address", "Adres", "text", required=False), DESCRIPTION),
                   guards=(_case_open(), _kvk_number())),
        Transition("advies_aanvragen", "Advies aanvragen bij het LBB", ("onderzoek",), target="advies_gevraagd",
                   fields=(Field("advice_requested_on", "Aangevraagd op", "date", default=_today),),
                   guards=(_not_future("advice_requested_on", "De datum van de aanvraag"),)),
        Transition("advies_ontvangen", "Advies ontvangen", ("advies_gevraagd",), target="onderzoek"),
        Transition("concluderen", "Conclusie vastleggen", ("onderzoek",), target="geconcludeerd",
                   fields=(Field("conclusion", "Mate van gevaar", "choice", choices=BIBOB_CONCLUSIONS),)),
        Transition("besluiten", "Besluit vastleggen", ("geconcludeerd",), target="besloten",
                   fields=(Field("decision", "Besluit", "choice", choices=BIBOB_DECISIONS), DECIDED_ON),
                   guards=(_not_future("decided_on", "De datum van het besluit"), _decision_fits_conclusion()),
                   apply=_store_decided_on),
        _bezwaar_ontvangen("besloten"),
        Transition("stoppen", "Toets stoppen", ("onderzoek", "advies_gevraagd", "geconcludeerd"), target="vervallen",
                   reason_required=True, while_suspended=True),
        *suspension("onderzoek", "advies_gevraagd", "geconcludeerd"),
    ),
    deadlines=(
        DeadlineRule("advies", "Advies LBB (8 weken)", ("advies_gevraagd",),
                     **after("advice_requested_on", "de aanvraag", weeks=8)),
        _bezwaar(("besloten",)),
    ),
)


# -- lighter and partner-owned steps ---------------------------------------------------------------------------

def _owner_works_on_case():
    def check(subject, values, _now):
        owner = values.get("owner_organisation")
        if owner is not None and owner.type != "gemeente" and \
                owner.id not in {assignment.organisation_id for assignment in subject.case.partners}:
            return f"Koppel {owner.name} eerst als partner aan de casus; anders kan zij deze stap niet zien."
        return None

    return Guard("de eigenaar is de gemeente of een partner op de casus", check)


STEP_OUTCOMES = {"effect": "Met effect", "deels": "Deels effect", "geen_effect": "Zonder effect",
                 "geweigerd": "Betrokkene werkte niet mee"}

STAP = Process.declare(
    "stap", "Lichtere of partnerstap", "Afspraak in het plan van aanpak",
    decided_by="De eigenaar: de gemeente of de partnerorganisatie",
    summary="Gesprek, buurtbemiddeling, zorgtraject, woonbegeleiding, ontbinding van de huurovereenkomst "
            "(woningcorporatie) of een melding Wvggz: een eigenaar, een datum waarop het gedaan moet zijn en een "
            "uitkomst. Medewerkers van de eigenaar leggen de uitkomst zelf vast.",
    states=(
        State("gepland", "Gepland"),
        State("afgerond", "Afgerond", final=True),
        State("vervallen", "Vervallen", final=True),
    ),
    transitions=(
        Transition("starten", "Stap plannen", (), target="gepland",
                   fields=(Field("owner_organisation", "Eigenaar", "organisation"),
                           Field("due_on", "Uitvoeren uiterlijk op", "date", default=_in_days(14)),
                           Field("person", "Persoon", "person", required=False), DESCRIPTION),
                   guards=(_case_open(), _person_on_case(), _owner_works_on_case(),
                           _future_date("due_on", "De datum"))),
        Transition("afronden", "Uitkomst vastleggen", ("gepland",), target="afgerond", roles=BOTH,
                   fields=(Field("outcome", "Uitkomst", "choice", choices=STEP_OUTCOMES), OUTCOME_NOTE)),
        Transition("vervallen", "Laten vervallen", ("gepland",), target="vervallen", reason_required=True,
                   while_suspended=True),
        *suspension("gepland"),
    ),
    deadlines=(
        DeadlineRule("uitvoeren", "Stap uitvoeren", ("gepland",), kind="taak", closed_by=("afronden",),
                     **on("due_on", "de afgesproken datum")),
    ),
)


PROCESSES = {process.key: process for process in (
    CASE_PROCESS, HUISVERBOD, GEDRAGSAANWIJZING, MAATREGEL_172A, SLUITING_13B, SLUITING_174A, WAARSCHUWING, BIBOB, STAP,
)}
PROCESS_OF_TYPE = {
    "huisverbod": HUISVERBOD, "gedragsaanwijzing": GEDRAGSAANWIJZING,
    "gebiedsverbod": MAATREGEL_172A, "groepsverbod": MAATREGEL_172A, "meldplicht": MAATREGEL_172A,
    "sluiting_13b": SLUITING_13B, "sluiting_174a": SLUITING_174A, "waarschuwing": WAARSCHUWING, "bibob": BIBOB,
    **{step: STAP for step in LIGHTER_STEPS},
}

# The woonoverlast escalation ladder (DESIGN §3), lightest first: each rung and the types that count for it.
ESCALATION_LADDER = (
    ("Gesprek", ("gesprek",)),
    ("Buurtbemiddeling", ("buurtbemiddeling",)),
    ("Bestuurlijke waarschuwing", ("waarschuwing",)),
    ("Gedragsaanwijzing", ("gedragsaanwijzing",)),
    ("Sluiting", ("sluiting_13b", "sluiting_174a")),
)


def process_of(subject):
    """The process that runs a case or an intervention."""
    return CASE_PROCESS if isinstance(subject, Case) else PROCESS_OF_TYPE[subject.type]
