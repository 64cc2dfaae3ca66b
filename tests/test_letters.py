"""Letters: editable templates, checked when saved and rendered in the sandbox, filled with the case's data."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from jinja2.exceptions import SecurityError
from sqlalchemy import select

from caseapp.audit.operations import today
from caseapp.letters.models import LETTER_KINDS
from caseapp.letters.operations import long_date, render_text, template_errors
from caseapp.models import AuditEntry, Document, LetterTemplate


@pytest.fixture
def region(make):
    lisse = make.gemeente("Lisse")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    politie = make.organisation("politie", "Politie Bollenstreek")
    coordinator = make.user("coordinator", team, [lisse])
    person = make.person("Dennis", "Verhoef", address="Kanaalstraat 12, 2161 AB Lisse")
    case = make.case(lisse, persons=[(person, "betrokkene")], partners=[politie], coordinator=coordinator,
                     address="Kanaalstraat 12, 2161 AB Lisse")
    return SimpleNamespace(lisse=lisse, coordinator=coordinator, case=case, person=person,
                           partner=make.user("partner", politie, [lisse]), admin=make.user("admin", team))


def templates(session):
    return {template.kind: template for template in session.scalars(select(LetterTemplate))}


def test_the_migration_seeds_every_letter_with_a_text_that_passes_the_checks(session):
    seeded = templates(session)
    assert set(seeded) == set(LETTER_KINDS)
    for template in seeded.values():
        assert template_errors(template.subject) == [] and template_errors(template.body) == [], template.kind


def test_voornemen_gedragsaanwijzing_is_filled_with_the_case_data(app, region, make, login, session):
    deadline = today() + timedelta(days=10)
    intervention = make.intervention(region.case, "gedragsaanwijzing", "voornemen", person=region.person,
                                     zienswijze_deadline=deadline, description="Harde muziek tot 04:00 uur.")
    response = login(region.coordinator).get(f"/interventies/{intervention.id}/brief")
    assert response.status_code == 200
    page = response.text
    for expected in ("Gemeente Lisse", "Dennis Verhoef", "Kanaalstraat 12<br>", "2161 AB Lisse",
                     region.case.reference, long_date(today()), f"tot en met {long_date(deadline)}",
                     "artikel 151d van de Gemeentewet", "Harde muziek tot 04:00 uur.", region.coordinator.name,
                     "Voornemen tot het opleggen van een gedragsaanwijzing"):
        assert expected in page, expected
    assert "ontbreekt" not in page
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "view",
                                                    AuditEntry.record_type == "intervention"))
    assert (entry.record_id, entry.case_id, entry.person_id, entry.detail) == (
        intervention.id, region.case.id, region.person.id, "brief opgesteld: voornemen_gedragsaanwijzing")


def test_voornemen_without_a_zienswijze_date_names_two_weeks_and_says_so(app, region, make, login):
    intervention = make.intervention(region.case, "sluiting_13b", "rapportage", premises_address="Heereweg 7, Lisse",
                                     business_name="Coffeeshop De Tulp", report_received_on=date(2026, 11, 2))
    page = login(region.coordinator).get(f"/interventies/{intervention.id}/brief").text
    assert f"tot en met {long_date(today() + timedelta(days=14))}" in page
    assert "De zienswijzetermijn is nog niet vastgelegd." in page
    assert "Op 2 november 2026 heeft de politie" in page
    assert "Voornemen tot sluiting van het pand Heereweg 7, Lisse" in page
    assert "Coffeeshop De Tulp" in page and "artikel 13b van de Opiumwet" in page


def test_174a_names_the_period_for_own_measures_only_when_there_was_one(app, region, make, login):
    client = login(region.coordinator)
    given = make.intervention(region.case, "sluiting_174a", "eigen_maatregelen", measures_until=date(2026, 11, 20))
    urgent = make.intervention(region.case, "sluiting_174a", "rapportage", urgent=True)
    assert "tot en met 20 november 2026 zelf maatregelen te nemen" in client.get(
        f"/interventies/{given.id}/brief").text
    assert "zelf maatregelen te nemen" not in client.get(f"/interventies/{urgent.id}/brief").text


def test_a_value_the_records_lack_is_marked_in_the_letter(app, region, make, login):
    intervention = make.intervention(region.case, "sluiting_13b", "rapportage")  # no date of the rapportage
    page = login(region.coordinator).get(f"/interventies/{intervention.id}/brief").text
    assert '<mark class="missing">[ontbreekt: datum bestuurlijke rapportage]</mark>' in page
    assert "Niet alle gegevens zijn bekend" in page


def test_case_data_and_template_text_are_escaped_never_html(app, region, make, login, session):
    person = make.person("<script>alert(1)</script>", "Bakker", address="Dorpsstraat 1 <b>vet</b>")
    intervention = make.intervention(region.case, "waarschuwing", "concept", person=person,
                                     description='<img src=x onerror="alert(2)">')
    template = templates(session)["waarschuwing"]
    template.body = "Let op: <i>dit</i> & {{ omschrijving }}\n\n{{ geadresseerde }}"
    session.commit()
    page = login(region.coordinator).get(f"/interventies/{intervention.id}/brief").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Bakker" in page
    assert "<img" not in page and "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    assert "Let op: &lt;i&gt;dit&lt;/i&gt; &amp; " in page
    assert "Dorpsstraat 1 &lt;b&gt;vet&lt;/b&gt;" in page


def test_coordinator_saves_the_letter_as_a_document_on_the_case(app, region, make, login, session):
    intervention = make.intervention(region.case, "waarschuwing", "concept", person=region.person)
    client = login(region.coordinator)
    response = client.post(f"/interventies/{intervention.id}/brief", data={"visibility": "partners"})
    assert response.status_code == 302
    assert response.location.endswith(f"/interventies/{intervention.id}#documenten")
    document = session.scalar(select(Document))
    assert (document.kind, document.content_type, document.case_id, document.intervention_id, document.visibility) \
        == ("brief", "text/html; charset=utf-8", region.case.id, intervention.id, "partners")
    assert document.filename == f"waarschuwing-{region.case.reference}.html"
    assert document.title == f"Bestuurlijke waarschuwing, {long_date(today())}"
    download = client.get(f"/documenten/{document.id}/downloaden")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    saved = download.data.decode()
    assert saved.startswith("<!doctype html>") and "Dennis Verhoef" in saved and "@page { size: A4" in saved
    assert "<script" not in saved
    created = session.scalar(select(AuditEntry).where(AuditEntry.action == "create",
                                                      AuditEntry.record_type == "document"))
    assert (created.record_id, created.case_id) == (document.id, region.case.id)
    assert "Brief" in client.get(f"/interventies/{intervention.id}").text  # listed with its badge


def test_saving_with_an_unknown_visibility_is_refused_and_keeps_nothing(app, region, make, login, session):
    intervention = make.intervention(region.case, "waarschuwing", "concept", person=region.person)
    response = login(region.coordinator).post(f"/interventies/{intervention.id}/brief", data={"visibility": "iedereen"})
    assert response.status_code == 422 and "Zichtbaar voor" in response.text and "Dennis Verhoef" in response.text
    assert session.scalar(select(Document)) is None


@pytest.mark.parametrize(("who", "type", "status"), [
    ("partner", "waarschuwing", 403),  # letters are the coordinator's
    ("admin", "waarschuwing", 403),
    ("coordinator", "gesprek", 404),  # a type without a letter
])
def test_who_may_draft_which_letter(app, region, make, login, who, type, status):
    owner = {"owner_organisation": region.partner.organisation} if type == "gesprek" else {}
    intervention = make.intervention(region.case, type, "concept" if type == "waarschuwing" else "gepland", **owner)
    client = login(getattr(region, who))
    assert client.get(f"/interventies/{intervention.id}/brief").status_code == status
    assert client.post(f"/interventies/{intervention.id}/brief").status_code == status


def test_coordinator_of_another_gemeente_gets_404(app, region, make, login):
    intervention = make.intervention(region.case, "waarschuwing", "concept")
    stranger = make.user("coordinator", region.coordinator.organisation, [make.gemeente("Hillegom")])
    assert login(stranger).get(f"/interventies/{intervention.id}/brief").status_code == 404


def test_brief_opstellen_is_offered_on_letter_types_to_coordinators_only(app, region, make, login):
    waarschuwing = make.intervention(region.case, "waarschuwing", "concept")
    gesprek = make.intervention(region.case, "gesprek", "gepland", owner_organisation=region.partner.organisation)
    client = login(region.coordinator)
    assert "Brief opstellen" in client.get(f"/interventies/{waarschuwing.id}").text
    assert "Brief opstellen" not in client.get(f"/interventies/{gesprek.id}").text
    assert "Brief opstellen" not in login(region.partner).get(f"/interventies/{waarschuwing.id}").text


# -- the template editor ----------------------------------------------------------------------------------------

# (template text, the refusal's words; None: accepted)
TEMPLATES = [
    ("Geachte heer, mevrouw,\n\n{{ gemeente }} {% if onderneming %}{{ onderneming }}{% else %}u{% endif %}", None),
    ("{% if not omschrijving and (datum or kenmerk) %}x{% elif adres %}y{% endif %}", None),
    ("Tekst met < en > en & erin", None),
    ("Beste {{ voornaam }},", "Onbekend veld: {{ voornaam }}"),
    ("{{ gemeente }} {{ burgemeester }} {{ bsn }}", "Onbekend veld: {{ bsn }}, {{ burgemeester }}"),
    ("Geachte {{ gemeente ", "Regel 1 is geen geldig sjabloon"),
    ("regel een\n{% if gemeente %}\nzonder einde", "Regel 3 is geen geldig sjabloon"),
    ("{% endif %}", "Regel 1 is geen geldig sjabloon"),
    ("{{ ''.__class__ }}", "Regel 1: alleen velden"),
    ("{{ gemeente.__class__.__mro__ }}", "Regel 1: alleen velden"),
    ("{{ gemeente.upper() }}", "Regel 1: alleen velden"),
    ("{{ gemeente|upper }}", "Regel 1: alleen velden"),
    ("{{ gemeente['x'] }}", "Regel 1: alleen velden"),
    ("{{ 7 * 7 }}", "Regel 1: alleen velden"),
    ("x\n{% for i in range(10) %}{{ i }}{% endfor %}", "Regel 2: alleen velden"),
    ("{% set gemeente = 'x' %}", "Regel 1: alleen velden"),
    ("{% include 'base.html' %}", "Regel 1: alleen velden"),
    ("{% macro m() %}{% endmacro %}", "Regel 1: alleen velden"),
]


@pytest.mark.parametrize(("body", "refusal"), TEMPLATES)
def test_template_is_checked_when_it_is_saved(app, region, login, session, body, refusal):
    template = templates(session)["waarschuwing"]
    version, text = template.version, template.body
    response = login(region.admin).post("/beheer/briefsjablonen/waarschuwing", data={
        "subject": "Bestuurlijke waarschuwing", "body": body, "version": str(version)})
    session.expire_all()
    if refusal is None:
        assert response.status_code == 302
        assert templates(session)["waarschuwing"].body == body
    else:
        assert response.status_code == 200
        assert refusal in response.text.replace("&#39;", "'")
        assert body.split("\n")[0].replace("<", "&lt;")[:20] in response.text.replace("&#39;", "'")  # kept
        assert (templates(session)["waarschuwing"].body, templates(session)["waarschuwing"].version) == (text, version)


def test_the_subject_is_checked_too(app, region, login, session):
    response = login(region.admin).post("/beheer/briefsjablonen/waarschuwing", data={
        "subject": "Waarschuwing {{ naam }}", "body": "Tekst", "version": "1"})
    assert "Onbekend veld: {{ naam }}" in response.text


@pytest.mark.parametrize("source", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ x.__globals__ }}",
    "{{ x.__code__.co_consts }}",
])
def test_the_sandbox_refuses_attribute_access_even_past_the_checks(source):
    with pytest.raises(SecurityError):
        render_text(source, {"x": render_text})


def test_saving_a_template_is_audited_and_shows_in_the_preview(app, region, login, session):
    client = login(region.admin)
    response = client.post("/beheer/briefsjablonen/voornemen_sluiting_13b", data={
        "subject": "Voornemen tot sluiting", "body": "Geachte heer, mevrouw,\n\nIn {{ gemeente }}.", "version": "1"})
    assert response.status_code == 302
    entry = session.scalar(select(AuditEntry).where(AuditEntry.record_type == "letter_template"))
    assert (entry.action, entry.user_id, entry.detail) == ("update", region.admin.id, "changed: subject, body")
    page = client.get("/beheer/briefsjablonen/voornemen_sluiting_13b").text
    assert "In Lisse." in page  # the preview, with the example values
    listing = client.get("/beheer/briefsjablonen").text
    assert all(label in listing for label in LETTER_KINDS.values()) and region.admin.name in listing


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(app, region, login, session):
    client = login(region.admin)
    assert client.post("/beheer/briefsjablonen/waarschuwing", data={
        "subject": "Eerste", "body": "Eerste tekst", "version": "1"}).status_code == 302
    response = client.post("/beheer/briefsjablonen/waarschuwing", data={
        "subject": "Tweede", "body": "Tweede tekst", "version": "1"})  # based on the version before
    assert response.status_code == 200 and "intussen door iemand anders gewijzigd" in response.text
    assert "Tweede tekst" in response.text and 'name="version" type="hidden" value="2"' in response.text
    session.expire_all()
    assert templates(session)["waarschuwing"].body == "Eerste tekst"


def test_unknown_letter_kind_is_404(app, region, login):
    assert login(region.admin).get("/beheer/briefsjablonen/ontslagbrief").status_code == 404
