"""Interventions and the case status through the pages: start, every step to the end, refusals, partners, conflicts."""

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from markupsafe import escape
from sqlalchemy import event, func, select

from caseapp import AMSTERDAM
from caseapp.audit.operations import utcnow
from caseapp.enums import INTERVENTION_TYPES, LIGHTER_STEPS
from caseapp.models import AuditEntry, Case, Deadline, Intervention, Notification, StatusChange
from caseapp.workflow.definitions import local_date
from caseapp.workflow.engine import CONFLICT


def day(offset=0):
    """A Dutch calendar date `offset` days from today, as a date field posts it."""
    return lambda _area: (local_date(utcnow()) + timedelta(days=offset)).isoformat()


def moment(days=0):
    """A Dutch local time `days` from now, as a datetime-local field posts it."""
    return lambda _area: (datetime.now(AMSTERDAM) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def the(name):
    return lambda area: getattr(area, name).id


@pytest.fixture
def area(make, session):
    """A woonoverlast case in Lisse (APV with 151d) with an adult and a minor, and two partner organisations."""
    lisse = make.gemeente("Lisse")
    lisse.apv_151d = True
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    politie = make.organisation("politie", "Politie Bollenstreek")
    bemiddeling = make.organisation("buurtbemiddeling", "Buurtbemiddeling Bollenstreek")
    coordinator = make.user("coordinator", team, [lisse])
    adult = make.person("Piet", "de Vries", date_of_birth=date(1980, 1, 1))
    child = make.person("Sanne", "de Vries", date_of_birth=local_date(utcnow()) - timedelta(days=10 * 365))
    case = make.case(lisse, persons=[(adult, "betrokkene"), (child, "minderjarige")], partners=[politie, bemiddeling],
                     coordinator=coordinator)
    return SimpleNamespace(
        gemeente=lisse, case=case, coordinator=coordinator, adult=adult, child=child, politie=politie,
        bemiddeling=bemiddeling, agent=make.user("partner", politie, [lisse]),
        bemiddelaar=make.user("partner", bemiddeling, [lisse]),
    )


def _form(prefix, data, area):
    return {f"{prefix}-{name}": value(area) if callable(value) else value for name, value in data.items()}


def start(client, area, type, **data):
    return client.post(f"/casussen/{area.case.id}/interventies/nieuw?type={type}", data=_form("starten", data, area))


def started(response):
    assert response.status_code == 302, response.text
    return int(re.fullmatch(r"/interventies/(\d+)", response.location).group(1))


def step(client, area, intervention_id, transition, **data):
    return client.post(f"/interventies/{intervention_id}/{transition}", data=_form(transition, data, area))


def status_of(session, intervention_id):
    return session.scalar(select(Intervention.status).where(Intervention.id == intervention_id))


def changes(session, **where):
    return session.scalar(select(func.count()).select_from(StatusChange).filter_by(**where))


# Values as a browser posts them: an empty optional text field is sent as "".
STEP = {"owner_organisation": the("bemiddeling"), "due_on": day(14), "person": the("adult"), "description": ""}
MAATREGEL = {"person": the("adult"), "description": "Verbod op het Vierkant en omliggende straten"}
SLUITING = {"premises_address": "Kerkstraat 1, Lisse", "business_name": "Café De Hoek", "report_received_on": day(-2)}
SLUITING_STEPS = [
    ("voornemen_verzenden", {"zienswijze_deadline": day(14)}),
    ("zienswijze_ontvangen", {"zienswijze_received_on": day(0)}),
    ("besluiten", {"decided_on": day(0), "duration_months": "3"}),
    ("wkpb_geregistreerd", {}),
    ("uitvoeren", {"executed_on": day(0)}),
    ("bezwaar_ontvangen", {"objection_received_on": day(0)}),
    ("opheffen", {}),
]

# (type, first step's values, the steps after it with their values, final status)
FLOWS = {
    "huisverbod": ("huisverbod", {"person": the("adult")}, [
        ("veilig_thuis_geraadpleegd", {"veilig_thuis_consulted_at": moment(-12)}),
        ("opleggen", {"decided_at": moment(-11)}),  # eleven days ago, so its ten days are over
        ("contactadres_ontvangen", {}),
        ("beroep_ingesteld", {"appeal_at": moment(-10)}),
        ("beroep_behandeld", {"reason": "Beroep ongegrond verklaard."}),
        ("hulpverlening_gestart", {}),
        ("afronden", {"outcome": "beeindigd", "outcome_note": "Hulp loopt via het sociaal team."}),
    ], "afgerond"),
    "gedragsaanwijzing": ("gedragsaanwijzing", {"person": the("adult"), "description": "Harde muziek 's nachts"}, [
        ("voornemen_verzenden", {"zienswijze_deadline": day(14)}),
        ("zienswijze_ontvangen", {"zienswijze_received_on": day(0)}),
        ("opleggen", {"decided_on": day(0), "compliance_until": day(28), "enforcement": "dwangsom", "home_ban": "y"}),
        ("bezwaar_ontvangen", {"objection_received_on": day(0)}),
        ("overtreding", {"reason": "Opnieuw geluidsoverlast gemeld."}),
        ("afronden", {"outcome": "dwangsom_ingevorderd", "outcome_note": ""}),
    ], "afgerond"),
    **{type: (type, MAATREGEL, [
        ("opleggen", {"decided_on": day(0)}),
        ("verlengen", {"extension_decided_on": day(0)}),
        ("overtreding", {"reason": "Gezien op het Vierkant."}),
        ("afronden", {"outcome": "ingetrokken", "outcome_note": "", "reason": "Betrokkene is verhuisd."}),
    ], "afgerond") for type in ("gebiedsverbod", "groepsverbod", "meldplicht")},
    "sluiting_13b": ("sluiting_13b", SLUITING, [("waarschuwen", {}), *SLUITING_STEPS], "opgeheven"),
    "sluiting_174a": ("sluiting_174a", SLUITING, [
        ("eigen_maatregelen", {"measures_until": day(14)}),
        ("afzien", {"reason": "Eigenaar heeft zelf maatregelen genomen."}),
    ], "vervallen"),
    "sluiting_174a_spoed": ("sluiting_174a", {**SLUITING, "urgent": "y"}, [
        ("besluiten", {"decided_on": day(0), "duration_months": "6"}),
        ("uitvoeren", {"executed_on": day(0)}),
        ("wkpb_geregistreerd", {}),
        ("verlengen", {"extension_months": "3"}),
        ("opheffen", {}),
    ], "opgeheven"),
    "waarschuwing": ("waarschuwing", {"person": the("adult"), "description": "Brief over de overlast"}, [
        ("verzenden", {"decided_on": day(0)}),
    ], "verzonden"),
    "bibob": ("bibob", {"business_name": "Snackbar Het Hoekje", "kvk_number": "12345678"}, [
        ("advies_aanvragen", {"advice_requested_on": day(0)}),
        ("advies_ontvangen", {}),
        ("concluderen", {"conclusion": "mindere_mate"}),
        ("besluiten", {"decision": "verlenen_voorwaarden", "decided_on": day(0)}),
    ], "besloten"),
    **{type: (type, STEP, [("afronden", {"outcome": "effect", "outcome_note": ""})], "afgerond")
       for type in LIGHTER_STEPS},
}
assert {flow[0] for flow in FLOWS.values()} == INTERVENTION_TYPES.keys()


def run(client, area, session, name):
    type, values, steps, final = FLOWS[name]
    intervention_id = started(start(client, area, type, **values))
    assert status_of(session, intervention_id) is not None
    for transition, data in steps:
        response = step(client, area, intervention_id, transition, **data)
        assert response.status_code == 302, f"{transition}: {response.text}"
    assert status_of(session, intervention_id) == final
    return intervention_id


@pytest.mark.parametrize("name", FLOWS)
def test_coordinator_runs_each_intervention_to_its_end(area, login, session, name):
    client = login(area.coordinator)
    if name == "gedragsaanwijzing":
        run(client, area, session, "gesprek")  # a lighter step first (art. 151d)
    intervention_id = run(client, area, session, name)
    assert changes(session, intervention_id=intervention_id) == len(FLOWS[name][2]) + 1
    page = client.get(f"/interventies/{intervention_id}")
    assert page.status_code == 200 and 'aria-current="step"' in page.text
    process, final = session.get(Intervention, intervention_id).process, FLOWS[name][3]
    assert str(escape(process.states[final].label)) in page.text
    for transition in process.transitions.values():  # at the end, only what may follow it (a bezwaar) is offered
        offered = f'action="/interventies/{intervention_id}/{transition.name}"' in page.text
        assert offered == (final in transition.sources), transition.name
    views = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "intervention",
                                                     AuditEntry.record_id == intervention_id,
                                                     AuditEntry.action == "view")).all()
    assert views and views[-1].case_id == area.case.id


