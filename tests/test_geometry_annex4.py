"""Annexe 4 read from the cells where a PDF places them (issue 30), beside the text route.

The placed documents are built here, in the dialect of the PDF route
(/work/notes/PDF_SPEC.md: a table cell by cell, left to right, row by row, an
empty line after each cell, a merged cell once in its first row, the repeated
header and the page numbers left out), from what the text route reads on the
bundled report: its rows, labels and values. The cells the text route leaves
ambiguous are put in columns of the test's choosing; the PDF route must give
them those columns, certain.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from calpae_lib.errors import ParseError
from calpae_lib.tables.annex4 import annex4_columns, annex4_comments, annex4_table, read_pages
from calpae_lib.tables.placed import placed_tables
from calpae_lib.template.indicators import ANNEX4_TITLE
from calpae_lib.text.reading import Document, Place

from .placed_docs import Printer, wrapped

#: Where the test puts the cells of a row the text route leaves ambiguous (value columns, 1-based).
CHOSEN = {4: [2, 3, 4, 7]}

#: The grid of the placed table: axis, measure, indicator, definition, the values, the comment.
AXIS, MEASURE, INDICATOR, DEFINITION, FIRST_VALUE = 0, 1, 2, 3, 4


@pytest.fixture(scope="module")
def text_route(bundled_doc, bundled_report):
    """The text route's reading of the bundled annex: pages, table (with the sheets' help), columns."""
    pages = read_pages(bundled_doc)
    return pages, bundled_report.tables["annex4"], annex4_columns(pages)


def expected_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The text route's cells, the ambiguous ones in the test's chosen columns."""
    cells = table.copy()
    for _, group in cells[cells["status"] == "ambiguous"].groupby("indicator_line"):
        chosen = CHOSEN[len(group)]
        cells.loc[group.index, "column"] = chosen
        cells.loc[group.index, "value"] = pd.to_numeric(group["raw"])  # bare counts: the text route reads them
    return cells


def placed_annex(bundled_doc, text_route, *, marks: bool = False) -> tuple[Document, pd.DataFrame]:
    """The bundled Annexe 4 as its PDF would be read (one table over two pages, axis and measure cells
    merged over their rows), and the cells the PDF route must give."""
    pages, table, columns = text_route
    cells = expected_cells(table)
    labels = {label.number: f"{label.number}. {label.title}" for page in pages for label in page.labels}
    title = next(text for text in bundled_doc.lines if ANNEX4_TITLE.search(text))
    headers = columns[columns["page"] == 1].sort_values("column")
    printer = Printer()
    printer.prose(title.strip())
    printer.cell(1, 0, AXIS, ["Mesures"])
    printer.cell(1, 0, INDICATOR, ["Indicateurs"])
    printer.cell(1, 0, DEFINITION, wrapped("Commentaires et Eléments de définition"))
    for header in headers.itertuples():
        printer.cell(1, 0, FIRST_VALUE + header.column - 1, wrapped(header.header, 18))
    comment_column = FIRST_VALUE + len(headers)
    printer.cell(1, 0, comment_column, ["Commentaire"])
    row, axis, measure = 0, None, None
    for number, page in enumerate(pages, start=1):
        if number > 1:
            if marks:
                printer.prose(f"{number - 1}/{len(pages)}")
            printer.new_page()
        for raw in page.rows:
            row += 1
            found = cells[cells["indicator_line"] == raw.line].sort_values("column")
            first = found.iloc[0]
            if first["measure"] != measure:
                measure = first["measure"]
                if measure.split(".")[0] != axis:
                    axis = measure.split(".")[0]
                    printer.cell(1, row, AXIS, wrapped(labels[axis], 16))
                printer.cell(1, row, MEASURE, wrapped(measure, 16))
            printer.cell(1, row, INDICATOR, wrapped(raw.indicator, 40))
            if raw.definition:
                printer.cell(1, row, DEFINITION, wrapped(" ".join(raw.definition)))
            for cell in found.itertuples():
                printer.cell(1, row, FIRST_VALUE + int(cell.column) - 1, [cell.raw])
            if raw.comment:
                printer.cell(1, row, comment_column, wrapped(" ".join(raw.comment), 40))
    if marks:
        printer.prose(f"{len(pages)}/{len(pages)}")
    return printer.document(), cells


