"""Which files are accepted, decided by their content (magic bytes), never by the name or the browser's word alone.

Accepted: PDF; Word, Excel and OpenDocument text and spreadsheets (without macros); CSV and plain text;
JPEG and PNG; e-mail (.eml, and Outlook's .msg). Everything else is refused, in particular programs and
scripts, and HTML and SVG, which a browser would run script from.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass


class Refused(Exception):
    """A file that is not accepted; the message says why, in Dutch."""


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple


PDF = FileType("PDF", "application/pdf", (".pdf",))
DOCX = FileType("Word-document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                (".docx",))
XLSX = FileType("Excel-werkblad", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ODT = FileType("OpenDocument-tekst", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileType("OpenDocument-rekenblad", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
DOC = FileType("Word-document (oud formaat)", "application/msword", (".doc",))
XLS = FileType("Excel-werkblad (oud formaat)", "application/vnd.ms-excel", (".xls",))
MSG = FileType("Outlook-e-mail", "application/vnd.ms-outlook", (".msg",))
EML = FileType("e-mail", "message/rfc822", (".eml",))
JPEG = FileType("JPEG-afbeelding", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("PNG-afbeelding", "image/png", (".png",))
TEXT = FileType("tekstbestand", "text/plain", (".txt",))
CSV = FileType("CSV-bestand", "text/csv", (".csv",))
HTML = FileType("brief (HTML)", "text/html; charset=utf-8", (".html",))  # only generated letters, never uploads

UPLOAD_TYPES = (PDF, DOCX, XLSX, ODT, ODS, DOC, XLS, MSG, EML, JPEG, PNG, TEXT, CSV)
ACCEPTED_EXTENSIONS = tuple(extension for file_type in UPLOAD_TYPES for extension in file_type.extensions)
ACCEPTED = "PDF, Word (.docx, .doc), Excel (.xlsx, .xls), OpenDocument (.odt, .ods), CSV, tekst (.txt), " \
           "JPEG, PNG en e-mail (.eml, .msg)"
NOT_ACCEPTED = f"Dit soort bestand wordt niet geaccepteerd. Toegestaan zijn: {ACCEPTED}."
EXECUTABLE = "Programma's en scripts worden niet geaccepteerd."
MARKUP = "HTML- en SVG-bestanden worden niet geaccepteerd, omdat ze scripts kunnen bevatten. Sla de pagina op als PDF."
MACROS = "Documenten met macro's worden niet geaccepteerd. Sla het document op zonder macro's, of als PDF."

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of old Office formats and Outlook's .msg
_OLE_TYPES = {".doc": DOC, ".xls": XLS, ".msg": MSG}
_OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))
_ODF_TYPES = {"application/vnd.oasis.opendocument.text": ODT, "application/vnd.oasis.opendocument.spreadsheet": ODS}
_EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_VBA = "_VBA_PROJECT".encode("utf-16-le")  # the name of the macro storage in an old-format Office file
_MARKUP = re.compile(rb"^\s*<(!doctype|html|head|body|script|svg|\?xml|iframe|!--)", re.IGNORECASE)
_MAIL_HEADER = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")  # RFC 5322: a field name, then a colon
_TEXT_TYPES = {".txt": TEXT, ".csv": CSV, ".eml": EML}


def detect(received, filename):
    """The FileType of a received upload, checked against its name's extension; raises Refused otherwise."""
    head = received.head()
    extension = extension_of(filename)
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"PK\x03\x04"):
        found = _zipped_office(received.path)
    elif head.startswith(_OLE):
        found = _old_office(received, extension)
    elif head.startswith(_EXECUTABLES):
        raise Refused(EXECUTABLE)
    elif _MARKUP.match(head.removeprefix(b"\xef\xbb\xbf")):
        raise Refused(MARKUP)
    else:
        found = _text(received, extension)
    if extension and extension not in found.extensions:
        raise Refused(f"Het bestand is een {found.label}, maar de naam eindigt op ‘{extension}’. Geef het de "
                      f"juiste extensie ({', '.join(found.extensions)}) en probeer het opnieuw.")
    return found


def _zipped_office(path):
    """Word and Excel (Office Open XML) or OpenDocument; any other ZIP archive is refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise Refused(MACROS)
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                found = _ODF_TYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
                if found:
                    return found
            if "[Content_Types].xml" in names:
                for part, found in _OOXML_PARTS:
                    if part in names:
                        return found
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError):
        pass  # damaged or encrypted: not one of ours
    raise Refused(f"Dit is een ZIP-archief of een onbekend Office-formaat. Toegestaan zijn: {ACCEPTED}.")


def _old_office(received, extension):
    found = _OLE_TYPES.get(extension)
    if found is None:
        raise Refused(NOT_ACCEPTED)
    if _VBA in received.read():
        raise Refused(MACROS)
    return found


def _text(received, extension):
    """Plain text, CSV or an e-mail: no NUL bytes, readable as UTF-8 (or Windows-1252), not markup."""
    found = _TEXT_TYPES.get(extension)
    content = received.read()
    if found is None or b"\0" in content:
        raise Refused(NOT_ACCEPTED)
    if found is EML and not _MAIL_HEADER.match(content.removeprefix(b"\xef\xbb\xbf")):
        raise Refused("Dit bestand is geen e-mailbericht: een .eml-bestand begint met kopregels zoals ‘From:’.")
    for encoding in ("utf-8", "cp1252"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if found is EML:  # the message names its own character sets
            return found
        charset = "utf-8" if encoding == "utf-8" else "windows-1252"
        return FileType(found.label, f"{found.content_type}; charset={charset}", found.extensions)
    raise Refused("Dit tekstbestand heeft een onbekende tekenset. Sla het op als UTF-8 en probeer het opnieuw.")


def extension_of(filename):
    """The lowercased extension of `filename` ('.pdf'), or '' when it has none."""
    stem, dot, extension = filename.rpartition(".")
    return f".{extension.lower()}" if dot and stem and extension else ""


_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')  # not allowed in a file name on Windows


def clean_filename(filename):
    """The user's file name without folders, control characters, characters Windows forbids and surrounding
    spaces. Other Unicode stays: the download offers it as the user knew it."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    return " ".join(_FORBIDDEN.sub("_", name).split())


def download_name(name, file_type):
    """A cleaned file name with the extension of its type, no leading or trailing dots, at most 200 characters."""
    extension = extension_of(name)
    stem = name[: -len(extension)] if extension else name
    if extension not in file_type.extensions:
        extension = file_type.extensions[0]
    stem = stem.strip(". ")[: 200 - len(extension)].rstrip(". ")
    return (stem or "document") + extension
