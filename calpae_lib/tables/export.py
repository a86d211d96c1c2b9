"""Writing the tidy tables: CSV for tools, CSV for a French Excel, one workbook for people, a data package.

Three forms of the same tables (every column is described by its schema,
:mod:`calpae_lib.tables.schemas`):

* ``<table>.csv``: UTF-8 without BOM, comma, decimal point, English column
  names and codes: for pandas, R and data portals (:func:`read_tables` reads
  them back with their types);
* ``excel/<table>.csv``: the same columns and codes for a double-click in a French
  Excel: UTF-8 with BOM, ``;`` separator, decimal comma; a text cell that begins
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
  leading ``'`` so that Excel never runs it as a formula (OWASP's advice on CSV
  injection; :func:`read_tables` with ``excel=True`` takes it off again);
* ``calpae.xlsx``: a first sheet « À lire » (what the workbook is, its source file
  and SHA-256, calpae's version, one line per sheet, the statuses), then one
  sheet per table with French headers and labels, number formats (``1 320 000 €``,
  ``98 %``), fitted widths, the header row frozen and filters on. Text is always
  stored as text, never as a formula; control characters, which a workbook cannot
  hold, are replaced by ``�`` (U+FFFD). Numbers are numbers; a percentage is
  stored as a fraction (0,98) shown as 98 %, as Excel expects. The checks'
  expected and observed values are numbers where they are amounts, percentages
  or counts, text otherwise;
* ``datapackage.json``: the tidy CSVs as a Frictionless Data Package
  (:mod:`calpae_lib.tables.datapackage`).

The workbook is the same bytes for the same tables: its document properties
carry a fixed date (:data:`FIXED_DATE`) and its zip entries a fixed time; it
holds no production date (the report's own date is on « À lire »).

Callers write them into a staging folder (:mod:`calpae_lib.publish.atomic`) that is
moved into place only once complete.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from calpae_lib.errors import NumberFormatError
from calpae_lib.tables.datapackage import DATAPACKAGE_NAME, data_package
from calpae_lib.tables.schemas import ALL_SCHEMAS, SCHEMAS, code_labels, code_meanings, column_unit
from calpae_lib.text.formatting import is_missing
from calpae_lib.text.numbers import parse_number

WORKBOOK_NAME = "calpae.xlsx"
#: The folder, beside the tidy CSVs, of the copies meant for a French Excel.
EXCEL_CSV_DIR = "excel"
README_SHEET = "À lire"
#: The workbook's creation and modification date: fixed, so that the same tables give the same bytes.
FIXED_DATE = dt.datetime(2000, 1, 1)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

#: Text that a spreadsheet would take for a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"

EUR_FORMAT = '#,##0 "€"'
COUNT_FORMAT = "#,##0"
PLAIN_INTEGER = "0"  # line numbers, ranks: no grouping
#: The Excel number format of each indicator unit, by number of decimals shown.
UNIT_FORMATS = {"eur": '#,##0{} "€"', "percent": "0{} %", "count": "#,##0{}", "days": '#,##0{} "j"'}
MAX_WIDTH, MIN_WIDTH = 60, 6
README_LABEL_WIDTH, README_TEXT_WIDTH = 42, 98
#: Characters' room that a header's filter button takes.
FILTER_BUTTON = 3
#: Characters of ordinary text in one unit of column width (a unit is the width of a "0").
CHARACTERS_PER_WIDTH = 1.15
#: Points per line of wrapped text (11-point font).
LINE_HEIGHT = 14
#: A checks' value written by calpae's own formatting: "160 000 €", "84,3 %", "2 156".
PRINTED_NUMBER = re.compile(r"^(?P<number>\d{1,3}(?:[\u202f\u00a0 ]\d{3})*(?:,\d+)?)(?:\u00a0(?P<unit>[€%]))?$")

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
#: Numbers keep a character's room from the text on their right.
NUMBER = Alignment(vertical="top", horizontal="right", indent=1)


@dataclass(frozen=True)
class Provenance:
    """Where the tables come from, as the « À lire » sheet says it."""

    raw: str
    sha256: str
    year: int
    departement: str
    signed: str | None
    signed_line: int | None
    calpae: str


# --- text that is safe in a spreadsheet -------------------------------------------------------


def cell_text(text: str) -> str:
    """Text a workbook can hold: control characters replaced by U+FFFD.

    >>> cell_text("a\\x01b")
    'a�b'
    """
    return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, text)


def csv_text(text):
    """A text cell of the CSV for Excel: a leading ``'`` before what Excel would run as a formula.

    >>> csv_text('=HYPERLINK("http://x")'), csv_text("-5 %"), csv_text("Taux")
    ('\\'=HYPERLINK("http://x")', "'-5 %", 'Taux')
    """
    return "'" + text if isinstance(text, str) and text.startswith(FORMULA_START) else text


def csv_text_back(text):
    """What :func:`csv_text` wrote, back as it was."""
    if isinstance(text, str) and text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


# --- CSV -------------------------------------------------------------------------------------


def text_columns(name: str, frame: pd.DataFrame) -> list[str]:
    schema = ALL_SCHEMAS.get(name)
    if schema is None:
        return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    return [c for c, column in schema.columns.items() if str(column.dtype) in ("str", "string[python]", "string")]


def write_excel_csv(name: str, frame: pd.DataFrame, path: Path) -> None:
    """One table for a French Excel: UTF-8 with BOM, ``;``, decimal comma, formulas defused."""
    safe = frame.copy()
    for column in text_columns(name, frame):
        safe[column] = safe[column].map(csv_text, na_action="ignore")
    safe.to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig")


def read_tables(folder: Path, names=None, excel: bool = False) -> dict[str, pd.DataFrame]:
    """Read back the CSV tables written by :func:`write_tables`, each column with its schema's type.

    ``excel=True`` reads the copies of ``excel/`` (``;``, decimal comma, BOM, defused formulas).
    An empty cell is a missing value.
    """
    folder = Path(folder) / EXCEL_CSV_DIR if excel else Path(folder)
    options = {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"} if excel else {"encoding": "utf-8"}
    tables = {}
    for name in names if names is not None else [n for n in SCHEMAS if (folder / f"{n}.csv").exists()]:
        texts = text_columns(name, pd.DataFrame())
        frame = pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""],
                            dtype={c: str for c in texts}, **options)
        if excel:
            for column in texts:
                frame[column] = frame[column].map(csv_text_back, na_action="ignore")
        tables[name] = frame
    return tables


# --- workbook: values and formats -------------------------------------------------------------


def decimals(value: float) -> int:
    """How many decimals a value needs to be shown as it is (at most 3).

    >>> decimals(98.0), decimals(16.7), decimals(0.125)
    (0, 1, 3)
    """
    text = f"{Decimal(str(value)).normalize():f}"
    return min(len(text.split(".")[1]), 3) if "." in text else 0


def unit_format(unit: str, places: int) -> str | None:
    pattern = UNIT_FORMATS.get(unit)
    return pattern.format("." + "0" * places if places else "") if pattern else None


def indicator_cell(value, unit: str):
    """An indicator's value and its format: a percentage becomes a fraction shown in %."""
    if is_missing(value) or unit not in UNIT_FORMATS:
        return None, None
    places = decimals(float(value))
    if unit == "percent":
        return float(Decimal(str(value)) / 100), unit_format(unit, places)
    return (int(value) if places == 0 else float(value)), unit_format(unit, places)


def printed_cell(text):
    """A checks' value as calpae printed it: a number and its format where it is one, else the text.

    >>> printed_cell("160\\u202f000\\xa0€"), printed_cell("84,3\\xa0%"), printed_cell("présente")
    ((160000, '#,##0 "€"'), (0.843, '0.0 %'), ('présente', None))
    """
    match = PRINTED_NUMBER.match(text) if isinstance(text, str) else None
    if not match:
        return text, None
    try:
        number = parse_number(match.group("number"))
    except NumberFormatError:
        return text, None
    places = max(-number.as_tuple().exponent, 0)
    unit = {"€": "eur", "%": "percent", None: "count"}[match.group("unit")]
    value = number / 100 if unit == "percent" else number
    return (int(value) if places == 0 and unit != "percent" else float(value)), unit_format(unit, places)


def action_labels(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """French names of the actions and volets, for the cells that hold their codes (``socle-II-8``)."""
    volets = code_labels(SCHEMAS["actions"].columns["volet"])
    labels = {key: label for key, label in volets.items()}
    labels["document"] = "Document"
    actions = tables.get("actions")
    if actions is not None:
        for row in actions.itertuples():
            axis = f" {row.axis}-" if isinstance(row.axis, str) and row.axis else " "
            labels[row.action_id] = f"{volets.get(row.volet, row.volet)}{axis}{row.number}"
    return labels


def cell_reader(name: str, column: str, names: dict[str, str]):
    """How people read the cells of one column: ``read(value, row) -> (value, number format)``, the
    column's schema looked up once for all its cells."""
    schema = ALL_SCHEMAS.get(name)
    spec = schema.columns.get(column) if schema is not None else None
    labels = code_labels(spec) if spec is not None else {}
    integer_format = None
    if spec is not None and str(spec.dtype) in ("int64", "Int64"):
        integer_format = EUR_FORMAT if column_unit(spec) == "eur" else PLAIN_INTEGER

    def read(value, row):
        if is_missing(value):
            return None, None
        if column in ("action_id", "scope", "check_id"):
            return names.get(value, value), None
        if column == "value" and "unit" in row:
            return indicator_cell(value, row["unit"])
        if spec is not None and column_unit(spec) == "percent":  # a rate: a fraction shown in %, as Excel expects
            return indicator_cell(value, "percent")
        if name == "checks" and column in ("expected", "observed"):
            return printed_cell(value)
        if labels:
            return labels.get(value, value), None
        if isinstance(value, bool):
            return ("oui" if value else "non"), None
        if integer_format is not None:
            return int(value), integer_format
        return value, None

    return read


# --- workbook: sheets -------------------------------------------------------------------------


def put(sheet, row: int, column: int, value, number_format: str | None = None):
    """Write a cell; text stays text (never a formula) and loses its control characters."""
    return put_value(sheet.cell(row=row, column=column), value, number_format)


def put_value(cell, value, number_format: str | None = None):
    """:func:`put`, into a cell at hand."""
    if isinstance(value, str):
        cell.value = cell_text(value)
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def header_label(name: str, column: str) -> str:
    schema = ALL_SCHEMAS.get(name)
    return schema.columns[column].title if schema is not None and column in schema.columns else column


def table_sheet(workbook: Workbook, name: str, frame: pd.DataFrame, names: dict[str, str]) -> None:
    """One table as a sheet: French headers and labels, formats, widths, frozen header, filters."""
    sheet = workbook.create_sheet(sheet_title(name))
    widths = []
    for index, column in enumerate(frame.columns, start=1):
        cell = put(sheet, 1, index, header_label(name, column))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        widths.append(len(str(cell.value)) + FILTER_BUTTON)
    readers = [(column, cell_reader(name, column, names)) for column in frame.columns]
    for number, row in enumerate(frame.to_dict("records"), start=2):
        for index, (column, read) in enumerate(readers, start=1):
            value, number_format = read(row[column], row)
            cell = sheet.cell(row=number, column=index)
            cell.alignment = TOP if isinstance(value, str) or value is None else NUMBER
            put_value(cell, value, number_format)
            widths[index - 1] = max(widths[index - 1], shown_width(value, number_format))
    fit_columns(sheet, widths, first_row=2)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(frame.columns), 1))}{len(frame) + 1}"
    printable(sheet, title_rows="1:1")


