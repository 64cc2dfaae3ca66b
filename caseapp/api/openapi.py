"""The API's OpenAPI 3.1 document, served at /api/v1/openapi.json.

Written by hand as data, from the same enumerations the app uses; tests/test_api.py validates it and checks every
endpoint's real answers against these schemas.
"""

from caseapp.indicators.forms import YEARS_SHOWN
from caseapp.indicators.models import BETTER, COMPARISONS, KINDS, MAX_YEAR, MIN_YEAR, THEMES
from caseapp.indicators.report import GRANULARITIES, MAX_PERIODS, SUPPRESSED

TARGET_STATUSES = ["Gehaald", "Niet gehaald", "Loopt nog", "Geen waarde"]  # report.TargetStatus.label
TREND_DIRECTIONS = ["stijgt", "daalt", "gelijk"]  # report.Trend.direction


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties, description=None):
    """An object schema with exactly these properties, all present (a missing value is null, not absent)."""
    schema = {"type": "object", "required": list(properties), "properties": properties, "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def _json(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _enum(values, description=None):
    schema = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


def _id_or_empty(description):
    return {"name": description[0], "in": "query", "required": False, "description": description[1],
            "schema": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "maxLength": 0}]}}


_NULLABLE_INT = {"type": ["integer", "null"]}
_NAMED = _object({"id": {"type": "integer"}, "naam": {"type": "string"}})
_ERROR = _json(_ref("Fout"), "Fout")

REFUSED = {
    "description": "Geen, een onbekend, een ingetrokken of een verlopen token, of een token van een gebruiker die "
                   "niet meer actief is of geen analist meer is.",
    "headers": {"WWW-Authenticate": {"description": 'Bearer realm="caseapp", met error="invalid_token" als er een '
                                                    "token was meegegeven.", "schema": {"type": "string"}}},
    "content": {"application/json": {"schema": _ref("Fout")}},
}