def test_each_step_is_flashed_and_its_deadlines_shown(area, login):
    client = login(area.coordinator)
    intervention_id = started(start(client, area, "huisverbod", person=area.adult.id))
    step(client, area, intervention_id, "veilig_thuis_geraadpleegd", veilig_thuis_consulted_at=moment(0))
    page = client.get(step(client, area, intervention_id, "opleggen", decided_at=moment(0)).location)
    assert "‘Huisverbod opleggen’ is vastgelegd. De status is nu ‘Opgelegd’." in page.text
    assert "Einde huisverbod" in page.text and "nog 10 dagen" in page.text
    assert "Contactadres opgeven (24 uur)" in page.text
    assert "van ‘In voorbereiding’ naar ‘Opgelegd’" in page.text
    assert 'id="verlengen-ends_at"' in page.text  # the form of a step the coordinator may take


def test_start_page_offers_every_type_in_two_groups(area, login):
    client = login(area.coordinator)
    page = client.get(f"/casussen/{area.case.id}/interventies/nieuw").text
    assert "Juridische maatregelen" in page and "Lichtere stappen en partnerstappen" in page
    for type, label in INTERVENTION_TYPES.items():
        assert f"?type={type}" in page and str(escape(label)) in page
        form = client.get(f"/casussen/{area.case.id}/interventies/nieuw?type={type}")
        assert form.status_code == 200 and 'name="starten-reason"' in form.text


