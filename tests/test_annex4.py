"""Annexe 4 on the bundled report and on variants the tests derive themselves."""

import pandas as pd
import pytest

from calpae_lib.errors import ParseError
from calpae_lib.tables.annex4 import (
    annex4_columns,
    annex4_table,
    cell_splits,
    cell_text,
    choose_split,
    read_pages,
)
from calpae_lib.tables.tokens import tokenize
from calpae_lib.pipeline import parse_report
from calpae_lib.text.reading import document_from_text, read_report

from . import nextyear
from .variants import bundled_text, replace_line, shift_years, write_variant

CHAIN = {
    "Nombre de nouveaux entrants": [None, 868, 4672, 6596, 6500, 3435, 6060],
    "Nombre de nouveaux entrants orientés en 1 mois et moins": [None, 479, 2851, 5673, 5525, 2937, 5950],
    "Nombre total de 1ers rendez-vous d'accompagnement fixés": [None, 745, 4672, 6596, 6500, 3435, 5973],
    "Nombre de 1ers rendez-vous à 2 semaines ou moins fixés": [None, 538, 2488, 5079, 6200, 2438, 3612],
    "Nombre total de 1ers contacts d'engagements réciproques": [None, 555, 4672, 6596, 6500, 2805, 4300],
    "Nombre de 1ers contrats d'engagements réciproques dans les 2 mois":
        [None, 555, 3162, 4821, 6500, 1876, 4181],
}
PERIODS = [("2018", "baseline"), ("2019", "result"), ("2020", "result"), ("2021", "result"),
           ("2022", "target"), ("2022", "s1"), ("2022", "result")]


@pytest.fixture(scope="module")
def annex(bundled_doc):
    return annex4_table(bundled_doc)


def row(annex, indicator):
    found = annex[annex["indicator"] == indicator]
    assert not found.empty, indicator
    return found.sort_values("column")


@pytest.mark.parametrize("indicator", list(CHAIN))
def test_orientation_chain_across_all_years(annex, indicator):
    cells = row(annex, indicator)
    assert list(zip(cells["period"], cells["kind"])) == PERIODS
    values = [None if pd.isna(v) else int(v) for v in cells["value"]]
    assert values == CHAIN[indicator]
    assert set(cells["measure"]) == {"3.1. Orienter et accompagner les allocataires du RSA"}
    assert (cells["status"].iloc[1:] == "ok").all()


def test_first_cell_of_the_chain_is_not_available_or_text(annex):
    entrants = row(annex, "Nombre de nouveaux entrants").iloc[0]
    assert (entrants["raw"], entrants["status"], entrants["source_line"]) == ("Non disponible", "not_available", 10590)
    delay = row(annex, "Nombre de nouveaux entrants orientés en 1 mois et moins").iloc[0]
    assert (delay["raw"], delay["unit"], delay["status"]) == ("3 à 4 mois", "text", "ok")
    assert pd.isna(delay["value"])


def test_comments_and_definitions_are_kept(annex):
    entrants = row(annex, "Nombre de nouveaux entrants").iloc[0]
    assert entrants["comment"].startswith("Chiffres au 31/112/22")
    assert "juillet 2022" in entrants["comment"]
    rdv = row(annex, "Nombre total de 1ers rendez-vous d'accompagnement fixés")
    assert rdv["comment"].iloc[0] == "99% ont eu unrendez-vous par la plateforme"
    assert rdv["value"].iloc[-1] == 5973  # the 99 % went to the comment, not to a cell
    oriented = row(annex, "Nombre de nouveaux entrants orientés en 1 mois et moins")
    assert oriented["definition"].iloc[0].endswith("L'objectif est de réduire ce délai")


def test_grouped_thousands_against_separate_cells(annex):
    cells = row(annex, "Nombre de bénéficiaires du RSA orientés vers l'accompagnement global")
    assert list(cells["value"]) == [2364, 2573, 2866, 4150, 4000, 2353, 4935]
    assert cells["comment"].iloc[0] == "Données au 30/11/2022"
    assert (cells["source_line"] == 10703).all()


