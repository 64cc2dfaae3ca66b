"""Inzage (AVG art. 15): an admin finds a person and produces one document with all data held about them and
who accessed it; printable and downloadable; audited; no other role gets it."""

import json
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from caseapp import ROOT
from caseapp.audit import inzage
from caseapp.audit.operations import utcnow
from caseapp.models import AuditEntry, StatusChange
from caseapp.persons.models import PersonMerge

BSN = "999990019"
SEARCH = "/beheer/audit/inzage/"


def document_url(person):
    return f"/beheer/audit/inzage/{person.id}"


def download_url(person):
    return f"/beheer/audit/inzage/{person.id}/download"


def entries(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


@pytest.fixture
def world(make, session):
    """Petra on two cases (one closed), a huisverbod against her, notes, and the trail of who looked."""
    lisse = make.gemeente("Lisse", wijken=("Oranjewijk",))
    teylingen = make.gemeente("Teylingen")
    politie = make.organisation("politie", name="Politie Bollenstreek")
    ggz = make.organisation("ggz", name="GGZ Rivierduinen")
    team = make.organisation("gemeente", name="Team Zorg en Veiligheid")
    coordinator = make.user("coordinator", team, [lisse], email="c.dekker@example.nl")
    agent = make.user("partner", politie, email="w.agent@example.nl")
    petra = make.person("Petra", "Visser", date(1979, 4, 2), bsn=BSN, address="Heereweg 12, Lisse",
                        phone="0612345678")
    karel = make.person("Karel", "Bos", date(1975, 1, 30), bsn="999990020", phone="0687654321")
    open_case = make.case(lisse, persons=[(petra, "betrokkene"), (karel, "huisgenoot")], partners=[politie, ggz],
                          coordinator=coordinator, type="huiselijk_geweld", status="uitvoering",
                          opened_on=date(2025, 2, 3), description="Meldingen van ruzie in de woning.",
                          address="Heereweg 12, Lisse")
    closed_case = make.case(teylingen, persons=[(petra, "melder")], status="afgesloten", result="overgedragen",
                            opened_on=date(2023, 6, 1), closed_at=datetime(2023, 9, 1, 10, 0),
                            description="Overlast van jongeren bij de speeltuin.")
    other_case = make.case(lisse, persons=[(karel, "betrokkene")], description="Schulden van Karel.")
    make.note(open_case, coordinator, body="Huisbezoek: Petra\nwil hulp.", visibility="intern")
    make.note(open_case, agent, body="Melding ruzie, politie ter plaatse.")
    make.note(other_case, coordinator, body="Gesprek over schuldhulp.")
    huisverbod = make.intervention(open_case, "huisverbod", "opgelegd", person=petra,
                                   decided_at=datetime(2025, 3, 1, 14, 0), ends_at=datetime(2025, 3, 11, 14, 0),
                                   description="Huisverbod na escalatie.")
    make.intervention(open_case, "gesprek", "gepland", owner_organisation=ggz, person=karel)
    session.add(PersonMerge(kept_person_id=petra.id, merged_person_id=987654, merged_by=coordinator,
                            merged_at=datetime(2024, 5, 1, 9, 0), kept_record={}, moved="case_person 1",
                            merged_record={"first_name": "Petra", "last_name": "Visscher", "phone": ""}))
    make.melding(lisse, coordinator, persons=[(petra, "betrokkene")], received_on=date(2025, 1, 20),
                 address="Heereweg 12, Lisse", description="Geschreeuw uit de woning.")
    make.melding(lisse, coordinator, persons=[(karel, "betrokkene")], description="Niet-over-petra.")
    goal = make.plan_goal(open_case, "huiselijke_situatie", description="Veilige thuissituatie voor Petra.")
    make.plan_action(open_case, ggz, goal=goal, due_on=date(2025, 4, 1), description="Intake GGZ plannen.")
    make.plan_action(other_case, ggz, description="Schuldhulp voor Karel.")
    make.document(open_case, coordinator, title="Verslag huisbezoek Heereweg", filename="huisbezoek.pdf")
    make.document(other_case, coordinator, title="Schuldenoverzicht Karel")
    session.add_all([
        StatusChange(case_id=open_case.id, intervention_id=huisverbod.id, transition="starten", from_status=None,
                     to_status="voorbereiding", actor_id=coordinator.id, at=datetime(2025, 3, 1, 12, 0)),
        StatusChange(case_id=open_case.id, intervention_id=huisverbod.id, transition="opleggen",
                     from_status="voorbereiding", to_status="opgelegd", actor_id=coordinator.id,
                     at=datetime(2025, 3, 1, 14, 0), reason="Acuut gevaar."),
    ])
    session.commit()
    make.audit_entry(agent, "view", at=datetime(2025, 3, 2, 9, 0), record_type="case", record_id=open_case.id,
                     case_id=open_case.id, client_address="10.1.2.3")
    make.audit_entry(coordinator, "update", at=datetime(2025, 3, 3, 9, 0), record_type="person", record_id=petra.id,
                     person_id=petra.id)
    make.audit_entry(coordinator, "view", at=datetime(2025, 3, 4, 9, 0), record_type="case", record_id=other_case.id,
                     case_id=other_case.id, detail="niet-over-petra")
    return {"petra": petra, "karel": karel, "open": open_case, "closed": closed_case, "other": other_case,
            "coordinator": coordinator, "agent": agent, "huisverbod": huisverbod}


# -- finding the person -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [f"bsn={BSN}", "last_name=visser&date_of_birth=1979-04-02",
                                   f"bsn={BSN}&last_name=Visser&date_of_birth=1979-04-02"])
