"""4. From a raw report to its tidy tables and checks: the parsing half of calpae.

Each structure is read once, by one function of one module; this module only
runs them in order and keeps what they read in :class:`ParsedReport`, so that
the checks, the analyses and the notebooks read it instead of parsing again.
Writing the tables is publishing's part (:mod:`calpae_lib.publish.processed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from calpae_lib.tables.annex_budget import AnnexTable, annex_header_years, annex_table, parse_annex
from calpae_lib.tables.budgets import ExecutedHeader, budget_tables, parse_budgets
from calpae_lib.text.metadata import ReportMetadata, read_metadata
from calpae_lib.text.outline import Outline, actions_table, parse_outline
from calpae_lib.text.reading import Document, read_report


@dataclass
class ParsedReport:
    """A report's document and identity, the structures read from it, and its tidy tables.

    ``outline``: volets, axes and actions with their lines; ``sheet_headers``:
    the sheets' 5.2 column headers; ``annex``: the annex budget tables;
    ``annex4_columns`` and ``annex4_comments``: Annexe 4's column headers and
    comment lines (:mod:`calpae_lib.tables.annex4`). Plain data only, so that
    the result store keeps it as JSON.
    """

    doc: Document
    meta: ReportMetadata
    outline: Outline
    sheet_headers: tuple[ExecutedHeader, ...]
    annex: tuple[AnnexTable, ...]
    annex4_columns: pd.DataFrame
    annex4_comments: pd.DataFrame
    tables: dict[str, pd.DataFrame]

    @property
    def structures(self) -> dict:
        """What the checks compare besides the tables (:data:`calpae_lib.checks.engine.STRUCTURES`)."""
        return {"outline": self.outline, "sheet_headers": self.sheet_headers,
                "annex_headers": annex_header_years(list(self.annex)),
                "annex4_columns": self.annex4_columns, "annex4_comments": self.annex4_comments}


def validate_parsed(tables: dict[str, pd.DataFrame], doc: Document) -> None:
    """Validate the tables; a table left empty because its block was never found is the input's fault.

    A truncated report (Annexe 4 cut off) yields an empty table that breaks its
    schema: the user is told the report seems incomplete, not asked to mend calpae.
    """
    from calpae_lib.errors import InputError, SchemaError
    from calpae_lib.tables.schemas import validate_tables

    try:
        validate_tables(tables)
    except SchemaError:
        empty = [name for name, frame in tables.items() if frame.empty]
        if not empty:
            raise
        raise InputError(f"aucune donnée lue pour {', '.join(empty)} : le rapport semble tronqué ou incomplet "
                         f"(il s'arrête à la ligne {len(doc.lines)}) ; donnez le rapport entier.",
                         path=doc.path) from None


def parse_document(doc: Document) -> ParsedReport:
    """Parse a document already read: every structure once, then the tables and the checks."""
    from calpae_lib.checks.engine import build_checks
    from calpae_lib.tables.annex4 import annex4_columns, annex4_comments, annex4_table, read_pages
    from calpae_lib.tables.indicators.sheets import indicators_table

    meta = read_metadata(doc)
    outline = parse_outline(doc)
    budgets = parse_budgets(doc, outline)
    annex = parse_annex(doc, outline)
    pages = read_pages(doc)
    tables = {"actions": actions_table(outline), **budget_tables(budgets), "annex_budget": annex_table(annex)}
    tables["indicators"] = indicators_table(doc, outline)
    tables["actions"]["has_indicators"] = tables["actions"]["action_id"].isin(tables["indicators"]["action_id"])
    tables["annex4"] = annex4_table(doc, tables["indicators"], pages)  # sheets help place short rows
    report = ParsedReport(doc, meta, outline, budgets.headers, tuple(annex), annex4_columns(pages),
                          annex4_comments(pages), tables)
    tables["checks"] = build_checks(tables, doc, meta, report.structures)  # last: the checks read every table
    validate_parsed(tables, doc)
    return report


def parse_report(path: str | Path) -> ParsedReport:
    """Read and parse a raw report file."""
    return parse_document(read_report(path))
