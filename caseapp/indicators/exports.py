"""The report as CSV and XLSX: one row per indicator, the periods as columns, as municipal reports print them.

Text that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) is neutralised
with a leading apostrophe; numbers are written as numbers. In publication mode counts of 1 to 4 read "<5".
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from caseapp.indicators.report import SUPPRESSED, number, suppressed

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text):
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def table(report, publication):
    """The header and rows: text stays str, a count stays a number, a suppressed count is "<5"."""
    header = ["Thema", "Indicator", "Definitie", "Eenheid", "Bron", *(p.label for p in report.periods)]
    if report.per_gemeente:
        header += ["Nulmeting", "Streefwaarde", "Doel", "Trend"]
    else:
        header += ["Trend"]
    rows = []
    for row in report.rows:
        i = row.indicator
        cells = [i.theme_label, i.name, i.definition, i.unit, i.source, *(_value(c.value, publication)
                                                                         for c in row.cells)]
        if report.per_gemeente:
            cells += [_baseline(row, publication), _target(row), row.target.label if row.target else "",
                      _trend(row, publication)]
        else:
            cells.append(_trend(row, publication))
        rows.append(cells)
    return header, rows


def _value(value, publication):
    if value is None:
        return None
    if suppressed(value, publication):
        return SUPPRESSED
    return int(value) if float(value).is_integer() else value


def _baseline(row, publication):
    if row.baseline_year is None:
        return ""
    return f"{row.baseline_year}: {number(row.baseline_value, publication)}"


def _trend(row, publication):
    return row.trend.text(publication) if row.trend else ""


def _target(row):
    target = row.target and row.target.target
    return f"{target.sign} {number(target.value)} ({target.year})" if target else ""


def to_csv(report, publication):
    """Semicolons and decimal commas, with a byte order mark: how Excel and LibreOffice in Dutch read CSV."""
    header, rows = table(report, publication)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for cells in rows:
        writer.writerow([_csv_cell(cell) for cell in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(cell):
    if cell is None:
        return ""
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        return f"{cell}".replace(".", ",")
    return neutralise(cell)


def to_xlsx(report, publication, title):
    header, rows = table(report, publication)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Indicatoren"
    sheet.append([_xlsx_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in rows:
        sheet.append([_xlsx_cell(cell) for cell in cells])
    sheet.freeze_panes = "C2"
    for letter, width in zip("ABCDE", (22, 40, 60, 12, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    notes = workbook.create_sheet("Toelichting")
    for line in title:
        notes.append([_xlsx_cell(line)])
    if publication:
        notes.append([f"Voor publicatie: aantallen van 1 tot en met 4 staan als {SUPPRESSED}."])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(cell):
    if isinstance(cell, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", cell))
    return cell
