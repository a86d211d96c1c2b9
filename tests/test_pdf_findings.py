"""The findings of a report read from its PDF cite pages, not lines: no « Ligne » column is left in them,
nor among the columns their table aligns as numbers."""

from __future__ import annotations

from calpae_lib.pdf import read_source
from calpae_lib.pipeline import parse_document
from calpae_lib.present.findings import checks_table
from calpae_lib.present.views import LINE, PAGE


def test_the_findings_of_a_pdf_read_report_cite_pages_and_align_no_line(bundled_twin, bundled_report):
    by_pdf = checks_table(parse_document(read_source(bundled_twin.path)))
    assert PAGE in by_pdf.frame.columns and LINE not in by_pdf.frame.columns
    assert set(by_pdf.numeric) <= set(by_pdf.frame.columns) and LINE not in by_pdf.numeric
    assert by_pdf.frame[PAGE].str.fullmatch(r"(p.\u00a0\d+)?").all()
    by_text = checks_table(bundled_report)
    assert LINE in by_text.frame.columns and by_text.numeric == [LINE] and PAGE not in by_text.frame.columns


def test_a_blank_line_of_a_pdf_read_report_is_on_the_page_of_the_printed_line_before_it(bundled_twin):
    doc = read_source(bundled_twin.path)
    blank = next(n for n in range(2, len(doc.lines)) if doc.place(n) is None and doc.place(n - 1) is not None)
    assert doc.page(blank) == doc.place(blank - 1).page and doc.page(blank - 1) == doc.place(blank - 1).page