@pytest.fixture(scope="module")
def placed(bundled_doc, text_route):
    doc, expected = placed_annex(bundled_doc, text_route)
    return doc, expected, annex4_table(doc)


def test_the_text_route_leaves_cells_ambiguous(text_route):
    """What the geometry settles: the rows printing fewer values than columns."""
    table = text_route[1]
    ambiguous = table[table["status"] == "ambiguous"]
    assert len(ambiguous) >= 20
    assert ambiguous["period"].isna().all() and ambiguous["column"].isna().all()
    assert set(ambiguous.groupby("indicator_line").size()) == set(CHOSEN)


def test_every_cell_gets_its_column_period_and_kind(placed, text_route):
    doc, expected, table = placed
    columns = text_route[2]
    kinds = columns[columns["page"] == 1].set_index("column")
    assert len(table) == len(expected)
    assert (table["status"] != "ambiguous").all()
    got = table.sort_values(["indicator_line", "column"]).reset_index(drop=True)
    want = expected.sort_values(["indicator_line", "column"]).reset_index(drop=True)
    # the rows are the text route's, in its order; each value in the column its cell stands in
    assert list(got["indicator"]) == list(want["indicator"])
    assert list(got["raw"]) == list(want["raw"])
    assert list(got["column"].astype(int)) == list(want["column"].astype(int))
    assert list(got["period"]) == [kinds.loc[c, "period"] for c in want["column"].astype(int)]
    assert list(got["kind"]) == [kinds.loc[c, "kind"] for c in want["column"].astype(int)]
    assert got["value"].equals(want["value"])
    assert list(got["measure"]) == list(want["measure"])
    assert list(got["definition"]) == list(want["definition"])
    assert list(got["comment"]) == list(want["comment"])
    assert (got["note"] == "").all()


def test_ambiguous_cells_are_placed_with_certainty(placed, text_route):
    """The cells the text route leaves without a column: in the PDF's column, status ok."""
    doc, expected, table = placed
    ambiguous = text_route[1][text_route[1]["status"] == "ambiguous"]
    for _, group in ambiguous.groupby("indicator_line"):
        indicator = group["indicator"].iloc[0]
        cells = table[table["indicator"] == indicator].sort_values("column")
        assert list(cells["raw"]) == list(group["raw"]), indicator
        assert list(cells["column"]) == CHOSEN[len(group)]
        assert (cells["status"] == "ok").all()
        assert list(cells["value"]) == [float(raw) for raw in group["raw"]]
        # the value column's header says the period: the chosen columns 2, 3, 4 and 7
        assert list(cells["period"]) == ["2019", "2020", "2021", "2022"]
        assert list(cells["kind"]) == ["result"] * 4


def test_merged_labels_are_filled_down_across_the_page_break(placed):
    """A measure cell is printed once, in its first row; the rows below it are that measure's,
    also on the next page, where the table goes on without its header."""
    doc, expected, table = placed
    by_row = table.drop_duplicates("indicator_line").sort_values("indicator_line")
    measures = list(by_row["measure"])
    assert "" not in measures
    runs = [m for i, m in enumerate(measures) if i == 0 or measures[i - 1] != m]
    assert len(runs) == len(set(runs))  # each measure one block of rows
    # the measure printed last on the first page goes on over the rows of the next page
    second_page = by_row[[doc.place(line).page == 2 for line in by_row["indicator_line"]]]
    first_page = by_row[[doc.place(line).page == 1 for line in by_row["indicator_line"]]]
    assert second_page["measure"].iloc[0] == first_page["measure"].iloc[-1]
    measure_cells = [cell for cell in placed_tables(doc)[1] if cell.column == MEASURE]
    assert [cell.text for cell in measure_cells].count(second_page["measure"].iloc[0]) == 1  # printed once
    assert len(measure_cells) == len(runs) < len(by_row)
    assert table["source_line"].map(lambda n: doc.place(n).table).eq(1).all()


