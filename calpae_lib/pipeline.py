"""4. From a raw report to its tidy tables and checks: the parsing half of calpae.

Each table is built by one function of one module; this module only runs
them in order. Writing the tables is publishing's part
(:mod:`calpae_lib.publish.processed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from calpae_lib.text.metadata import ReportMetadata, read_metadata
from calpae_lib.text.reading import Document, read_report


@dataclass
class ParsedReport:
    """A report's document, identity and tidy tables."""

    doc: Document
    meta: ReportMetadata
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def build_tables(doc: Document, meta: ReportMetadata) -> dict[str, pd.DataFrame]:
    """Run every table builder on a document, in dependency order."""
    from calpae_lib.text.outline import actions_table, parse_outline

    outline = parse_outline(doc)
    tables = {"actions": actions_table(outline)}
    from calpae_lib.tables.budgets import budget_tables
    tables.update(budget_tables(doc, outline))
    from calpae_lib.tables.annex_budget import annex_table
    tables["annex_budget"] = annex_table(doc, outline)
    from calpae_lib.tables.indicators.sheets import indicators_table
    tables["indicators"] = indicators_table(doc, outline)
    tables["actions"]["has_indicators"] = tables["actions"]["action_id"].isin(tables["indicators"]["action_id"])
    from calpae_lib.tables.annex4 import annex4_table
    tables["annex4"] = annex4_table(doc, tables.get("indicators"))  # sheets help place short rows
    from calpae_lib.checks.engine import build_checks
    from calpae_lib.tables.schemas import validate_tables
    tables["checks"] = build_checks(tables, doc, meta)  # keep last: the checks read every table above
    validate_tables(tables)
    return tables


def parse_document(doc: Document) -> ParsedReport:
    """Parse a document already read."""
    meta = read_metadata(doc)
    return ParsedReport(doc=doc, meta=meta, tables=build_tables(doc, meta))


def parse_report(path: str | Path) -> ParsedReport:
    """Read and parse a raw report file."""
    return parse_document(read_report(path))
