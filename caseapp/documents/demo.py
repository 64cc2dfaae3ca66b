"""Demo documents: a few files on the demo cases, written to the storage folder through the app's own operations,
so they are stored, checked and audited as an upload would be. Everything in them is invented."""

import io
from datetime import timedelta

from caseapp.documents.operations import add_upload
from caseapp.letters.operations import compose, save_letter, template_for
from caseapp.workflow.definitions import local_date

VISIT_REPORT = """Verslag huisbezoek

Casus: {reference}
Adres: {address}
Datum bezoek: {day:%d-%m-%Y}
Aanwezig: {coordinator} (coördinator zorg en veiligheid) en de wijkagent

Betrokkene was thuis en wilde in gesprek. Hij/zij herkent dat de buren last hebben van geluid in de avond en de
nacht, en geeft aan dat er spanningen zijn door schulden en weinig dagbesteding.

Afspraken:
- betrokkene neemt contact op met het sociaal team over schuldhulp;
- na 22.00 uur geen harde muziek meer;
- over vier weken een nieuw gesprek met de coördinator.

(Demo-gegevens: verzonnen.)
"""
RAPPORTAGE_LINES = (
    "Politie eenheid Den Haag - basisteam Bollenstreek",
    "Bestuurlijke rapportage (art. 13b Opiumwet)",
    "",
    "Adres: {address}",
    "Kenmerk: {reference}",
    "",
    "Bij een doorzoeking van het pand zijn verdovende middelen aangetroffen",
    "in een hoeveelheid die wijst op verkoop vanuit het pand.",
    "",
    "(Demo-gegevens: verzonnen.)",
)


def add_demo_documents(cases, users, now):
    """A visit report on a few open cases, a police report on some closures and saved warning letters."""
    politie = next(user for user in users if user.role == "partner" and user.organisation.type == "politie")
    with_coordinator = [case for case in cases if case.coordinator is not None]
    for case in [case for case in with_coordinator if case.status != "afgesloten"][-5:]:
        visited = min(case.created_at + timedelta(days=2), now)
        text = VISIT_REPORT.format(reference=case.reference, address=case.address, day=local_date(visited),
                                   coordinator=case.coordinator.name)
        add_upload(case.coordinator, case, stream=io.BytesIO(text.encode()), filename="verslag huisbezoek.txt",
                   title="Verslag huisbezoek", visibility="partners", now=visited)
    closures = [i for case in with_coordinator for i in case.interventions if i.type == "sluiting_13b"][:2]
    for intervention in closures:
        case = intervention.case
        lines = [line.format(address=intervention.premises_address or case.address, reference=case.reference)
                 for line in RAPPORTAGE_LINES]
        uploader = politie if politie.organisation in [p.organisation for p in case.partners] else case.coordinator
        add_upload(uploader, case, stream=io.BytesIO(one_page_pdf(lines)), filename="bestuurlijke rapportage.pdf",
                   title="Bestuurlijke rapportage politie", intervention=intervention, now=intervention.created_at)
    warnings = [i for case in with_coordinator for i in case.interventions if i.type == "waarschuwing"][-3:]
    for intervention in warnings:
        template = template_for(intervention)
        if template is not None:  # the migration seeds them; a database without them gets no letters
            letter = compose(template, intervention, intervention.case.coordinator,
                             local_date(intervention.created_at))
            save_letter(intervention.case.coordinator, intervention, letter, visibility="intern",
                        now=intervention.created_at + timedelta(hours=1))


def one_page_pdf(lines):
    """A valid one-page A4 PDF with `lines` of text in Helvetica, built by hand: the demo needs no PDF library."""
    shown = " ".join("({}) '".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
                     for line in lines)
    stream = f"BT /F1 11 Tf 14 TL 72 790 Td {shown} ET".encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return pdf