def test_magnitude_clue_is_documented(annex):
    cells = row(annex, "Nombre de personnes reçues par les structures de premier accueil social "
                       "inconditionnel des CD uniquement")
    assert list(cells["raw"]) == ["NC", "554 471", "347 058", "526 471", "450 000", "NC (relevé annuel)", "320 800"]
    assert cells["note"].str.contains("ordres de grandeur homogènes").all()


def test_values_split_over_lines_stay_ambiguous(annex):
    cells = row(annex, "Nombre de jeunes avec un logement stable").sort_values("source_line")
    assert list(cells["raw"]) == ["408", "515", "587", "579"]
    assert list(cells["source_line"]) == [10483, 10484, 10486, 10486]
    assert (cells["status"] == "ambiguous").all() and cells["period"].isna().all()
    # 408 and 515 stand alone on their lines; "587 579" could be one grouped number
    assert list(cells["value"].fillna(-1)) == [408, 515, -1, -1]


def test_free_text_cells_spanning_lines(annex):
    cells = row(annex, "Nombre de structures (hors dispositif du CD) ou lieux qui sont engagés dans la "
                       "démarche de premier accueil inconditionnel")
    assert list(cells["raw"]) == ["NC", "184", "450", "500", "NC (maintien de structures engagées)", "500", "500"]
    target = cells[cells["kind"] == "target"].iloc[0]
    assert (target["status"], target["source_line"]) == ("not_available", 10540)


def test_row_with_fewer_values_than_columns(annex):
    cells = row(annex, "Nombre de jeunes devenus majeurs sur la période concernée")
    assert (cells["status"] == "ambiguous").all()
    assert cells["period"].isna().all() and cells["kind"].isna().all()
    assert cells["note"].str.contains("4 valeurs au plus pour 7 colonnes").all()


def test_a_sheet_places_a_short_row(bundled_doc):
    indicator = "Nombre de personnes accompagnées par la plateforme de mobilité à des fins d'insertion professionnelle"
    sheet = pd.DataFrame({"indicator": [indicator] * 3, "period": ["2021", "2022", "2022"],
                          "kind": ["baseline", "target", "result"], "value": [511.0, 1000.0, 932.0],
                          "status": "ok"})
    cells = row(annex4_table(bundled_doc, sheet), indicator)
    assert list(zip(cells["period"], cells["kind"], cells["value"])) == [
        ("2021", "result", 511), ("2022", "target", 1000), ("2022", "s1", 371), ("2022", "result", 932)]
    assert (cells["status"] == "ok").all()
    wrong = sheet.assign(value=[511.0, 999.0, 932.0])
    assert (row(annex4_table(bundled_doc, wrong), indicator)["status"] == "ambiguous").all()


def sheet_line_values(doc, title_word, indicator_start):
    """The numbers printed under an indicator of an action sheet (a tiny stand-in for the sheet parser)."""
    lines = list(doc.numbered())
    start = next(n for n, text in lines if title_word in text)
    at = next(n for n, text in lines if n > start and text.startswith(indicator_start))
    for n, text in doc.numbered(at + 1):
        tokens = tokenize(text, n)
        if tokens and all(t.kind == "number" for t in tokens):
            return tokens
    raise AssertionError("no values")


def test_same_indicator_in_the_sheet_and_in_annex4(bundled_doc, annex):
    tokens = sheet_line_values(bundled_doc, "Dynamisation", "Nombre de nouveaux")
    split, _ = choose_split(cell_splits(tokens, 3))
    sheet = [int(cell_text(c).replace(" ", "")) for c in split]  # situation 2021, prévisionnel, résultat 2022
    cells = row(annex, "Nombre de nouveaux entrants").set_index(["period", "kind"])["value"]
    assert sheet == [cells[("2021", "result")], cells[("2022", "target")], cells[("2022", "result")]]


