"""Synthetic demo data for one region: Hillegom, Lisse and Teylingen (Duin- en Bollenstreek).

Every name, house number, date of birth and case in here is invented; wijken and street names are
modelled on these towns (many are real streets), so the addresses look familiar to the people who work
there. BSNs come from the range the Dutch government reserves for test systems (starting with 99999), so
they can never be a real person's.

`load_demo_data(session)` fills an empty database in one transaction. The data is the same on every run
(one seeded random generator), except that dates are laid out relative to today, so the demo always
covers the last five years and minors are always under 18.

Every status comes from the workflow engine: each case, and each intervention on it, is played through
`engine.start` and `engine.fire` at moments in its past (office hours, never later than now), so the
history, the stored deadlines and the audit trail are the ones real use would have left behind.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from caseapp import db
from caseapp.accounts.operations import hash_password
from caseapp.audit.operations import utcnow
from caseapp.documents.demo import add_demo_documents
from caseapp.indicators.demo import add_demo_indicators
from caseapp.models import (
    Case,
    CaseLeefgebied,
    CasePartner,
    CasePerson,
    Gemeente,
    Note,
    Notification,
    Organisation,
    Person,
    User,
    Wijk,
)
from caseapp.workflow import engine
from caseapp.workflow.definitions import end_of_day, later, local_date
from caseapp.workflow.processes import BIBOB_ALLOWED

DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - the published demo password  # nosec B105
CASE_COUNT = 300
YEARS = 5

# Gemeenten whose APV has the zorgplicht for woonoverlast that a gedragsaanwijzing (art. 151d) needs.
APV_151D = ("Hillegom", "Lisse", "Teylingen")
# gemeente -> (CBS code, wijken); a wijk is (name, woonplaats, postcode digits, streets).
GEMEENTEN = {
    "Hillegom": ("GM0534", [
        ("Centrum", "Hillegom", "2181", ["Hoofdstraat", "Weeresteinstraat", "Mariastraat", "Van den Endelaan"]),
        ("Elsbroek", "Hillegom", "2182", ["Elsbroekerlaan", "Pastoorslaan", "Olmenlaan", "Esdoornlaan"]),
        ("Hillegom-Noord", "Hillegom", "2181", ["Leidsestraat", "Patrimoniumstraat", "Vogelzang", "Meerlaan"]),
        ("Hillegom-Zuid", "Hillegom", "2182", ["Stationsweg", "Garbialaan", "Hyacintenlaan", "Wilhelminalaan"]),
        ("Hillegommerbeek", "Hillegom", "2182", ["Beeklaan", "Oosteinderlaan", "Pieter de Hooghlaan"]),
    ]),
    "Lisse": ("GM0553", [
        ("Centrum", "Lisse", "2161", ["Kanaalstraat", "Heereweg", "Grachtweg", "Kerkstraat", "Nassaustraat"]),
        ("Lisse-Noord", "Lisse", "2161", ["Achterweg", "Schoolstraat", "Julianastraat", "Oranjestraat"]),
        ("Lisse-Zuid", "Lisse", "2162", ["Rembrandtlaan", "Vivaldilaan", "Mozartlaan", "Westerdreef"]),
        ("Poelpolder", "Lisse", "2161", ["Poellaan", "Ruishornlaan", "Berkhoutlaan"]),
        ("Ter Specke", "Lisse", "2162", ["Ter Speckelaan", "Broekweg", "Gladiolenstraat", "Tulpstraat"]),
    ]),
    "Teylingen": ("GM1525", [
        ("Sassenheim-Centrum", "Sassenheim", "2171", ["Hoofdstraat", "Kagerstraat", "Parklaan", "Menneweg"]),
        ("Sassenheim-Noord", "Sassenheim", "2172", ["Jan van Brabantlaan", "Wilhelminalaan", "Floralaan"]),
        ("Voorhout-Centrum", "Voorhout", "2215", ["Herenstraat", "Jacoba van Beierenlaan", "Prins Bernhardlaan"]),
        ("Voorhout-Hooghkamer", "Voorhout", "2215", ["Hooghkamerlaan", "Bloemenhof", "Bollenhof"]),
        ("Warmond", "Warmond", "2361", ["Dorpsstraat", "Herenweg", "Sweilandstraat", "Oranjelaan"]),
    ]),
}

TEAM = "Team Zorg en Veiligheid Duin- en Bollenstreek"
POLITIE = "Politie eenheid Den Haag – basisteam Bollenstreek"
GGZ = "GGZ Rivierduinen"
GGD = "GGD Hollands Midden"
STEK = "Stek Wonen"
VEILIG_THUIS = "Veilig Thuis Hollands Midden"
JONGERENWERK = "Jongerenwerk Duin- en Bollenstreek"
BUURTBEMIDDELING = "Buurtbemiddeling Duin- en Bollenstreek"
RIEC = "RIEC Den Haag"
OM = "Openbaar Ministerie – arrondissementsparket Den Haag"
BRANDWEER = "Brandweer Hollands Midden"
HALT = "Halt – regio Den Haag"
SOCIAAL_TEAM = "Sociaal team"  # one per gemeente: "Sociaal team Lisse", ...

ORGANISATIONS = [
    (TEAM, "gemeente"), (POLITIE, "politie"), (GGZ, "ggz"), (GGD, "ggd"), (STEK, "woningcorporatie"),
    (VEILIG_THUIS, "veilig_thuis"), (JONGERENWERK, "jongerenwerk"), (BUURTBEMIDDELING, "buurtbemiddeling"),
    (RIEC, "riec"), (OM, "om"), (BRANDWEER, "brandweer"), (HALT, "halt"),
    *((f"{SOCIAAL_TEAM} {name}", "sociaal_team") for name in GEMEENTEN),
]

ALL_GEMEENTEN = tuple(GEMEENTEN)
# (role, e-mail, name, organisation, gemeenten); the first user of each role is the one to try first.
USERS = [
    ("coordinator", "m.vanderhorst@gemeente.example.org", "Marieke van der Horst", TEAM, ALL_GEMEENTEN),
    ("coordinator", "y.elamrani@gemeente.example.org", "Youssef El Amrani", TEAM, ("Lisse",)),
    ("coordinator", "i.bakker@gemeente.example.org", "Inge Bakker", TEAM, ("Hillegom", "Teylingen")),
    ("partner", "e.verbeek@politie.example.org", "Erik Verbeek", POLITIE, ALL_GEMEENTEN),
    ("partner", "l.schouten@ggz.example.org", "Lotte Schouten", GGZ, ALL_GEMEENTEN),
    ("partner", "r.zwetsloot@stek.example.org", "Ruud Zwetsloot", STEK, ("Hillegom", "Lisse")),
    ("partner", "a.yilmaz@veiligthuis.example.org", "Ayşe Yılmaz", VEILIG_THUIS, ALL_GEMEENTEN),
    ("analyst", "d.kloosterman@gemeente.example.org", "Daan Kloosterman", TEAM, ALL_GEMEENTEN),
    ("admin", "p.hoogendoorn@gemeente.example.org", "Petra Hoogendoorn", TEAM, ()),
]

FIRST_NAMES_M = [
    "Jan", "Peter", "Kees", "Mark", "Dennis", "Sander", "Ruud", "Henk", "Wim", "Bas", "Jeroen", "Thijs",
    "Mohamed", "Ahmed", "Mustafa", "Kerem", "Piotr", "Tomasz", "Ricardo", "Dirk", "Gerrit", "Stefan",
    "Rachid", "Ibrahim", "Martijn", "Nick", "Kevin", "Joost", "Arie", "Leo",
]
FIRST_NAMES_F = [
    "Anna", "Maria", "Linda", "Sandra", "Petra", "Monique", "Ingrid", "Esther", "Sanne", "Lisa", "Kim",
    "Fatima", "Naima", "Zeynep", "Agnieszka", "Shirley", "Priscilla", "Annemieke", "Joke", "Wilma",
    "Nadia", "Samira", "Charlotte", "Eva", "Marloes", "Bianca", "Ria", "Tineke",
]
CHILD_NAMES = [
    "Daan", "Sem", "Lucas", "Noah", "Levi", "Finn", "Milan", "Adam", "Yusuf", "Jayden", "Emma", "Julia",
    "Mila", "Tess", "Sophie", "Zoë", "Nora", "Lina", "Amira", "Fleur", "Roos", "Yara", "Liam", "Bram",
]
# (tussenvoegsel, achternaam)
LAST_NAMES = [
    ("", "Jansen"), ("de", "Vries"), ("van", "Dijk"), ("", "Bakker"), ("", "Visser"), ("", "Smit"),
    ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"), ("", "Vos"),
    ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"),
    ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"),
    ("", "Kok"), ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Berg"), ("van der", "Heijden"),
    ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"), ("", "Hoekstra"), ("", "Koster"),
    ("", "Verhoeven"), ("", "Prins"), ("", "Leliveld"), ("van der", "Zwet"), ("", "Warmerdam"),
    ("", "Zonneveld"), ("", "Ruigrok"), ("van", "Egmond"), ("", "Ouwehand"), ("", "Bulk"), ("", "Duivenvoorden"),
    ("", "El Idrissi"), ("", "Benali"), ("", "Bouzid"), ("", "Yıldız"), ("", "Demir"), ("", "Kaya"),
    ("", "Kowalski"), ("", "Nowak"), ("", "Wiśniewski"), ("", "Pinas"), ("", "Sedney"), ("", "Kromodikoro"),
]

# Per case type: weight, descriptions, leefgebieden (weighted pool), candidate partner organisations,
# whether minors commonly live in the household, and notes typical for the type.
CASE_TYPES = {
    "woonoverlast": {
        "weight": 30,
        "descriptions": [
            "Aanhoudende geluidsoverlast in de nachtelijke uren (harde muziek, schreeuwen); buren voelen zich "
            "geïntimideerd.",
            "Vervuilde woning en tuin: stankoverlast en ongedierte bij de buren. Vermoeden van verzamelwoede.",
            "Escalerende burenruzie over parkeren en de gedeelde tuin; wederzijdse beschuldigingen van bedreiging.",
            "Veel bezoekers op wisselende tijden en vermoedelijke drugshandel vanuit de woning.",
            "Overlast van honden (blaffen, uitwerpselen in portiek) en verbale agressie naar medebewoners.",
            "Herhaalde meldingen over drank- en drugsgebruik in de portiek door bewoner en bezoekers.",
        ],
        "leefgebieden": ["verslaving", "psychische_problematiek", "schulden", "huiselijke_situatie"],
        "partners": [STEK, POLITIE, BUURTBEMIDDELING, SOCIAAL_TEAM, GGZ, BRANDWEER],
        "minors": 0.25,
        "notes": [
            "Gesprek met melders gevoerd; overlast vooral in het weekend tussen 23.00 en 03.00 uur.",
            "Buurtbemiddeling aangeboden; betrokkene weigert deel te nemen.",
            "Waarschuwingsbrief verstuurd namens de woningcorporatie.",
            "Huisbezoek samen met wijkagent; betrokkene erkent de overlast deels en wil meewerken.",
            "Keukentafelgesprek met buren; afspraken over geluid vastgelegd in een buurtcontract.",
            "Stek Wonen heeft de woning geschouwd: ernstige vervuiling, brandgevaar door opgestapelde spullen.",
            "Nieuwe melding van buren: afgelopen nacht opnieuw harde muziek en geschreeuw.",
            "Overlast sinds twee maanden afgenomen volgens melders; casus naar monitoring.",
        ],
    },
    "verward_gedrag": {
        "weight": 22,
        "descriptions": [
            "Herhaalde meldingen van verward gedrag op straat; betrokkene is zorgmijdend en slaapt slecht.",
            "Betrokkene uit suïcidale uitingen en verwaarloost zichzelf; dreigende huisuitzetting door "
            "huurachterstand.",
            "Betrokkene belt herhaaldelijk 112 met achtervolgingswanen; buren maken zich zorgen.",
            "Na ontslag uit kliniek geen vaste verblijfplaats; overlast in het centrum en bij het station.",
            "Oudere inwoner raakt verward op straat en wordt geregeld thuisgebracht door de politie.",
        ],
        "leefgebieden": ["psychische_problematiek", "verslaving", "dakloosheid", "schulden", "justitie"],
        "partners": [GGZ, GGD, POLITIE, SOCIAAL_TEAM, STEK],
        "minors": 0.05,
        "notes": [
            "Bemoeizorg GGD ingezet; eerste contact aan de deur, betrokkene laat niemand binnen.",
            "GGZ-crisisdienst beoordeling: geen acute opname nodig, wel vervolgafspraak bij de FACT-poli.",
            "Huisbezoek samen met wijkagent; betrokkene wil meewerken aan schuldhulp.",
            "Familie geïnformeerd en betrokken bij het plan; zus is aanspreekpunt.",
            "Betrokkene heeft afspraak bij FACT-team niet nagekomen; opnieuw contact gezocht.",
            "Bespreking op de zorg- en veiligheidstafel; afgesproken om een zorgmachtiging te onderzoeken.",
            "Medicatie wordt weer ingenomen; stabieler beeld volgens GGZ-behandelaar.",
            "Politie meldt E33-melding (verward gedrag) afgelopen weekend bij het station.",
        ],
    },
    "huiselijk_geweld": {
        "weight": 16,
        "descriptions": [
            "Politie-inzet na melding van ruzie met geweld; twee kinderen aanwezig in de woning.",
            "Melding Veilig Thuis na herhaald partnergeweld; slachtoffer durft geen aangifte te doen.",
            "Zorgen over ouderenmishandeling: vermoeden van financiële uitbuiting door inwonende zoon.",
            "Spanningen na scheiding; ex-partner blijft dreigen en staat geregeld aan de deur.",
        ],
        "leefgebieden": ["huiselijke_situatie", "verslaving", "schulden", "psychische_problematiek", "justitie"],
        "partners": [VEILIG_THUIS, POLITIE, SOCIAAL_TEAM, GGZ, OM],
        "minors": 0.7,
        "notes": [
            "Veilig Thuis heeft de melding in onderzoek genomen; veiligheidsplan opgesteld met het gezin.",
            "Huisverbod overwogen met hulpofficier; Veilig Thuis vooraf geraadpleegd.",
            "Slachtoffer verblijft tijdelijk bij familie; contact via het sociaal team.",
            "Kinderen in beeld bij het jeugdteam; school is geïnformeerd.",
            "Betrokkene volgt agressieregulatietraining; eerste sessies bijgewoond.",
            "Geen nieuwe incidenten gemeld in de afgelopen zes weken.",
        ],
    },
    "ondermijning": {
        "weight": 9,
        "descriptions": [
            "Signaal van hennepkwekerij in de woning: hoog stroomverbruik, geurklachten en afgeplakte ramen.",
            "Vermoeden van witwassen via een horecazaak: weinig klanten, veel contante omzet.",
            "Bedrijfspand op het bedrijventerrein: signalen van opslag van drugsprecursoren.",
            "Vermoeden van arbeidsuitbuiting en overbewoning in een pand met arbeidsmigranten.",
            "Signaal van malafide bollenschuur die wordt verhuurd aan onbekende partijen.",
        ],
        "leefgebieden": ["justitie", "schulden"],
        "partners": [POLITIE, RIEC, OM, STEK, BRANDWEER],
        "minors": 0.1,
        "notes": [
            "Signaal besproken in het ondermijningsoverleg; informatie opgevraagd bij RIEC.",
            "Politie heeft een bestuurlijke rapportage toegezegd.",
            "Integrale controle uitgevoerd met politie en brandweer; gebreken vastgesteld.",
            "Voornemen tot sluiting (art. 13b Opiumwet) verzonden; zienswijzetermijn twee weken.",
            "Bibob-vragenlijst uitgezet bij de exploitant.",
            "Bestuurlijke waarschuwing verstuurd namens de burgemeester.",
        ],
    },
    "jeugdoverlast": {
        "weight": 12,
        "descriptions": [
            "Groep jongeren veroorzaakt overlast bij het winkelcentrum: vernielingen en intimidatie van "
            "winkelpersoneel.",
            "Hanggroep bij de sportvelden; vuurwerk en brommers in de avonduren.",
            "Minderjarige betrokken bij inbraken en overlast; ouders lijken geen grip te hebben.",
            "Jongeren intimideren buurtbewoners rond het speelveld; sporen van lachgasgebruik.",
        ],
        "leefgebieden": ["school_werk", "justitie", "huiselijke_situatie", "verslaving"],
        "partners": [JONGERENWERK, POLITIE, HALT, SOCIAAL_TEAM],
        "minors": 0.35,
        "notes": [
            "Jongerenwerk heeft contact gelegd met de groep; twee jongeren willen meedoen aan een project.",
            "Gesprek met ouders gevoerd samen met de wijkagent.",
            "Halt-afdoening na vernieling; taakstraf bij de gemeentewerf.",
            "Groep verplaatst zich naar het park; extra toezicht boa's afgesproken.",
            "School meldt verzuim; leerplichtambtenaar ingeschakeld.",
        ],
    },
    "radicalisering": {
        "weight": 3,
        "descriptions": [
            "Zorgen van school over online radicalisering; betrokkene deelt extremistische content.",
            "Melding van familie: betrokkene sluit zich af en uit zich steeds extremer over anderen.",
        ],
        "leefgebieden": ["psychische_problematiek", "school_werk", "huiselijke_situatie"],
        "partners": [POLITIE, SOCIAAL_TEAM, JONGERENWERK, GGZ],
        "minors": 0.3,
        "notes": [
            "Besproken in het regionale casusoverleg radicalisering; persoonsgerichte aanpak gestart.",
            "Gesprek met betrokkene en ouders; hulpverlening via het sociaal team aangeboden.",
            "Mentor op school houdt contact en meldt veranderingen.",
        ],
    },
    "other": {
        "weight": 8,
        "descriptions": [
            "Dreigende huisuitzetting door huurachterstand; multiproblematiek in het gezin.",
            "Zorgen over een vereenzaamde oudere met vervuilde woning en oplopende schulden.",
            "Terugkeer van ex-gedetineerde in de wijk; onrust bij buurtbewoners.",
        ],
        "leefgebieden": ["schulden", "dakloosheid", "school_werk", "justitie", "huiselijke_situatie"],
        "partners": [SOCIAAL_TEAM, STEK, GGD, POLITIE],
        "minors": 0.3,
        "notes": [
            "Schuldhulpverlening aangemeld; eerste intake gepland.",
            "Betalingsregeling met de woningcorporatie afgesproken; ontruiming opgeschort.",
            "Nazorg ex-gedetineerden: afspraken over huisvesting en dagbesteding gemaakt.",
        ],
    },
}

COMMON_NOTES = [
    "Casus besproken in het casusoverleg; plan van aanpak vastgesteld.",
    "Telefonisch contact met betrokkene; afspraak voor huisbezoek volgende week.",
    "Afstemming met partners over de taakverdeling; coördinator houdt regie.",
    "Terugkoppeling aan melder gegeven, zonder inhoudelijke details.",
    "Evaluatie plan van aanpak: doelen deels behaald, acties bijgesteld.",
]
CARE_NOTES = [  # health details: for care partners only
    "Betrokkene is bekend bij GGZ Rivierduinen met een psychotische stoornis; behandeling loopt.",
    "Verslavingsproblematiek (alcohol); betrokkene staat open voor ambulante begeleiding.",
    "Huisarts heeft zorgen over medicatiegebruik; overleg met de POH-GGZ gepland.",
]
INTERNAL_NOTES = [  # for the gemeente's own team only
    "Intern: burgemeester geïnformeerd over mogelijke inzet van bestuurlijke maatregelen.",
    "Intern: juridische toets op de inzet van art. 151d Gemeentewet aangevraagd.",
    "Intern: pers heeft vragen gesteld; woordvoering afgestemd met communicatie.",
]
PARTNER_NOTES = {
    "politie": [
        "Wijkagent: afgelopen maand drie meldingen in BVH geregistreerd op dit adres.",
        "Politie is ter plaatse geweest na melding van buren; situatie gesust, geen aanhouding.",
    ],
    "ggz": [
        "GGZ: betrokkene is aangemeld bij het FACT-team; eerste contact verliep goed.",
        "GGZ: betrokkene zorgmijdend; we blijven outreachend contact zoeken.",
    ],
    "woningcorporatie": [
        "Stek Wonen: huurachterstand bedraagt drie maanden; betalingsregeling aangeboden.",
        "Stek Wonen: tweede waarschuwingsbrief verstuurd; bij nieuwe overlast volgt een procedure.",
    ],
    "veilig_thuis": [
        "Veilig Thuis: veiligheidsafspraken met beide ouders gemaakt; monitoring loopt drie maanden.",
        "Veilig Thuis: onderzoek afgerond, overdracht naar het sociaal team.",
    ],
}

RISK_WEIGHTS = {"laag": 30, "midden": 40, "hoog": 22, "acuut": 8}
GEMEENTE_WEIGHTS = {"Hillegom": 22, "Lisse": 23, "Teylingen": 37}  # roughly by number of inhabitants
REPEAT_SUBJECTS_PER_GEMEENTE = 20  # persons who "vragen structureel aandacht": betrokkene on several cases
REPEAT_MELDERS_PER_GEMEENTE = 6  # neighbours who keep reporting
REPEAT_TYPES = ("woonoverlast", "verward_gedrag", "huiselijk_geweld", "other")
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"


# -- the workflow ------------------------------------------------------------------------------------

START = "starten"  # the first transition of every intervention process
STEP_OWNERS = {  # who carries out a lighter or partner step (gesprek and woonbegeleiding: see _owner)
    "buurtbemiddeling": BUURTBEMIDDELING, "zorgtraject": GGZ, "huurovereenkomst_ontbinding": STEK,
    "melding_wvggz": GGD,
}
STEP_TEXTS = {
    "gesprek": [
        "Gesprek met betrokkene over de meldingen en de afspraken die nodig zijn.",
        "Huisbezoek met de wijkagent: betrokkene aangesproken op de overlast.",
    ],
    "buurtbemiddeling": [
        "Bemiddelingsgesprek tussen betrokkene en de melders, begeleid door twee vrijwilligers.",
        "Buurtbemiddeling aangeboden aan beide partijen in de burenruzie.",
    ],
    "zorgtraject": [
        "Aanmelding bij het FACT-team voor behandeling en outreachende begeleiding.",
        "Traject ambulante verslavingszorg; eerste intake gepland.",
    ],
    "woonbegeleiding": [
        "Ambulante woonbegeleiding: hulp bij huishouden, post en geldzaken.",
        "Begeleiding om de woning op orde te krijgen en te houden.",
    ],
    "huurovereenkomst_ontbinding": [
        "Stek Wonen start een procedure tot ontbinding van de huurovereenkomst wegens ernstige overlast.",
        "Ontbinding van de huurovereenkomst na aantreffen van een hennepkwekerij in de huurwoning.",
    ],
    "melding_wvggz": [
        "Melding Wvggz: verkennend onderzoek naar de noodzaak van verplichte zorg.",
    ],
}
STEP_OUTCOME_WEIGHTS = {"effect": 35, "deels": 30, "geen_effect": 20, "geweigerd": 10, "vervallen": 5}
MEASURE_TEXTS = {
    "gebiedsverbod": ["Gebiedsverbod winkelcentrum en stationsomgeving, dagelijks van 18.00 tot 06.00 uur."],
    "groepsverbod": ["Verbod om zich met meer dan drie leden van de groep in het centrum op te houden."],
    "meldplicht": ["Meldplicht op het politiebureau op vrijdag- en zaterdagavond om 20.00 uur."],
}
ORDER_TEXTS = [  # gedragsaanwijzing
    "Geen harde muziek of ander geluid tussen 22.00 en 07.00 uur; geen bezoek na 22.00 uur.",
    "Woning en tuin opruimen en schoon houden; geen spullen in de portiek of op de galerij.",
    "Geen contact zoeken met de buren op nummer 12 en 14; de honden aangelijnd in de portiek.",
]
WARNING_TEXTS = {
    "person": "Bij nieuwe overlast kan de burgemeester een gedragsaanwijzing of sluiting opleggen.",
    "premises": "Na het aantreffen van drugs in het pand: bij herhaling volgt sluiting (art. 13b Opiumwet).",
}
BIBOB_TEXTS = ["Aanvraag exploitatievergunning horeca na overname van de zaak.",
               "Aanvraag omgevingsvergunning voor een bedrijfspand op het bedrijventerrein."]
BUSINESS_KINDS = ["Café", "Grillroom", "Kapsalon", "Minimarkt", "Bollenhandel", "Autobedrijf", "Nagelstudio"]
REASONS = {
    "case_suspended": ["Betrokkene is tijdelijk opgenomen in een kliniek; het plan wacht tot na het ontslag.",
                       "Betrokkene zit in voorlopige hechtenis.",
                       "Wachten op de uitkomst van het onderzoek van Veilig Thuis."],
    "step_suspended": ["Betrokkene is enkele weken in het buitenland.", "Betrokkene is opgenomen in het ziekenhuis."],
    "bibob_suspended": ["Wachten op aanvullende stukken van de aanvrager."],
    "back_to_work": ["Nieuwe meldingen tijdens de monitoring; de afspraken worden aangescherpt.",
                     "Evaluatie: de doelen zijn nog niet bereikt, extra inzet nodig.",
                     "Terugval na het wegvallen van de begeleiding; begeleiding weer opgestart."],
    "reopened": ["Nieuwe meldingen van overlast op hetzelfde adres.",
                 "Politie meldt een nieuw incident met dezelfde betrokkene."],
    "step_lapsed": ["Betrokkene is verhuisd naar een andere gemeente.", "Niet meer nodig: andere hulp is gestart."],
    "no_huisverbod": ["Hulpofficier: onvoldoende grond voor een huisverbod; vrijwillige hulp afgesproken."],
    "appeal_ruling": ["Rechtbank: het beroep is ongegrond, het huisverbod blijft staan.",
                      "Rechtbank: het huisverbod blijft in stand."],
    "measure_dropped": ["Betrokkene heeft zich bij hulpverlening gemeld; de maatregel is niet meer nodig."],
    "violation": ["Politie trof betrokkene aan in het verboden gebied.",
                  "Boa's stelden opnieuw overlast vast, in strijd met de last."],
    "no_letter": ["Na een gesprek op het gemeentehuis is de overlast gestopt; de brief is niet meer nodig."],
    "no_order": ["De zienswijze overtuigt: betrokkene heeft hulp aanvaard en de overlast is gestopt."],
    "no_closure": ["De huurder is vertrokken en de eigenaar heeft maatregelen genomen; sluiting is niet meer nodig."],
    "bibob_stopped": ["De aanvrager heeft de aanvraag ingetrokken."],
}
# The status a case is closed from: (share of the cases, results with their weights).
CLOSING = {
    "aangemeld": (4, {"geen_grond": 80, "overgedragen": 20}),
    "onderzoek": (10, {"geen_grond": 55, "overgedragen": 35, "verhuisd": 10}),
    "uitvoering": (22, {"overgedragen": 45, "gestopt": 35, "verhuisd": 20}),
    "monitoring": (64, {"opgelost": 75, "overgedragen": 15, "gestopt": 5, "verhuisd": 5}),
}
# Steps that run alongside the escalation ladder rather than as one of its rungs.
ALONGSIDE = ("zorgtraject", "woonbegeleiding", "melding_wvggz", "huurovereenkomst_ontbinding")
# The agreement under way today on a case in uitvoering, per case type (default: a gesprek).
UNDER_WAY = {"verward_gedrag": "zorgtraject", "huiselijk_geweld": "zorgtraject", "other": "woonbegeleiding"}
NOTIFICATIONS_READ_AFTER = timedelta(days=14)  # older notifications of the demo have been read


@dataclass
class _Plan:
    """What will happen to a case: its interventions in order, and how its lifecycle runs."""

    rungs: list = field(default_factory=list)  # (intervention type, planned outcome), in the order taken
    huisverbod: bool = False  # at the start, against the adult betrokkene
    closes_from: str = "monitoring"  # the status it is closed from (see CLOSING)
    long_running: bool = False  # keeps coming back from monitoring
    reopen: bool = False


@dataclass
class _Planned:
    """An intervention in a case's story; `intervention` is its record once the engine started it."""

    type: str
    intervention: Any = None


