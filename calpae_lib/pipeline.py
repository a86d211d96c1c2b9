"""4. From a raw report to its tidy tables and checks: the parsing half of calpae.

Each structure is read once, by one function of one module; this module only
runs them in order and keeps what they read in :class:`ParsedReport`, so that
the checks, the analyses and the notebooks read it instead of parsing again.
Writing the tables is publishing's part (:mod:`calpae_lib.publish.processed`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from calpae_lib.pdf import read_source
from calpae_lib.tables.annex4 import Annex4Notes
from calpae_lib.tables.annex_budget import AnnexTable, annex_header_years, annex_table, parse_annex
from calpae_lib.tables.budgets import ExecutedHeader, budget_tables, parse_budgets
from calpae_lib.tables.claims import (
    Claim,
    CommentShare,
    PercentStatement,
    comment_shares,
    percent_statements,
    read_claims,
)
from calpae_lib.text.dates import PrintedDate, printed_dates
from calpae_lib.text.metadata import ReportMetadata, read_metadata
from calpae_lib.text.outline import Outline, actions_table, parse_outline
from calpae_lib.text.reading import Document


@dataclass(frozen=True)
class ParsedReport:
    """A report's document and identity, the structures read from it, and its tidy tables.

    ``outline``: volets, axes and actions with their lines; ``sheet_headers``:
    the sheets' 5.2 column headers; ``annex``: the annex budget tables;
    ``annex4_columns``, ``annex4_comments`` and ``annex4_notes``: Annexe 4's
    column headers, comment lines and what they state (:mod:`calpae_lib.tables.annex4`); ``claims``: the figures the
    rapport states, ``stated_percentages``: percentages stated in words with
    their counts, ``comment_shares``: the shares the indicator tables' comments
    state (:mod:`calpae_lib.tables.claims`); ``dates``: the dates printed
    (:mod:`calpae_lib.text.dates`). Plain data only, so that the result store
    keeps it as JSON; built once, complete (checks included), never changed.
    """

    doc: Document
    meta: ReportMetadata
    outline: Outline
    sheet_headers: tuple[ExecutedHeader, ...]
    annex: tuple[AnnexTable, ...]
    annex4_columns: pd.DataFrame
    annex4_comments: pd.DataFrame
    annex4_notes: Annex4Notes
    claims: tuple[Claim, ...]
    stated_percentages: tuple[PercentStatement, ...]
    dates: tuple[PrintedDate, ...]
    comment_shares: dict[str, tuple[CommentShare, ...]]
    tables: dict[str, pd.DataFrame]

    @property
    def structures(self) -> dict:
        """What the checks compare besides the tables (:data:`calpae_lib.checks.engine.STRUCTURES`)."""
        return {"outline": self.outline, "sheet_headers": self.sheet_headers,
                "annex_headers": annex_header_years(list(self.annex)), "claims": self.claims,
                "stated_percentages": self.stated_percentages, "dates": self.dates,
                "comment_shares": self.comment_shares,
                "annex4_comments": self.annex4_comments, "annex4_notes": self.annex4_notes}


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
    """Parse a document already read: every structure once, then the tables and the checks.

    An error met on the way names the document's file, whichever reader raised it, and, for a
    report read from its PDF, the printed page rather than a line of the text calpae extracted (a
    failed run publishes nothing: that text is not there to look in)."""
    from calpae_lib.errors import CalpaeError

    try:
        return read_document(doc)
    except CalpaeError as error:
        page = doc.page(error.line) if error.line is not None else None
        if page is not None:
            error.on_page(page)
        raise error.in_file(doc.path) from None


def read_document(doc: Document) -> ParsedReport:
    from calpae_lib.checks.engine import build_checks
    from calpae_lib.tables.annex4 import annex4_columns, annex4_comments, annex4_notes, annex4_table, read_pages
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
    columns, comments = annex4_columns(pages), annex4_comments(pages)
    read = ParsedReport(doc, meta, outline, budgets.headers, tuple(annex), columns, comments,
                        annex4_notes(columns, comments), read_claims(doc, outline.volets), percent_statements(doc),
                        printed_dates(doc), comment_shares(tables), dict(tables))
    # last: the checks compare what was read; the report is built once, with them
    report = replace(read, tables={**tables, "checks": build_checks(tables, doc, meta, read.structures)})
    validate_parsed(report.tables, doc)
    return report


def parse_report(path: str | Path) -> ParsedReport:
    """Read and parse a raw report file, its text or its PDF."""
    return parse_document(read_source(path))