PERIOD_NOTE = ", ".join(f"{GRANULARITIES[g].lower()} ten hoogste {n} perioden" for g, n in MAX_PERIODS.items())

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Zorg en Veiligheid: indicatoren voor BI-tools",
        "version": "1",
        "description": (
            "Alleen-lezen toegang tot de indicatoren van team veiligheid (aantallen per gemeente, wijk en periode, "
            "met nulmeting, streefwaarde en trend) voor BI-tools zoals Power BI en Excel. Er staan geen "
            "persoonsgegevens in.\n\n"
            "Elke aanvraag, behalve die van dit document, heeft een API-token nodig in de header "
            "`Authorization: Bearer <token>`; een token in de URL wordt geweigerd. Een functioneel beheerder geeft "
            "een token uit aan een analist; het geeft toegang tot de cijfers van de gemeenten waarvoor die analist "
            "werkt, en werkt niet meer als het is ingetrokken of verlopen, of als de analist gedeactiveerd is of "
            "een andere rol heeft gekregen. Elke aanvraag wordt vastgelegd in de auditlog.\n\n"
            "Met `publicatie=1` worden aantallen van 1 tot en met 4 gegeven als de tekst \"<5\": kleine aantallen "
            "kunnen personen herkenbaar maken. Een waarde is dan een getal of die tekst."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": {
        "/gemeenten": {
            "get": {
                "operationId": "gemeenten",
                "summary": "De gemeenten waarvoor u werkt, met hun wijken",
                "responses": {
                    "200": _json(_ref("Gemeenten"), "De gemeenten op naam, elk met zijn wijken"),
                    "401": REFUSED,
                },
            },
        },
        "/indicatoren": {
            "get": {
                "operationId": "indicatoren",
                "summary": "Alle indicatoren met hun definitie, eenheid en bron",
                "responses": {
                    "200": _json(_ref("Indicatoren"), "De indicatoren, geteld en geïmporteerd"),
                    "401": REFUSED,
                },
            },
        },
        "/indicatoren/{key}/waarden": {
            "get": {
                "operationId": "waarden",
                "summary": "De waarden van één indicator per periode, met nulmeting, streefwaarde en trend",
                "description": (
                    "Dezelfde keuzes als de rapportagepagina. Nulmeting en streefwaarde zijn per gemeente "
                    "vastgelegd en worden alleen gegeven als één hele gemeente is gekozen. Een geïmporteerde "
                    "reeks (soort `import`) bestaat alleen als jaarcijfer van een hele gemeente. Perioden: "
                    f"{PERIOD_NOTE}."
                ),
                "parameters": [
                    {"name": "key", "in": "path", "required": True, "description": "De key uit /indicatoren.",
                     "schema": {"type": "string"}},
                    _id_or_empty(("gemeente", "Id van een gemeente uit /gemeenten. Leeg (`gemeente=`): al uw "
                                              "gemeenten samen. Weggelaten: de eerste van uw gemeenten op naam.")),
                    _id_or_empty(("wijk", "Id van een wijk uit /gemeenten; de wijk moet in de gekozen gemeente "
                                          "liggen. Leeg of weggelaten: de hele gemeente.")),
                    {"name": "indeling", "in": "query", "required": False, "description": "Periode per kolom.",
                     "schema": {**_enum(GRANULARITIES), "default": "jaar"}},
                    {"name": "van", "in": "query", "required": False,
                     "description": f"Eerste jaar. Weggelaten: {YEARS_SHOWN - 1} jaar voor dit jaar.",
                     "schema": {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}},
                    {"name": "tot", "in": "query", "required": False,
                     "description": "Laatste jaar (tot en met). Weggelaten: dit jaar.",
                     "schema": {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}},
                    {"name": "publicatie", "in": "query", "required": False,
                     "description": "1: aantallen van 1 tot en met 4 als \"<5\". 0 of weggelaten: de aantallen zelf.",
                     "schema": {"type": "string", "enum": ["0", "1"], "default": "0"}},
                ],
                "responses": {
                    "200": _json(_ref("Waarden"), "De waarden"),
                    "400": _json(_ref("Fout"), "Ongeldige parameters (`velden` noemt per parameter wat er mis is), "
                                               "of een geïmporteerde reeks per wijk, per kwartaal of maand, of "
                                               "voor meer gemeenten samen"),
                    "401": REFUSED,
                    "404": _json(_ref("Fout"), "Onbekende indicator, of een gemeente die niet bestaat of waarvoor "
                                               "u niet werkt"),
                },
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "Dit document",
                "security": [],
                "responses": {"200": _json({"type": "object"}, "Het OpenAPI-document")},
            },
        },
    },
    "components": {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "Een API-token (begint met cak_) dat een functioneel beheerder heeft uitgegeven.",
            },
        },
        "schemas": {
            "Fout": {
                "type": "object",
                "required": ["fout"],
                "properties": {
                    "fout": {"type": "string", "description": "Wat er mis is, in het Nederlands"},
                    "velden": {"type": "object", "description": "Bij ongeldige parameters: per parameter de meldingen",
                               "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                },
                "additionalProperties": False,
            },
            "Wijk": _NAMED,
            "Gemeente": _object({
                "id": {"type": "integer"},
                "naam": {"type": "string"},
                "cbs_code": {"type": ["string", "null"], "description": "Zoals GM0553"},
                "wijken": {"type": "array", "items": _ref("Wijk")},
            }),
            "Gemeenten": _object({"gemeenten": {"type": "array", "items": _ref("Gemeente")}}),
            "Indicator": _object({
                "key": {"type": "string"},
                "naam": {"type": "string"},
                "definitie": {"type": "string", "description": "Precies wat er wordt geteld"},
                "eenheid": {"type": "string"},
                "bron": {"type": "string"},
                "soort": _enum(KINDS, "geteld: uit de registratie; import: jaarcijfers van buiten (politie, "
                                      "brandweer)"),
                "thema": _enum(THEMES),
                "richting": _enum(BETTER, "Welke kant goed is: lager, hoger of neutraal"),
            }),
            "Indicatoren": _object({"indicatoren": {"type": "array", "items": _ref("Indicator")}}),
            "Waarde": {
                "description": f"Een getal; met publicatie=1 voor 1 tot en met 4 de tekst \"{SUPPRESSED}\"; "
                               "null als er geen waarde is.",
                "oneOf": [{"type": "number"}, {"type": "string", "const": SUPPRESSED}, {"type": "null"}],
            },
            "Periodewaarde": _object({
                "periode": {"type": "string", "description": "2024, 2024-K1 of 2024-03",
                            "pattern": "^[0-9]{4}(-K[1-4]|-(0[1-9]|1[0-2]))?$"},
                "label": {"type": "string", "description": "Zoals in de tabel: 2024, 2024 K1, mrt 2024"},
                "jaar": {"type": "integer"},
                "kwartaal": _NULLABLE_INT | {"minimum": 1, "maximum": 4},
                "maand": _NULLABLE_INT | {"minimum": 1, "maximum": 12},
                "waarde": _ref("Waarde"),
                "toelichting": {"type": "string", "description": "Bij een geïmporteerde waarde, zoals t/m september"},
                "volledig": {"type": "boolean", "description": "false: de periode loopt nog, of de waarde is van "
                                                               "een deel ervan"},
            }),
            "Selectie": _object({
                "gemeenten": {"type": "array", "items": _NAMED, "description": "De gemeenten, opgeteld"},
                "wijk": {"anyOf": [_ref("Wijk"), {"type": "null"}]},
                "indeling": _enum(GRANULARITIES),
                "van": {"type": "integer"},
                "tot": {"type": "integer"},
                "publicatie": {"type": "boolean"},
            }, "Wat er is gekozen, ook wat een weggelaten parameter werd"),
            "Nulmeting": _object({"jaar": {"type": "integer"}, "waarde": _ref("Waarde")}),
            "Streefwaarde": _object({
                "jaar": {"type": "integer"},
                "vergelijking": _enum(COMPARISONS, "De waarde moet kleiner dan, ten hoogste, gelijk aan, ten minste "
                                                   "of groter dan de streefwaarde zijn"),
                "waarde": {"type": "number", "description": "De streefwaarde zelf"},
                "gemeten": _ref("Waarde"),
                "definitief": {"type": "boolean", "description": "Het jaar is voorbij en de waarde volledig"},
                "status": _enum(TARGET_STATUSES),
            }),
            "Trend": _object({
                "van": {"type": "string", "description": "De een na laatste volledige periode met een waarde"},
                "tot": {"type": "string", "description": "De laatste volledige periode met een waarde"},
                "verandering": {"type": ["number", "null"], "description": "tot min van; null met publicatie=1 als "
                                                                          "een van beide waarden <5 is"},
                "richting": _enum(TREND_DIRECTIONS),
                "oordeel": {"enum": ["gunstig", "ongunstig", None],
                            "description": "null als er niets veranderde of de indicator geen richting heeft"},
            }),
            "Waarden": _object({
                "indicator": _ref("Indicator"),
                "selectie": _ref("Selectie"),
                "waarden": {"type": "array", "items": _ref("Periodewaarde")},
                "nulmeting": {"anyOf": [_ref("Nulmeting"), {"type": "null"}],
                              "description": "Alleen bij één hele gemeente, als er een is vastgelegd"},
                "streefwaarde": {"anyOf": [_ref("Streefwaarde"), {"type": "null"}],
                                 "description": "De laatste tot het laatste gekozen jaar, anders de eerste daarna"},
                "trend": {"anyOf": [_ref("Trend"), {"type": "null"}]},
            }),
        },
    },
}