def test_columns_and_comments_come_from_the_placed_header(placed, text_route):
    doc, expected, _ = placed
    pages = read_pages(doc)
    assert len(pages) == 1 and pages[0].placed
    columns = annex4_columns(pages)
    text_columns = text_route[2][text_route[2]["page"] == 1]
    assert list(columns["kind"]) == list(text_columns["kind"])
    assert list(columns["period"]) == list(text_columns["period"])
    assert list(columns["header"]) == list(text_columns["header"])
    assert all(doc.place(line).row == 0 for line in columns["source_line"])
    comments = annex4_comments(pages)
    assert set(comments["indicator"]) <= set(expected["indicator"])
    assert " ".join(comments["text"]).count("Données au 30/11/2022") == 4


def test_page_marks_left_by_the_reading_are_checked(bundled_doc, text_route):
    doc, expected = placed_annex(bundled_doc, text_route, marks=True)
    assert len(annex4_table(doc)) == len(expected)
    last = max(n for n, text in doc.numbered() if text.strip() == "2/2")
    truncated = replace(doc, lines=doc.lines[:last - 1] + (" ",) + doc.lines[last:])
    with pytest.raises(ParseError, match="la page 2 manque"):
        annex4_table(truncated)


def test_a_document_without_placed_cells_is_read_from_its_text(bundled_doc, text_route):
    """Places that put no line in a table (a PDF whose table the reading could not rule) leave the
    text route's answer, ambiguous cells included."""
    places = tuple(Place(1, 0.0, float(n)) if text.strip() else None for n, text in bundled_doc.numbered())
    unplaced = replace(bundled_doc, places=places)
    assert not read_pages(unplaced)[0].placed
    pd.testing.assert_frame_equal(annex4_table(unplaced), annex4_table(bundled_doc))
    assert (annex4_table(bundled_doc)["status"] == "ambiguous").sum() > 0


# --- small placed tables --------------------------------------------------------------------------

HEADER = ["Situation au 31 déc. 2018", "Résultat atteint en 2019", "Résultat attendu en 2022 (objectif fixé)"]


def small_annex(rows: list[dict[int, list[str]]], header: list[str] = HEADER) -> Document:
    """A placed annex: the title, then a header Mesures | Indicateurs | values, then ``rows``."""
    printer = Printer()
    printer.prose("ANNEXE 4 - TABLEAU DES INDICATEURS")
    printer.cell(3, 0, 0, ["Mesures"])
    printer.cell(3, 0, 1, ["Indicateurs"])
    for column, text in enumerate(header, start=2):
        printer.cell(3, 0, column, wrapped(text, 12))
    printer.cell(3, 0, 2 + len(header), ["Commentaire"])
    for number, row in enumerate(rows, start=1):
        for column in sorted(row):
            printer.cell(3, number, column, row[column])
    return printer.document()


def test_a_label_cell_names_the_rows_below_it_up_to_the_next():
    doc = small_annex([
        {0: ["4.1. Une mesure"], 1: ["Nombre de a"], 2: ["12"]},
        {1: ["Nombre de b"], 4: ["5 000"]},
        {0: ["4. Un axe sans mesure"], 1: ["Nombre de c"], 3: ["7"]},
        {0: ["4.2. Une autre"], 1: ["Taux de d"], 2: ["98%"], 3: ["NC (relevé annuel)"], 4: ["3 à 4 mois"]},
    ])
    table = annex4_table(doc)
    assert list(table["measure"]) == ["4.1. Une mesure", "4.1. Une mesure", "", "4.2. Une autre",
                                      "4.2. Une autre", "4.2. Une autre"]
    assert table["note"].iloc[2] == "aucune mesure imprimée à côté de la ligne"
    assert list(zip(table["period"], table["kind"])) == [
        ("2018", "baseline"), ("2022", "target"), ("2019", "result"), ("2018", "baseline"), ("2019", "result"),
        ("2022", "target")]
    assert list(table["value"].fillna(-1)) == [12, 5000, 7, 98, -1, -1]
    assert list(table["status"]) == ["ok", "ok", "ok", "ok", "not_available", "ok"]
    assert list(table["unit"]) == ["count", "count", "count", "percent", "percent", "text"]


