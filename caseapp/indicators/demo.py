"""Demo indicators: the nulmetingen and streefwaarden of Lisse's integraal veiligheidsbeleid (seed 003 §4), and
the figures from outside as the seeds print them: Lisse's police table (seed 003 §2) and Leiden's branden and
brandstichtingen (seed 001), imported through the same code as an upload."""

from sqlalchemy import select

from caseapp.accounts.models import User
from caseapp.audit.operations import utcnow
from caseapp.indicators.imports import import_series, read
from caseapp.indicators.models import Indicator, IndicatorBaseline, IndicatorTarget
from caseapp.organisations.models import Gemeente, Wijk

# The tables as the seeds print them (seed 003 §2 one cell per line, seed 001 with the source wrapped), as a
# beleidsmedewerker types them into a spreadsheet.
LISSE_POLITIE = """Lisse;2014;2015;2016;2017;2018;2019 (t/m september)
Misdrijven;906;947;961;706;720;580
Jeugdoverlast;235;208;134;187;132;81
Woninginbraken;46;60;38;38;30;21
Geweld;65;57;83;66;51;42
Overlast en maatschappelijke onrust;59;61;56;80;86;69
"""
LEIDEN_BRANDEN = """Effectindicator;2014;2015;2016;2017;Streefwaarde 2017;Bron
2A1.a Aantal branden (geen brandstichting);252;232;239;224;230;Politie-eenheid Den Haag
2A1.b Aantal brandstichtingen;34;15;37;39;<15;Politie-eenheid Den Haag
"""
LEIDEN_WIJKEN = ("Binnenstad", "Stationsdistrict", "Leiden-Noord", "Merenwijk", "Stevenshof")

# seed 003 §4: (indicator, nulmeting year, nulmeting value or None for the series' own, [(year, comparison, value)])
LISSE_GOALS = [
    ("signalen_ondermijning", 2022, None, []),  # the seed's nulmeting is 2018, before the demo's first year
    ("ondermijning_casussen_afgehandeld", 2022, None, []),
    ("bestuurlijke_waarschuwingen", 2022, None, []),
    ("sluitingen", 2022, None, []),
    ("meldingen_woonoverlast", 2022, None, [(2023, "<", 80), (2026, "<", 80)]),
    ("meldingen_jeugdoverlast", 2022, None, [(2023, "<", 132), (2026, "<", 132)]),
    ("meldingen_cybercrime", 2019, 74, []),
]


def add_demo_indicators(session):
    now = utcnow()
    gemeenten = {g.name: g for g in session.scalars(select(Gemeente))}
    indicators = {i.key: i for i in session.scalars(select(Indicator))}
    lisse = gemeenten["Lisse"]
    for key, baseline_year, baseline_value, targets in LISSE_GOALS:
        indicator = indicators[key]
        session.add(IndicatorBaseline(indicator_id=indicator.id, gemeente_id=lisse.id, year=baseline_year,
                                      value=baseline_value, set_at=now))
        for year, comparison, value in targets:
            session.add(IndicatorTarget(indicator_id=indicator.id, gemeente_id=lisse.id, year=year,
                                        comparison=comparison, value=value, set_at=now))
    leiden = Gemeente(name="Leiden", cbs_code="GM0546", wijken=[Wijk(name=name) for name in LEIDEN_WIJKEN])
    session.add(leiden)
    analysts = session.scalars(select(User).where(User.role == "analyst").order_by(User.id)).all()
    for user in analysts:
        user.gemeenten.append(leiden)
    session.flush()
    for gemeente, source, filename, text in (
            (lisse, "Politie, basisteam Duin- en Bollenstreek", "veiligheidsbeeld-lisse-2019.csv", LISSE_POLITIE),
            (leiden, "", "effectindicatoren-2a-leiden.csv", LEIDEN_BRANDEN)):
        import_series(analysts[0], gemeente, source, filename, read(text.encode(), filename), now=now)
