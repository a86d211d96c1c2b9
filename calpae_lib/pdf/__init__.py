"""3. A report read from its PDF: words placed on pages, running headers and footers dropped, ruled tables and
tables without rules read as grids, turned into the lines the text route reads, each with its place.

:func:`read_source` reads a raw report whichever its form: a file starting with ``%PDF-`` by
:func:`read_pdf`, any other by the text route (:func:`calpae_lib.text.reading.read_report`).
"""

from calpae_lib.pdf.reading import is_pdf, read_pdf, read_source

__all__ = ["is_pdf", "read_pdf", "read_source"]
