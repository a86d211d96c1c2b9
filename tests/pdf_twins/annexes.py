"""The annexes of a twin (first version: the annex lines as prose).

The engineer of branch wt-annexes replaces this module with the ruled annex
budget tables and the landscape Annexe 4; the signature stays. What the
renderer offers them:

- ``ctx.report`` (the text route's parse: ``annex``, ``annex4_columns``,
  ``tables["annex_budget"]``, ``tables["annex4"]``), ``ctx.doc``, ``ctx.styles``
  (``cell``, ``cell_header``);
- :class:`tests.pdf_twins.flowables.TruthTable` (set ``table.truth``: it notes
  the pages it is printed on) and :func:`tests.pdf_twins.flowables.cell`
  (a wrapped cell that never cuts a word);
- landscape pages: ``NextPageTemplate(ctx.landscape)`` then ``PageBreak()``;
- a :class:`TableTruth` of kind ``"annex4"`` with ``records`` (columns
  :data:`tests.pdf_twins.model.ANNEX4_COLUMNS`) fills ``Twin.annex4``.
"""

from __future__ import annotations

from tests.pdf_twins.flowables import prose_flowables
from tests.pdf_twins.model import TableTruth, TwinContext


def annex_flowables(ctx: TwinContext, start: int, end: int) -> tuple[list, list[TableTruth]]:
    """The flowables printing lines ``start`` to ``end`` (inclusive, 1-based) and the tables they print.

    This first version prints every line as prose and no table.
    """
    return prose_flowables(ctx, start, end), []
