"""Reference figures on RSA orientation from other sources than the report (DREES's OARSA survey, national figures).

They place a département's Annexe 4 chain in context; they are other indicators, with other definitions,
and are never compared as if they were the same. Two sources, each read into one tidy table:

* :func:`read_oarsa` — a DREES workbook « L'orientation et l'accompagnement des bénéficiaires du RSA -
  Principaux indicateurs » of the layout published for 2015–2018 (sheets « Tableau B1 » … one indicator per
  sheet, one row per département « 62-Pas-de-Calais », one column per year; « Tableau A1 » the same indicators
  for France, in the same order). A later workbook of the same layout is read the same way: years, sheets and
  rows are found by what they print, not by position. The symbols « / » (not collected that wave), « NR » (no
  answer), « NC » (not concerned) and « ND » (not available) are kept in ``symbol``, the value left empty:
  never a zero.
* :func:`read_landmarks` — ``reperes_nationaux.csv``: national figures published after 2018, each with its
  definition and source.

Columns of :func:`read_oarsa`: :data:`OARSA_COLUMNS`; ``value`` in the sheet's unit (``percent``: 0–100 like
every rate of calpae, or ``days``).
"""

from __future__ import annotations

import re
from pathlib import Path
from zipfile import BadZipFile

import pandas as pd
from openpyxl import load_workbook

from calpae_lib.errors import InputError
from calpae_lib.text.reading import fold

OARSA_COLUMNS = ["table", "indicator", "unit", "code", "territory", "year", "value", "symbol", "status"]
LANDMARK_COLUMNS = ["indicator", "year", "value", "unit", "scope", "definition", "source", "url"]

#: The code a France row carries (the workbook's « Tableau A1 »).
FRANCE = "France"

#: A sheet of one indicator by département: « Tableau B13 ».
BY_DEPARTEMENT = re.compile(r"^Tableau\s+B\d+$")
#: A row of one département or territory: « 62-Pas-de-Calais », « 2A-Corse-du-Sud », « 69M-Métropole-de-Lyon ».
TERRITORY = re.compile(r"^(?P<code>\d[0-9AB]\d?[A-Z]?)-(?P<name>.+)$")
#: A sheet's title: « Tableau B1 - Part au 31/12 … ».
TITLE = re.compile(r"^Tableau\s+[AB]\d+\s*-\s*(?P<title>.+)$", re.DOTALL)
#: The symbols of a value that is not there, and what they mean (the workbook's « Présentation et méthode »).
SYMBOLS = {"/": "indicateur non collecté cette année-là", "NR": "non-réponse du département",
           "NC": "non concerné (dénominateur nul)", "ND": "non disponible"}
UNITS = {"en %": "percent", "en jours": "days"}


#: Empty rows in a row after which a sheet is taken to have ended (« Tableau A1 » declares 65 536 rows).
BLANK_RUN = 50


def cells(sheet) -> list[tuple]:
    """A sheet's rows as tuples of values (texts stripped of their surrounding spaces), up to the first
    :data:`BLANK_RUN` empty rows in a row."""
    rows, blank = [], 0
    for row in sheet.iter_rows(values_only=True):
        blank = blank + 1 if all(v is None for v in row) else 0
        if blank >= BLANK_RUN:
            break
        rows.append(tuple(v.strip() if isinstance(v, str) else v for v in row))
    return rows


def years_row(rows: list[tuple]) -> tuple[int, dict[int, int]]:
    """The header row (the first with two years or more) and ``{column: year}``."""
    for number, row in enumerate(rows):
        years = {i: int(v) for i, v in enumerate(row) if isinstance(v, (int, float)) and 1990 < v < 2100}
        if len(years) >= 2:
            return number, years
    raise ValueError("no row of years")


def value_of(cell) -> tuple[float | None, str]:
    """A printed value and its symbol: ``(94.0, "")``, ``(None, "ND")``.

    >>> value_of(94), value_of("ND "), value_of("/"), value_of(None)
    ((94.0, ''), (None, 'ND'), (None, '/'), (None, ''))
    """
    if isinstance(cell, (int, float)):
        return float(cell), ""
    text = str(cell).strip() if cell is not None else ""
    try:
        return float(text.replace(",", ".")), ""
    except ValueError:
        return None, text


def sheet_title(rows: list[tuple]) -> str:
    for row in rows:
        for value in row:
            match = TITLE.match(value) if isinstance(value, str) else None
            if match:
                return " ".join(match.group("title").split())
    return ""


def sheet_unit(rows: list[tuple]) -> str:
    for row in rows:
        for value in row:
            if isinstance(value, str) and value.lower() in UNITS:
                return UNITS[value.lower()]
    return ""