@pytest.mark.parametrize("line, columns, expected", [
    ("2364  2 573 2 866 4 150 4 000 2353 4935", 7, ["2364", "2 573", "2 866", "4 150", "4 000", "2353", "4935"]),
    ("3070  3 094 3 453 4 894 5 000 3100  3104", 7, ["3070", "3 094", "3 453", "4 894", "5 000", "3100", "3104"]),
    ("Non disponible 1895 2 231 10 144 13 773 8473 19 238", 7,
     ["Non disponible", "1895", "2 231", "10 144", "13 773", "8473", "19 238"]),
    ("74 74 74 190 250 162 225", 7, ["74", "74", "74", "190", "250", "162", "225"]),
])
def test_cell_splits_on_real_lines(line, columns, expected):
    split, note = choose_split(cell_splits(tokenize(line, 1), columns))
    assert [cell_text(c) for c in split] == expected and note == ""


def test_split_not_unique_is_ambiguous():
    # "596 612 408" in two cells: "596 612|408" or "596|612 408", same magnitudes → no choice
    assert choose_split(cell_splits(tokenize("596 612 408", 1), 2))[0] is None


def test_axes_are_assigned_from_labels_printed_after_rows(annex):
    axes = annex.drop_duplicates("indicator_line").set_index("indicator")["measure"]
    assert axes["Nombre de jeunes pris en charge dans le cadre du référentiel"] == \
        "1.1. Prévention sortie sèche de l'ASE"
    assert axes["Nombre total de personnes accompagnées par un référent de parcours"] == "2.2. Référent de parcours"
    assert axes["Délai moyen du démarrage de l'accompagnement global"] == "3.2. Garantie d'activité"
    assert axes["Nombre de mesures de diagnostics et d'accompagnement à la mobilité prescrites par le "
                "conseil départemental"] == "5.1 Mobilités à des fins d'insertion professionnelle"
    assert (annex["measure"] != "").all()


def test_header_repeated_on_the_second_page(bundled_doc):
    columns = annex4_columns(read_pages(bundled_doc))
    assert list(columns["page"].value_counts().sort_index()) == [7, 7]
    assert columns.loc[columns["page"] == 2, "source_line"].min() == 10734


def test_status_counts(annex):
    assert annex["status"].value_counts().to_dict() == {"ok": 106, "ambiguous": 32, "not_available": 20}


def test_years_shifted_variant_follows_the_headers(tmp_path, annex):
    shifted = annex4_table(read_report(write_variant(tmp_path, shift_years(bundled_text(), 3))))
    cells = row(shifted, "Nombre de nouveaux entrants")
    assert list(cells["period"]) == ["2021", "2022", "2023", "2024", "2025", "2025", "2025"]
    assert list(cells["value"].fillna(-1)) == list(row(annex, "Nombre de nouveaux entrants")["value"].fillna(-1))
    assert shifted["status"].value_counts().to_dict() == annex["status"].value_counts().to_dict()


def test_changed_value_follows(tmp_path):
    text = replace_line(bundled_text(), 10592, "6 500 3 435", "6 500 3 436")
    cells = row(annex4_table(read_report(write_variant(tmp_path, text))), "Nombre de nouveaux entrants")
    assert cells[cells["kind"] == "s1"]["value"].iloc[0] == 3436


def test_report_without_annex4_gives_an_empty_table():
    doc = document_from_text("RAPPORT\nNombre de nouveaux entrants 12\n")
    assert annex4_table(doc).empty and list(annex4_table(doc).columns)[:3] == ["measure", "indicator", "definition"]


def test_title_without_header_is_an_error():
    doc = document_from_text("texte\nANNEXE 4 - TABLEAU DES INDICATEURS DE LA CONTRACTUALISATION\n")
    with pytest.raises(ParseError, match="Mesures Indicateurs"):
        annex4_table(doc)


def test_parse_report_has_annex4(bundled_report):
    annex = bundled_report.tables["annex4"]
    assert len(annex) == 158
    # the sheets' table (calpae_lib.tables.indicators.sheets) places the two mobility rows, nothing else changes
    assert annex["status"].value_counts().to_dict() == {"ok": 114, "ambiguous": 24, "not_available": 20}


@pytest.mark.parametrize("indicator", ["Nombre de nouveaux entrants",
                                       "Nombre de nouveaux entrants orientés en 1 mois et moins"])
