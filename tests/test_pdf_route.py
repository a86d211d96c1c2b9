"""The PDF route beside the text route on the PDF twins (issue 30).

A twin prints the report its text gives. Read from the PDF, every indicator cell must come back
placed in its column (no value ambiguous, wrong or missing: :func:`tests.pdf_twins.scorecard.score`),
and the report must give the same annex budget rows and the same verdicts of the checks as its text,
but where the text route left a value ambiguous and the PDF places it (the PDF knows more there).
"""

from __future__ import annotations

from collections import Counter
import re

import pandas as pd
import pytest

from calpae_lib.pdf import read_source
from calpae_lib.pipeline import ParsedReport, parse_document
from calpae_lib.tables.schemas import TABLE_COLUMNS
from calpae_lib.text.reading import document_from_text

from .nextyear import make_variant, other_departement
from .pdf_twins.render import render_twin
from .pdf_twins.scorecard import KEYS, Score, score
from .variants import bundled_text
#: The checks fed by indicator values (the sheets' tables, Annexe 4's counts): where the text route
#: leaves a value ambiguous, the PDF places it, and these may find more. The chain's other rules
#: (dates, comments) read what both routes read alike.
CHECKS_FED_BY_INDICATOR_VALUES = ("indicateurs.", "orientation.valeur_repetee", "orientation.taux_impossible",
                                  "orientation.champ", "orientation.semestre", "orientation.pourcentage")


def check_verdicts(report: ParsedReport) -> Counter:
    """The multiset of the checks' ``(check_id, scope, status)``."""
    checks = report.tables["checks"]
    return Counter(zip(checks["check_id"], checks["scope"], checks["status"]))


def verdict_differences(text: Counter, pdf: Counter) -> str:
    """The verdicts one route gives and the other does not, for an assertion's message."""
    return (f"texte seulement : {sorted((text - pdf).items())} ; "
            f"PDF seulement : {sorted((pdf - text).items())}")


def annex_budget_rows(report: ParsedReport) -> pd.DataFrame:
    """``annex_budget`` without its source lines (a PDF numbers its lines otherwise)."""
    columns = [c for c in TABLE_COLUMNS["annex_budget"] if c != "source_line"]
    return report.tables["annex_budget"][columns].reset_index(drop=True)


def routes_on_twin(text: str, pdf) -> tuple[ParsedReport, ParsedReport]:
    """The text route on ``text`` and the PDF route on its twin rendered to ``pdf``."""
    twin = render_twin(text, pdf)
    return parse_document(document_from_text(text)), parse_document(read_source(twin.path))


@pytest.fixture(scope="module")
def checks_twin_report(bundled_twin) -> ParsedReport:
    """The bundled report read from its PDF twin."""
    return parse_document(read_source(bundled_twin.path))


def test_checks_of_the_bundled_twin_are_the_text_routes(bundled_report, checks_twin_report):
    assert checks_twin_report.doc.encoding == "pdf"
    text, pdf = check_verdicts(bundled_report), check_verdicts(checks_twin_report)
    assert sum(text.values()) > 400
    assert pdf == text, verdict_differences(text, pdf)


def test_checks_annex_budget_rows_of_the_bundled_twin_are_the_text_routes(bundled_report, checks_twin_report):
    text, pdf = annex_budget_rows(bundled_report), annex_budget_rows(checks_twin_report)
    assert len(text) > 0
    pd.testing.assert_frame_equal(pdf, text)
    doc = checks_twin_report.doc
    lines = checks_twin_report.tables["annex_budget"]["source_line"]
    assert all(doc.place(int(line)).table is not None for line in lines)  # each amount read from its cell
    assert [(v, y) for v, _, y in checks_twin_report.structures["annex_headers"]] == \
        [(v, y) for v, _, y in bundled_report.structures["annex_headers"]]


def test_checks_of_another_departements_twin_are_its_text_routes(tmp_path):
    text_report, pdf_report = routes_on_twin(other_departement(bundled_text()).text, tmp_path / "autre.pdf")
    pd.testing.assert_frame_equal(annex_budget_rows(pdf_report), annex_budget_rows(text_report))
    text, pdf = check_verdicts(text_report), check_verdicts(pdf_report)
    assert pdf == text, verdict_differences(text, pdf)


def test_checks_of_a_next_year_twin_differ_only_where_the_text_route_left_values_ambiguous(tmp_path):
    text_report, pdf_report = routes_on_twin(make_variant(bundled_text(), 3).text, tmp_path / "suivant.pdf")
    pd.testing.assert_frame_equal(annex_budget_rows(pdf_report), annex_budget_rows(text_report))
    text, pdf = check_verdicts(text_report), check_verdicts(pdf_report)
    fed = {key for key in text | pdf if key[0].startswith(CHECKS_FED_BY_INDICATOR_VALUES)}
    assert {k: v for k, v in pdf.items() if k not in fed} == {k: v for k, v in text.items() if k not in fed}, \
        verdict_differences(text, pdf)
    if fed and pdf != text:  # the PDF route knows more: it placed what the text route could not
        ambiguous = sum(int(text_report.tables[name]["status"].eq("ambiguous").sum())
                        for name in ("indicators", "annex4"))
        placed = sum(int(pdf_report.tables[name]["status"].eq("ambiguous").sum())
                     for name in ("indicators", "annex4"))
        assert ambiguous > 0 and placed < ambiguous