@dataclass
class _Event:
    at: datetime
    subject: Any  # the case, or a _Planned intervention
    name: str
    actor: User
    values: dict
    reason: str = ""


def _age(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _has_minors(persons, day):
    """Whether the household has a child on `day`, as the huisverbod's Veilig Thuis guard counts it."""
    return any(role == "minderjarige" or (person.date_of_birth and _age(person.date_of_birth, day) < 18)
               for person, role in persons)


def demo_logins():
    """The demo users as (role, e-mail); all share DEMO_PASSWORD."""
    return [(role, email) for role, email, *_ in USERS]


def load_demo_data(session):
    """Fill an empty database with the demo region, commit, and return the logins; `session` is db.session()."""
    if session is not db.session():
        raise ValueError("demo data is played through the workflow engine, which writes through db.session()")
    if session.scalar(select(func.count()).select_from(User)):
        raise RuntimeError("the database already has users; demo data only goes into an empty database")
    _Builder(session, random.Random(2026), date.today(), utcnow()).build()  # seeded on purpose  # nosec B311
    _plans_and_conferences(session, random.Random(2027), date.today(), utcnow())  # nosec B311
    _meldingen(session, random.Random(2028), date.today(), utcnow())  # nosec B311
    _duplicate_persons(session)
    add_demo_indicators(session)
    session.commit()
    return demo_logins()


class _Builder:
    def __init__(self, session, rng, today, now):
        self.session = session
        self.rng = rng
        self.today = today
        self.now = now
        self.bsns = set()
        self.home_wijk = {}  # person -> name of the wijk they live in
        self.uses = {}  # person -> number of cases so far (repeat pools)
        self.plans = {}  # case -> _Plan
        self.case_rngs = {}  # case -> its own random generator, for its plan and story
        self.events = []  # the story being told

    def build(self):
        cases = self.cast()
        self.session.add_all([*self.gemeenten.values(), *self.organisations.values(), *self.users])
        self.session.flush()  # the engine records who acted, by id
        notes = []
        for case in cases:  # in the order they came in, so ids and references follow time
            self._play(case)
            notes += self._notes(case)
        self.session.info.pop("outbox", None)  # no e-mail about events long past
        for notification in self.session.scalars(  # users have read what was long ago
                select(Notification).where(Notification.created_at < self.now - NOTIFICATIONS_READ_AFTER)):
            notification.read_at = notification.created_at + timedelta(days=1)
        self.session.add_all(sorted(notes, key=lambda note: note.created_at))
        self.session.flush()
        add_demo_documents(cases, self.users, self.now)  # files in DOCUMENT_STORAGE, through the app's operations

    def cast(self):
        """The region, its people and its cases, each with a plan: everything but what happens to them."""
        self.gemeenten = {}
        for name, (cbs_code, wijken) in GEMEENTEN.items():
            self.gemeenten[name] = Gemeente(name=name, cbs_code=cbs_code, apv_151d=name in APV_151D,
                                            wijken=[Wijk(name=w[0]) for w in wijken])
        self.organisations = {name: Organisation(name=name, type=kind) for name, kind in ORGANISATIONS}
        password_hash = hash_password(DEMO_PASSWORD)  # once: Argon2 is slow on purpose
        self.users = [
            User(email=email, name=name, password_hash=password_hash, role=role,
                 organisation=self.organisations[organisation], gemeenten=[self.gemeenten[g] for g in gemeenten],
                 created_at=self.now - timedelta(days=YEARS * 365 + 30))
            for role, email, name, organisation, gemeenten in USERS
        ]
        self.repeat_subjects = {g: [self._person(g) for _ in range(REPEAT_SUBJECTS_PER_GEMEENTE)] for g in GEMEENTEN}
        self.repeat_melders = {g: [self._person(g, 30, 80) for _ in range(REPEAT_MELDERS_PER_GEMEENTE)]
                               for g in GEMEENTEN}
        cases = sorted((self._case() for _ in range(CASE_COUNT)), key=lambda case: case.created_at)
        for case in cases:  # a person is registered when they first come up in a case
            for case_person in case.persons:
                case_person.person.created_at = min(case_person.person.created_at, case.created_at)
        return cases

    # -- people -----------------------------------------------------------------------------------

    def _address(self, gemeente_name, wijk_name):
        rng = self.rng
        _name, plaats, digits, streets = next(w for w in GEMEENTEN[gemeente_name][1] if w[0] == wijk_name)
        number = str(rng.randint(1, 180)) + (rng.choice("abc") if rng.random() < 0.12 else "")
        letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
        return f"{rng.choice(streets)} {number}, {digits} {letters} {plaats}"

    def _bsn(self):
        """A test BSN (999990000-999999999, the range reserved for test systems) that passes the elfproef."""
        while True:
            digits = [9, 9, 9, 9, 9] + [self.rng.randint(0, 9) for _ in range(3)]
            check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
            bsn = "".join(map(str, digits)) + str(check)
            if check <= 9 and bsn not in self.bsns:
                self.bsns.add(bsn)
                return bsn

    def _person(self, gemeente_name, min_age=18, max_age=82, *, on=None, wijk_name=None, last=None,
                address=None):
        """A person aged min_age..max_age on the date `on` (default today)."""
        rng = self.rng
        wijk_name = wijk_name or rng.choice(GEMEENTEN[gemeente_name][1])[0]
        date_of_birth = (on or self.today) - timedelta(days=rng.randint(min_age * 365 + 30, max_age * 365))
        young = date_of_birth > self.today - timedelta(days=25 * 365)
        first_name = rng.choice(CHILD_NAMES if young else FIRST_NAMES_M if rng.random() < 0.55 else FIRST_NAMES_F)
        person = self._new_person(first_name, last or rng.choice(LAST_NAMES), date_of_birth,
                                  address or self._address(gemeente_name, wijk_name), bsn=rng.random() < 0.5)
        self.home_wijk[person] = wijk_name
        return person

    def _minor(self, last, address, opened_on):
        """A child in the household: born before the case opened, under 18 today (with months to spare)."""
        earliest = self.today - timedelta(days=17 * 365 + 100)
        latest = opened_on - timedelta(days=60)
        date_of_birth = earliest + timedelta(days=self.rng.randint(0, max(0, (latest - earliest).days)))
        return self._new_person(self.rng.choice(CHILD_NAMES), last, date_of_birth, address, bsn=False)

    def _new_person(self, first_name, last, date_of_birth, address, bsn):
        return Person(
            first_name=first_name,
            tussenvoegsel=last[0],
            last_name=last[1],
            date_of_birth=date_of_birth,
            bsn=self._bsn() if bsn else None,
            address=address,
            phone=f"06-{self.rng.randint(10000000, 99999999)}" if self.rng.random() < 0.6 else "",
            created_at=self.now,
        )

    def _repeat(self, pool):
        """Someone from a pool of people who come back: mostly a second case for someone seen once."""
        seen_once = [person for person in pool if self.uses.get(person) == 1]
        unseen = [person for person in pool if person not in self.uses]
        if seen_once and (not unseen or self.rng.random() < 0.7):
            person = self.rng.choice(seen_once)
        else:
            person = self.rng.choice(unseen or pool)
        self.uses[person] = self.uses.get(person, 0) + 1
        return person

    # -- cases ------------------------------------------------------------------------------------

    def _case(self):
        rng = self.rng
        case_type = rng.choices(list(CASE_TYPES), weights=[spec["weight"] for spec in CASE_TYPES.values()])[0]
        spec = CASE_TYPES[case_type]
        gemeente_name = rng.choices(list(GEMEENTE_WEIGHTS), weights=list(GEMEENTE_WEIGHTS.values()))[0]
        gemeente = self.gemeenten[gemeente_name]
        # Skewed towards recent years (the team got busier) plus some fresh intake on the worklist;
        # at least a day old, so no timestamp lies in the future.
        recent = rng.random() < 0.12
        age_days = rng.randint(1, 60) if recent else 1 + int((YEARS * 365 - 2) * (1 - rng.random() ** 0.7))
        opened_on = self.today - timedelta(days=age_days)
        created_at = datetime.combine(opened_on, time(rng.randint(7, 15), rng.randint(0, 59)))
        risk = rng.choices(list(RISK_WEIGHTS), weights=list(RISK_WEIGHTS.values()))[0]
        if case_type in ("huiselijk_geweld", "verward_gedrag") and risk == "laag":
            risk = "midden"
        coordinators = [u for u in self.users if u.role == "coordinator" and gemeente in u.gemeenten]
        coordinator = rng.choice(coordinators)

        persons, wijk_name, address = self._case_persons(case_type, spec, gemeente_name, opened_on)
        case = Case(
            type=case_type, gemeente=gemeente,
            wijk=next(w for w in gemeente.wijken if w.name == wijk_name), address=address,
            description=rng.choice(spec["descriptions"]), risk_level=risk, coordinator=coordinator,
            opened_on=opened_on, created_at=created_at, updated_at=created_at,
        )
        pool = spec["leefgebieden"]
        case.leefgebieden = [CaseLeefgebied(leefgebied=item)
                             for item in rng.sample(pool, rng.randint(1, min(3, len(pool))))]
        case.persons = [CasePerson(person=person, role=role, added_at=created_at) for person, role in persons]
        self.case_rngs[case] = random.Random(rng.getrandbits(64))  # repeatable demo data  # nosec B311
        with self._own_rng(case):
            plan = self.plans[case] = self._plan(case)
        # The organisations that carry out a step are on the case, so their users can see it and report back.
        sampled = [f"{SOCIAAL_TEAM} {gemeente_name}" if name == SOCIAAL_TEAM else name
                   for name in rng.sample(spec["partners"], rng.choice((0, 1, 1, 2, 2, 2, 3, 3)))]
        names = list(dict.fromkeys([*self._owners(case, plan), *sampled]))
        case.partners = [CasePartner(organisation=self.organisations[name], assigned_by=coordinator,
                                     assigned_at=min(created_at + timedelta(hours=20), self.now))
                         for name in names[:4]]
        return case

    def _case_persons(self, case_type, spec, gemeente_name, opened_on):
        """1 to 4 (person, role) pairs, the wijk of the case and its subject address."""
        rng = self.rng
        if case_type in REPEAT_TYPES and rng.random() < 0.45:
            subject = self._repeat(self.repeat_subjects[gemeente_name])
        elif case_type == "jeugdoverlast":
            subject = self._person(gemeente_name, 13, 19, on=opened_on)
        elif case_type == "radicalisering":
            subject = self._person(gemeente_name, 15, 35, on=opened_on)
        else:
            subject = self._person(gemeente_name, on=opened_on)
        wijk_name, home = self.home_wijk[subject], subject.address
        # Ondermijning is often about premises (a shop, a bollenschuur) rather than the home.
        address = self._address(gemeente_name, wijk_name) if case_type == "ondermijning" and rng.random() < 0.5 \
            else home
        family = (subject.tussenvoegsel, subject.last_name)

        persons = [(subject, "betrokkene")]
        if case_type == "huiselijk_geweld":
            persons.append((self._person(gemeente_name, 20, 85, address=home, wijk_name=wijk_name), "slachtoffer"))
        if rng.random() < spec["minors"]:
            persons += [(self._minor(family, home, opened_on), "minderjarige") for _ in range(rng.randint(1, 2))]
        for _ in range(rng.randint(0, 2)):
            role = rng.choice(("melder", "melder", "buurtbewoner", "huisgenoot"))
            if role == "huisgenoot":
                person = self._person(gemeente_name, last=family, address=home, wijk_name=wijk_name)
            elif role == "melder" and rng.random() < 0.4:
                person = self._repeat(self.repeat_melders[gemeente_name])
            else:
                person = self._person(gemeente_name, 25, 85, wijk_name=wijk_name)
            if all(person is not other for other, _role in persons):
                persons.append((person, role))
        return persons[:4], wijk_name, address

    def _notes(self, case):
        """A few notes on the case's timeline, from its registration until it closed (or now)."""
        rng = self.rng
        spec = CASE_TYPES[case.type]
        coordinators = [u for u in self.users if u.role == "coordinator" and case.gemeente in u.gemeenten]
        partners = [assignment.organisation for assignment in case.partners]
        count = rng.choices(range(6), weights=[10, 20, 25, 20, 15, 10])[0]
        moments = sorted(self._office_moment(case.created_at, case.closed_at or self.now) for _ in range(count))
        partner_users = [u for u in self.users if u.role == "partner" and u.organisation in partners]
        notes = []
        for moment in moments:
            if partner_users and rng.random() < 0.35:
                author = rng.choice(partner_users)
                body = rng.choice(PARTNER_NOTES[author.organisation.type])
                care = author.organisation.type in ("ggz", "veilig_thuis") and rng.random() < 0.5
                visibility = "zorgpartners" if care else "partners"
            else:
                author = rng.choice(coordinators)
                kind = rng.random()
                if kind < 0.12:
                    body, visibility = rng.choice(CARE_NOTES), "zorgpartners"
                elif kind < 0.22:
                    body, visibility = rng.choice(INTERNAL_NOTES), "intern"
                else:
                    body = rng.choice(spec["notes"] + COMMON_NOTES)
                    visibility = rng.choices(("partners", "intern", "zorgpartners"), weights=(80, 12, 8))[0]
            notes.append(Note(case=case, author=author, organisation=author.organisation, body=body,
                              visibility=visibility, created_at=moment))
        if notes:
            case.updated_at = max(case.updated_at, notes[-1].created_at)
        return notes

    def _office_moment(self, after, before):
        """A moment in office hours (UTC 7-16, Dutch 8/9-17/18) between `after` and `before`, if there is one."""
        for _ in range(10):
            day = after.date() + timedelta(days=self.rng.randint(0, max(0, (before - after).days)))
            if day.weekday() < 5 or self.rng.random() < 0.05:
                moment = datetime.combine(day, time(self.rng.randint(7, 15), self.rng.randint(0, 59)))
                if after < moment < before:
                    return moment
        return after + (before - after) / 2

    def _office(self, moment):
        """The first moment in office hours (weekdays, UTC 7-16) at or after `moment`, to the minute."""
        moment = moment.replace(second=0, microsecond=0)
        if moment.weekday() < 5 and 7 <= moment.hour < 16:
            return moment
        day = moment.date()
        if moment.weekday() >= 5 or moment.hour >= 16:
            day += timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
        return datetime.combine(day, time(7)) + timedelta(minutes=self.rng.randint(0, 120))

    def _after(self, moment, *, days=None, hours=None, late=None, late_share=0.1):
        """An office-hours moment a random number of `days` (or `hours`) after `moment`; now and then `late` days."""
        if late and self.rng.random() < late_share:
            days = late
        period = timedelta(days=self.rng.uniform(*days)) if days else timedelta(hours=self.rng.uniform(*hours))
        return self._office(moment + period)

    # -- what happens to a case -------------------------------------------------------------------

    def _plan(self, case):
        rng = self.rng
        plan = _Plan(long_running=rng.random() < 0.06, reopen=rng.random() < 0.015)
        plan.closes_from = rng.choices(list(CLOSING), weights=[share for share, _results in CLOSING.values()])[0]
        adult = _age(self._betrokkene(case).date_of_birth, case.created_at.date()) >= 18
        plan.huisverbod = case.type == "huiselijk_geweld" and adult and rng.random() < 0.6
        if plan.closes_from in ("uitvoering", "monitoring"):
            plan.rungs = self._rungs(case)
        return plan

    def _rungs(self, case):
        """The interventions a case goes through after its plan van aanpak, lightest first."""
        rng, case_type = self.rng, case.type
        age = _age(self._betrokkene(case).date_of_birth, case.created_at.date())
        leefgebieden = {item.leefgebied for item in case.leefgebieden}
        rungs = []

        def take(type, share, outcome=None):
            if rng.random() < share:
                rungs.append((type, outcome or self._step_outcome()))

        def escalates():  # the last step did not stop it
            return not rungs or rungs[-1][1] in ("geen_effect", "geweigerd", "dwangsom_ingevorderd",
                                                 "bestuursdwang_toegepast") \
                or (rungs[-1][1] in ("deels", "verzonden") and rng.random() < 0.6)

        care = bool({"psychische_problematiek", "verslaving"} & leefgebieden)
        if case_type == "woonoverlast":  # the escalation ladder
            take("gesprek", 0.7)
            if escalates():
                take("buurtbemiddeling", 0.6)
            if care:
                take("zorgtraject", 0.35)
            if escalates():
                take("waarschuwing", 0.5, rng.choices(("verzonden", "vervallen"), weights=(92, 8))[0])
            # 151d needs a lighter step done first; one on the ladder itself, as care runs alongside
            lighter = any(type in ("gesprek", "buurtbemiddeling", "waarschuwing") and outcome != "vervallen"
                          for type, outcome in rungs)
            if lighter and escalates():
                take("gedragsaanwijzing", 0.4, rng.choices(
                    ("nageleefd", "dwangsom_ingevorderd", "bestuursdwang_toegepast", "afzien"),
                    weights=(40, 32, 13, 15))[0])
            if rungs and rungs[-1][0] == "gedragsaanwijzing" and escalates():
                take("sluiting_174a", 1, "opgeheven")
            take("huurovereenkomst_ontbinding", 0.05)
        elif case_type == "ondermijning":
            take("waarschuwing", 0.35, rng.choices(("verzonden", "vervallen"), weights=(92, 8))[0])
            take("sluiting_13b", 0.3, rng.choices(("opgeheven", "afzien"), weights=(85, 15))[0])
            take("bibob", 0.3,
                 rng.choices(("geen", "mindere_mate", "ernstig", "stoppen"), weights=(40, 30, 20, 10))[0])
            take("huurovereenkomst_ontbinding", 0.1)
        elif case_type == "jeugdoverlast":
            take("gesprek", 0.55)
            if age >= 14 and escalates() and rng.random() < 0.4:
                # a hanging group gets a groepsverbod, a young burglar a meldplicht, the rest a gebiedsverbod
                about = case.description.lower()
                measure = "groepsverbod" if "groep" in about else "meldplicht" if "inbraken" in about \
                    else "gebiedsverbod"
                take(measure, 1, rng.choices(("nageleefd", "overtreden", "ingetrokken", "niet_opgelegd"),
                                             weights=(55, 30, 5, 10))[0])
        elif case_type == "verward_gedrag":
            take("melding_wvggz", 0.15)
            take("zorgtraject", 0.45)
            take("woonbegeleiding", 0.2)
        elif case_type == "huiselijk_geweld":
            take("gesprek", 0.2)
            take("zorgtraject", 0.35)
            take("woonbegeleiding", 0.1)
        elif case_type == "radicalisering":
            take("gesprek", 0.6)
            take("zorgtraject", 0.25)
        else:
            take("gesprek", 0.3)
            take("woonbegeleiding", 0.35)
            take("huurovereenkomst_ontbinding", 0.1)
        if not rungs:  # a plan van aanpak has at least one action
            take("gesprek", 1)
        return rungs

    def _step_outcome(self):
        return self.rng.choices(list(STEP_OUTCOME_WEIGHTS), weights=list(STEP_OUTCOME_WEIGHTS.values()))[0]

    @staticmethod
    def _owner(type, case_type, gemeente_name):
        """The organisation that carries out a lighter or partner step."""
        if type == "gesprek":
            return JONGERENWERK if case_type == "jeugdoverlast" else TEAM
        if type == "woonbegeleiding":
            return f"{SOCIAAL_TEAM} {gemeente_name}"
        return STEP_OWNERS[type]

    def _owners(self, case, plan):
        """The partner organisations the plan gives work to."""
        owners = [self._owner(type, case.type, case.gemeente.name) for type, _ in plan.rungs if type in STEP_TEXTS]
        persons = [(link.person, link.role) for link in case.persons]
        if plan.huisverbod and _has_minors(persons, case.created_at.date()):
            owners.append(VEILIG_THUIS)
        return [name for name in dict.fromkeys(owners) if name != TEAM]

    # -- playing it through the engine ------------------------------------------------------------

    def story(self, case):
        """What happens to the case and its interventions, in time order (same-minute events in the order told)."""
        self.events = []
        with self._own_rng(case):
            self._case_story(case)
        return sorted(self.events, key=lambda item: item.at)

    def _play(self, case):
        """Fire the case's story through the engine, event by event, up to now."""
        for item in self.story(case):
            if item.at > self.now:
                break
            if item.name == START:
                item.subject.intervention = engine.start(item.actor, case, item.subject.type, reason=item.reason,
                                                         now=item.at, **item.values)
            else:
                subject = item.subject.intervention if isinstance(item.subject, _Planned) else item.subject
                engine.fire(item.actor, subject, item.name, reason=item.reason, now=item.at, **item.values)

    @contextmanager
    def _own_rng(self, case):
        """Draw from the case's own generator, so that a change in one case's story leaves the others as they were."""
        main, self.rng = self.rng, self.case_rngs[case]
        try:
            yield
        finally:
            self.rng = main

    def _event(self, at, name, subject, actor, reason="", **values):
        self.events.append(_Event(at, subject, name, actor, values, reason))
        return at

    def _suspension(self, subject, at, actor, share, reasons):
        """Now and then opschorten and, weeks later, hervatten; the moment work goes on."""
        if self.rng.random() >= share:
            return at
        since = self._event(self._after(at, days=(2, 10)), "opschorten", subject, actor,
                            reason=self.rng.choice(REASONS[reasons]))
        return self._event(self._after(since, days=(10, 60)), "hervatten", subject, actor)

    def _case_story(self, case):
        rng, plan, by = self.rng, self.plans[case], case.coordinator
        at = self._event(case.created_at, "aanmelden", case, by)
        busy = at  # until the last intervention is done: the case cannot close before
        if plan.huisverbod:
            busy = self._huisverbod(case, self._after(at, hours=(0.2, 2)))
        at = self._after(at, days=(1, 6), late=(8, 15))
        if plan.closes_from == "aangemeld":  # triage: no case after all
            return self._close(case, max(at, self._after(busy, days=(1, 5))))
        at = self._event(at, "onderzoeken", case, by)
        at = self._suspension(case, at, by, 0.03, "case_suspended")
        at = self._after(at, days=(10, 27), late=(29, 45))
        if plan.closes_from == "onderzoek":
            return self._close(case, max(at, self._after(busy, days=(1, 5))))
        at = self._event(at, "plan_opstellen", case, by)
        at = self._suspension(case, at, by, 0.03, "case_suspended")
        at = self._event(self._after(at, days=(5, 25)), "uitvoeren", case, by)
        busy = max(busy, self._interventions(case, self._after(at, days=(1, 10))))
        at = self._under_way(case, busy, max(self._after(at, days=(30, 90)), self._after(busy, days=(3, 21))))
        if plan.closes_from == "uitvoering":
            return self._close(case, at)
        while at <= self.now:
            at = self._event(at, "monitoren", case, by)
            at = self._after(at, days=(55, 85), late=(95, 130))  # the evaluation, three months on
            if rng.random() < (0.85 if plan.long_running else 0.15):
                at = self._event(at, "terug_naar_uitvoering", case, by, reason=rng.choice(REASONS["back_to_work"]))
                done = at
                if rng.random() < 0.3:  # the team talks to the betrokkene again
                    done = self._step(case, _Planned("gesprek"), self._step_outcome(), self._after(at, days=(1, 7)),
                                      owner=TEAM)
                at = self._under_way(case, done, max(self._after(at, days=(90, 300)), self._after(done, days=(3, 14))))
                continue
            at = self._close(case, at)
            if plan.reopen:
                at = self._event(self._after(at, days=(30, 240)), "heropenen", case, by,
                                 reason=rng.choice(REASONS["reopened"]))
                for name, days in (("plan_opstellen", (10, 30)), ("uitvoeren", (5, 20)), ("monitoren", (30, 120))):
                    at = self._event(self._after(at, days=days), name, case, by)
                self._close(case, self._after(at, days=(60, 85)))
            break

    def _under_way(self, case, busy, until):
        """In uitvoering today with nothing running: an agreement due about now. Returns when uitvoering ends."""
        if not busy < self.now < until:
            return until
        rng = self.rng
        # Reckoned from today's date rather than from this very moment, so that every run today tells the same story.
        midnight = datetime.combine(self.today, time())
        since = max(self._after(busy, days=(1, 5)), self._office(midnight - timedelta(days=rng.uniform(2, 20))))
        due_on = max(self.today + timedelta(days=rng.randint(-5, 12)), local_date(since) + timedelta(3))
        type = UNDER_WAY.get(case.type, "gesprek")
        owner = self._owner(type, case.type, case.gemeente.name)
        if owner != TEAM and all(assignment.organisation.name != owner for assignment in case.partners):
            case.partners.append(CasePartner(organisation=self.organisations[owner], assigned_at=since,
                                             assigned_by=case.coordinator))
        done = self._step(case, _Planned(type), rng.choice(("effect", "deels")), since, due_on=due_on)
        return max(until, self._after(done, days=(3, 21)))

    def _close(self, case, at):
        results = CLOSING[self.plans[case].closes_from][1]
        result = self.rng.choices(list(results), weights=list(results.values()))[0]
        return self._event(at, "afsluiten", case, case.coordinator, result=result)

    def _interventions(self, case, at):
        """The plan's interventions from `at`, rung after rung, care alongside; returns when the last is done."""
        scripts = {"waarschuwing": self._waarschuwing, "gedragsaanwijzing": self._gedragsaanwijzing,
                   "gebiedsverbod": self._measure_172a, "groepsverbod": self._measure_172a,
                   "meldplicht": self._measure_172a, "sluiting_13b": self._sluiting, "sluiting_174a": self._sluiting,
                   "bibob": self._bibob}
        start = done = at
        for type, outcome in self.plans[case].rungs:
            if type in ALONGSIDE:
                done = max(done, self._step(case, _Planned(type), outcome, self._after(start, days=(0, 14))))
            else:
                end = scripts.get(type, self._step)(case, _Planned(type), outcome, at)
                done, at = max(done, end), self._after(end, days=(3, 21))
        return done

    def _betrokkene(self, case):
        return next(link.person for link in case.persons if link.role == "betrokkene")

    def _business(self, case):
        return f"{self.rng.choice(BUSINESS_KINDS)} {self._betrokkene(case).last_name}"

    # -- one script per procedure; each returns the moment its intervention is done ----------------

    def _step(self, case, step, outcome, at, owner=None, due_on=None):
        """A lighter or partner step; given `due_on`, one under way today, done after both today and that date."""
        rng, by = self.rng, case.coordinator
        owner = self.organisations[owner or self._owner(step.type, case.type, case.gemeente.name)]
        days = rng.randint(10, 35)
        self._event(at, START, step, by, owner_organisation=owner,
                    due_on=due_on or local_date(at) + timedelta(days=days),
                    person=self._betrokkene(case), description=rng.choice(STEP_TEXTS[step.type]))
        reporter = next((u for u in self.users if u.role == "partner" and u.organisation is owner), by)
        if due_on:
            tomorrow = datetime.combine(self.today + timedelta(days=1), time())
            done = self._after(max(tomorrow, end_of_day(due_on)), days=(0, 10))
            return self._event(done, "afronden", step, reporter, outcome=outcome)
        at = self._suspension(step, at, by, 0.04, "step_suspended")
        if outcome == "vervallen":
            return self._event(self._after(at, days=(3, days)), "vervallen", step, by,
                               reason=rng.choice(REASONS["step_lapsed"]))
        done = self._after(at, days=(days * 0.5, days - 0.5), late=(days + 2, days + 20), late_share=0.15)
        return self._event(done, "afronden", step, reporter, outcome=outcome)

    def _huisverbod(self, case, at):
        rng, by = self.rng, case.coordinator
        verbod = _Planned("huisverbod")
        last = self._event(at, START, verbod, by, person=self._betrokkene(case))
        persons = [(link.person, link.role) for link in case.persons]
        if _has_minors(persons, local_date(at)):
            last = self._after(last, hours=(0.2, 1))
            self._event(last, "veilig_thuis_geraadpleegd", verbod, by, veilig_thuis_consulted_at=last)
        if rng.random() < 0.08:
            return self._event(self._after(last, hours=(0.5, 3)), "niet_opleggen", verbod, by,
                               reason=rng.choice(REASONS["no_huisverbod"]))
        imposed = self._after(last, hours=(0.2, 2))
        last = self._event(imposed, "opleggen", verbod, by, decided_at=imposed)
        withdrawn = rng.random() < 0.06
        if rng.random() < 0.9:
            last = self._event(self._after(imposed, hours=(2, 20)), "contactadres_ontvangen", verbod, by)
        helped = rng.random() < 0.75
        if helped:
            last = max(last, self._event(self._after(imposed, days=(1, 7)), "hulpverlening_gestart", verbod, by))
        if withdrawn:
            return self._event(self._after(last, days=(1, 3)), "afronden", verbod, by, outcome="ingetrokken")
        if rng.random() < 0.12:
            appeal = self._after(imposed, days=(0.5, 3))
            self._event(appeal, "beroep_ingesteld", verbod, by, appeal_at=appeal)
            self._event(self._after(appeal, days=(1, 2.5)), "beroep_behandeld", verbod, by,
                        reason=rng.choice(REASONS["appeal_ruling"]))
        ends = imposed + timedelta(days=10)
        if rng.random() < 0.4:  # decided on a weekday before day 10, at most up to day 28 (art. 9)
            decided = next(moment for days in (9, 8, 7) if (moment := imposed + timedelta(days=days)).weekday() < 5)
            ends = imposed + timedelta(days=rng.choice((21, 28, 28)))
            self._event(decided, "verlengen", verbod, by, extension_decided_at=decided, ends_at=ends)
        outcome = "hulpverlening_gestart" if helped and rng.random() < 0.8 else rng.choice(("beeindigd", "overtreden"))
        return self._event(self._after(ends, hours=(1, 30)), "afronden", verbod, by, outcome=outcome)

    def _waarschuwing(self, case, letter, outcome, at):
        rng, by = self.rng, case.coordinator
        if case.type == "ondermijning":
            addressee = {"premises_address": case.address, "business_name": self._business(case),
                         "description": WARNING_TEXTS["premises"]}
        else:
            addressee = {"person": self._betrokkene(case), "description": WARNING_TEXTS["person"]}
        self._event(at, START, letter, by, **addressee)
        if outcome == "vervallen":
            return self._event(self._after(at, days=(1, 7)), "niet_verzenden", letter, by,
                               reason=rng.choice(REASONS["no_letter"]))
        sent = self._after(at, days=(2, 10))
        return self._event(sent, "verzenden", letter, by, decided_on=local_date(sent))

    def _voornemen(self, subject, by, at, chance_of_zienswijze):
        """Send the voornemen with two weeks for a zienswijze, which sometimes comes; when that period ends."""
        deadline = local_date(at) + timedelta(days=14)
        self._event(at, "voornemen_verzenden", subject, by, zienswijze_deadline=deadline)
        if self.rng.random() < chance_of_zienswijze:
            received = self._after(at, days=(4, 12))
            self._event(received, "zienswijze_ontvangen", subject, by, zienswijze_received_on=local_date(received))
        return end_of_day(deadline)

    def _gedragsaanwijzing(self, case, order, outcome, at):
        rng, by = self.rng, case.coordinator
        self._event(at, START, order, by, person=self._betrokkene(case), description=rng.choice(ORDER_TEXTS))
        at = self._after(at, days=(5, 20))
        decided = self._after(self._voornemen(order, by, at, 0.4), days=(1, 10))
        if outcome == "afzien":
            return self._event(decided, "afzien", order, by, reason=rng.choice(REASONS["no_order"]))
        compliance = local_date(decided) + timedelta(days=rng.choice((28, 42, 56)))
        self._event(decided, "opleggen", order, by, decided_on=local_date(decided), compliance_until=compliance,
                    enforcement=rng.choices(("dwangsom", "bestuursdwang"), weights=(75, 25))[0],
                    home_ban=rng.random() < 0.25)
        if rng.random() < 0.2:  # within the 6 weeks, and before the compliance period is over
            objection = self._after(decided, days=(7, 25))
            self._event(objection, "bezwaar_ontvangen", order, by, objection_received_on=local_date(objection))
        checked = self._after(end_of_day(compliance), days=(1, 7))
        if outcome == "nageleefd":
            return self._event(checked, "afronden", order, by, outcome=outcome)
        self._event(checked, "overtreding", order, by, reason=rng.choice(REASONS["violation"]))
        return self._event(self._after(checked, days=(14, 45)), "afronden", order, by, outcome=outcome)

    def _measure_172a(self, case, measure, outcome, at):
        rng, by = self.rng, case.coordinator
        self._event(at, START, measure, by, person=self._betrokkene(case),
                    description=rng.choice(MEASURE_TEXTS[measure.type]))
        if outcome == "niet_opgelegd":
            return self._event(self._after(at, days=(2, 10)), "niet_opleggen", measure, by,
                               reason=rng.choice(REASONS["measure_dropped"]))
        imposed = self._after(at, days=(3, 14))
        self._event(imposed, "opleggen", measure, by, decided_on=local_date(imposed))
        ends = later(local_date(imposed), months=3, days=-1)
        if rng.random() < 0.1:
            objection = self._after(imposed, days=(5, 14))
            self._event(objection, "bezwaar_ontvangen", measure, by, objection_received_on=local_date(objection))
        if outcome == "ingetrokken":
            return self._event(self._after(imposed, days=(25, 60)), "afronden", measure, by, outcome=outcome,
                               outcome_note=rng.choice(REASONS["measure_dropped"]))
        if outcome == "overtreden":
            self._event(self._after(imposed, days=(10, 19)), "overtreding", measure, by,
                        reason=rng.choice(REASONS["violation"]))
        for _ in range(rng.choices((0, 1, 2, 3), weights=(55, 25, 12, 8))[0]):  # art. 172a: at most three times
            decided = self._after(ends, days=(-20, -5))
            self._event(decided, "verlengen", measure, by, extension_decided_on=local_date(decided))
            ends = later(local_date(ends), months=3)
        return self._event(self._after(ends, days=(0.1, 5)), "afronden", measure, by, outcome=outcome)

    def _sluiting(self, case, closure, outcome, at):
        rng, by = self.rng, case.coordinator
        urgent = closure.type == "sluiting_174a" and rng.random() < 0.3
        values = {"premises_address": case.address,
                  "report_received_on": local_date(at) - timedelta(days=rng.randint(0, 10))}
        if closure.type == "sluiting_13b" and case.address != self._betrokkene(case).address:
            values["business_name"] = self._business(case)  # premises other than the home: a business
        if closure.type == "sluiting_174a":
            values["urgent"] = urgent
        self._event(at, START, closure, by, **values)
        if closure.type == "sluiting_13b" and rng.random() < 0.3:
            at = self._event(self._after(at, days=(3, 10)), "waarschuwen", closure, by)
        elif closure.type == "sluiting_174a" and not urgent:
            at = self._after(at, days=(3, 10))
            until = local_date(at) + timedelta(days=rng.randint(14, 28))
            self._event(at, "eigen_maatregelen", closure, by, measures_until=until)
            at = end_of_day(until)
        if not urgent:
            at = self._voornemen(closure, by, self._after(at, days=(1, 10)), 0.5)
        decided = self._after(at, days=(0.1, 2) if urgent else (1, 10))
        if outcome == "afzien":
            return self._event(decided, "afzien", closure, by, reason=rng.choice(REASONS["no_closure"]))
        months = rng.choice((3, 3, 6)) if closure.type == "sluiting_13b" else rng.choice((3, 6))
        self._event(decided, "besluiten", closure, by, decided_on=local_date(decided), duration_months=months)
        self._event(self._after(decided, days=(0.5, 3), late=(5, 10)), "wkpb_geregistreerd", closure, by)
        if rng.random() < 0.3:
            objection = self._after(decided, days=(10, 40))
            self._event(objection, "bezwaar_ontvangen", closure, by, objection_received_on=local_date(objection))
        executed = self._after(decided, days=(0.1, 1) if urgent else (2, 14))
        self._event(executed, "uitvoeren", closure, by, executed_on=local_date(executed))
        ends = later(local_date(executed), months=months, days=-1)
        if closure.type == "sluiting_174a" and rng.random() < 0.25:
            self._event(self._after(ends, days=(-20, -5)), "verlengen", closure, by, extension_months=3)
            ends = later(local_date(ends), months=3)
        return self._event(self._after(ends, days=(0.1, 3)), "opheffen", closure, by)

    def _bibob(self, case, toets, outcome, at):
        rng, by = self.rng, case.coordinator
        self._event(at, START, toets, by, business_name=self._business(case), premises_address=case.address,
                    description=rng.choice(BIBOB_TEXTS))
        at = self._suspension(toets, at, by, 0.15, "bibob_suspended")
        if rng.random() < 0.35:
            asked = self._after(at, days=(7, 21))
            self._event(asked, "advies_aanvragen", toets, by, advice_requested_on=local_date(asked))
            at = self._event(self._after(asked, days=(42, 56), late=(57, 75)), "advies_ontvangen", toets, by)
        if outcome == "stoppen":
            return self._event(self._after(at, days=(7, 30)), "stoppen", toets, by,
                               reason=rng.choice(REASONS["bibob_stopped"]))
        at = self._event(self._after(at, days=(14, 40)), "concluderen", toets, by, conclusion=outcome)
        decided = self._after(at, days=(3, 14))
        return self._event(decided, "besluiten", toets, by, decision=rng.choice(sorted(BIBOB_ALLOWED[outcome])),
                           decided_on=local_date(decided))


# -- plannen van aanpak and case conferences --------------------------------------------------------

GOAL_TEXTS = {
    "schulden": ["Schulden in beeld en een betalingsregeling met alle schuldeisers.",
                 "Huurachterstand ingelopen; de vaste lasten worden op tijd betaald."],
    "dakloosheid": ["Een vaste woonplek met ambulante begeleiding.", "Geen nachten meer op straat of in de auto."],
    "verslaving": ["Betrokkene neemt deel aan ambulante verslavingszorg en houdt de afspraken na.",
                   "Minder middelengebruik; geen overlast meer door gebruik in en om de woning."],
    "psychische_problematiek": ["Behandeling bij het FACT-team loopt en wordt volgehouden.",
                                "Een stabiel beeld: medicatie, dagritme en contact met de behandelaar."],
    "huiselijke_situatie": ["Een veilige thuissituatie; het veiligheidsplan wordt nageleefd.",
                            "Rust in huis en in de buurt; afspraken met de buren worden nagekomen."],
    "school_werk": ["Weer naar school, zonder ongeoorloofd verzuim.",
                    "Dagbesteding of werk, minstens drie dagen per week."],
    "justitie": ["Geen nieuwe strafbare feiten; het toezicht van de reclassering loopt.",
                 "Bestuurlijke en strafrechtelijke aanpak op elkaar afgestemd."],
}
ACTION_TEXTS = {  # per owner organisation type; "coordinator" for an action of the coordinator themselves
    "coordinator": ["Terugkoppeling geven aan de melders, zonder inhoudelijke details.",
                    "Burgemeester informeren over de stand van zaken en de volgende stap."],
    "gemeente": ["Keukentafelgesprek met betrokkene en familie.", "Aanmelden bij de gemeentelijke schuldhulpverlening.",
                 "Evaluatie van het plan van aanpak voorbereiden met alle partners."],
    "politie": ["Wijkagent legt een huisbezoek af en meldt bijzonderheden.",
                "Extra surveillance in de straat in de avonduren, twee weken lang.",
                "Meldingen op het adres van de afgelopen drie maanden op een rij zetten.",
                "Wijkagent spreekt betrokkene aan op de afspraken uit het overleg."],
    "ggz": ["FACT-team plant een intake en zoekt outreachend contact.", "Behandelaar bespreekt medicatie en dagritme."],
    "ggd": ["Bemoeizorg: contact leggen aan de deur en zorgbehoefte in kaart brengen."],
    "woningcorporatie": ["Schouw van de woning en gesprek over het huurcontract.",
                         "Betalingsregeling voor de huurachterstand aanbieden."],
    "veilig_thuis": ["Veiligheidsafspraken met beide ouders maken en vastleggen.",
                     "Kinderen in beeld brengen bij het jeugdteam."],
    "sociaal_team": ["Aanvraag bijzondere bijstand en budgetbeheer begeleiden.", "Woonbegeleiding aanvragen."],
    "jongerenwerk": ["Contact leggen met de groep bij het winkelcentrum.", "Jongere toeleiden naar een sportproject."],
    "buurtbemiddeling": ["Bemiddelingsgesprek met betrokkene en de buren plannen."],
    "riec": ["Informatie van de partners bundelen in een integrale rapportage."],
    "om": ["Afstemmen of een strafrechtelijke aanpak volgt."],
    "brandweer": ["Brandveiligheid van de woning controleren."],
    "halt": ["Halt-afdoening uitvoeren en ouders betrekken."],
}
REPORT_TEXTS = ["Gedaan; afspraken vastgelegd in het dossier.", "Uitgevoerd; betrokkene werkte mee.",
                "Contact gelegd en een vervolgafspraak gemaakt.", "Afgerond; zie de notitie op de tijdlijn."]
DECISION_TEXTS = ["Plan van aanpak besproken en bijgesteld; de partners houden elkaar op de hoogte.",
                  "Afgesproken om eerst in te zetten op zorg; bij nieuwe overlast volgt een bestuurlijke maatregel.",
                  "Situatie is stabieler; casus blijft nog drie maanden in monitoring.",
                  "Escalatie besproken: de burgemeester wordt geadviseerd over een gedragsaanwijzing."]
# Per gemeente its usual table; one casusoverleg serves all three.
CONFERENCES = {"Lisse": "zorg_veiligheidstafel", "Hillegom": "lokale_kamer", "Teylingen": "casusoverleg"}


def _plans_and_conferences(session, rng, today, now):
    """Plans van aanpak on most active cases (goals per leefgebied, actions owned by the team, a partner on the
    case or a coordinator, some overdue, some done), and past and coming case conferences with their agendas;
    the past ones recorded and vastgesteld. Made as records, as the notes are: no audit trail of their own."""
    from caseapp.conferences.models import Conference, ConferenceItem
    from caseapp.plans.models import PlanAction, PlanGoal
    from caseapp.workflow.definitions import start_of_day

    coordinators = session.scalars(select(User).where(User.role == "coordinator").order_by(User.id)).all()
    team = session.scalar(select(Organisation).where(Organisation.name == TEAM))
    active = session.scalars(select(Case).where(Case.status.in_(("plan_van_aanpak", "uitvoering", "monitoring")))
                             .order_by(Case.id)).all()

    def moment(after, before):
        """A moment in office hours between two moments (or `after` itself)."""
        span = max(0, int((before - after).total_seconds() // 86400))
        day = after.date() + timedelta(days=rng.randint(0, span))
        return max(after, min(before, datetime.combine(day, time(rng.randint(7, 15), rng.randint(0, 59)))))

    def action(case, goal, owner, created, conference_item=None):
        """An action made at `created`: open (one in five overdue), done with a report, or now and then lapsed."""
        kind = rng.choices(("open", "gereed", "vervallen"), weights=(55, 38, 7))[0]
        texts = ACTION_TEXTS["coordinator" if isinstance(owner, User) else owner.type]
        due = local_date(created) + timedelta(days=rng.randint(7, 42))
        if kind == "open" and rng.random() < 0.25:
            due = today - timedelta(days=rng.randint(1, 12))  # overdue
        elif kind == "open":
            due = max(due, today + timedelta(days=rng.randint(0, 30)))
        closed = moment(created, now) if kind != "open" else None
        session.add(PlanAction(
            case=case, goal=goal, description=rng.choice(texts), due_on=due, status=kind,
            report=rng.choice(REPORT_TEXTS) if kind == "gereed" else ("Niet meer nodig." if closed else ""),
            closed_at=closed, closed_by=case.coordinator if closed else None, conference_item=conference_item,
            owner_user=owner if isinstance(owner, User) else None,
            owner_organisation=None if isinstance(owner, User) else owner,
            created_by_id=case.coordinator_id, created_at=created, updated_at=closed or created))

    def owners(case):
        return [team, *(a.organisation for a in case.partners), case.coordinator]

    with_plan = [case for case in active if rng.random() < 0.85]
    for case in with_plan:
        since = max(case.created_at, now - timedelta(days=150))
        goals = []
        for item in case.leefgebieden[:2]:
            created = moment(since, now)
            goals.append(PlanGoal(case=case, leefgebied=item.leefgebied, description=rng.choice(
                GOAL_TEXTS[item.leefgebied]), status=rng.choices(("open", "bereikt", "niet_bereikt"), (75, 20, 5))[0],
                created_at=created, updated_at=created))
        session.add_all(goals)
        for _ in range(rng.randint(2, 4)):
            choices = [owner for owner in owners(case) if owner is not None]
            action(case, rng.choice([*goals, None]), rng.choice(choices), moment(since, now))

    def at(day, hour, minute=0):
        return start_of_day(day) + timedelta(hours=hour, minutes=minute)

    def conference(gemeenten, kind, starts_at, cases):
        chair = rng.choice([u for u in coordinators if all(g in u.gemeenten for g in gemeenten)])
        partners = {a.organisation.id: a.organisation for case in cases for a in case.partners}
        invited = [team, *sorted(partners.values(), key=lambda o: o.name)]
        held = starts_at < now
        created = moment(starts_at - timedelta(days=21), min(now, starts_at - timedelta(days=7)))
        meeting = Conference(kind=kind, starts_at=starts_at, location=f"Gemeentehuis {gemeenten[0].name}, "
                             f"vergaderkamer {rng.randint(1, 4)}", chair=chair, gemeenten=gemeenten,
                             organisations=invited, status="gepland", created_by_id=chair.id, created_at=created,
                             updated_at=created)
        for position, case in enumerate(cases, 1):
            item = ConferenceItem(conference=meeting, case=case, position=position, added_at=created)
            if held:
                item.decisions, item.recorded_at, item.recorded_by = rng.choice(DECISION_TEXTS), starts_at + \
                    timedelta(hours=2), chair
                item.present_organisations = [team, *(a.organisation for a in case.partners)]
                action(case, None, rng.choice([team, *(a.organisation for a in case.partners)]), starts_at +
                       timedelta(hours=2), conference_item=item)
        if held and starts_at < now - timedelta(days=14):  # the latest stays open for its record to be checked
            meeting.status, meeting.established_at, meeting.established_by = "vastgesteld", starts_at + \
                timedelta(days=1), chair
        session.add(meeting)

    gemeenten = session.scalars(select(Gemeente).order_by(Gemeente.name)).all()
    for gemeente in gemeenten:
        pool = [case for case in with_plan if case.gemeente is gemeente]
        for weeks in (-6, -2, 1):  # two held (the last one not yet vastgesteld if recent), one to come
            day = today + timedelta(weeks=weeks, days=rng.randint(0, 4))
            day -= timedelta(days=max(0, day.weekday() - 4))  # a weekday
            if weeks < 0:
                day = min(day, today - timedelta(days=1 if weeks == -2 else 8))
            conference([gemeente], CONFERENCES[gemeente.name], at(day, rng.choice((9, 13)), 30),
                       rng.sample(pool, min(len(pool), rng.randint(3, 5))))
    regional = today + timedelta(days=10 - today.weekday() % 7)
    conference(gemeenten, "casusoverleg", at(regional, 10), rng.sample(with_plan, min(len(with_plan), 4)))


# -- meldingen and signalen -----------------------------------------------------------------------------

# Who reports what, per category (weights); partner types become a partner user's own submission where one works.
MELDING_SOURCES = {
    "woonoverlast": {"inwoner": 50, "woningcorporatie": 25, "politie": 15, "anoniem": 10},
    "verward_gedrag": {"politie": 45, "inwoner": 25, "ggz": 15, "ggd": 10, "other": 5},
    "huiselijk_geweld": {"politie": 50, "veilig_thuis": 35, "school": 10, "inwoner": 5},
    "jeugdoverlast": {"inwoner": 40, "politie": 30, "jongerenwerk": 15, "school": 10, "gemeente": 5},
    "ondermijning": {"intern_meldpunt": 35, "politie": 25, "anoniem": 20, "riec": 10, "woningcorporatie": 10},
    "radicalisering": {"school": 40, "politie": 30, "inwoner": 20, "jongerenwerk": 10},
    "cybercrime": {"inwoner": 70, "politie": 30},
    "other": {"inwoner": 40, "sociaal_team": 30, "woningcorporatie": 20, "ggd": 10},
}
MELDING_WEIGHTS = {"woonoverlast": 28, "verward_gedrag": 22, "jeugdoverlast": 18, "huiselijk_geweld": 6,
                   "ondermijning": 10, "radicalisering": 2, "cybercrime": 9, "other": 5}
MELDING_TEXTS = {
    "woonoverlast": ["Harde muziek en geschreeuw na middernacht, al drie weekenden achter elkaar.",
                     "Stankoverlast uit de woning en vuilniszakken op het balkon.",
                     "Bewoner intimideert andere bewoners in de portiek en bij de brievenbussen."],
    "verward_gedrag": ["Man loopt verward over straat en spreekt voorbijgangers dreigend aan.",
                       "Oudere bewoonster belt 's nachts aan bij buren en weet niet waar ze is.",
                       "Bewoner schreeuwt vanaf het balkon tegen mensen die er niet zijn."],
    "jeugdoverlast": ["Groep jongeren bij het winkelcentrum; vernielingen aan de fietsenstalling.",
                      "Brommers en vuurwerk bij het speelveld in de avonduren.",
                      "Jongeren hangen in de portiek en laten lachgaspatronen achter."],
    "huiselijk_geweld": ["Buren horen regelmatig ruzie met geschreeuw en slaan van deuren; kinderen in huis.",
                         "Politie voor de tweede keer deze maand ter plaatse na geschreeuw en klappen in de woning."],
    "ondermijning": ["Afgeplakte ramen en een sterke hennepgeur bij een woning.",
                     "Kapsalon zonder klanten, wel steeds dure auto's voor de deur.",
                     "Bollenschuur wordt 's nachts bezocht door busjes; het hek is nieuw en hoog.",
                     "Nieuwe minimarkt met veel contante betalingen; de eigenaar is onbekend."],
    "radicalisering": ["School meldt dat een leerling extremistische filmpjes deelt in de klassenapp."],
    "cybercrime": ["Oudere inwoner opgelicht via WhatsApp-fraude ('hoi mam'); geld overgemaakt.",
                   "Ondernemer ontvangt spookfacturen en dreigmails.",
                   "Phishing-sms uit naam van de gemeente ontvangen door meerdere inwoners."],
    "other": ["Zorgen over een vereenzaamde buurman; de post stapelt zich op.",
              "Dreigende huisuitzetting bij een gezin met oplopende schulden."],
}
CLOSE_REASONS = {
    "cybercrime": ["Melder geholpen met aangifte bij de politie; voorlichting over oplichting gegeven.",
                   "Doorverwezen naar het Fraudehelpdesk en de politie; geen casus nodig."],
    "other": ["Eenmalig incident; melder gewezen op buurtbemiddeling.",
              "Doorverwezen naar de woningcorporatie; geen regie van het team nodig.",
              "Al in behandeling bij de zorg; geen aanvullende regie nodig.",
              "Dubbele melding; al bekend uit een eerdere melding.",
              "Onvoldoende aanknopingspunten; gedeeld met de wijkagent.",
              "Overlast gestopt volgens navraag bij de melder."],
}
MELDINGEN_WITHOUT_CASE = 130
MELDINGEN_IN_INBOX = 16
FREQUENT_PER_GEMEENTE = 2  # persons who "vragen structureel aandacht": many meldingen in the last year


def _meldingen(session, rng, today, now):
    """Meldingen and signalen over the demo years: most cases began with one, later ones were linked to running
    cases, others were closed without a case, and those of the last weeks wait in the inbox. A few persons are
    in many meldingen, so the structural-attention flag shows. Made as records, as the notes are: no audit trail
    of their own."""
    from sqlalchemy.orm import selectinload

    from caseapp.meldingen.models import Melding, MeldingPerson

    gemeenten = {g.name: g for g in session.scalars(select(Gemeente).options(selectinload(Gemeente.wijken)))}
    gemeenten["Teylingen"].structural_attention_threshold = 4  # a gemeente's own setting
    users = session.scalars(select(User).order_by(User.id)).all()
    cases = session.scalars(select(Case).options(selectinload(Case.persons)).order_by(Case.id)).all()
    address = _Builder(session, rng, today, now)._address
    made = []

    def weighted(weights):
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    def office(day):
        return min(datetime.combine(day, time(rng.randint(7, 15), rng.randint(0, 59))), now - timedelta(minutes=5))

    def reporter(gemeente, source):
        """Who registered it: a partner user of that kind working for the gemeente, a team member for the intern
        meldpunt, and otherwise one of the gemeente's coordinators."""
        partners = [u for u in users
                    if u.role == "partner" and u.organisation.type == source and gemeente in u.gemeenten]
        if partners:
            user = rng.choice(partners)
            return user, user.organisation
        roles = ("analyst", "coordinator") if source == "intern_meldpunt" else ("coordinator",)
        return rng.choice([u for u in users if u.role in roles and gemeente in u.gemeenten]), None

    def melding(gemeente, category, registered_at, *, persons=(), wijk=None, at=None, description=None):
        source = weighted(MELDING_SOURCES[category])
        by, organisation = reporter(gemeente, source)
        subject = next((person for person, role in persons if role == "betrokkene"), None)
        where = at or (subject.address if subject else address(gemeente.name, rng.choice(gemeente.wijken).name))
        new = Melding(gemeente=gemeente, wijk=wijk, kind="signaal" if category == "ondermijning" else "melding",
                      source=source, source_organisation=organisation, category=category, address=where,
                      description=description or rng.choice(MELDING_TEXTS[category]),
                      received_on=registered_at.date(), registered_by=by, registered_at=registered_at,
                      triage_status="nieuw", triage_reason="")
        new.persons = [MeldingPerson(person=person, role=role, added_at=registered_at) for person, role in persons]
        made.append(new)
        return new

    def triage(melding, status, at, by, case=None):
        reason = rng.choice(CLOSE_REASONS.get(melding.category, CLOSE_REASONS["other"])) if status == "gesloten" \
            else ""
        melding.triage_status, melding.triage_reason, melding.case = status, reason, case
        melding.triaged_by, melding.triaged_at = by, at

    def coordinator(gemeente):
        return rng.choice([u for u in users if u.role == "coordinator" and gemeente in u.gemeenten])

    subjects = {name: [] for name in gemeenten}  # betrokkenen on the gemeente's cases, who come back in meldingen
    for case in cases:
        persons = [(link.person, link.role) for link in case.persons]
        subjects[case.gemeente.name] += [person for person, role in persons if role == "betrokkene"]
        if rng.random() < 0.7:  # the melding that opened the case
            opened = melding(case.gemeente, case.type, case.created_at - timedelta(minutes=rng.randint(30, 4000)),
                             persons=persons, wijk=case.wijk, at=case.address, description=case.description)
            triage(opened, "zaak_geopend", case.created_at, case.coordinator, case)
        if case.type in REPEAT_TYPES and rng.random() < 0.3:  # new meldingen while the case runs
            until = min(case.closed_at or now, now - timedelta(days=1))
            for _ in range(rng.randint(1, 3)):
                received = case.created_at + timedelta(days=rng.uniform(3, max(3, (until - case.created_at).days)))
                triaged = received + timedelta(hours=rng.uniform(2, 72))
                if triaged < until:
                    later_one = melding(case.gemeente, case.type, received, persons=persons[:1], wijk=case.wijk,
                                        at=case.address)
                    triage(later_one, "gekoppeld", triaged, case.coordinator, case)

    for _ in range(MELDINGEN_WITHOUT_CASE):  # closed after a look: no case needed
        gemeente = gemeenten[weighted(GEMEENTE_WEIGHTS)]
        category = weighted(MELDING_WEIGHTS)
        received = office(today - timedelta(days=30 + int((YEARS * 365 - 60) * (1 - rng.random() ** 0.7))))
        known = category in REPEAT_TYPES and rng.random() < 0.4
        persons = [(rng.choice(subjects[gemeente.name]), "betrokkene")] if known else []
        closed = melding(gemeente, category, received, persons=persons,
                         wijk=None if known else rng.choice(gemeente.wijken))
        triage(closed, "gesloten", received + timedelta(days=rng.uniform(1, 10)), coordinator(gemeente))

    for name, gemeente in gemeenten.items():  # persons in many meldingen this year, the last one in the inbox
        pool = list(dict.fromkeys(subjects[name]))
        for person in rng.sample(pool, min(FREQUENT_PER_GEMEENTE, len(pool))):
            category = rng.choice(("verward_gedrag", "woonoverlast"))
            for days in sorted(rng.sample(range(20, 330), gemeente.structural_attention_threshold)):
                received = office(today - timedelta(days=days))
                closed = melding(gemeente, category, received, persons=[(person, "betrokkene")])
                triage(closed, "gesloten", received + timedelta(days=rng.uniform(1, 5)), coordinator(gemeente))
            melding(gemeente, category, office(today - timedelta(days=rng.randint(1, 12))),
                    persons=[(person, "betrokkene")])

    for _ in range(MELDINGEN_IN_INBOX):  # the inbox: the last weeks' meldingen, none triaged yet
        gemeente = gemeenten[weighted(GEMEENTE_WEIGHTS)]
        category = weighted(MELDING_WEIGHTS)
        known = category in REPEAT_TYPES and rng.random() < 0.3
        persons = [(rng.choice(subjects[gemeente.name]), "betrokkene")] if known else []
        melding(gemeente, category, office(today - timedelta(days=rng.randint(1, 25))), persons=persons,
                wijk=None if known else rng.choice(gemeente.wijken))

    session.add_all(sorted(made, key=lambda item: item.registered_at))  # so references follow time
    session.flush()


# -- persons registered twice -------------------------------------------------------------------------

def _duplicate_persons(session):
    """A few persons registered twice, as happens at intake: the name spelt another way, the date of birth
    left out, or registered anew by another gemeente. Each second record is a melder on a later case; the
    duplicates page, the person pages and hit/no-hit show them."""
    from sqlalchemy.orm import selectinload

    cases = session.scalars(select(Case).order_by(Case.id).options(
        selectinload(Case.persons).selectinload(CasePerson.person), selectinload(Case.gemeente))).all()
    active = [case for case in cases if case.status != "afgesloten"]

    def subject(gemeente, index):
        """The index-th adult betrokkene without a BSN on an active case of the gemeente."""
        return [link.person for case in active if case.gemeente.name == gemeente for link in case.persons
                if link.role == "betrokkene" and not link.person.bsn and not link.person.is_minor][index]

    def register_again(person, case, **changes):
        fields = {name: getattr(person, name) for name in (
            "first_name", "tussenvoegsel", "last_name", "date_of_birth", "address", "phone")}
        again = Person(created_at=case.created_at, **{**fields, "phone": "", **changes})
        case.persons.append(CasePerson(person=again, role="melder", added_at=case.created_at))

    def respelt(name):
        """Another way to write the name that sounds the same: ij as y (or back), a double letter single."""
        for written, variant in (("ij", "y"), ("y", "ij"), ("ss", "s"), ("dt", "d"), ("kk", "k"), ("tt", "t")):
            if written in name:
                return name.replace(written, variant, 1)
        return name + name[-1]

    later = {name: [case for case in active if case.gemeente.name == name and len(case.persons) < 4][-3:]
             for name in ("Lisse", "Teylingen")}
    person = subject("Lisse", 0)  # a name that sounds the same, the same date of birth
    register_again(person, later["Lisse"][0], last_name=respelt(person.last_name))
    person = subject("Lisse", 1)  # the same name and address, no date of birth
    register_again(person, later["Lisse"][1], date_of_birth=None)
    register_again(subject("Hillegom", 0), later["Lisse"][2])  # Lisse registered a person Hillegom has on a case
    person = subject("Teylingen", 0)  # the tussenvoegsel typed into the surname
    register_again(person, later["Teylingen"][0], first_name=person.first_name.lower(),
                   last_name=f"{person.tussenvoegsel} {person.last_name}".strip(), tussenvoegsel="")
    session.flush()

