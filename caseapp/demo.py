"""Synthetic demo data for one region: Hillegom, Lisse and Teylingen (Duin- en Bollenstreek).

Every name, house number, date of birth and case in here is invented; wijken and street names are
modelled on these towns (many are real streets), so the addresses look familiar to the people who work
there. BSNs come from the range the Dutch government reserves for test systems (starting with 99999), so
they can never be a real person's.

`load_demo_data(session)` fills an empty database in one transaction. The data is the same on every run
(one seeded random generator), except that dates are laid out relative to today, so the demo always
covers the last five years and minors are always under 18.
"""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from caseapp.accounts.operations import hash_password
from caseapp.audit.operations import utcnow
from caseapp.enums import CASE_RESULTS
from caseapp.models import (
    Case,
    CaseLeefgebied,
    CasePartner,
    CasePerson,
    Gemeente,
    Note,
    Organisation,
    Person,
    User,
    Wijk,
)

DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - the published password of the synthetic demo users
CASE_COUNT = 300
YEARS = 5

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


def demo_logins():
    """The demo users as (role, e-mail); all share DEMO_PASSWORD."""
    return [(role, email) for role, email, *_ in USERS]


def load_demo_data(session):
    """Fill an empty database with the synthetic demo region, commit, and return the demo logins."""
    if session.scalar(select(func.count()).select_from(User)):
        raise RuntimeError("the database already has users; demo data only goes into an empty database")
    _Builder(session, random.Random(2026), date.today(), utcnow()).build()
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

    def build(self):
        self.gemeenten = {}
        for name, (cbs_code, wijken) in GEMEENTEN.items():
            self.gemeenten[name] = Gemeente(name=name, cbs_code=cbs_code, wijken=[Wijk(name=w[0]) for w in wijken])
        self.organisations = {name: Organisation(name=name, type=kind) for name, kind in ORGANISATIONS}
        password_hash = hash_password(DEMO_PASSWORD)  # once: Argon2 is slow on purpose
        self.users = [
            User(email=email, name=name, password_hash=password_hash, role=role,
                 organisation=self.organisations[organisation], gemeenten=[self.gemeenten[g] for g in gemeenten],
                 created_at=self.now - timedelta(days=YEARS * 365 + 30))
            for role, email, name, organisation, gemeenten in USERS
        ]
        self.session.add_all([*self.gemeenten.values(), *self.organisations.values(), *self.users])
        self.repeat_subjects = {g: [self._person(g) for _ in range(REPEAT_SUBJECTS_PER_GEMEENTE)] for g in GEMEENTEN}
        self.repeat_melders = {g: [self._person(g, 30, 80) for _ in range(REPEAT_MELDERS_PER_GEMEENTE)]
                               for g in GEMEENTEN}
        self.notes = []
        self.cases = cases = sorted((self._case() for _ in range(CASE_COUNT)), key=lambda case: case.created_at)
        for case in cases:  # a person is registered when they first come up in a case
            for case_person in case.persons:
                case_person.person.created_at = min(case_person.person.created_at, case.created_at)
        self.session.add_all(cases)  # in the order they came in, so ids and references follow time
        self.session.add_all(sorted(self.notes, key=lambda note: note.created_at))
        self.session.flush()

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
        recent = rng.random() < 0.07
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
            type=case_type, status=self._status(age_days), gemeente=gemeente,
            wijk=next(w for w in gemeente.wijken if w.name == wijk_name), address=address,
            description=rng.choice(spec["descriptions"]), risk_level=risk, coordinator=coordinator,
            opened_on=opened_on, created_at=created_at, updated_at=created_at,
        )
        pool = spec["leefgebieden"]
        case.leefgebieden = [CaseLeefgebied(leefgebied=item)
                             for item in rng.sample(pool, rng.randint(1, min(3, len(pool))))]
        case.persons = [CasePerson(person=person, role=role, added_at=created_at) for person, role in persons]
        partners = [
            self.organisations[f"{SOCIAAL_TEAM} {gemeente_name}" if name == SOCIAAL_TEAM else name]
            for name in rng.sample(spec["partners"], rng.choice((0, 1, 1, 2, 2, 2, 3, 3)))
        ]
        case.partners = [CasePartner(organisation=organisation, assigned_at=created_at + timedelta(hours=20),
                                     assigned_by=coordinator) for organisation in partners]
        notes = self._notes(case, spec, coordinators, partners, created_at)
        if notes:
            case.updated_at = notes[-1].created_at
        if case.status == "afgesloten":
            case.result = rng.choices(list(CASE_RESULTS), weights=(50, 25, 10, 8, 7))[0]
            case.closed_at = case.updated_at
        self.notes += notes
        return case

    def _status(self, age_days):
        if age_days < 45:
            weights = {"aangemeld": 45, "onderzoek": 35, "plan_van_aanpak": 20}
        elif age_days < 150:
            weights = {"onderzoek": 15, "plan_van_aanpak": 30, "uitvoering": 40, "monitoring": 5, "afgesloten": 10}
        elif age_days < 400:
            weights = {"plan_van_aanpak": 5, "uitvoering": 30, "monitoring": 30, "afgesloten": 35}
        else:
            weights = {"uitvoering": 3, "monitoring": 5, "afgesloten": 92}
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

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

    def _notes(self, case, spec, coordinators, partners, created_at):
        rng = self.rng
        count = rng.choices(range(6), weights=[10, 20, 25, 20, 15, 10])[0]
        until = self.now
        if case.status == "afgesloten":
            until = min(until, created_at + timedelta(days=rng.randint(60, 400)))
        moments = sorted(self._office_moment(created_at, until) for _ in range(count))
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