def test_an_admin_finds_a_person_by_bsn_or_by_name_and_date_of_birth(as_admin, world, query):
    html = as_admin.get(f"{SEARCH}?{query}").text
    assert "1 persoon gevonden" in html
    assert "Petra Visser" in html and f'href="{document_url(world["petra"])}"' in html
    assert "Karel" not in html


def test_the_search_is_audited_with_its_criteria(as_admin, admin, session, world):
    as_admin.get(f"{SEARCH}?last_name=Visser&date_of_birth=1979-04-02")
    [entry] = entries(session, "search")
    assert (entry.user_id, entry.record_type) == (admin.id, "inzage")
    assert entry.detail == "last_name=Visser, date_of_birth=1979-04-02; 1 resultaten"


def test_no_match_says_so(as_admin, world):
    html = as_admin.get(f"{SEARCH}?last_name=Visser&date_of_birth=1980-04-02").text
    assert "Geen persoon gevonden met deze gegevens" in html


def test_the_empty_form_searches_nothing(as_admin, session, world):
    html = as_admin.get(SEARCH).text
    assert "Zoek op BSN, of op achternaam met geboortedatum." in html
    assert entries(session, "search") == []


@pytest.mark.parametrize(("query", "message"), [
    ("last_name=Visser", "Vul de geboortedatum in, of zoek op BSN."),
    ("date_of_birth=1979-04-02", "Vul de achternaam in, of zoek op BSN."),
    ("bsn=123456789", "Dit is geen geldig BSN (9 cijfers die voldoen aan de elfproef)."),
    ("bsn=9999900190", "Dit is geen geldig BSN (9 cijfers die voldoen aan de elfproef)."),
    ("last_name=Visser&date_of_birth=02-04-1979", "Ongeldige datum."),
])
def test_an_incomplete_or_invalid_search_gets_a_message_keeps_the_input_and_searches_nothing(
        as_admin, session, world, query, message):
    response = as_admin.get(f"{SEARCH}?{query}")
    assert response.status_code == 200
    assert message in response.text and 'aria-invalid="true"' in response.text
    for value in (part.split("=")[1] for part in query.split("&")):
        assert f'value="{value}"' in response.text
    assert "Petra Visser" not in response.text
    assert entries(session, "search") == []


# -- the document -----------------------------------------------------------------------------------------


def test_the_document_holds_everything_about_the_person(as_admin, world):
    response = as_admin.get(document_url(world["petra"]))
    assert response.status_code == 200
    html = response.text
    # the person record
    for text in ("Petra Visser", "02-04-1979", BSN, "Heereweg 12, Lisse", "0612345678"):
        assert text in html, text
    # every case with role, type, gemeente, status, dates, result; their descriptions
    for text in (world["open"].reference, "Betrokkene / veroorzaker", "Huiselijk geweld", "Lisse", "Oranjewijk",
                 "Uitvoering", "03-02-2025", "Schulden",
                 world["closed"].reference, "Melder", "Teylingen", "Afgesloten", "01-06-2023", "01-09-2023 12:00",
                 "Overgedragen aan een partner of de reguliere zorg",
                 "Meldingen van ruzie in de woning.", "Overlast van jongeren bij de speeltuin."):
        assert text in html, text
    # the notes of those cases, internal ones too, with the writing organisation
    assert "Huisbezoek: Petra\nwil hulp." in html and "Melding ruzie, politie ter plaatse." in html
    assert "Alleen gemeente" in html and "Politie Bollenstreek" in html
    # the interventions against her, with their history
    for text in ("Tijdelijk huisverbod", "Opgelegd", "01-03-2025 15:00", "11-03-2025 15:00", "Huisverbod na escalatie.",
                 "Huisverbod voorbereiden", "Huisverbod opleggen", "In voorbereiding", "Acuut gevaar.",
                 "Team Zorg en Veiligheid"):
        assert text in html, text