def test_huisverbod_against_a_minor_is_refused_and_the_choice_kept(area, login, session):
    client = login(area.coordinator)
    response = start(client, area, "huisverbod", person=area.child.id, reason="Geweld in huis")
    assert response.status_code == 422
    assert "Een huisverbod kan alleen worden opgelegd aan een meerderjarige." in response.text
    assert f'<option selected value="{area.child.id}">' in response.text and "Geweld in huis" in response.text
    assert session.scalar(select(func.count()).select_from(Intervention)) == 0


def test_gedragsaanwijzing_needs_a_lighter_step_first(area, login, session):
    client = login(area.coordinator)
    response = start(client, area, "gedragsaanwijzing", person=area.adult.id)
    assert response.status_code == 422 and "ontbreekt: gesprek, buurtbemiddeling" in response.text
    assert session.scalar(select(func.count()).select_from(Intervention)) == 0


def test_huisverbod_with_a_minor_needs_veilig_thuis_first(area, login, session):
    client = login(area.coordinator)
    intervention_id = started(start(client, area, "huisverbod", person=area.adult.id))
    response = step(client, area, intervention_id, "opleggen", decided_at=moment(0))
    assert response.status_code == 422
    assert "leg eerst vast dat Veilig Thuis is geraadpleegd" in response.text
    assert status_of(session, intervention_id) == "voorbereiding"


def test_174a_gives_a_period_for_own_measures_first(area, login, session):
    client = login(area.coordinator)
    intervention_id = started(start(client, area, "sluiting_174a", **SLUITING))
    refused = step(client, area, intervention_id, "voornemen_verzenden", zienswijze_deadline=day(14))
    assert refused.status_code == 422 and "Geef eerst die termijn." in refused.text
    step(client, area, intervention_id, "eigen_maatregelen", measures_until=day(7))
    refused = step(client, area, intervention_id, "voornemen_verzenden", zienswijze_deadline=day(14))
    assert refused.status_code == 422 and "De termijn voor eigen maatregelen loopt tot en met" in refused.text
    session.get(Intervention, intervention_id).measures_until = local_date(utcnow()) - timedelta(days=1)
    session.commit()
    assert step(client, area, intervention_id, "voornemen_verzenden", zienswijze_deadline=day(14)).status_code == 302
    assert status_of(session, intervention_id) == "voornemen"