def indicators_score(read: pd.DataFrame, twin) -> tuple[Score, int]:
    """The PDF route's reading of a twin's indicator tables against its truth, and the truth's size."""
    return score(read, twin.indicators, KEYS["indicators"]), len(twin.indicators)


@pytest.fixture(scope="module")
def bundled_by_pdf(bundled_twin):
    """The bundled twin read by the PDF route: its Document and its indicator table."""
    doc = read_source(bundled_twin.path)
    return doc, parse_document(doc).tables["indicators"]


def test_the_bundled_twin_s_indicators_are_all_read_right(bundled_twin, bundled_by_pdf):
    found, expected = indicators_score(bundled_by_pdf[1], bundled_twin)
    assert expected > 300  # the bundled report's indicator tables, every cell
    assert found == Score(right=expected, ambiguous=0, wrong=0, missing=0)


#: A cell's line that reads like a numbered section's heading (« 7 et 8 déc. »).
LIKE_A_HEADING = re.compile(r"^\d+\s+[^\W\d]")


def test_text_cells_wrapped_in_their_column_are_read_whole_with_the_rows_after_them(bundled_twin, bundled_by_pdf):
    """A text cell printed on two lines, its second opening with a number (« Réalisée les » / « 7 et 8 déc. »),
    is one cell, and the table's rows after it are read too (that line is no heading of section 7)."""
    doc, read = bundled_by_pdf
    truth = bundled_twin.indicators
    texts = truth[truth["raw"].str.match(r"^[^\W\d]") & truth["raw"].str.contains(r"\s\d")]
    cut = [n for n in range(1, len(doc.lines) + 1) if doc.place(n) is not None and doc.place(n).table is not None
           and LIKE_A_HEADING.match(doc.line(n)) and any(raw.endswith(doc.line(n).strip()) for raw in texts["raw"])]
    assert cut  # the twin wraps such a cell before its number
    for action in texts["action_id"].unique():
        mine = read[read["action_id"] == action]
        expected = truth[truth["action_id"] == action]
        assert list(zip(mine["indicator"], mine["kind"], mine["raw"])) == \
            list(zip(expected["indicator"], expected["kind"], expected["raw"]))
        assert mine["status"].ne("ambiguous").all()


@pytest.mark.parametrize("make", [lambda text: make_variant(text, 3).text, lambda text: other_departement(text).text],
                         ids=["next-year-variant-3", "other-departement"])
def test_a_variant_s_indicators_are_all_read_right(make, tmp_path):
    twin = render_twin(make(bundled_text()), tmp_path / "variant.pdf")
    found, expected = indicators_score(parse_document(read_source(twin.path)).tables["indicators"], twin)
    assert expected > 200
    assert found == Score(right=expected, ambiguous=0, wrong=0, missing=0)


def test_the_bundled_twin_s_annex4_values_are_all_read_right_where_the_text_leaves_some_ambiguous(
        bundled_twin, bundled_report, checks_twin_report):
    columns = KEYS["annex4"]
    by_pdf = score(checks_twin_report.tables["annex4"].rename(columns={"indicator": "label"}), bundled_twin.annex4,
                   columns)
    by_text = score(bundled_report.tables["annex4"].rename(columns={"indicator": "label"}), bundled_twin.annex4,
                    columns)
    assert by_pdf == Score(right=len(bundled_twin.annex4), ambiguous=0, wrong=0, missing=0)
    assert by_text.ambiguous > 0 and by_text.wrong == 0  # what the PDF settles, the text could not


def test_the_tables_of_a_report_read_from_its_pdf_come_with_the_text_their_lines_number(
        tmp_path, bundled_report, checks_twin_report):
    from calpae_lib.publish.processed import EXTRACTED_PLACES, EXTRACTED_TEXT, write_extracted_text

    assert write_extracted_text(checks_twin_report, tmp_path) == [tmp_path / EXTRACTED_TEXT,
                                                                   tmp_path / EXTRACTED_PLACES]
    lines = (tmp_path / EXTRACTED_TEXT).read_text(encoding="utf-8").split("\n")
    places = pd.read_csv(tmp_path / EXTRACTED_PLACES).set_index("ligne")
    indicators = checks_twin_report.tables["indicators"]
    for _, row in indicators[indicators["status"] == "ok"].head(40).iterrows():
        line = int(row["source_line"])
        assert row["raw"].split()[0] in lines[line - 1]  # the line the table cites holds it...
        assert places.loc[line, "page"] == checks_twin_report.doc.place(line).page  # ...printed on that page
        assert places.loc[line, "tableau"] > 0  # in a table's cell
    assert write_extracted_text(bundled_report, tmp_path / "texte") == []  # a text report: its own file


def test_a_twin_whose_tables_the_grid_cannot_read_gives_no_value_placed_wrong(bundled_twin, bundled_by_pdf):
    """The text route's rules misread the PDF's text (tried: a quarter of what they placed was wrong), so where
    the grid is withheld from every table, every value is ambiguous: none certain and wrong."""
    from unittest import mock

    with mock.patch("calpae_lib.tables.indicators.sheets.table_grid", return_value=None):
        read = parse_document(bundled_by_pdf[0]).tables["indicators"]
    found = score(read, bundled_twin.indicators, KEYS["indicators"])
    assert found.right == 0 and found.wrong == 0 and found.ambiguous == len(read)
    assert read["measure_status"].eq("ambiguous").all()