def test_the_document_holds_nothing_about_anyone_else(as_admin, world):
    html = as_admin.get(document_url(world["petra"])).text
    for text in ("999990020", "0687654321", "Schulden van Karel.", "Gesprek over schuldhulp.", "Gesprek",
                 world["other"].reference):
        assert text not in html, text


def test_who_accessed_shows_organisation_role_action_and_record_but_not_the_person(as_admin, world):
    html = as_admin.get(document_url(world["petra"])).text
    part = html[html.index("Wie uw gegevens heeft ingezien of gewijzigd"):]
    assert "2 regels, nieuwste eerst." in part
    rows = part.split("<tr>")[2:]  # after the header row
    assert len(rows) == 2
    assert all(text in rows[0] for text in ("03-03-2025 10:00", "Team Zorg en Veiligheid",
                                             "Coördinator zorg en veiligheid", "Wijzigen", "Toegestaan",
                                             f"Persoon {world['petra'].id}"))
    assert all(text in rows[1] for text in ("02-03-2025 10:00", "Politie Bollenstreek", "Partnermedewerker",
                                             "Bekijken", f"Casus {world['open'].id}", world["open"].reference))
    for private in (world["agent"].name, world["agent"].email, world["coordinator"].name, "10.1.2.3",
                    "niet-over-petra"):
        assert private not in html, private


def test_producing_the_document_is_audited(as_admin, admin, session, world):
    petra = world["petra"]
    as_admin.get(document_url(petra))
    as_admin.get(download_url(petra))
    assert [(e.user_id, e.role, e.record_type, e.record_id, e.person_id, e.detail)
            for e in entries(session, "inzage")] == [
        (admin.id, "admin", "person", petra.id, petra.id, "inzagedocument (afdrukbare pagina)"),
        (admin.id, "admin", "person", petra.id, petra.id, "inzagedocument (JSON-bestand)"),
    ]
    # and so the next document shows it among who accessed her data
    html = as_admin.get(document_url(petra)).text
    assert "Inzagedocument (AVG art. 15)" in html and "Functioneel beheerder" in html


def test_the_download_is_the_same_document_as_a_json_attachment(as_admin, world):
    petra = world["petra"]
    response = as_admin.get(download_url(petra))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="inzage-{petra.id}-{utcnow():%Y%m%d}.json"')
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.text)
    assert document["persoonsnummer"] == petra.id
    assert document["opgesteld_door"] == {"organisatie": document["opgesteld_door"]["organisatie"],
                                          "rol": "Functioneel beheerder"}
    sections = {section["titel"]: section for section in document["secties"]}
    assert list(sections) == ["Persoonsgegevens", "Samengevoegde dubbele registraties", "Casussen",
                              "Adres en omschrijving van de casussen",
                              "Notities bij deze casussen", "Meldingen", "Plan van aanpak van deze casussen",
                              "Documenten bij deze casussen", "Maatregelen tegen deze persoon",
                              "Verloop van de maatregelen", "Wie uw gegevens heeft ingezien of gewijzigd"]
    assert sections["Persoonsgegevens"]["regels"] == [{
        "Naam": "Petra Visser", "Geboortedatum": "1979-04-02", "BSN": BSN, "Adres": "Heereweg 12, Lisse",
        "Telefoon": "0612345678", "Geregistreerd op": petra.created_at.isoformat(timespec="seconds") + "Z"}]
    assert [row["Rol"] for row in sections["Casussen"]["regels"]] == ["Melder", "Betrokkene / veroorzaker"]
    assert sections["Casussen"]["regels"][0]["Afgesloten op"] == "2023-09-01T10:00:00Z"  # UTC, marked as such
    assert [row["Tekst"] for row in sections["Notities bij deze casussen"]["regels"]] == [
        "Huisbezoek: Petra\nwil hulp.", "Melding ruzie, politie ter plaatse."]
    assert sections["Samengevoegde dubbele registraties"]["regels"] == [{
        "Samengevoegd op": "2024-05-01T09:00:00Z",
        "Vastgelegde gegevens van de dubbele registratie": "first_name: Petra, last_name: Visscher"}]
    assert [(row["Omschrijving"], row["Rol"]) for row in sections["Meldingen"]["regels"]] == [
        ("Geschreeuw uit de woning.", "Betrokkene / veroorzaker")]
    assert [row["Omschrijving"] for row in sections["Plan van aanpak van deze casussen"]["regels"]] == [
        "Veilige thuissituatie voor Petra.", "Intake GGZ plannen."]
    assert [row["Titel"] for row in sections["Documenten bij deze casussen"]["regels"]] == [
        "Verslag huisbezoek Heereweg"]
    assert [row["Stap"] for row in sections["Verloop van de maatregelen"]["regels"]] == [
        "Huisverbod voorbereiden", "Huisverbod opleggen"]
    access = sections["Wie uw gegevens heeft ingezien of gewijzigd"]
    assert access["toelichting"] == "2 regels, nieuwste eerst."
    assert [row["Organisatie"] for row in access["regels"]] == ["Team Zorg en Veiligheid", "Politie Bollenstreek"]