# (step, values, the Dutch message): each refused, with nothing changed, on a gebiedsverbod in preparation.
REFUSALS = [
    ("opleggen", {"decided_on": "morgen"}, "Ongeldige datum."),
    ("opleggen", {"decided_on": day(3)}, "De ingangsdatum ligt in de toekomst."),
    ("niet_opleggen", {"reason": "  "}, "Geef een toelichting."),
    ("afronden", {"outcome": "nageleefd"}, "‘Uitkomst vastleggen’ kan niet in de status ‘in voorbereiding’."),
    ("verlengen", {"extension_decided_on": day(0)}, "‘Met 3 maanden verlengen’ kan niet in de status"),
    ("bestaat_niet", {}, "Deze handeling bestaat niet in deze procedure."),
    ("starten", {"person": the("adult")}, "‘Maatregel voorbereiden’ kan alleen bij het begin van de procedure."),
]


@pytest.mark.parametrize(("transition", "data", "message"), REFUSALS,
                         ids=[f"{transition}{i}" for i, (transition, *_rest) in enumerate(REFUSALS)])
def test_invalid_or_impossible_steps_are_refused_in_dutch(area, login, session, transition, data, message):
    client = login(area.coordinator)
    intervention_id = started(start(client, area, "gebiedsverbod", **MAATREGEL))
    version = session.scalar(select(Intervention.version).where(Intervention.id == intervention_id))
    response = step(client, area, intervention_id, transition, **data)
    assert response.status_code == 422
    assert str(escape(message)) in response.text
    assert 'role="alert"' in response.text
    assert status_of(session, intervention_id) == "voorbereiding"
    assert session.scalar(select(Intervention.version).where(Intervention.id == intervention_id)) == version
    assert changes(session, intervention_id=intervention_id) == 1


def test_typed_values_are_kept_when_the_engine_refuses(area, login):
    client = login(area.coordinator)
    intervention_id = started(start(client, area, "gebiedsverbod", **MAATREGEL))
    future = day(3)(area)
    response = step(client, area, intervention_id, "opleggen", decided_on=future, reason="Na overleg met politie")
    assert response.status_code == 422
    assert f'value="{future}"' in response.text and "Na overleg met politie" in response.text
    assert '<details class="step" open>' in response.text


def test_a_stale_version_gives_the_conflict_message_and_changes_nothing(area, login, session):
    client = login(area.coordinator)
    intervention_id = started(start(client, area, "gebiedsverbod", **MAATREGEL))
    seen = session.scalar(select(Intervention.version).where(Intervention.id == intervention_id))
    step(client, area, intervention_id, "opleggen", decided_on=day(0), expected_version=seen)
    response = step(client, area, intervention_id, "verlengen", extension_decided_on=day(0), expected_version=seen)
    assert response.status_code == 302
    assert str(escape(CONFLICT)) in client.get(response.location).text
    assert session.scalar(select(Intervention.extension_count).where(Intervention.id == intervention_id)) == 0
    assert changes(session, intervention_id=intervention_id) == 2


def test_partners_see_an_intervention_read_only(area, login, session):
    intervention_id = started(start(login(area.coordinator), area, "huisverbod", person=area.adult.id))
    client = login(area.agent)
    page = client.get(f"/interventies/{intervention_id}")
    assert page.status_code == 200 and "Tijdelijk huisverbod" in page.text
    assert f'action="/interventies/{intervention_id}/' not in page.text  # no step forms
    for transition, data in (("veilig_thuis_geraadpleegd", {"veilig_thuis_consulted_at": moment(0)}),
                             ("niet_opleggen", {"reason": "Geen grond"})):
        response = step(client, area, intervention_id, transition, **data)
        assert response.status_code == 422 and "niet uitvoeren." in response.text
    assert status_of(session, intervention_id) == "voorbereiding"
    assert changes(session, intervention_id=intervention_id) == 1
    assert session.scalar(select(Intervention.veilig_thuis_consulted_at)
                          .where(Intervention.id == intervention_id)) is None


