"""The PDF route on the PDF twins (issue 30): every indicator cell read right from the PDF.

The twin's truth says which cells each indicator table printed, in which column; the PDF route,
read through ``calpae_lib.pdf.read_source``, must give each of them back placed in its column:
no value left ambiguous, none wrong, none missing (:func:`tests.pdf_twins.scorecard.score`).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from calpae_lib.pdf import read_source
from calpae_lib.pipeline import parse_document

from .nextyear import make_variant, other_departement
from .pdf_twins.render import render_twin
from .pdf_twins.scorecard import KEYS, Score, score
from .variants import bundled_text


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