def test_a_cell_printing_two_values_stays_ambiguous_and_words_are_text():
    doc = small_annex([{0: ["4.1. Une mesure"], 1: ["Nombre de a"], 2: ["2364  2 573"], 3: ["en cours"],
                        4: ["5973 99% ont eu un rendez-vous"]}])
    table = annex4_table(doc)
    assert list(table["status"]) == ["ambiguous", "ok", "ok"]
    assert table["note"].iloc[0] == "plusieurs valeurs imprimées dans une même cellule"
    assert (table["raw"].iloc[1], table["unit"].iloc[1]) == ("en cours", "text")
    assert (table["value"].iloc[2], table["comment"].iloc[2]) == (5973, "99% ont eu un rendez-vous")


def test_a_placed_header_without_year_is_refused_with_its_line():
    doc = small_annex([{1: ["Nombre de a"], 2: ["12"]}], header=["Situation initiale", "Résultat 2019"])
    with pytest.raises(ParseError, match="sans année « Situation initiale »"):
        annex4_table(doc)


def test_a_placed_table_of_another_header_is_not_the_annex():
    """A table without « Mesures » left of « Indicateurs » (an action sheet's) is no Annexe 4: its
    text is read as the text route reads it (here: no annex header, refused as before)."""
    doc = small_annex([{1: ["Nombre de a"], 2: ["12"]}])
    other = replace(doc, lines=tuple("Actions " if text.strip() == "Mesures" else text for text in doc.lines))
    assert read_pages(doc)[0].placed  # with « Mesures », the same table is the annex
    with pytest.raises(ParseError, match="pas d'en-tête"):
        annex4_table(other)


def test_a_title_row_and_a_header_over_the_value_columns_are_read_past():
    """The title printed in the table's first row, a header « Valeurs » spanning the value columns
    above their own headers: the value columns are still those of « Situation … » / « Résultat … »."""
    printer = Printer()
    printer.cell(1, 0, 0, ["ANNEXE 4 - TABLEAU DES INDICATEURS DE LA CONTRACTUALISATION"])
    printer.cell(1, 1, 0, ["Mesures"])
    printer.cell(1, 1, 1, ["Indicateurs"])
    printer.cell(1, 1, 2, ["Valeurs"])
    for column, text in enumerate(HEADER, start=2):
        printer.cell(1, 2, column, wrapped(text, 12))
    printer.cell(1, 3, 0, ["4.1. Une mesure"])
    printer.cell(1, 3, 1, ["Nombre de a"])
    printer.cell(1, 3, 3, ["12"])
    table = annex4_table(printer.document())
    assert list(zip(table["measure"], table["period"], table["kind"], table["value"])) == [
        ("4.1. Une mesure", "2019", "result", 12)]
    columns = annex4_columns(read_pages(printer.document()))
    assert columns["header"].iloc[0] == HEADER[0]
    assert printer.document().place(columns["source_line"].iloc[0]).row == 2  # the column's own header cell


def test_a_row_broken_by_a_page_goes_on_with_its_indicator():
    """A row broken by a page break: its second part prints no indicator; its cells are the row's."""
    doc = small_annex([
        {0: ["4.1. Une mesure"], 1: ["Nombre de a"], 2: ["12"], 5: ["Données au "]},
        {3: ["15"], 4: ["20"], 5: ["30/11/2022"]},
        {1: ["Nombre de b"], 2: ["1"]},
    ])
    table = annex4_table(doc)
    assert list(table["indicator"]) == ["Nombre de a"] * 3 + ["Nombre de b"]
    assert list(table["value"]) == [12, 15, 20, 1]
    assert list(table["period"]) == ["2018", "2019", "2022", "2018"]
    assert table["comment"].iloc[0] == "Données au 30/11/2022"
    assert table["measure"].eq("4.1. Une mesure").all()


