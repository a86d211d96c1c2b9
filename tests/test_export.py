"""The tables as people and tools open them: the workbook, the CSVs (tidy and for Excel), the data package."""

from __future__ import annotations

import json

import frictionless
import pandas as pd
import pytest
from openpyxl import load_workbook

from calpae_lib.publish.processed import tables_provenance, write_tables_folder
from calpae_lib.tables.export import (
    EUR_FORMAT,
    EXCEL_CSV_DIR,
    README_SHEET,
    WORKBOOK_NAME,
    read_tables,
    sheet_title,
    write_tables,
)
from calpae_lib.tables.schemas import SCHEMAS, code_labels

HOSTILE_TITLE = '=HYPERLINK("http://example.invalid","Cliquez ici")'


@pytest.fixture(scope="module")
def folder(bundled_report, tmp_path_factory):
    out = tmp_path_factory.mktemp("tables")
    write_tables_folder(bundled_report, out)
    return out


@pytest.fixture(scope="module")
def written(bundled_report):
    """Every table a tables folder holds: the report's, then the orientation chain's and its references."""
    from calpae_lib.publish.processed import chain_tables

    return {**bundled_report.tables, **chain_tables(bundled_report)}


@pytest.fixture(scope="module")
def workbook(folder):
    return load_workbook(folder / WORKBOOK_NAME)


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def column_cells(sheet, title: str):
    index = header(sheet).index(title) + 1
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]


def test_first_sheet_says_what_where_from_and_which_sheet_holds_what(bundled_report, workbook, written):
    assert workbook.sheetnames[0] == README_SHEET
    text = "\n".join(str(v) for row in workbook[README_SHEET].iter_rows(values_only=True) for v in row if v)
    source = tables_provenance(bundled_report)
    assert source.raw in text and source.sha256 in text and f"calpae {source.calpae}" in text
    assert bundled_report.meta.signed in text  # the report's own date, not today's
    for name, frame in written.items():
        assert f"{len(frame)} lignes, fichier {name}.csv" in text
    for table, column in (("indicators", "status"), ("checks", "status"), ("checks", "category")):
        for label in code_labels(SCHEMAS[table].columns[column]).values():  # every status explained
            assert f"  {label}\n" in text + "\n"
    assert workbook.sheetnames[1:] == [sheet_title(name) for name in written]


def test_every_sheet_has_french_headers_a_frozen_header_row_and_filters(written, workbook):
    for name, frame in written.items():
        sheet = workbook[sheet_title(name)]
        assert header(sheet) == [SCHEMAS[name].columns[c].title for c in frame.columns]
        assert not set(header(sheet)) & set(frame.columns) - {"Volet"}, name  # no machine name left
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(frame.columns)).column_letter}{len(frame) + 1}"
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(6 <= w <= 62 for w in widths), (name, widths)


def test_codes_are_shown_as_french_labels(workbook):
    budgets = workbook[sheet_title("budgets")]
    assert {c.value for c in column_cells(budgets, "Financeur")} == {"État", "Département"}
    assert {c.value for c in column_cells(budgets, "Action")} >= {"Socle commun II-8", "ERBM 2"}
    statuses = {c.value for c in column_cells(workbook[sheet_title("indicators")], "Statut")}
    assert statuses <= {"lue", "non disponible", "ambiguë"} and "lue" in statuses
    assert {c.value for c in column_cells(workbook[sheet_title("checks")], "Statut")} >= {"Conforme", "Écart"}
    checks = {c.value for c in column_cells(workbook[sheet_title("checks")], "Contrôle")}
    assert not any("." in v and " " not in v for v in checks), checks  # rule ids replaced by sentences


def test_amounts_are_numbers_in_euros(bundled_report, workbook):
    cells = column_cells(workbook[sheet_title("budgets")], "Montant (€)")
    assert [c.value for c in cells] == bundled_report.tables["budgets"]["amount_eur"].tolist()
    assert all(c.data_type == "n" and c.number_format == EUR_FORMAT for c in cells)
    annex = column_cells(workbook[sheet_title("annex_budget")], "Montant (€)")
    assert all(isinstance(c.value, int) and c.number_format == EUR_FORMAT for c in annex)


def test_percentages_are_fractions_shown_in_percent(bundled_report, workbook):
    indicators = bundled_report.tables["indicators"]
    sheet = workbook[sheet_title("indicators")]
    values, units = column_cells(sheet, "Valeur"), [c.value for c in column_cells(sheet, "Unité")]
    percents = [(cell, value) for cell, unit, value in zip(values, units, indicators["value"]) if unit == "pourcentage"
                and pd.notna(value)]
    assert percents
    for cell, value in percents:
        assert cell.number_format.endswith("%") and cell.value == pytest.approx(value / 100)
    counts = [c for c, u in zip(values, units) if u == "nombre" and c.value is not None]
    assert counts and all(c.data_type == "n" and "#,##0" in c.number_format for c in counts)