def test_the_page_is_not_stored_and_prints_without_navigation(as_admin, world):
    response = as_admin.get(document_url(world["petra"]))
    assert response.headers["Cache-Control"] == "no-store"
    assert 'class="actions no-print"' in response.text
    stylesheet = (ROOT / "caseapp" / "static" / "style.css").read_text()
    hidden = re.search(r"@media print \{\s*([^{]+)\{ display: none !important; \}", stylesheet).group(1)
    assert {".site-header", ".no-print", ".skip-link"} <= {selector.strip() for selector in hidden.split(",")}


def test_the_access_part_lists_the_most_recent_entries_up_to_the_limit(as_admin, make, monkeypatch):
    assert inzage.AUDIT_LIMIT == 5000
    monkeypatch.setattr(inzage, "AUDIT_LIMIT", 3)
    person = make.person("Ans", "Smit")
    viewer = make.user("coordinator")
    for day in range(1, 6):
        make.audit_entry(viewer, "view", at=datetime(2025, 1, day, 9, 0), record_type="person", record_id=person.id,
                         person_id=person.id)
    html = as_admin.get(document_url(person)).text
    assert "De 3 meest recente van 5 regels." in html
    assert [day for day in range(1, 6) if f"0{day}-01-2025 10:00" in html] == [3, 4, 5]
    assert html.index("05-01-2025") < html.index("04-01-2025") < html.index("03-01-2025")  # newest first
    access = as_admin.get(download_url(person)).get_json()["secties"][-1]
    assert len(access["regels"]) == 3 and access["toelichting"].startswith("De 3 meest recente van 6 regels.")


def test_a_person_on_no_case_gets_a_document_with_empty_parts(as_admin, make):
    person = make.person("Bram", "Kok")
    html = as_admin.get(document_url(person)).text
    assert "Bram Kok" in html
    assert "Deze persoon komt in geen enkele casus voor." in html
    assert "Er zijn geen maatregelen tegen deze persoon vastgelegd." in html
    assert "Niemand heeft deze gegevens ingezien of gewijzigd." in html


def test_an_unknown_person_is_not_found_and_the_attempt_audited(as_admin, admin, session):
    assert as_admin.get("/beheer/audit/inzage/999999").status_code == 404
    assert as_admin.get("/beheer/audit/inzage/999999/download").status_code == 404
    denied = session.scalars(select(AuditEntry).where(AuditEntry.user_id == admin.id,
                                                      AuditEntry.outcome == "denied")).all()
    assert [(e.record_type, e.person_id) for e in denied] == [("person", 999999)] * 2
    assert entries(session, "inzage") == []


@pytest.mark.parametrize("role", ["coordinator", "partner", "analyst"])
def test_no_other_role_gets_the_document_even_about_a_person_it_may_see(make, login, session, world, role):
    """A coordinator of Lisse sees Petra's case, and a partner on it too, but the inzage route is the admin's."""
    users = {"coordinator": world["coordinator"], "partner": world["agent"], "analyst": make.user("analyst")}
    client = login(users[role])
    for url in (f"{SEARCH}?bsn={BSN}", document_url(world["petra"]), download_url(world["petra"])):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Petra" not in response.text
    assert entries(session, "inzage") == [] and entries(session, "search") == []

