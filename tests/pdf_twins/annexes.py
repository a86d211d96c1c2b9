"""The annexes of a twin (first version: the annex lines as prose).

The engineer of branch wt-annexes replaces this module with ruled annex budget
tables and the landscape Annexe 4; the signature stays.
"""

from __future__ import annotations

from tests.pdf_twins.model import TableTruth, TwinContext
from tests.pdf_twins.flowables import prose_flowables


def annex_flowables(ctx: TwinContext, start: int, end: int) -> tuple[list, list[TableTruth]]:
    """The flowables printing lines ``start`` to ``end`` (inclusive, 1-based) and the tables they print.

    This first version prints every line as prose and no table.
    """
    return prose_flowables(ctx, start, end), []