def test_a_partner_of_the_owner_completes_its_step(area, login, session):
    intervention_id = started(start(login(area.coordinator), area, "buurtbemiddeling", **STEP))
    page = login(area.agent).get(f"/interventies/{intervention_id}").text
    assert f'action="/interventies/{intervention_id}/' not in page  # not its step
    client = login(area.bemiddelaar)
    page = client.get(f"/interventies/{intervention_id}").text
    assert "Uitkomst vastleggen" in page and "Laten vervallen" not in page
    refused = step(client, area, intervention_id, "vervallen", reason="Geen tijd")
    assert refused.status_code == 422 and "U mag ‘Laten vervallen’ niet uitvoeren." in refused.text
    response = step(client, area, intervention_id, "afronden", outcome="deels", outcome_note="Eén gesprek gevoerd.")
    assert response.status_code == 302
    assert status_of(session, intervention_id) == "afgerond"
    told = session.scalars(select(Notification).where(Notification.user_id == area.coordinator.id)).all()
    assert any(n.link == f"/interventies/{intervention_id}" for n in told)


def test_a_suspended_step_shows_it_and_its_deadline_moves_on_resuming(area, login, session):
    client = login(area.coordinator)
    intervention_id = started(start(client, area, "gesprek", **STEP))
    assert step(client, area, intervention_id, "opschorten", reason="Betrokkene is opgenomen.").status_code == 302
    page = client.get(f"/interventies/{intervention_id}").text
    assert "Opgeschort sinds" in page
    offered = set(re.findall(rf'action="/interventies/{intervention_id}/(\w+)"', page))
    assert offered == {"hervatten", "vervallen"}  # only what may happen while suspended
    intervention = session.get(Intervention, intervention_id)
    intervention.suspended_since -= timedelta(days=5)  # as if suspended five days ago
    session.commit()
    due = session.scalar(select(Deadline.due_at).where(Deadline.intervention_id == intervention_id))
    page = client.get(step(client, area, intervention_id, "hervatten").location).text
    assert "Opgeschort sinds" not in page and "5 dagen opgeschoven door opschorting" in page
    assert session.scalar(select(Deadline.due_at).where(Deadline.intervention_id == intervention_id)) \
        == due + timedelta(days=5)


def test_only_coordinators_start_interventions(area, login, session):
    client = login(area.agent)
    assert client.get(f"/casussen/{area.case.id}/interventies/nieuw").status_code == 403
    assert start(client, area, "gesprek", **STEP).status_code == 403
    assert "Interventie starten" not in client.get(f"/casussen/{area.case.id}").text


# -- the case --------------------------------------------------------------------------------------------


def case_step(client, area, transition, **data):
    return client.post(f"/casussen/{area.case.id}/status/{transition}", data=_form(transition, data, area))


def case_status(session, area):
    return session.scalar(select(Case.status).where(Case.id == area.case.id))


def test_the_case_moves_through_its_lifecycle(area, login, session):
    client = login(area.coordinator)
    for transition, data, status in [
        ("onderzoeken", {}, "onderzoek"),
        ("plan_opstellen", {"reason": "Besproken in het casusoverleg."}, "plan_van_aanpak"),
        ("uitvoeren", {}, "uitvoering"),
        ("monitoren", {}, "monitoring"),
        ("terug_naar_uitvoering", {"reason": "Overlast is terug."}, "uitvoering"),
        ("monitoren", {}, "monitoring"),
        ("afsluiten", {"result": "opgelost"}, "afgesloten"),
        ("heropenen", {"reason": "Nieuwe meldingen."}, "onderzoek"),
    ]:
        response = case_step(client, area, transition, **data)
        assert response.status_code == 302, f"{transition}: {response.text}"
        assert case_status(session, area) == status
    page = client.get(f"/casussen/{area.case.id}").text
    assert "Onderzoek afronden (werkafspraak)" in page  # the open deadline of the new stretch
    assert "Toelichting: Nieuwe meldingen." in page and "van ‘Afgesloten’ naar ‘In onderzoek’" in page
    assert changes(session, case_id=area.case.id, intervention_id=None) == 8