def test_sheet_table_and_annex4_agree(bundled_report, indicator):
    sheet = bundled_report.tables["indicators"]
    sheet = sheet[(sheet["indicator"] == indicator) & (sheet["status"] == "ok")]
    annex = row(bundled_report.tables["annex4"], indicator).set_index(["period", "kind"])["value"]
    assert len(sheet) == 3
    for record in sheet.itertuples():
        kind = "target" if record.kind == "target" else "result"
        assert annex[(record.period, kind)] == record.value


def with_empty_year_column(tmp_path, text: str):
    """``text`` with Annexe 4 printing one more year column, first on each page and filled by no row
    (:func:`tests.nextyear.add_annex4_column`), parsed."""
    variant = nextyear.start(text)
    nextyear.add_annex4_column(variant)
    return variant.annex4_extra, parse_report(write_variant(tmp_path, variant.text)).tables["annex4"]


def test_an_empty_year_column_leaves_the_numbers_read_and_the_sheets_place_theirs(tmp_path, annex):
    """Rows print seven values under eight columns, as the page's rows read with certainty show:
    they are read in seven cells ("6 500" stays one number); the cells the sheets confirm are
    placed, the others are ambiguous; nothing is placed in the empty column."""
    extra, table = with_empty_year_column(tmp_path, bundled_text())
    assert not (table["period"] == extra).any()
    for indicator, values in CHAIN.items():
        cells = table[table["indicator"] == indicator]
        assert [None if pd.isna(v) else int(v) for v in cells["value"]] == values
        placed = cells[cells["status"] != "ambiguous"]
        if indicator == "Nombre total de 1ers contacts d'engagements réciproques":  # the sheet says "contrats"
            assert placed.empty
            continue
        assert list(zip(placed["period"], placed["kind"])) == PERIODS[3:]
        assert (cells["status"].iloc[:3] == "ambiguous").all()


def test_a_row_short_of_the_columns_is_not_split_to_fill_them(tmp_path):
    """With one possible group left ("6 500"), eight cells could be read as 6 | 500: a wrong number.
    The page's other rows print seven values under eight columns, so the row is read in seven."""
    text = replace_line(bundled_text(), 10667, "6 500 1 876", "6 500 1876")
    _, table = with_empty_year_column(tmp_path, text)
    cells = table[table["indicator"] == "Nombre de 1ers contrats d'engagements réciproques dans les 2 mois"]
    assert [None if pd.isna(v) else int(v) for v in cells["value"]] == [None, 555, 3162, 4821, 6500, 1876, 4181]
    placed = cells[cells["status"] == "ok"].set_index(["period", "kind"])["value"].to_dict()
    assert placed == {("2021", "result"): 4821, ("2022", "target"): 6500, ("2022", "s1"): 1876,
                      ("2022", "result"): 4181}


def test_a_year_column_filled_by_the_rows_is_read_like_the_others(tmp_path, annex):
    """The added column filled by every row that fills the others: eight values under eight
    columns, placed in order, the old ones where they were."""
    full = annex.groupby("indicator_line").filter(lambda cells: (cells["status"] != "ambiguous").all()
                                                  and cells["column"].min() == 1)
    firsts = full[full["column"] == 1]
    assert len(firsts) == 18  # the bundled annex's rows that fill every column
    variant = nextyear.start(bundled_text())
    nextyear.add_annex4_column(variant)
    nextyear.fill_annex4_column(variant, list(zip(firsts["source_line"], firsts["raw"])), "1234")
    table = parse_report(write_variant(tmp_path, variant.text)).tables["annex4"]
    for indicator, expected in full.groupby("indicator"):
        cells = table[table["indicator"] == indicator].sort_values("column")
        assert (cells["status"] != "ambiguous").all(), indicator
        assert (cells["period"].iloc[0], cells["value"].iloc[0]) == (variant.annex4_extra, 1234)
        assert list(zip(cells["period"].iloc[1:], cells["kind"].iloc[1:], cells["value"].iloc[1:].fillna(-1))) == \
            list(zip(expected["period"], expected["kind"], expected["value"].fillna(-1))), indicator
