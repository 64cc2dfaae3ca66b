"""Documents: what an upload may be (by content), where files go, who may download them, and the audit trail."""

import hashlib
import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from caseapp import create_app, db
from caseapp.demo import load_demo_data
from caseapp.documents import filetypes
from caseapp.documents.operations import EMPTY, add_upload, check_storage, delete_documents_of
from caseapp.models import AuditEntry, Case, Document, User
from config import ProductionConfig

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(24)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def zipped(*entries):
    """A ZIP archive of (name, content) entries, in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"))
XLSX = zipped(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>"))
ODT = zipped(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:document/>"))
ODS = zipped(("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<x/>"))
DOCM = zipped(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"),
              ("word/vbaProject.bin", "macro"))
EML = b"From: melder@example.nl\r\nTo: team@gemeente.example.org\r\nSubject: Overlast\r\n\r\nSinds maart...\r\n"

# (file name, content, the stored content type, or the refusal's message)
ACCEPTED = [
    ("verslag.pdf", PDF, "application/pdf"),
    ("foto.JPG", JPEG, "image/jpeg"),
    ("foto.jpeg", JPEG, "image/jpeg"),
    ("plattegrond.png", PNG, "image/png"),
    ("plan.docx", DOCX, filetypes.DOCX.content_type),
    ("lijst.xlsx", XLSX, filetypes.XLSX.content_type),
    ("brief.odt", ODT, filetypes.ODT.content_type),
    ("telling.ods", ODS, filetypes.ODS.content_type),
    ("oud.doc", OLE, "application/msword"),
    ("oud.xls", OLE, "application/vnd.ms-excel"),
    ("bericht.msg", OLE, "application/vnd.ms-outlook"),
    ("bericht.eml", EML, "message/rfc822"),
    ("notitie.txt", "Gesprek met bewoner, één uur.\n".encode(), "text/plain; charset=utf-8"),
    ("notitie.txt", "Gesprek, één uur.\n".encode("cp1252"), "text/plain; charset=windows-1252"),
    ("meldingen.csv", b"datum;adres\n2026-11-01;Heereweg 1\n", "text/csv; charset=utf-8"),
    ("scan", PDF, "application/pdf"),  # no extension: the content's is added
]
REFUSED = [
    ("leeg.pdf", b"", EMPTY),
    ("setup.exe", b"MZ\x90\x00\x03" + bytes(60), filetypes.EXECUTABLE),
    ("rapport.pdf", b"MZ\x90\x00\x03" + bytes(60), filetypes.EXECUTABLE),  # the content decides, not the name
    ("tool", b"\x7fELF\x02\x01\x01" + bytes(60), filetypes.EXECUTABLE),
    ("opschonen.txt", b"#!/bin/sh\nrm -rf /\n", filetypes.EXECUTABLE),
    ("pagina.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>", filetypes.MARKUP),
    ("notitie.txt", b"  <html><body onload=alert(1)>", filetypes.MARKUP),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', filetypes.MARKUP),
    ("logo.png", b'<?xml version="1.0"?><svg/>', filetypes.MARKUP),  # SVG named as PNG
    ("plan.docm.docx", DOCM, filetypes.MACROS),
    ("macro.doc", OLE + "_VBA_PROJECT".encode("utf-16-le"), filetypes.MACROS),
    ("archief.zip", zipped(("a.txt", "x")), "Dit is een ZIP-archief"),
    ("archief.docx", zipped(("a.txt", "x")), "Dit is een ZIP-archief"),
    ("oud.ppt", OLE, filetypes.NOT_ACCEPTED),
    ("data.txt", b"abc\x00\x01\x02", filetypes.NOT_ACCEPTED),
    ("data.bin", b"some bytes", filetypes.NOT_ACCEPTED),
    ("bericht.eml", b"Dit is geen e-mail", "Dit bestand is geen e-mailbericht"),
    ("scan.exe", PDF, "Het bestand is een PDF, maar de naam eindigt op ‘.exe’"),
    ("foto.png", JPEG, "Het bestand is een JPEG-afbeelding, maar de naam eindigt op ‘.png’"),
    ("tekst.txt", b"\x81\x8d\x8f\x90\x9d", "onbekende tekenset"),
]


@pytest.fixture
def region(make):
    """Lisse with a case that the politie and the GGZ are assigned to; Stek (woningcorporatie) is not."""
    lisse, teylingen = make.gemeente("Lisse"), make.gemeente("Teylingen")
    team = make.organisation("gemeente", "Team Zorg en Veiligheid")
    politie, ggz = make.organisation("politie", "Politie Bollenstreek"), make.organisation("ggz", "GGZ Rivierduinen")
    stek = make.organisation("woningcorporatie", "Stek Wonen")
    coordinator = make.user("coordinator", team, [lisse])
    return SimpleNamespace(
        lisse=lisse, coordinator=coordinator, case=make.case(lisse, partners=[politie, ggz], coordinator=coordinator),
        other_coordinator=make.user("coordinator", team, [teylingen]),
        politie=make.user("partner", politie, [lisse]), ggz=make.user("partner", ggz, [lisse]),
        stek=make.user("partner", stek, [lisse]), analyst=make.user("analyst", team, [lisse]),
        admin=make.user("admin", team, [lisse]),
    )


def upload(client, case, content, filename="verslag.pdf", **fields):
    data = {"title": "Verslag huisbezoek", "visibility": "intern", "note": "", **fields,
            "upload": (io.BytesIO(content), filename)}
    return client.post(f"/casussen/{case.id}/documenten", data=data, content_type="multipart/form-data")


def stored(app):
    """Every file in the storage folder, the received ones waiting in .incoming included."""
    folder = Path(app.config["DOCUMENT_STORAGE"])
    return {path for path in folder.rglob("*") if path.is_file()}


def count(session, model=Document):
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("filename", "content", "content_type"), ACCEPTED)
def test_accepted_upload_is_kept_under_a_random_name_with_size_and_checksum(
        app, region, login, session, filename, content, content_type):
    before = stored(app)
    response = upload(login(region.coordinator), region.case, content, filename)
    assert response.status_code == 302, response.text
    document = session.scalar(select(Document).order_by(Document.id.desc()))
    assert (document.content_type, document.size, document.kind) == (content_type, len(content), "upload")
    assert document.filename == {"foto.JPG": "foto.jpg", "scan": "scan.pdf"}.get(filename, filename)
    [path] = stored(app) - before
    assert path.name == document.storage_key != filename and path.read_bytes() == content
    assert document.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(("filename", "content", "message"), REFUSED)
def test_refused_upload_says_why_and_stores_nothing(app, region, login, session, filename, content, message):
    before, documents = stored(app), count(session)
    response = upload(login(region.coordinator), region.case, content, filename, title="Mijn getypte titel")
    assert response.status_code == 422
    assert str(escape(message)) in response.text
    assert 'value="Mijn getypte titel"' in response.text  # what was typed comes back
    assert count(session) == documents and stored(app) == before


def test_upload_without_a_file_or_title_is_refused(app, region, login, session):
    client = login(region.coordinator)
    response = client.post(f"/casussen/{region.case.id}/documenten", data={"title": "", "visibility": "intern"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Kies een bestand." in response.text and "Geef het document een titel." in response.text
    assert count(session) == 0


def test_upload_with_a_file_but_no_title_asks_to_choose_the_file_again(app, region, login, session):
    response = upload(login(region.coordinator), region.case, PDF, title="")
    assert response.status_code == 422
    assert "Kies het bestand opnieuw" in response.text and count(session) == 0


def test_too_large_upload_gets_a_dutch_message_and_stores_nothing(app, region, login, session, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 1000)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4000)
    client = login(region.coordinator)
    before = stored(app)
    response = upload(client, region.case, PDF + bytes(1001 - len(PDF)))  # just over: the app reads and refuses
    assert response.status_code == 422
    assert "Het bestand is groter dan 1000 bytes, de grens voor één document." in response.text
    response = upload(client, region.case, PDF + bytes(5000))  # over the request limit: Flask refuses first
    assert response.status_code == 413
    assert "Bestand te groot" in response.text and "Er is niets opgeslagen." in response.text
    assert f'href="/casussen/{region.case.id}/documenten"' in response.text
    assert upload(client, region.case, PDF + bytes(1000 - len(PDF))).status_code == 302  # exactly the limit
    assert count(session) == 1 and len(stored(app) - before) == 1


FILE_NAMES = [
    ("C:\\Users\\jan\\Documents\\Verslag huisbezoek.pdf", "Verslag huisbezoek.pdf"),  # old browsers sent paths
    ("../../../etc/passwd.pdf", "passwd.pdf"),
    ("Überlast – 日本語 Ærø.pdf", "Überlast – 日本語 Ærø.pdf"),
    ("U\u0308berlast.pdf", "Überlast.pdf"),  # decomposed Unicode, as macOS sends it, composed
    ('a<b>c:d"e|f?g*.pdf', "a_b_c_d_e_f_g_.pdf"),
    ("tab\there\x07\x1b.pdf", "tabhere.pdf"),
    ("   ...verslag.PDF  ", "verslag.pdf"),
    ("....pdf", "document.pdf"),
    ("scan", "scan.pdf"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
]


@pytest.mark.parametrize(("sent", "kept"), FILE_NAMES)
def test_file_name_loses_folders_and_unsafe_characters_but_keeps_unicode(sent, kept):
    assert filetypes.download_name(filetypes.clean_filename(sent), filetypes.PDF) == kept


@pytest.mark.parametrize(("sent", "kept"), [  # through HTTP: the multipart header itself cannot carry " or \
    ("../../../etc/passwd.pdf", "passwd.pdf"),
    ("Überlast – 日本語.pdf", "Überlast – 日本語.pdf"),
    ("a<b>c:d|f?g*.pdf", "a_b_c_d_f_g_.pdf"),
    ("   ...verslag.PDF  ", "verslag.pdf"),
])
def test_upload_keeps_the_cleaned_name_for_the_download(app, region, login, session, sent, kept):
    client = login(region.coordinator)
    assert upload(client, region.case, PDF, sent).status_code == 302
    document = session.scalar(select(Document))
    assert document.filename == kept
    disposition = client.get(f"/documenten/{document.id}/downloaden").headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "/" not in disposition


def test_clean_filename_keeps_unicode_in_the_download_header(app, region, login, session):
    client = login(region.coordinator)
    upload(client, region.case, PDF, "Überlast.pdf")
    document = session.scalar(select(Document))
    disposition = client.get(f"/documenten/{document.id}/downloaden").headers["Content-Disposition"]
    assert "filename*=UTF-8''%C3%9Cberlast.pdf" in disposition


# -- access ---------------------------------------------------------------------------------------------------

# (who downloads, the uploader, the document's visibility, the answer)
ACCESS = [
    ("coordinator", "coordinator", "intern", 200),
    ("coordinator", "politie", "intern", 200),  # the gemeente sees what a partner adds
    ("other_coordinator", "coordinator", "partners", 404),  # another gemeente's coordinator
    ("politie", "coordinator", "partners", 200),
    ("politie", "coordinator", "zorgpartners", 404),
    ("politie", "coordinator", "intern", 404),
    ("politie", "politie", "intern", 200),  # their own organisation's upload
    ("ggz", "coordinator", "zorgpartners", 200),  # a care partner
    ("ggz", "politie", "intern", 404),  # another partner's upload, not shared
    ("ggz", "politie", "partners", 200),
    ("stek", "coordinator", "partners", 404),  # not assigned to the case
    ("analyst", "coordinator", "partners", 403),
    ("admin", "coordinator", "partners", 403),
]


@pytest.mark.parametrize(("who", "uploader", "visibility", "status"), ACCESS)
def test_download_as_every_role(app, region, make, login, session, who, uploader, visibility, status):
    document = make.document(region.case, getattr(region, uploader), content=PDF, visibility=visibility,
                             folder=app.config["DOCUMENT_STORAGE"])
    client = login(getattr(region, who))
    response = client.get(f"/documenten/{document.id}/downloaden")
    assert response.status_code == status
    if status == 200:
        assert response.data == PDF
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"] == "attachment; filename=verslag.pdf"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The list on the case page and the documents page show exactly what may be downloaded.
    page = client.get(f"/casussen/{region.case.id}/documenten")
    if status != 403 and page.status_code == 200:
        assert (f"/documenten/{document.id}/downloaden" in page.text) == (status == 200)


def test_anonymous_download_goes_to_the_login_page(app, region, make):
    document = make.document(region.case, region.coordinator)
    response = app.test_client().get(f"/documenten/{document.id}/downloaden")
    assert response.status_code == 302 and "/inloggen" in response.location


def test_every_download_is_audited_and_a_refused_one_too(app, region, make, login, session):
    document = make.document(region.case, region.coordinator, visibility="partners",
                             folder=app.config["DOCUMENT_STORAGE"])
    login(region.politie).get(f"/documenten/{document.id}/downloaden")
    login(region.stek).get(f"/documenten/{document.id}/downloaden")
    entries = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "document")
                              .order_by(AuditEntry.id)).all()
    assert [(e.user_id, e.action, e.outcome, e.record_id, e.case_id) for e in entries] == [
        (region.politie.id, "download", "allowed", document.id, region.case.id),
        (region.stek.id, "view", "denied", document.id, None),
    ]


def test_partner_uploads_to_an_assigned_case_only(app, region, login, session):
    response = upload(login(region.politie), region.case, PDF, title="Proces-verbaal")
    assert response.status_code == 302
    document = session.scalar(select(Document))
    assert (document.organisation_id, document.uploaded_by_id) == (region.politie.organisation_id, region.politie.id)
    assert upload(login(region.stek), region.case, PDF).status_code == 404
    assert count(session) == 1


def test_upload_and_delete_are_audited_and_the_file_goes_after_the_commit(app, region, login, session):
    client = login(region.coordinator)
    before = stored(app)
    upload(client, region.case, PDF, title="Foto van de gevel", note="Genomen door de wijkagent.")
    document = session.scalar(select(Document))
    [path] = stored(app) - before
    assert client.get(f"/documenten/{document.id}/verwijderen").status_code == 200  # asks first
    assert path.exists()
    response = client.post(f"/documenten/{document.id}/verwijderen")
    assert response.status_code == 302
    assert not path.exists() and count(session) == 0
    entries = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "document")
                              .order_by(AuditEntry.id)).all()
    assert [(e.action, e.record_id, e.case_id) for e in entries] == [
        ("create", document.id, region.case.id), ("delete", document.id, region.case.id)]
    assert "Foto" not in entries[0].detail  # the title may name people: not in the audit detail


def test_partner_deletes_only_what_their_organisation_added(app, region, make, login, session):
    shared = make.document(region.case, region.coordinator, visibility="partners")
    own = make.document(region.case, region.politie)
    client = login(region.politie)
    assert client.post(f"/documenten/{shared.id}/verwijderen").status_code == 403
    assert client.post(f"/documenten/{own.id}/verwijderen").status_code == 302
    assert session.scalars(select(Document.id)).all() == [shared.id]


def test_upload_to_an_intervention_shows_on_its_page(app, region, make, login, session):
    intervention = make.intervention(region.case, "waarschuwing", "concept", premises_address="Heereweg 1")
    client = login(region.coordinator)
    response = upload(client, region.case, PDF, title="Foto's", intervention_id=intervention.id, terug="interventie")
    assert response.status_code == 302 and response.location.endswith(f"/interventies/{intervention.id}#documenten")
    assert session.scalar(select(Document.intervention_id)) == intervention.id
    page = client.get(f"/interventies/{intervention.id}")
    assert "Foto&#39;s" in page.text
    other_case = make.case(region.lisse, coordinator=region.coordinator)
    assert upload(client, other_case, PDF, intervention_id=intervention.id).status_code == 422  # not this case's


def test_case_page_shows_the_newest_documents_and_links_to_all(app, region, make, login):
    for number in range(7):
        make.document(region.case, region.coordinator, title=f"Document {number}")
    page = login(region.coordinator).get(f"/casussen/{region.case.id}").text
    assert "Documenten <span class=\"count\">(7)</span>" in page
    assert "Document 6" in page and "Document 1" not in page
    assert "Alle 7 documenten" in page


def test_documents_page_is_paginated(app, region, make, login):
    for number in range(12):  # the test configuration's page size is 10
        make.document(region.case, region.coordinator, title=f"Stuk {number:02d}")
    client = login(region.coordinator)
    first, second = (client.get(f"/casussen/{region.case.id}/documenten?page={n}").text for n in (1, 2))
    assert "Stuk 11" in first and "Stuk 01" not in first
    assert "Stuk 01" in second and "Stuk 11" not in second


# -- files follow the transaction -------------------------------------------------------------------------------

def _add(app, region, content=PDF):
    session = db.session()
    return add_upload(session.get(User, region.coordinator.id), session.get(Case, region.case.id),
                      stream=io.BytesIO(content), filename="verslag.pdf", title="Verslag")


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_a_failed_commit_leaves_no_orphan_file(app, region, end):
    before = stored(app)
    with app.app_context():
        document = _add(app, region)
        path = Path(app.config["DOCUMENT_STORAGE"]) / document.storage_key[:2] / document.storage_key
        assert path.exists()
        document.size = 0  # breaks a CHECK constraint: the commit fails
        with pytest.raises(Exception, match="(?i)check|constraint"):
            db.session().commit()
        if end == "rollback":
            db.session().rollback()
    # "close": the app context ends with the transaction open, as a request that failed does
    assert not path.exists() and stored(app) == before


def test_a_rolled_back_deletion_keeps_the_file(app, region, make):
    document = make.document(region.case, region.coordinator, folder=app.config["DOCUMENT_STORAGE"])
    with app.app_context():
        path = Path(app.config["DOCUMENT_STORAGE"]) / document.storage_key[:2] / document.storage_key
        db.session().delete(db.session().get(Document, document.id))
        db.session().flush()
        db.session().rollback()
    assert path.exists()


def test_deleting_a_case_through_the_orm_removes_its_files_after_the_commit(app, region, make):
    document = make.document(region.case, region.coordinator, folder=app.config["DOCUMENT_STORAGE"])
    with app.app_context():
        path = Path(app.config["DOCUMENT_STORAGE"]) / document.storage_key[:2] / document.storage_key
        db.session().delete(db.session().get(Case, region.case.id))
        db.session().flush()
        assert path.exists()
        db.session().commit()
    assert not path.exists()


def test_storage_check_finds_missing_changed_and_orphan_files(app, region, make, monkeypatch):
    folder = app.config["DOCUMENT_STORAGE"]
    kept = make.document(region.case, region.coordinator, folder=folder)
    missing = make.document(region.case, region.coordinator)  # no file written
    changed = make.document(region.case, region.coordinator, folder=folder)
    Path(folder, changed.storage_key[:2], changed.storage_key).write_bytes(b"%PDF-1.4 tampered %%EOF\n")
    orphan = Path(folder, "ab", "ab" + "0" * 30)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"left behind")
    monkeypatch.setattr("caseapp.documents.operations.ORPHAN_AGE_SECONDS", -60)
    with app.app_context():
        report = check_storage(checksums=True, remove_orphans=True)
    assert report.missing == [missing.id] and report.changed == [changed.id]
    assert kept.id not in report.missing + report.changed
    assert orphan in report.orphans and not orphan.exists()


# -- configuration --------------------------------------------------------------------------------------------

def test_production_refuses_to_start_without_a_document_storage(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 48)
    monkeypatch.setattr(ProductionConfig, "DOCUMENT_STORAGE", "")
    with pytest.raises(RuntimeError, match="DOCUMENT_STORAGE"):
        create_app("production", DATABASE_URL="sqlite://")


def test_production_makes_the_configured_storage_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 48)
    monkeypatch.setattr(ProductionConfig, "DOCUMENT_STORAGE", str(tmp_path / "documenten"))
    app = create_app("production", DATABASE_URL="sqlite://")
    assert app.config["DOCUMENT_STORAGE"] == str(tmp_path / "documenten")
    assert (tmp_path / "documenten" / ".incoming").is_dir()


def test_each_test_app_gets_a_temporary_storage_of_its_own(app):
    other = create_app("test", DATABASE_URL="sqlite://")
    assert Path(other.config["DOCUMENT_STORAGE"]).is_dir()
    assert other.config["DOCUMENT_STORAGE"] != app.config["DOCUMENT_STORAGE"]
    assert not Path(app.config["DOCUMENT_STORAGE"]).is_relative_to(Path(__file__).parent.parent)


def test_a_document_row_deleted_outside_the_app_touches_no_file(app, region, make, session):
    """The tests' own session has no app around it, so no storage: deleting a row there must still work."""
    document = make.document(region.case, region.coordinator, folder=app.config["DOCUMENT_STORAGE"])
    before = stored(app)
    session.delete(document)
    session.commit()
    assert stored(app) == before and count(session) == 0