def test_a_case_is_suspended_and_resumed(area, login, session):
    client = login(area.coordinator)
    assert case_step(client, area, "opschorten").status_code == 422  # a reason is required
    case_step(client, area, "opschorten", reason="Betrokkene is opgenomen.")
    page = client.get(f"/casussen/{area.case.id}").text
    assert "Opgeschort sinds" in page and "Hervatten" in page and "Onderzoek starten" not in page
    case_step(client, area, "hervatten")
    page = client.get(f"/casussen/{area.case.id}").text
    assert "Opgeschort sinds" not in page and "open termijn(en)" in page


@pytest.mark.parametrize(("transition", "data", "message"), [
    ("afsluiten", {}, "Vul ‘Resultaat’ in."),
    ("afsluiten", {"result": "bestaat_niet"}, "Ongeldige keuze."),
    ("heropenen", {"reason": "x"}, "‘Casus heropenen’ kan niet in de status ‘aangemeld’."),
    ("aanmelden", {}, "‘Casus aanmelden’ kan alleen bij het begin van de procedure."),
    ("vliegen", {}, "Deze handeling bestaat niet in deze procedure."),
])
def test_impossible_case_steps_are_refused(area, login, session, transition, data, message):
    client = login(area.coordinator)
    response = case_step(client, area, transition, **data)
    assert response.status_code == 422 and str(escape(message)) in response.text
    assert case_status(session, area) == "aangemeld"
    assert changes(session, case_id=area.case.id) == 0


def test_a_case_with_a_running_intervention_cannot_be_closed(area, login, session):
    client = login(area.coordinator)
    started(start(client, area, "gesprek", **STEP))
    response = case_step(client, area, "afsluiten", result="opgelost")
    assert response.status_code == 422
    assert "De casus heeft nog lopende interventies: Gesprek. Rond die eerst af." in response.text
    assert case_status(session, area) == "aangemeld"


def test_partners_see_the_case_status_without_forms(area, login):
    client = login(area.agent)
    page = client.get(f"/casussen/{area.case.id}").text
    assert "Status en procedure" in page and "/status/" not in page
    assert case_step(client, area, "onderzoeken").status_code == 403


def test_case_page_lists_interventions_and_the_escalation_ladder(area, login, session, make):
    client = login(area.coordinator)
    gesprek = run(client, area, session, "gesprek")
    waarschuwing = started(start(client, area, "waarschuwing", person=area.adult.id))
    page = client.get(f"/casussen/{area.case.id}").text
    assert "Escalatieladder woonoverlast" in page
    assert f'href="/interventies/{gesprek}"' in page and f'href="/interventies/{waarschuwing}"' in page
    assert "uitkomst: Met effect" in page and "Concept" in page
    assert page.count("niet genomen") == 3  # buurtbemiddeling, gedragsaanwijzing, sluiting
    other = make.case(area.gemeente, type="huiselijk_geweld", coordinator=area.coordinator)
    assert "Escalatieladder" not in client.get(f"/casussen/{other.id}").text


def test_the_case_page_does_not_query_per_intervention(area, login, app, connection):
    client = login(area.coordinator)
    statements = []

    def count(*_args):
        statements.append(1)

    def queries():
        statements.clear()
        event.listen(connection, "before_cursor_execute", count)
        try:
            assert client.get(f"/casussen/{area.case.id}").status_code == 200
        finally:
            event.remove(connection, "before_cursor_execute", count)
        return len(statements)

    started(start(client, area, "gesprek", **STEP))
    one = queries()
    for _ in range(3):
        started(start(client, area, "waarschuwing", person=area.adult.id))
        started(start(client, area, "buurtbemiddeling", **STEP))
    assert queries() == one