def fit_columns(sheet, widths: list[int], first_row: int, max_width: int = MAX_WIDTH) -> None:
    """Columns as wide as their text, within bounds; longer text wraps and its rows grow to show it."""
    fitted = [max(MIN_WIDTH, min(width + 2, max_width)) for width in widths]
    for index, width in enumerate(fitted, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell, width in zip(row, fitted):
            room = (width - 2) * CHARACTERS_PER_WIDTH
            if isinstance(cell.value, str) and len(cell.value) > room:
                cell.alignment = WRAP
                lines = max(lines, math.ceil(len(cell.value) / room))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def printable(sheet, title_rows: str | None = None) -> None:
    """Printed landscape, one page wide, the header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        sheet.print_title_rows = title_rows


def shown_width(value, number_format: str | None) -> int:
    """About how many characters a cell shows."""
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value)
    if number_format and "%" in number_format:
        return len(f"{value * 100:.1f}") + 3
    return len(f"{value:,.2f}") + (3 if number_format and "€" in number_format else 1)


def sheet_title(name: str) -> str:
    schema = ALL_SCHEMAS.get(name)
    return (schema.title if schema is not None else name)[:31]


def status_columns(tables) -> list[tuple[str, pa.Column]]:
    """Each column whose codes the schemas explain (statuses), once, named with the sheets that hold it."""
    found: dict[tuple, tuple[pa.Column, list[str]]] = {}
    for name in tables:
        schema = ALL_SCHEMAS.get(name)
        for column in (schema.columns.values() if schema is not None else []):
            if code_meanings(column):
                key = (column.title, tuple(code_meanings(column).items()))
                found.setdefault(key, (column, []))[1].append(sheet_title(name))
    return [(f"{column.title} ({', '.join(sheets)})", column) for column, sheets in found.values()]


def readme_rows(tables: dict[str, pd.DataFrame], source: Provenance) -> list[tuple[str, str]]:
    """The lines of « À lire »: what, where from, which sheet holds what, what the statuses mean."""
    signed = source.signed or "non lue dans le rapport"
    if source.signed and source.signed_line:
        signed += f" (ligne {source.signed_line})"
    rows = [
        ("Ce classeur", f"Les tableaux du rapport d'exécution de la CALPAE {source.departement} {source.year}, "
                        "lus par calpae dans le texte du rapport : une feuille par table. Chaque valeur garde "
                        "la ligne du texte d'où elle vient (colonne « Ligne source ») : celle du fichier "
                        "source, ou, pour un PDF, celle du texte que calpae en extrait."),
        ("Fichier source", source.raw),
        ("SHA-256 du fichier source", source.sha256),
        ("Date du rapport", signed),
        ("Date de production", "celle du rapport source : le classeur ne porte pas la date du jour, pour "
                               "être identique, octet pour octet, à chaque production faite à partir du même "
                               "fichier avec la même version de calpae"),
        ("Produit par", f"calpae {source.calpae}"),
        ("", ""),
        ("Feuille", "Contenu"),
    ]
    for name, frame in tables.items():
        schema = ALL_SCHEMAS.get(name)
        what = schema.description if schema is not None else name
        rows.append((sheet_title(name), f"{what[0].upper()}{what[1:]} — {len(frame)} lignes, fichier {name}.csv."))
    rows.append(("", ""))
    for title, column in status_columns(tables):
        rows.append((title, ""))
        rows += [(f"  {code_labels(column)[code]}", meaning) for code, meaning in code_meanings(column).items()]
    rows += [
        ("", ""),
        ("Nombres", "Les montants sont en euros (1 320 000 €) ; un pourcentage est stocké comme une fraction "
                    "affichée en % (0,98 affiché 98 %) ; une cellule vide est une valeur absente. Les colonnes "
                    "« Le rapport imprime » et « Devrait être » des contrôles sont des nombres quand ce sont des montants, des "
                    "pourcentages ou des effectifs."),
        ("Texte", "Tout texte est gardé comme texte, jamais comme formule, même s'il commence par = + - @ ; "
                  "un caractère de contrôle du texte source (invisible) est remplacé par �."),
        ("Autres formats", "Les mêmes tables en CSV, avec les noms de colonnes et les codes anglais du "
                           "dictionnaire des données : <table>.csv (UTF-8, virgule) pour pandas ou R, "
                           "excel/<table>.csv (point-virgule, virgule décimale) pour Excel ; datapackage.json "
                           "les décrit (Frictionless Data Package)."),
    ]
    return rows


def readme_sheet(workbook: Workbook, tables: dict[str, pd.DataFrame], source: Provenance) -> None:
    sheet = workbook.active
    sheet.title = README_SHEET
    put(sheet, 1, 1, f"Rapport CALPAE {source.departement} {source.year} : tables lues par calpae").font = TITLE_FONT
    sheet.merge_cells("A1:B1")
    for number, (label, text) in enumerate(readme_rows(tables, source), start=3):
        cell = put(sheet, number, 1, label)
        cell.font, cell.alignment = HEADER_FONT, TOP
        put(sheet, number, 2, text).alignment = TOP
    fit_columns(sheet, [README_LABEL_WIDTH, README_TEXT_WIDTH], first_row=3, max_width=README_TEXT_WIDTH + 2)
    printable(sheet)


def deterministic_zip(data: bytes) -> bytes:
    """The same archive with every entry at a fixed time, so that equal contents give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def workbook_bytes(tables: dict[str, pd.DataFrame], source: Provenance, labels: dict[str, str] | None = None) -> bytes:
    """The workbook for people, as bytes that depend on the tables and the source only.

    ``labels``: French names of codes the schemas do not know, such as the checks' rule ids.
    """
    workbook = Workbook()
    readme_sheet(workbook, tables, source)
    names = {**(labels or {}), **action_labels(tables)}
    for name, frame in tables.items():
        table_sheet(workbook, name, frame, names)
    workbook.properties.creator = f"calpae {source.calpae}"
    workbook.properties.title = f"CALPAE {source.departement} {source.year}"
    workbook.properties.created = workbook.properties.modified = FIXED_DATE
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()  # openpyxl's save_workbook would stamp "modified" with now
    return deterministic_zip(buffer.getvalue())


def write_tables(tables: dict[str, pd.DataFrame], folder: Path, source: Provenance,
                 labels: dict[str, str] | None = None) -> list[Path]:
    """Write each table as ``<name>.csv`` and ``excel/<name>.csv``, and all as sheets of one workbook."""
    folder = Path(folder)
    (folder / EXCEL_CSV_DIR).mkdir(exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8")
        write_excel_csv(name, frame, folder / EXCEL_CSV_DIR / path.name)
        written += [path, folder / EXCEL_CSV_DIR / path.name]
    workbook = folder / WORKBOOK_NAME
    workbook.write_bytes(workbook_bytes(tables, source, labels))
    package = folder / DATAPACKAGE_NAME
    package.write_text(json.dumps(data_package(list(tables), year=source.year, departement=source.departement,
                                               raw=source.raw, sha256=source.sha256, calpae=source.calpae),
                                  indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return written + [workbook, package]

