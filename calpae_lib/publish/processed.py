"""Writing a parsed report's tables folder: CSV, workbook and their provenance, atomically."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from calpae_lib import __version__
from calpae_lib.pipeline import ParsedReport
from calpae_lib.publish import config
from calpae_lib.publish.atomic import TABLES_MANIFEST, staged_directory
from calpae_lib.tables.export import Provenance, write_tables

#: Written beside the tables: where they come from, and the key they were built under.
SOURCE_MANIFEST = TABLES_MANIFEST

#: Written beside the tables of a report read from its PDF: the text calpae read from it, whose line
#: numbers the tables' ``source_line`` give (the pages cite the PDF's printed page instead).
EXTRACTED_TEXT = "texte_extrait_du_pdf.txt"

#: ... and where each of its lines is printed in the PDF: the page, the position and, in a table, the cell.
EXTRACTED_PLACES = "texte_extrait_du_pdf_places.csv"

#: The columns of :data:`EXTRACTED_PLACES`, in French as the evaluator reads them (points from the page's
#: top-left corner; table, row and column counted as :class:`calpae_lib.text.reading.Place` counts them).
PLACE_COLUMNS = ("ligne", "page", "x_points", "y_points", "tableau", "rangee", "colonne")


def source_manifest(report: ParsedReport, key: str) -> dict:
    """Provenance of a tables folder: the raw file, its checksum, the library, the build key."""
    return {"raw": report.doc.path.name, "sha256": report.doc.sha256, "year": report.meta.year,
            "departement": report.meta.departement, "calpae": __version__, "key": key}


def tables_provenance(report: ParsedReport) -> Provenance:
    """What the workbook's « À lire » sheet says of the tables' source."""
    meta = report.meta
    return Provenance(raw=report.doc.path.name, sha256=report.doc.sha256, year=meta.year,
                      departement=meta.departement, signed=meta.signed, signed_line=meta.signed_line,
                      calpae=__version__)


def rule_labels() -> dict[str, str]:
    """Each check's rule id and its French description, for the workbook's « Contrôles » sheet."""
    from calpae_lib.checks.engine import all_rules
    return {checked.check_id: checked.description for checked in all_rules()}


def chain_tables(report: ParsedReport) -> dict:
    """The RSA orientation chain and its reference figures as tables (:func:`calpae_lib.analysis.orientation.orientation_tables`),
    validated against their schemas; none when Annexe 4 has no chain."""
    from calpae_lib.analysis.orientation import national_context, orientation_chain, orientation_tables
    from calpae_lib.publish.loading import open_references
    from calpae_lib.tables.schemas import validate_tables

    chain = orientation_chain(report)
    if chain.steps.empty:
        return {}
    oarsa, landmarks = open_references()
    tables = orientation_tables(chain, national_context(chain, oarsa, landmarks, report.meta.departement))
    validate_tables(tables)
    return tables


def written_table_names(report: ParsedReport) -> list[str]:
    """The tables a tables folder holds: the report's, then the orientation chain's where Annexe 4 has one."""
    from calpae_lib.analysis.orientation import ORIENTATION_TABLES, chain_steps

    return [*report.tables, *(ORIENTATION_TABLES if not chain_steps(report.tables["annex4"]).empty else ())]


def write_tables_folder(report: ParsedReport, folder: Path) -> list[Path]:
    """The report's tables in ``folder``, with the orientation chain's: CSV (tidy and for Excel) and the workbook;
    for a report read from its PDF, the text read from it too (:func:`write_extracted_text`)."""
    written = write_tables({**report.tables, **chain_tables(report)}, folder, tables_provenance(report),
                           rule_labels())
    return written + write_extracted_text(report, folder)


def write_extracted_text(report: ParsedReport, folder: Path) -> list[Path]:
    """The text calpae read from a report's PDF, one printed line per line, so that the evaluator can open the
    line a table's ``source_line`` gives, and where each line is printed (:data:`EXTRACTED_PLACES`); nothing
    for a text report, whose own file has those lines."""
    if not report.doc.places:
        return []
    text, places = Path(folder) / EXTRACTED_TEXT, Path(folder) / EXTRACTED_PLACES
    text.write_text("\n".join(report.doc.lines) + "\n", encoding="utf-8")
    with places.open("w", encoding="utf-8", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(PLACE_COLUMNS)
        for number, place in enumerate(report.doc.places, start=1):
            if place is not None:
                rows.writerow((number, place.page, round(place.x0, 1), round(place.top, 1),
                               *("" if value is None else value for value in (place.table, place.row, place.column))))
    return [text, places]


def tables_up_to_date(out_dir: Path, key: str) -> bool:
    """Whether ``out_dir`` holds tables built under ``key`` (same raw file, same library)."""
    try:
        manifest = json.loads((Path(out_dir) / SOURCE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(key) and manifest.get("key") == key


def write_report_tables(report: ParsedReport, out_dir: Path | None = None, key: str = "") -> Path:
    """Write the tables of a parsed report to ``out_dir`` (atomically), with their provenance.

    ``out_dir`` must be new, empty or a tables folder calpae wrote, and must not hold the raw file.
    """
    out_dir = Path(out_dir) if out_dir else config.processed_dir_for(report.meta.year)
    with staged_directory(out_dir, SOURCE_MANIFEST, [report.doc.path]) as staging:
        write_tables_folder(report, staging)
        (staging / SOURCE_MANIFEST).write_text(
            json.dumps(source_manifest(report, key), indent=1, ensure_ascii=False), encoding="utf-8")
    return out_dir


def write_comparison_tables(reports: list[ParsedReport], folder: Path) -> list[Path]:
    """The comparison of one département's years as tables in ``folder`` (CSV, workbook, package), validated
    against their schemas first."""
    from calpae_lib.analysis.comparison import comparison_tables
    from calpae_lib.tables.schemas import validate_tables

    reports = sorted(reports, key=lambda r: r.meta.year)
    tables = comparison_tables(reports)
    validate_tables(tables)
    source = Provenance(raw=", ".join(r.doc.path.name for r in reports),
                        sha256=", ".join(r.doc.sha256 for r in reports),
                        year=f"{reports[0].meta.year}-{reports[-1].meta.year}",  # a package name: ASCII
                        departement=reports[0].meta.departement,
                        signed=" ; ".join(r.meta.signed for r in reports if r.meta.signed) or None,
                        signed_line=None, calpae=__version__)
    folder.mkdir(parents=True, exist_ok=True)
    return write_tables(tables, folder, source, rule_labels())
