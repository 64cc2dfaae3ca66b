"""Series of figures from outside (police, brandweer), imported from a CSV or XLSX table with years as columns.

The table is the one municipal reports print (seed 003 §2, seed 001): a row per series, its name in the first
column, a column per year (`2019`, or `2019 (t/m september)` for a partial year: the part in brackets becomes the
value's note), and optionally `Streefwaarde <jaar>`, `Bron`, `Eenheid` and `Definitie` columns. The top-left
cell is a label (often the gemeente's name).

`read_table` turns a file into rows of cells and `parse_table` checks every row and cell; both are pure functions.
`import_series` adds the checks that need the database and writes everything in the caller's transaction, or
raises ImportRefused listing every problem and writes nothing.

A row's name is kept as typed, with a leading code such as "2A1.a": the code is how the begroting and the
jaarverslag know the indicator, and two programmes may count "Aantal branden" differently.
"""

import codecs
import csv
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from caseapp import db
from caseapp.audit.operations import record, utcnow
from caseapp.indicators.models import (
    COMPARISON_SIGNS,
    MAX_YEAR,
    MIN_YEAR,
    Indicator,
    IndicatorImport,
    IndicatorTarget,
    IndicatorValue,
)
from caseapp.indicators.report import number
from caseapp.organisations.models import Gemeente

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500  # series in one file
MAX_COLUMNS = 150  # every year from 1990 to 2100 and then some
MAX_LINES = 5000  # lines read, empty ones included, before a file counts as too long
MAX_UNPACKED_BYTES = 10 * 1024 * 1024  # an XLSX is a zip: one that unpacks to far more than a table is refused
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
SEPARATORS = ("\t", ";", ",")  # in this order when a header line has as many of two
NO_VALUE = ("-", "–", "—")  # an empty cell means the same
DEFAULT_UNIT = "aantal"
LIMITS = {"name": 200, "source": 200, "unit": 40, "definition": 2000, "note": 100}

_SPACES = re.compile(r"\s+")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_YEAR_HEADER = re.compile(r"([0-9]{4})(?:\s*\((.*)\))?", re.DOTALL)
_TARGET_HEADER = re.compile(r"streefwaarde(?:\s+([0-9]{4}))?", re.IGNORECASE)
_NAMED_HEADERS = {"bron": "source", "eenheid": "unit", "definitie": "definition"}
_NAMED_LABELS = {"source": "Bron", "unit": "Eenheid", "definition": "Definitie"}
# Dutch notation: a dot between groups of three digits, a comma before the decimals (1.234 and 7,4).
_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?")
_DECIMAL_POINT = re.compile(r"-?[0-9]+\.[0-9]+")
_FORMULA_START = ("=", "+", "@")  # never evaluated: such a cell is text, and a value must be a number
_COMPARISON = re.compile(r"(<=|>=|≤|≥|<|>|=)?\s*(.*)", re.DOTALL)
_SIGNS = {"<": "<", "<=": "<=", "≤": "<=", "=": "=", ">=": ">=", "≥": ">=", ">": ">"}
BARE_TARGET = {"lager": "<=", "hoger": ">="}  # a bare streefwaarde is a limit in the direction that is better
TOO_BIG = 1e15

UNREADABLE_XLSX = ("Het bestand is geen leesbare Excel-werkmap (.xlsx). Open het in Excel en sla het opnieuw op als "
                   "Excel-werkmap, of als CSV.")