def departement_rows(name: str, rows: list[tuple]) -> list[dict]:
    """One record per département and year of a « Tableau B… » sheet."""
    header, years = years_row(rows)
    title, unit = sheet_title(rows), sheet_unit(rows)
    records = []
    for row in rows[header + 1:]:
        label = next((v for v in row if isinstance(v, str) and v), None)
        match = TERRITORY.match(" ".join(label.split())) if label else None
        if not match:
            continue
        for column, year in years.items():
            value, symbol = value_of(row[column] if column < len(row) else None)
            records.append({"table": name, "indicator": title, "unit": unit, "code": match.group("code"),
                            "territory": match.group("name").strip(), "year": year, "value": value,
                            "symbol": symbol})
    return records


def france_rows(rows: list[tuple], tables: list[str], read: dict[str, tuple[str, str]]) -> list[dict]:
    """« Tableau A1 »'s national values: its rows are the département sheets ``tables``, in the same order
    (none when it does not hold one row per sheet); only those ``read`` (``name -> (title, unit)``) are kept."""
    header, years = years_row(rows)
    lines = [row for row in rows[header + 1:]
             if any(value_of(row[c])[0] is not None or value_of(row[c])[1] in SYMBOLS for c in years)]
    if len(lines) != len(tables):
        return []
    return [{"table": name, "indicator": read[name][0], "unit": read[name][1], "code": FRANCE,
             "territory": "France entière", "year": year, "value": value_of(row[column])[0],
             "symbol": value_of(row[column])[1]}
            for row, name in zip(lines, tables) if name in read for column, year in years.items()]


def read_oarsa(path: str | Path, tables=None) -> pd.DataFrame:
    """A DREES OARSA « principaux indicateurs » workbook as one tidy table (:data:`OARSA_COLUMNS`): one row per
    sheet, territory and year; ``status`` ``ok`` or ``not_available`` (``symbol`` says why). ``tables``: the
    sheets to read (« Tableau B1 », …), all of them by default."""
    path = Path(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, BadZipFile) as error:
        raise InputError(f"classeur OARSA illisible ({error})", path=path) from None
    try:
        names = {name.strip(): name for name in workbook.sheetnames}
        by_departement = [name for name in names if BY_DEPARTEMENT.match(name)]
        records, read = [], {}
        for name in by_departement:
            if tables is None or name in tables:
                found = departement_rows(name, cells(workbook[names[name]]))
                records.extend(found)
                if found:
                    read[name] = (found[0]["indicator"], found[0]["unit"])
        if "Tableau A1" in names:
            records.extend(france_rows(cells(workbook[names["Tableau A1"]]), by_departement, read))
    except ValueError as error:
        raise InputError(f"classeur OARSA d'une autre présentation que celle des principaux indicateurs ({error})",
                         path=path) from None
    finally:
        workbook.close()
    if not records:
        raise InputError("aucune feuille « Tableau B… » par département lue dans ce classeur OARSA", path=path)
    frame = pd.DataFrame(records)
    frame["status"] = ["ok" if v == v and v is not None else "not_available" for v in frame["value"]]
    frame["value"] = pd.to_numeric(frame["value"])
    return frame[OARSA_COLUMNS]


def read_landmarks(path: str | Path) -> pd.DataFrame:
    """National landmarks (``reperes_nationaux.csv``) as a table of :data:`LANDMARK_COLUMNS`, ``value`` in
    percent or days (``unit``)."""
    try:
        frame = pd.read_csv(path, dtype={"annee": int, "valeur": float})
    except (OSError, ValueError, KeyError) as error:
        raise InputError(f"repères nationaux illisibles ({error})", path=path) from None
    frame = frame.rename(columns={"indicateur": "indicator", "annee": "year", "valeur": "value", "unite": "unit",
                                  "champ": "scope"})
    frame["unit"] = frame["unit"].map({"%": "percent", "jours": "days"}).fillna(frame["unit"])
    return frame[LANDMARK_COLUMNS]


def territory_code(oarsa: pd.DataFrame, departement: str) -> str | None:
    """The workbook's code of a département named as a report names it (« Pas-de-Calais » → ``"62"``).

    >>> territory_code(pd.DataFrame({"code": ["62", "59"], "territory": ["Pas-de-Calais", "Nord"]}),
    ...                "PAS-DE-CALAIS")
    '62'
    """
    wanted = fold(" ".join(str(departement).replace("-", " ").split()))
    for code, name in zip(oarsa["code"], oarsa["territory"]):
        if fold(" ".join(str(name).replace("-", " ").split())) == wanted:
            return code
    return None


def oarsa_series(oarsa: pd.DataFrame, table: str, codes) -> pd.DataFrame:
    """One indicator (``table``, « Tableau B1 ») for some territories (codes, :data:`FRANCE` for France),
    one row per territory and year, in the order of ``codes``."""
    codes = list(codes)
    rows = oarsa[(oarsa["table"] == table) & oarsa["code"].isin(codes)]
    order = {code: n for n, code in enumerate(codes)}
    return (rows.assign(_o=rows["code"].map(order)).sort_values(["_o", "year"]).drop(columns="_o")
            .reset_index(drop=True))
