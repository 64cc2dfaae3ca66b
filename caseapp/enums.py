"""Choice lists shared by models, forms and CHECK constraints: value -> Dutch label."""


def check_in(column, choices):
    """SQL text for a CHECK constraint that keeps `column` within `choices`."""
    values = ", ".join(f"'{value}'" for value in choices)
    return f"{column} IN ({values})"


ROLES = {
    "coordinator": "Coördinator zorg en veiligheid",
    "partner": "Partnermedewerker",
    "analyst": "Analist",
    "admin": "Functioneel beheerder",
}

ORGANISATION_TYPES = {
    "gemeente": "Gemeente (eigen team)",
    "politie": "Politie",
    "ggz": "GGZ",
    "ggd": "GGD",
    "woningcorporatie": "Woningcorporatie",
    "veilig_thuis": "Veilig Thuis",
    "om": "Openbaar Ministerie",
    "riec": "RIEC",
    "sociaal_team": "Sociaal team",
    "jongerenwerk": "Jongerenwerk",
    "brandweer": "Brandweer",
    "halt": "Halt",
    "buurtbemiddeling": "Buurtbemiddeling",
    "other": "Overig",
}

# Organisations that may read notes marked for care partners (health details, DESIGN §1).
CARE_ORGANISATION_TYPES = {"ggz", "ggd", "veilig_thuis", "sociaal_team"}

CASE_TYPES = {
    "woonoverlast": "Woonoverlast",
    "verward_gedrag": "Zorg en veiligheid / verward gedrag",
    "huiselijk_geweld": "Huiselijk geweld",
    "ondermijning": "Ondermijning",
    "jeugdoverlast": "Jeugdoverlast",
    "radicalisering": "Radicalisering",
    "other": "Overig",
}

CASE_STATUSES = {
    "aangemeld": "Aangemeld",
    "onderzoek": "In onderzoek",
    "plan_van_aanpak": "Plan van aanpak",
    "uitvoering": "Uitvoering",
    "monitoring": "Monitoring",
    "afgesloten": "Afgesloten",
}

RISK_LEVELS = {
    "laag": "Laag",
    "midden": "Midden",
    "hoog": "Hoog",
    "acuut": "Acuut",
}

LEEFGEBIEDEN = {
    "schulden": "Schulden",
    "dakloosheid": "Dakloosheid",
    "verslaving": "Verslaving",
    "psychische_problematiek": "Psychische problematiek",
    "huiselijke_situatie": "Huiselijke situatie",
    "school_werk": "School / werk",
    "justitie": "Justitie",
}

PERSON_ROLES = {
    "betrokkene": "Betrokkene / veroorzaker",
    "melder": "Melder",
    "slachtoffer": "Slachtoffer",
    "huisgenoot": "Huisgenoot",
    "buurtbewoner": "Buurtbewoner",
    "minderjarige": "Minderjarige in huishouden",
}

NOTE_VISIBILITY = {
    "partners": "Gemeente en alle partners op de casus",
    "zorgpartners": "Gemeente en zorgpartners (GGZ, GGD, Veilig Thuis, sociaal team)",
    "intern": "Alleen gemeente",
}

# Actions the audit log records; the search offers these, and labels them in the results.
AUDIT_ACTIONS = {
    "login": "Inloggen",
    "logout": "Uitloggen",
    "view": "Bekijken",
    "search": "Zoeken",
    "create": "Aanmaken",
    "update": "Wijzigen",
    "delete": "Verwijderen",
    "export": "Exporteren",
    "download": "Downloaden",
    "merge": "Samenvoegen",
    "purge": "Opschonen (bewaartermijn)",
    "status": "Statuswijziging",
    "inzage": "Inzagedocument (AVG art. 15)",
    "hit-no-hit": "Hit/no-hit-controle",
}

AUDIT_OUTCOMES = {
    "allowed": "Toegestaan",
    "denied": "Geweigerd",
    "hit": "Hit",
    "no hit": "No-hit",
}

CASE_RESULTS = {
    "opgelost": "Opgelost",
    "overgedragen": "Overgedragen aan een partner of de reguliere zorg",
    "geen_grond": "Geen grond voor een casus",
    "verhuisd": "Betrokkene verhuisd buiten de regio",
    "gestopt": "Gestopt zonder resultaat",
}

# Every intervention type runs the process of its own (caseapp/workflow/processes.py).
INTERVENTION_TYPES = {
    "huisverbod": "Tijdelijk huisverbod",
    "gedragsaanwijzing": "Gedragsaanwijzing woonoverlast (art. 151d Gemeentewet)",
    "gebiedsverbod": "Gebiedsverbod (art. 172a Gemeentewet)",
    "groepsverbod": "Groepsverbod (art. 172a Gemeentewet)",
    "meldplicht": "Meldplicht (art. 172a Gemeentewet)",
    "sluiting_13b": "Sluiting pand, drugs (art. 13b Opiumwet)",
    "sluiting_174a": "Sluiting woning, openbare orde (art. 174a Gemeentewet)",
    "waarschuwing": "Bestuurlijke waarschuwing",
    "bibob": "Bibob-toets",
    "gesprek": "Gesprek",
    "buurtbemiddeling": "Buurtbemiddeling",
    "zorgtraject": "Zorgtraject",
    "woonbegeleiding": "Woonbegeleiding",
    "huurovereenkomst_ontbinding": "Ontbinding huurovereenkomst (woningcorporatie)",
    "melding_wvggz": "Melding Wvggz",
}
LIGHTER_STEPS = ("gesprek", "buurtbemiddeling", "zorgtraject", "woonbegeleiding", "huurovereenkomst_ontbinding",
                 "melding_wvggz")
PREMISES_TYPES = ("sluiting_13b", "sluiting_174a", "bibob")  # measures on premises or a business, never a person

DEADLINE_KINDS = {
    "termijn": "Termijn",
    "taak": "Taak",
}