def test_the_header_tells_the_annex_without_its_title():
    """A title the reading took for a running header (and left out): the header's cells still say
    the table is Annexe 4."""
    doc = small_annex([{0: ["4.1. Une mesure"], 1: ["Nombre de a"], 2: ["12"]}])
    untitled = replace(doc, lines=tuple(" " if ANNEX4_TITLE.search(text) else text for text in doc.lines))
    assert list(annex4_table(untitled)["value"]) == [12]


def test_a_row_under_a_merged_indicator_cell_is_a_row_of_its_own():
    """Two rows under one merged indicator cell, each printing its definition and its values: two rows
    of the same indicator, never two values of one indicator in one column."""
    doc = small_annex([
        {0: ["4.1. Une mesure"], 1: ["Nombre de a"], 2: ["12"], 3: ["15"]},
        {2: ["3"], 3: ["4"], 5: ["dont b"]},
        {1: ["Nombre de c"], 2: ["1"]},
    ])
    table = annex4_table(doc)
    assert list(table["indicator"]) == ["Nombre de a"] * 4 + ["Nombre de c"]
    assert list(table["value"]) == [12, 15, 3, 4, 1]
    assert list(table["period"]) == ["2018", "2019", "2018", "2019", "2018"]
    assert (table["status"] == "ok").all() and (table["note"] == "").all()
    assert table.groupby(["indicator_line", "column"]).size().max() == 1
    assert table["indicator_line"].nunique() == 3
    assert list(table["comment"]) == ["", "", "dont b", "dont b", ""]
    assert table["measure"].eq("4.1. Une mesure").all()


def test_a_row_without_indicator_half_under_filled_columns_is_ambiguous():
    """A row without indicator printing one value where the row above printed one and one where it
    printed none: a row of its own or the row above broken by a page; its values say so."""
    doc = small_annex([
        {0: ["4.1. Une mesure"], 1: ["Nombre de a"], 2: ["12"]},
        {2: ["3"], 3: ["4"]},
    ])
    table = annex4_table(doc)
    assert list(table["indicator"]) == ["Nombre de a"] * 3
    assert list(table["status"]) == ["ok", "ambiguous", "ambiguous"]
    assert table["note"].iloc[0] == ""
    assert all("non tranché" in note for note in table["note"].iloc[1:])
    assert table.groupby(["indicator_line", "column"]).size().max() == 1


def test_an_annex_page_the_placed_reading_does_not_recognise_is_refused_with_its_page():
    """Three annex pages (« 1/3 » … « 3/3 »), each its own placed table, the middle one without the
    annex's header: never silently left out."""
    printer = Printer()
    printer.prose("ANNEXE 4 - TABLEAU DES INDICATEURS")
    for page, body in enumerate([{0: ["4.1. Une mesure"], 1: ["Nombre de a"], 2: ["12"]},
                                 {1: ["Nombre de b"], 2: ["5"]},
                                 {1: ["Nombre de c"], 2: ["7"]}], start=1):
        if page > 1:
            printer.new_page()
        if page != 2:
            printer.cell(page, 0, 0, ["Mesures"])
            printer.cell(page, 0, 1, ["Indicateurs"])
            for column, text in enumerate(HEADER, start=2):
                printer.cell(page, 0, column, wrapped(text, 12))
        for column in sorted(body):
            printer.cell(page, 1, column, body[column])
        printer.prose(f"{page}/3")
    doc = printer.document()
    with pytest.raises(ParseError, match="page 2") as error:
        annex4_table(doc)
    assert error.value.line == next(n for n, text in doc.numbered() if text.strip() == "Nombre de b")
