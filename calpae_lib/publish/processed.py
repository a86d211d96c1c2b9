"""Writing a parsed report's tables folder: CSV, workbook and their provenance, atomically."""

from __future__ import annotations

import json
from pathlib import Path

from calpae_lib import __version__
from calpae_lib.pipeline import ParsedReport
from calpae_lib.publish import config
from calpae_lib.publish.atomic import staged_directory
from calpae_lib.tables.export import write_tables

#: Written beside the tables: where they come from, and the key they were built under.
SOURCE_MANIFEST = "source.json"


def source_manifest(report: ParsedReport, key: str) -> dict:
    """Provenance of a tables folder: the raw file, its checksum, the library, the build key."""
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