def test_demo_data_has_documents_whose_files_are_in_the_storage(app, session):
    with app.app_context():
        load_demo_data(db.session())
        report = check_storage(checksums=True)
    documents = session.scalars(select(Document)).all()
    assert {document.kind for document in documents} == {"upload", "brief"}
    assert {document.content_type.split(";")[0] for document in documents} == {"text/plain", "application/pdf",
                                                                                "text/html"}
    assert report.checked == len(documents) and report.missing == report.changed == []
    uploads = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "create", AuditEntry.record_type == "document"))
    assert uploads == len(documents)


def test_a_missing_file_is_reported_not_served_and_not_audited_as_a_download(app, region, make, login, session):
    document = make.document(region.case, region.coordinator)  # the row, without its file
    response = login(region.coordinator).get(f"/documenten/{document.id}/downloaden")
    assert response.status_code == 500 and "Het bestand van dit document ontbreekt in de opslag." in response.text
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "download")) == 0


def test_the_retention_purge_can_delete_a_cases_documents_and_their_files(app, region, make):
    folder = app.config["DOCUMENT_STORAGE"]
    documents = [make.document(region.case, region.coordinator, folder=folder) for _ in range(2)]
    paths = [Path(folder, d.storage_key[:2], d.storage_key) for d in documents]
    with app.app_context():
        delete_documents_of(db.session().get(Case, region.case.id))
        db.session().flush()
        assert all(path.exists() for path in paths)  # until the commit
        db.session().commit()
        assert db.session().scalar(select(func.count()).select_from(Document)) == 0
    assert not any(path.exists() for path in paths)


def test_storage_check_command_exits_non_zero_on_a_missing_file(app, region, make):
    make.document(region.case, region.coordinator)
    result = app.test_cli_runner().invoke(args=["documents", "check"])
    assert result.exit_code == 1 and "1 missing" in result.output
