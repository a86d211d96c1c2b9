"""From a raw report to its tidy tables: the parsing half of calpae.

Each table is built by one function of one module; this module only runs
them in order and writes the result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config
from .metadata import ReportMetadata, read_metadata
from .reading import Document, read_report
from .atomic import staged_directory
from .tables import write_tables


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


#: Written beside the tables: where they come from, and the key they were built under.
SOURCE_MANIFEST = "source.json"


def source_manifest(report: ParsedReport, key: str) -> dict:
    """Provenance of a tables folder: the raw file, its checksum, the library, the build key."""
    from . import __version__

    return {"raw": report.doc.path.name, "sha256": report.doc.sha256, "year": report.meta.year,
            "departement": report.meta.departement, "calpae": __version__, "key": key}


def tables_up_to_date(out_dir: Path, key: str) -> bool:
    """Whether ``out_dir`` holds tables built under ``key`` (same raw file, same library)."""
    try:
        manifest = json.loads((Path(out_dir) / SOURCE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(key) and manifest.get("key") == key


def write_report_tables(report: ParsedReport, out_dir: Path | None = None, key: str = "") -> Path:
    """Write the tables of a parsed report to ``out_dir`` (atomically), with their provenance."""
    out_dir = Path(out_dir) if out_dir else config.processed_dir_for(report.meta.year)
    with staged_directory(out_dir) as staging:
        write_tables(report.tables, staging)
        (staging / SOURCE_MANIFEST).write_text(
            json.dumps(source_manifest(report, key), indent=1, ensure_ascii=False), encoding="utf-8")
    return out_dir