def test_checks_expected_and_observed_are_numbers_where_they_are_numbers(bundled_report, workbook):
    checks = bundled_report.tables["checks"]
    sheet = workbook[sheet_title("checks")]
    expected = column_cells(sheet, "Devrait être")
    for cell, printed in zip(expected, checks["expected"]):
        if printed.endswith("\u00a0€"):
            assert isinstance(cell.value, int) and cell.number_format == EUR_FORMAT
        elif printed.endswith("\u00a0%"):
            assert isinstance(cell.value, (int, float)) and cell.number_format.endswith("%")
        elif printed and not any(ch.isdigit() for ch in printed):
            assert cell.value == printed and cell.data_type == "s"
    rates = checks[checks["expected"].str.endswith("\u00a0%")]
    assert len(rates)


def hostile_tables(bundled_report) -> dict[str, pd.DataFrame]:
    tables = dict(bundled_report.tables)
    actions = tables["actions"].copy()
    actions.loc[0, "title"] = HOSTILE_TITLE
    actions.loc[1, "title"] = "Accompagnement\x01 global"
    actions.loc[2, "title"] = "-5 % de délai, @équipe, +2"
    tables["actions"] = actions
    return tables


def test_text_that_looks_like_a_formula_stays_text_and_control_characters_do_not_crash(bundled_report, tmp_path):
    write_tables(hostile_tables(bundled_report), tmp_path, tables_provenance(bundled_report))
    sheet = load_workbook(tmp_path / WORKBOOK_NAME)[sheet_title("actions")]
    titles = column_cells(sheet, "Intitulé")
    assert titles[0].value == HOSTILE_TITLE and titles[0].data_type == "s" and titles[0].quotePrefix
    assert titles[1].value == "Accompagnement\ufffd global"
    assert titles[2].value.startswith("-5") and titles[2].data_type == "s"
    with open(tmp_path / EXCEL_CSV_DIR / "actions.csv", encoding="utf-8-sig") as excel_csv:
        text = excel_csv.read()
    assert ";\"'=HYPERLINK(" in text and ";'-5 % de délai" in text
    tidy = pd.read_csv(tmp_path / "actions.csv", keep_default_na=False)
    assert tidy.loc[0, "title"] == HOSTILE_TITLE and tidy.loc[1, "title"] == "Accompagnement\x01 global"
    for excel in (False, True):  # both CSVs give the text back as it was
        assert read_tables(tmp_path, ["actions"], excel=excel)["actions"]["title"].tolist()[:3] == [
            HOSTILE_TITLE, "Accompagnement\x01 global", "-5 % de délai, @équipe, +2"]


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as a CSV can hold it: an empty text is a missing value, one type per column kind."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            continue
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("Float64")
        else:
            out[column] = out[column].astype(object).where(out[column].notna() & (out[column] != ""), None)
    return out.reset_index(drop=True)


@pytest.mark.parametrize("excel", [False, True], ids=["tidy", "excel"])
def test_csvs_round_trip_through_pandas_unchanged(written, folder, excel):
    read = read_tables(folder, excel=excel)
    assert list(read) == list(written)
    for name, frame in written.items():
        pd.testing.assert_frame_equal(comparable(read[name]), comparable(frame), check_dtype=False, obj=name)


def test_excel_csv_is_what_a_french_excel_opens(folder):
    raw = (folder / EXCEL_CSV_DIR / "indicators.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    first, second = raw.decode("utf-8-sig").splitlines()[:2]
    assert first.split(";")[:3] == ["action_id", "axis", "measure"] and "," not in first
    assert ";98,0;" in second  # decimal comma


def test_the_workbook_is_the_same_bytes_from_one_write_to_the_next(bundled_report, folder, tmp_path):
    write_tables_folder(bundled_report, tmp_path)
    assert (tmp_path / WORKBOOK_NAME).read_bytes() == (folder / WORKBOOK_NAME).read_bytes()
    assert load_workbook(tmp_path / WORKBOOK_NAME).properties.created.year == 2000


def test_the_data_package_validates_with_frictionless(folder):

    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}
    assert fields == {name: list(schema.columns) for name, schema in SCHEMAS.items()}


def test_a_broken_table_fails_the_data_package_validation(folder, tmp_path):

    for path in folder.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    budgets = (tmp_path / "budgets.csv").read_text(encoding="utf-8").replace(",prevu,", ",realise,", 1)
    (tmp_path / "budgets.csv").write_text(budgets, encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert {e[0] for e in report.flatten(["type"])} == {"constraint-error"}


def test_the_chain_s_rates_are_fractions_in_the_workbook_and_percent_in_the_csv(folder, workbook):
    """One unit per medium, as for every rate: the CSV's 98.18… (percent) is the workbook's 0.9818… shown in %."""
    rates = pd.read_csv(folder / "orientation_rates.csv")
    sheet = workbook[sheet_title("orientation_rates")]
    titles = header(sheet)
    column = titles.index(SCHEMAS["orientation_rates"].columns["rate"].title) + 1
    for number, rate in enumerate(rates["rate"], start=2):
        cell = sheet.cell(number, column)
        assert cell.value == pytest.approx(rate / 100) and cell.number_format.endswith("%")
    references = pd.read_csv(folder / "references.csv")
    assert references.loc[references["symbol"].notna(), "value"].isna().all()  # « ND » stays empty, never 0
