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
    tables["checks"] = build_checks(tables, doc, meta)  # keep last: the checks read every table above
    validate_parsed(tables, doc)
    return tables


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
    """Parse a document already read."""
    meta = read_metadata(doc)
    return ParsedReport(doc=doc, meta=meta, tables=build_tables(doc, meta))


def parse_report(path: str | Path) -> ParsedReport:
    """Read and parse a raw report file."""
    return parse_document(read_report(path))
