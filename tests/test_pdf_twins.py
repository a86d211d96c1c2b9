"""The PDF twins (issue 30): PDFs of a report rendered as a word processor would, with their truth.

They must look like a département's PDF (ruled tables, footers with page numbers,
landscape annex pages) and their truth must hold what the text route reads from
the same text, so that the PDF route can be checked cell by cell.
"""

from __future__ import annotations

import re

import pdfplumber
import pytest

from calpae_lib.pipeline import parse_document
from calpae_lib.text.reading import document_from_text

from .nextyear import make_variant, other_departement
from .pdf_twins.model import INDICATOR_COLUMNS
from .pdf_twins.render import header_cells, render_twin
from .variants import bundled_text

#: A report of about a hundred pages (the bundled one is printed on 100 or more).
MIN_PAGES = 90


def footer_number(page) -> str:
    """The words printed in the bottom band of a page (its footer)."""
    bottom = page.within_bbox((0, page.height - 50, page.width, page.height))
    return " ".join((bottom.extract_text() or "").split())


def test_the_bundled_twin_is_a_report_of_a_hundred_pages(bundled_twin):
    assert bundled_twin.path.read_bytes().startswith(b"%PDF-")
    assert bundled_twin.pages >= MIN_PAGES
    with pdfplumber.open(bundled_twin.path) as pdf:
        assert len(pdf.pages) == bundled_twin.pages


def test_every_page_has_its_number_in_the_footer_and_the_running_title(bundled_twin):
    with pdfplumber.open(bundled_twin.path) as pdf:
        for index in (0, 19, len(pdf.pages) - 1):
            page = pdf.pages[index]
            assert footer_number(page) == str(index + 1)
            top = page.within_bbox((0, 0, page.width, 50)).extract_text() or ""
            assert "Rapport d'exécution" in top


def test_indicator_tables_are_ruled_and_their_truth_matches_the_text_route(bundled_twin, bundled_report):
    indicators = bundled_report.tables["indicators"]
    assert len(bundled_twin.indicators) == len(indicators)
    assert list(bundled_twin.indicators.columns) == list(INDICATOR_COLUMNS)
    assert list(bundled_twin.indicators["raw"]) == list(indicators["raw"])
    assert list(bundled_twin.indicators["indicator"]) == list(indicators["indicator"])
    placed = indicators["status"].eq("ok") | indicators["status"].eq("not_available")
    for column in ("kind", "period"):
        assert list(bundled_twin.indicators[column][placed]) == list(indicators[column][placed])
    ambiguous = indicators["status"].eq("ambiguous")
    assert bundled_twin.indicators[ambiguous]["kind"].ne("").all()
    tables = bundled_twin.tables("indicators")
    assert sum(len(t.placed) for t in tables) == int(ambiguous.sum())
    with pdfplumber.open(bundled_twin.path) as pdf:
        page = pdf.pages[tables[0].page - 1]
        assert len(page.lines) + len(page.rects) > 10  # the grid's rules
        found = page.find_tables()
        assert found and any(len(t.rows) == len(tables[0].rows) for t in found)


def normalised(text: str | None) -> str:
    return " ".join((text or "").split())


def test_the_ruled_tables_read_back_cell_for_cell(bundled_twin):
    """pdfplumber finds each ruled table printed on one page, and its cells are the truth's (no word cut)."""
    single = [t for t in bundled_twin.tables("indicators") if len(t.pages) == 1]
    assert len(single) > 20
    with pdfplumber.open(bundled_twin.path) as pdf:
        for table in single[::3]:
            wanted = [[normalised(text) for text in row] for row in table.rows]
            found = [[[normalised(text) for text in row] for row in candidate.extract()]
                     for candidate in pdf.pages[table.page - 1].find_tables()]
            assert wanted in found, f"ligne {table.line}, p. {table.page}"


def test_annexe_4_is_printed_on_landscape_pages(bundled_twin):
    annex4 = bundled_twin.tables("annex4")
    if not annex4:
        pytest.skip("the annexes are printed as prose until tests/pdf_twins/annexes.py prints Annexe 4")
    with pdfplumber.open(bundled_twin.path) as pdf:
        for number in annex4[0].pages or [annex4[0].page]:
            page = pdf.pages[number - 1]
            assert page.width > page.height
    assert len(bundled_twin.annex4) > 0


def test_a_table_split_over_pages_prints_its_header_again(bundled_twin):
    continued = [t for t in bundled_twin.tables("indicators") if len(t.pages) > 1]
    assert continued
    with pdfplumber.open(bundled_twin.path) as pdf:
        for table in continued:
            header = [" ".join(text.split()) for text in table.rows[0]]
            for number in table.pages[1:]:
                printed = pdf.pages[number - 1].find_tables()[0].extract()
                assert [" ".join((text or "").split()) for text in printed[0]] == header


def test_budget_tables_are_printed_without_rules(bundled_twin, bundled_report):
    budgets = bundled_twin.tables("budget")
    sheets_with_budget = bundled_report.tables["budgets"]["action_id"].nunique()
    assert len(budgets) >= sheets_with_budget
    printed = {int(re.sub(r"\D", "", text)) for table in budgets for row in table.rows for text in row
               if re.fullmatch(r"[\d\s\u202f\xa0]+€", text)}
    rows = bundled_report.tables["budgets"]
    inside = rows["source_line"].apply(lambda line: any(t.line <= line <= t.end for t in budgets))
    assert inside.mean() > 0.95  # the others were printed away from their sheet's section 5 (as prose)
    assert set(rows[inside]["amount_eur"]) <= printed
    with pdfplumber.open(bundled_twin.path) as pdf:
        page = pdf.pages[budgets[0].page - 1]
        indicator_pages = {t.page for t in bundled_twin.tables("indicators")}
        if budgets[0].page not in indicator_pages:
            assert not page.lines and not page.rects


def test_header_cells_follow_the_printed_header():
    measure, indicators, values, justification = header_cells(
        "Nom de la Mesure Indicateurs Situation 2021 du Département Prévisionnel 2022 "
        "Résultat du Département en 2022 Justification des écarts (le cas échéant)")
    assert (measure, indicators, justification) == ("Nom de la Mesure", "Indicateurs",
                                                    "Justification des écarts (le cas échéant)")
    assert values == ["Situation 2021 du Département", "Prévisionnel 2022", "Résultat du Département en 2022"]


@pytest.mark.parametrize("make", [lambda text: make_variant(text, 3).text, lambda text: other_departement(text).text],
                         ids=["next-year-3", "other-departement"])
def test_next_year_variants_render_with_their_own_truth(make, tmp_path):
    text = make(bundled_text())
    twin = render_twin(text, tmp_path / "variant.pdf")
    expected = parse_document(document_from_text(text)).tables["indicators"]
    assert twin.pages >= MIN_PAGES // 2
    assert len(twin.indicators) == len(expected)
    assert list(twin.indicators["raw"]) == list(expected["raw"])
