"""From a raw report to its tidy tables: the parsing half of calpae.

Each table is built by one function of one module; this module only runs
them in order and writes the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config
from .metadata import ReportMetadata, read_metadata
from .reading import Document, read_report
from .tables import staged_directory, write_tables


@dataclass
class ParsedReport:
    """A report's document, identity and tidy tables."""

    doc: Document
    meta: ReportMetadata
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def build_tables(doc: Document, meta: ReportMetadata) -> dict[str, pd.DataFrame]:
    """Run every table builder on a document, in dependency order."""
    from .outline import parse_outline, actions_table

    outline = parse_outline(doc)
    tables = {"actions": actions_table(outline)}
    from .budgets import budget_tables
    tables.update(budget_tables(doc, outline))
    from .annex_budget import annex_table
    tables["annex_budget"] = annex_table(doc, outline)
    from .indicators import indicators_table
    tables["indicators"] = indicators_table(doc, outline)
    from .annex4 import annex4_table
    tables["annex4"] = annex4_table(doc, tables.get("indicators"))  # sheets help place short rows
    from .checks import build_checks
    from .schemas import validate_tables
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


def write_report_tables(report: ParsedReport, out_dir: Path | None = None) -> Path:
    """Write the tables of a parsed report to ``out_dir`` (atomically)."""
    out_dir = Path(out_dir) if out_dir else config.processed_dir_for(report.meta.year)
    with staged_directory(out_dir) as staging:
        write_tables(report.tables, staging)
    return out_dir