COLUMN_HELP = "een jaartal (2019 of 2019 (t/m september)), Streefwaarde <jaar>, Bron, Eenheid of Definitie"


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: where (a row and column of the sheet, or a form field) and why, in Dutch."""

    reason: str
    row: int | None = None
    column: int | None = None  # 0-based; shown as the sheet's letter
    field: str | None = None  # the form field a problem without a row belongs to ("upload", "source")

    def __str__(self):
        if self.row is None:
            return self.reason
        if self.column is None:
            return f"Rij {self.row}: {self.reason}"
        return f"Rij {self.row} (kolom {get_column_letter(self.column + 1)}): {self.reason}"

    def sort_key(self):
        return (self.row or 0, -1 if self.column is None else self.column)


class ImportRefused(Exception):
    """The file is not imported; `problems` says why, every one of them."""

    def __init__(self, problems):
        super().__init__("; ".join(map(str, problems)))
        self.problems = sorted(problems, key=Problem.sort_key)


def _refuse(reason):
    raise ImportRefused([Problem(reason, field="upload")])


# --- Reading a file ------------------------------------------------------------------------------------------

def read_table(data, filename):
    """The rows of cells (text, numbers or None; trailing empties dropped) of a CSV or the first sheet of an XLSX.

    Row i of the list is row i + 1 of the sheet. Raises ImportRefused when the file cannot be a table.
    """
    if len(data) > MAX_BYTES:
        _refuse(f"Het bestand is groter dan {MAX_BYTES // (1024 * 1024)} MB. Een tabel met reeksen is veel "
                "kleiner: kijk of het het goede bestand is, of splits het op.")
    if not data.strip():
        _refuse("Het bestand is leeg.")
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        _refuse("Dit is een Excel-bestand in het oude formaat (.xls). Sla het in Excel op als Excel-werkmap "
                "(.xlsx) of als CSV en kies het opnieuw.")
    elif (filename or "").lower().endswith(TEXT_EXTENSIONS):
        rows = _csv_rows(_decode(data))
    elif (filename or "").lower().endswith(".xlsx"):
        _refuse(UNREADABLE_XLSX)
    else:
        _refuse("Kies een CSV-bestand (.csv) of een Excel-werkmap (.xlsx).")
    return _table_rows(rows)


def _xlsx_rows(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        _refuse(UNREADABLE_XLSX)
    if unpacked > MAX_UNPACKED_BYTES:
        _refuse("De Excel-werkmap is uitgepakt te groot voor een tabel met reeksen.")
    try:
        # Not read-only mode, which trusts the size the sheet states; the unpacked size above bounds the memory.
        # Formulas come back as their text (not data_only): a cached result is never taken for a figure.
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
        sheet = workbook.worksheets[0]
        if sheet.max_row > MAX_LINES or sheet.max_column > MAX_COLUMNS:
            _refuse(_too_long())
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except ImportRefused:
        raise
    except Exception:  # noqa: BLE001 - an uploaded file breaks the reader in many ways; each means: unreadable
        _refuse(UNREADABLE_XLSX)


def _decode(data):
    """The text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode-tekst"), or
    Windows-1252 (Excel on Windows saving "CSV (gescheiden door lijstscheidingsteken)")."""
    encodings = ("utf-16",) if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    _refuse("Het bestand is geen tekst (CSV) en geen Excel-werkmap (.xlsx): het kan niet worden gelezen.")


def _csv_rows(text):
    header = next((line for line in text.splitlines() if line.strip()), "")
    separator = max(SEPARATORS, key=header.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error:
        _refuse("Het CSV-bestand kan niet worden gelezen: controleer de aanhalingstekens.")


def _too_long():
    return (f"Het bestand heeft meer dan {MAX_ROWS} rijen of {MAX_COLUMNS} kolommen. Importeer ten hoogste "
            f"{MAX_ROWS} reeksen tegelijk.")


def _table_rows(rows):
    if len(rows) > MAX_LINES:
        _refuse(_too_long())
    table = []
    for row in rows:
        cells = [_cell(value) for value in row]
        while cells and cells[-1] is None:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            _refuse(_too_long())
        table.append(cells)
    while table and not table[-1]:
        table.pop()
    filled = sum(1 for cells in table if cells)
    if not filled:
        _refuse("Het bestand bevat geen tabel: alle cellen zijn leeg.")
    if filled > MAX_ROWS + 1:
        _refuse(_too_long())
    return table


def _cell(value):
    """A cell as text or a number; None when empty. Dates and true/false are text: they are no figures."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | type(None)):
        value = str(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# --- Checking the table ---------------------------------------------------------------------------------------

@dataclass
class Column:
    index: int
    kind: str  # "year", "target" or one of _NAMED_HEADERS' values
    year: int | None = None
    note: str = ""
    header: str = ""


@dataclass
class Series:
    """One row: a named series with its values per year and its streefwaarden per year."""

    row: int
    name: str
    values: dict = field(default_factory=dict)  # year -> float
    notes: dict = field(default_factory=dict)  # year -> note ("t/m september")
    targets: dict = field(default_factory=dict)  # year -> (comparison or None when bare, value, column index)
    source: str = ""
    unit: str = ""
    definition: str = ""


@dataclass
class Table:
    label: str  # the top-left cell
    header_row: int
    columns: list
    series: list
    problems: list

    @property
    def years(self):
        return sorted(column.year for column in self.columns if column.kind == "year")

    def column(self, kind):
        return next((column for column in self.columns if column.kind == kind), None)


def parse_table(rows):
    """The series of a table read by read_table, with a Problem for each cell or row that is wrong."""
    header_index = next(index for index, cells in enumerate(rows) if cells)
    header, problems = rows[header_index], []
    columns = _columns(header, header_index + 1, problems)
    by_index = {column.index: column for column in columns}
    # A column whose header is refused is reported once, on its header, not again in every row.
    refused = {index for index in range(1, len(header)) if header[index] is not None} - by_index.keys()
    series, seen = [], {}
    # Without a year in the header, this is not the header (a title above the table?): its rows mean nothing.
    has_years = any(column.kind == "year" for column in columns)
    for index in range(header_index + 1, len(rows) if has_years else 0):
        if rows[index]:
            one = _series(rows[index], index + 1, by_index, refused, problems)
            if one is None:
                continue
            earlier = seen.setdefault(one.name.casefold(), one.row)
            if earlier != one.row:
                problems.append(Problem(f"de reeks ‘{one.name}’ staat ook op rij {earlier}.", one.row, 0))
            series.append(one)
    if has_years and not series and not problems:
        problems.append(Problem("onder de kop staan geen reeksen.", header_index + 1))
    label = _text(header[0]) if header[0] is not None else ""
    return Table(label=label, header_row=header_index + 1, columns=columns, series=series,
                 problems=sorted(problems, key=Problem.sort_key))


def read(data, filename):
    """read_table and parse_table in one."""
    return parse_table(read_table(data, filename))


def _columns(header, row, problems):
    columns, years, targets, named = [], {}, {}, {}
    for index in range(1, len(header)):
        if header[index] is None:
            continue  # a column without a header: any value in it is a problem of its row
        text = _text(header[index])
        column = _column(index, text)
        if _check_text("de kop", text, LIMITS["name"], row, index, problems):
            continue
        if column is None:
            problems.append(Problem(f"onbekende kolom ‘{_shown(text)}’: gebruik als kop {COLUMN_HELP}.", row, index))
            continue
        if column.kind == "target" and column.year is None:
            problems.append(Problem("noem het jaar van de streefwaarde in de kop, bijvoorbeeld ‘Streefwaarde "
                                    "2023’.", row, index))
            continue
        if column.kind in ("year", "target") and not MIN_YEAR <= column.year <= MAX_YEAR:
            problems.append(Problem(f"het jaar {column.year} ligt niet tussen {MIN_YEAR} en {MAX_YEAR}.", row, index))
            continue
        seen = {"year": years, "target": targets}.get(column.kind, named)
        key = column.kind if column.kind not in ("year", "target") else column.year
        if key in seen:
            problems.append(Problem(f"de kolom ‘{_shown(text)}’ komt twee keer voor (ook kolom "
                                    f"{get_column_letter(seen[key] + 1)}).", row, index))
            continue
        if len(column.note) > LIMITS["note"]:
            problems.append(Problem(f"de toelichting tussen haakjes is langer dan {LIMITS['note']} tekens.", row,
                                    index))
            continue
        seen[key] = index
        columns.append(column)
    if not years and not problems:
        problems.append(Problem(f"de eerste regel moet de kop van de tabel zijn, met een kolom per jaar; er staat "
                                f"geen jaartal in. Kolommen kunnen zijn: {COLUMN_HELP}.", row))
    return columns


def _column(index, text):
    """What a header says the column holds; None when it names nothing known."""
    if match := _YEAR_HEADER.fullmatch(text):
        return Column(index, "year", int(match.group(1)), _text(match.group(2) or ""), text)
    if match := _TARGET_HEADER.fullmatch(text):
        return Column(index, "target", int(match.group(1)) if match.group(1) else None, header=text)
    if text.casefold() in _NAMED_HEADERS:
        return Column(index, _NAMED_HEADERS[text.casefold()], header=text)
    return None


def _series(cells, row, columns, refused, problems):
    found = len(problems)
    name = _text(cells[0]) if cells[0] is not None else ""
    series = Series(row=row, name=name)
    if not name:
        problems.append(Problem("de naam van de reeks ontbreekt.", row, 0))
    else:
        _check_text("de naam", name, LIMITS["name"], row, 0, problems)
    for index in range(1, len(cells)):
        cell = cells[index]
        if cell is None or index in refused:
            continue
        column = columns.get(index)
        if column is None:
            problems.append(Problem(f"‘{_shown(cell)}’ staat in een kolom zonder kop. Geef de kolom als "
                                    f"kop {COLUMN_HELP}, of haal de waarde weg.", row, index))
            continue
        try:
            _store_cell(series, column, cell)
        except ValueError as error:
            problems.append(Problem(str(error), row, index))
            continue
        if column.kind in _NAMED_LABELS:
            _check_text(f"de {_NAMED_LABELS[column.kind].lower()}", getattr(series, column.kind),
                        LIMITS[column.kind], row, index, problems)
    if name and not series.values and len(problems) == found:
        problems.append(Problem(f"de reeks ‘{_shown(name)}’ heeft bij geen enkel jaar een waarde.", row))
    return series if name else None


def _store_cell(series, column, cell):
    if column.kind == "year":
        value = parse_number(cell, column.header)
        if value is not None:
            series.values[column.year] = value
            series.notes[column.year] = column.note
    elif column.kind == "target":
        target = parse_target(cell)
        if target is not None:
            series.targets[column.year] = (*target, column.index)
    else:
        setattr(series, column.kind, _text(cell))


def _check_text(what, text, limit, row, column, problems):
    """Add a problem when `text` holds a control character or is too long; whether it did."""
    if _CONTROL_CHARACTERS.search(text):
        problems.append(Problem(f"{what} bevat een teken dat niet is toegestaan.", row, column))
    elif len(text) > limit:
        problems.append(Problem(f"{what} is langer dan {limit} tekens.", row, column))
    else:
        return False
    return True


def parse_number(cell, header=""):
    """A figure as typed: a number cell, or Dutch notation (1.234 is twelve hundred and thirty-four, 7,4 is seven
    point four); None for an empty cell or a dash. Raises ValueError with the reason in Dutch."""
    if cell is None:
        return None
    if isinstance(cell, str):
        text = "".join(cell.split())  # spaces between thousands, a non-breaking space from Excel
        if not text or text in NO_VALUE:
            return None
        if not _NUMBER.fullmatch(text):
            raise ValueError(_not_a_number(text, header))
        cell = float(text.replace(".", "").replace(",", "."))
    if not math.isfinite(cell) or abs(cell) >= TOO_BIG:
        raise ValueError(f"‘{_shown(cell)}’{_under(header)} is te groot voor een aantal.")
    if cell < 0:
        raise ValueError(f"‘{number(cell)}’{_under(header)} is negatief; een aantal kan niet negatief zijn.")
    return float(cell)


def _not_a_number(text, header):
    if text.startswith(_FORMULA_START):
        return (f"‘{_shown(text)}’{_under(header)} is geen getal. Een formule wordt niet uitgerekend: vul de "
                "uitkomst zelf in.")
    if _DECIMAL_POINT.fullmatch(text):
        return (f"‘{_shown(text)}’{_under(header)}: schrijf decimalen met een komma (7,4); een punt scheidt "
                "duizendtallen (1.234).")
    return f"‘{_shown(text)}’{_under(header)} is geen getal."


def parse_target(cell):
    """A streefwaarde as typed: (comparison, value), with comparison None for a bare number; None when empty.

    `<15`, `≤ 15`, `<= 15`, `> 80`, `= 5`; raises ValueError with the reason in Dutch for anything else.
    """
    if cell is None or (isinstance(cell, str) and cell.strip() in ("", *NO_VALUE)):
        return None
    if not isinstance(cell, str):
        return None, parse_number(cell)
    sign, rest = _COMPARISON.fullmatch(cell.strip()).groups()
    try:
        value = parse_number(rest)
    except ValueError:
        value = None
    if value is None:
        raise ValueError(f"‘{_shown(cell)}’ is geen streefwaarde: schrijf een vergelijking en een getal (< 15, "
                         "≤ 15, = 5, ≥ 80, > 80) of alleen een getal.")
    return _SIGNS[sign] if sign else None, value


def _text(value):
    """A cell as one line of text: line breaks and runs of spaces (a wrapped cell) become one space."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value)).strip()


def _shown(value, limit=40):
    text = number(value) if isinstance(value, int | float) else _text(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _under(header):
    return f" onder {header}" if header else ""


# --- Importing ------------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    batch: object  # the IndicatorImport
    indicators: list  # per series, in the file's order
    created: list  # the indicators this import created
    targets: list  # the IndicatorTargets it set


def import_series(actor, gemeente, source, filename, table, now=None):
    """Write the table's series as values of `gemeente`, in the caller's transaction.

    Every check that needs the database is made first; with any problem, the table's own included, nothing is
    written and ImportRefused lists them all. A value of a year already imported is replaced and points at this
    import; an empty cell leaves an earlier value alone. Counted indicators are never written.
    """
    session = db.session()
    source = _text(source or "")
    known = {indicator.name.casefold(): indicator for indicator in session.scalars(select(Indicator))}
    problems = [*table.problems, *_database_problems(table, gemeente, source, known)]
    if problems:
        raise ImportRefused(problems)
    now = now or utcnow()
    batch = IndicatorImport(
        gemeente=gemeente, source=_batch_source(source, table), filename=_filename(filename),
        row_count=len(table.series), value_count=sum(len(series.values) for series in table.series),
        imported_by=actor, imported_at=now)
    session.add(batch)
    keys = set(session.scalars(select(Indicator.key)))
    position = session.scalar(select(func.max(Indicator.position))) or 0
    indicators, created = [], []
    for series in table.series:
        indicator = known.get(series.name.casefold())
        if indicator is None:
            position += 1
            indicator = _new_indicator(series, series.source or source, _key(series.name, keys), position)
            session.add(indicator)
            created.append(indicator)
        else:
            _update_described(indicator, series)
        indicators.append(indicator)
    session.flush()
    _store_values(session, batch, gemeente, table.series, indicators)
    targets = _store_targets(session, actor, gemeente, table.series, indicators, now)
    session.flush()
    record(actor, "create", record_type="indicator_import", record_id=batch.id,
           detail=f"gemeente {gemeente.name}; bestand {batch.filename}; {batch.row_count} reeksen; "
                  f"{batch.value_count} waarden; {len(targets)} streefwaarden")
    return ImportResult(batch=batch, indicators=indicators, created=created, targets=targets)


def _database_problems(table, gemeente, source, known):
    problems = []
    names = {name.casefold(): name for name in db.session().scalars(select(Gemeente.name))}
    other = names.get(table.label.casefold())
    if other is not None and other != gemeente.name:
        problems.append(Problem(f"de tabel is van {other}, maar u importeert voor {gemeente.name}. Kies {other} als "
                                f"gemeente, of kies het bestand van {gemeente.name}.", table.header_row, 0))
    source_column = table.column("source")
    if not source and source_column is None:
        problems.append(Problem("Vul de bron in: het bestand heeft geen kolom Bron.", field="source"))
    for series in table.series:
        indicator = known.get(series.name.casefold())
        if indicator is not None and indicator.counted:
            problems.append(Problem(f"‘{indicator.name}’ is een indicator die uit de eigen registratie wordt "
                                    "geteld; die kan niet worden geïmporteerd. Geef de reeks een andere naam.",
                                    series.row, 0))
            continue
        if not source and source_column is not None and not series.source:
            problems.append(Problem("de bron ontbreekt: vul de kolom Bron in, of vul in het formulier een bron "
                                    "in voor alle rijen.", series.row, source_column.index))
        better = indicator.better if indicator is not None else "lager"
        for year, (comparison, _value, column) in series.targets.items():
            if comparison is None and better not in BARE_TARGET:
                problems.append(Problem(f"bij ‘{indicator.name}’ is niet vastgelegd of lager of hoger beter is: "
                                        f"schrijf de streefwaarde {year} met een vergelijking (< ≤ = ≥ >).",
                                        series.row, column))
    return problems


def _batch_source(source, table):
    if source:
        return source
    sources = list(dict.fromkeys(series.source for series in table.series))
    joined = "; ".join(sources)
    return joined if len(joined) <= LIMITS["source"] else joined[:LIMITS["source"] - 1] + "…"


def _filename(filename):
    """The file's own name, without a folder some browsers send along."""
    name = _text(_CONTROL_CHARACTERS.sub("", re.split(r"[\\/]", filename or "")[-1]))
    return name[:255] or "bestand"


def _new_indicator(series, source, key, position):
    return Indicator(
        key=key, name=series.name, kind="import", theme="extern", better="lager", position=position,
        unit=series.unit or DEFAULT_UNIT, source=source,
        definition=series.definition or f"Zoals aangeleverd door {source}: {series.name}.")


def _update_described(indicator, series):
    """An existing series keeps its description; columns Bron, Eenheid and Definitie, when filled, replace it."""
    for name in ("source", "unit", "definition"):
        if getattr(series, name):
            setattr(indicator, name, getattr(series, name))


def _key(name, taken):
    """A unique key from a name: 'Aantal branden (geen brandstichting)' gives 'aantal_branden_geen_brandstichting'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")[:50].rstrip("_") or "reeks"
    key, suffix = base, 1
    while key in taken:
        suffix += 1
        key = f"{base}_{suffix}"
    taken.add(key)
    return key


def _store_values(session, batch, gemeente, all_series, indicators):
    ids = [indicator.id for indicator in indicators]
    existing = {(value.indicator_id, value.year): value for value in session.scalars(
        select(IndicatorValue).where(IndicatorValue.gemeente_id == gemeente.id, IndicatorValue.indicator_id.in_(ids)))}
    for series, indicator in zip(all_series, indicators, strict=True):
        for year, figure in series.values.items():
            value = existing.get((indicator.id, year))
            if value is None:
                value = IndicatorValue(indicator_id=indicator.id, gemeente_id=gemeente.id, year=year)
                session.add(value)
            value.value, value.note, value.import_id = figure, series.notes[year], batch.id


def _store_targets(session, actor, gemeente, all_series, indicators, now):
    ids = [indicator.id for indicator in indicators]
    existing = {(target.indicator_id, target.year): target for target in session.scalars(
        select(IndicatorTarget).where(IndicatorTarget.gemeente_id == gemeente.id,
                                      IndicatorTarget.indicator_id.in_(ids)))}
    stored = []
    for series, indicator in zip(all_series, indicators, strict=True):
        for year, (comparison, figure, _column) in series.targets.items():
            target = existing.get((indicator.id, year))
            if target is None:
                target = IndicatorTarget(indicator=indicator, gemeente=gemeente, year=year)
                session.add(target)
            target.comparison = comparison or BARE_TARGET[indicator.better]
            target.value, target.set_by_id, target.set_at = figure, actor.id, now
            stored.append(target)
    return stored


def describe_target(target):
    """'2A1.b Aantal brandstichtingen 2017: < 15'."""
    return f"{target.indicator.name} {target.year}: {COMPARISON_SIGNS[target.comparison]} {number(target.value)}"


# --- Showing what landed --------------------------------------------------------------------------------------

@dataclass
class ImportedSeries:
    indicator: Indicator
    values: dict  # year -> IndicatorValue
    targets: list  # the indicator's IndicatorTargets in the import's gemeente, by year


def values_of(batch):
    """The values that still hold from `batch` (a later import of the same year took the others over), per series,
    with the years they cover."""
    session = db.session()
    values = session.scalars(select(IndicatorValue).where(IndicatorValue.import_id == batch.id)
                             .options(joinedload(IndicatorValue.indicator))).all()
    by_indicator = {}
    for value in values:
        by_indicator.setdefault(value.indicator, {})[value.year] = value
    targets = {}
    if by_indicator:
        for target in session.scalars(select(IndicatorTarget).where(
                IndicatorTarget.gemeente_id == batch.gemeente_id,
                IndicatorTarget.indicator_id.in_([indicator.id for indicator in by_indicator]))
                .order_by(IndicatorTarget.year)):
            targets.setdefault(target.indicator_id, []).append(target)
    series = [ImportedSeries(indicator, years, targets.get(indicator.id, []))
              for indicator, years in sorted(by_indicator.items(), key=lambda item: (item[0].position, item[0].name))]
    return series, sorted({value.year for value in values})
