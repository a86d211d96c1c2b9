"""Finding a report and loading its parsed tables, once per raw file.

Notebooks and ``calpae run`` both call :func:`open_report`. The parsed report
is stored under a key made of the raw file's SHA-256 and the library's
fingerprint (:mod:`calpae_lib.publish.store`): when neither changed, the tables are
read back instead of parsing the report again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import pandas as pd

from calpae_lib.errors import CalpaeError, UsageError
from calpae_lib.pdf import is_pdf, read_source
from calpae_lib.pipeline import ParsedReport, parse_report
from calpae_lib.publish import config, records
from calpae_lib.publish.rawfiles import expand_raw_paths, reports_in_folder
from calpae_lib.publish.store import (
    ResultStore,
    digest_of,
    library_fingerprint,
)
from calpae_lib.tables.references import LANDMARK_COLUMNS, OARSA_COLUMNS, read_landmarks, read_oarsa
from calpae_lib.text.metadata import ReportMetadata, read_metadata
from calpae_lib.text.reading import check_raw_file, read_raw

def parsed_store_dir() -> Path:
    """Where parsed reports are kept, as plain JSON (:mod:`calpae_lib.publish.records`), under their key (raw file digest + library)."""
    return config.cache_dir() / "parsed"


def bundled_years() -> dict[int, Path]:
    """The bundled raw reports by the year each one states in its title."""
    return {report_metadata(path).year: path for path in config.bundled_reports()}


def report_metadata(path: Path) -> ReportMetadata:
    """The year, Département and deliberation a raw report states. A text's are read from its text (a tenth
    of a second); a PDF's from its parse, stored (:func:`load_report`), so that a PDF is read once, not each
    time a notebook looks for a report."""
    if is_pdf(path):
        return load_report(path).meta
    return read_metadata(read_source(path))


def resolve_raw(year: int | None = None, raw_path: str | Path | None = None) -> Path:
    """The raw report to use: ``raw_path`` if given, else the bundled report of ``year``.

    >>> resolve_raw(raw_path="/nonexistent/report.txt")
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: /nonexistent/report.txt: fichier introuvable : donnez le chemin d'un rapport CALPAE (texte ou PDF).
    """
    if raw_path:
        path = Path(raw_path)
        check_raw_file(path)
        return path
    available = bundled_years()
    if not available:
        raise UsageError(f"aucun rapport fourni dans {config.raw_dir()} : donnez un rapport avec --raw.")
    if year is None:
        return available[max(available)]
    if year not in available:
        known = ", ".join(str(y) for y in sorted(available))
        raise UsageError(f"aucun rapport fourni pour l'année {year} (années fournies : {known}) : "
                         "donnez le rapport avec --raw.")
    return available[year]


def parsed_key(raw_path: Path) -> str:
    """Key of a parsed report: the raw file's bytes and the library's source.

    >>> parsed_key(Path("/nonexistent/report.txt"))
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: /nonexistent/report.txt: fichier introuvable : donnez le chemin d'un rapport CALPAE (texte ou PDF).
    """
    return key_of_raw(hashlib.sha256(read_raw(raw_path)).hexdigest())


def key_of_raw(raw_sha256: str) -> str:
    """:func:`parsed_key` of a raw file whose bytes have this SHA-256."""
    return digest_of("parsed", raw_sha256, library_fingerprint())


def load_report(raw_path: str | Path, store_dir: Path | None = None, refresh: bool = False) -> ParsedReport:
    """The parsed report of ``raw_path``, read from the store when already parsed.

    ``refresh`` parses again even when stored. A stored report parsed from a
    copy of the same bytes elsewhere is given the path asked for. A stored
    report must say it was read from bytes of the raw file's SHA-256; one of
    another shape, or read from other bytes, is reported, removed and parsed
    again.
    """
    raw_path = Path(raw_path)
    store = ResultStore(store_dir or parsed_store_dir())
    raw_sha256 = hashlib.sha256(read_raw(raw_path)).hexdigest()
    key = key_of_raw(raw_sha256)
    stored = None if refresh else store.get_bytes(key)
    if stored is not None:
        try:
            report = records.loads(stored, ParsedReport)
            if report.doc.sha256 != raw_sha256:
                raise records.RecordError(f"lu d'un autre fichier (SHA-256 {report.doc.sha256[:12]}…, "
                                          f"attendu {raw_sha256[:12]}…)")
            return dataclasses.replace(report, doc=dataclasses.replace(report.doc, path=raw_path))
        except records.RecordError as error:  # intact but of another shape or source: replaced
            store.on_damage(store.path_for(key), str(error))
            store.discard(store.path_for(key))
    report = parse_report(raw_path)
    store.put_bytes(key, records.dumps(report))
    return report


def check_year(report: ParsedReport, year: int | None) -> None:
    """Refuse a requested year that contradicts the report's own year."""
    if year and year != report.meta.year:
        raise UsageError(
            f"le rapport {report.doc.path.name} est celui de l'année {report.meta.year} "
            f"(ligne {report.meta.year_line}), pas de {year} : retirez --year ou donnez le rapport de {year}."
        )


def open_report(year: int | None = None, raw_path: str | Path | None = None) -> ParsedReport:
    """Resolve, load and check a report: what every notebook calls first."""
    report = load_report(resolve_raw(year, raw_path))
    check_year(report, year)
    return report


def open_reports(raw_paths: str = "") -> list:
    """The reports named in ``raw_paths`` (separated by ``os.pathsep``, or folders), oldest first.

    Empty: the bundled reports of ``data/raw/``. All must be of one département.
    """
    items = [item for item in raw_paths.split(os.pathsep) if item.strip()] if raw_paths else []
    paths = expand_raw_paths(items) if items else config.bundled_reports()
    reports = sorted((load_report(Path(p)) for p in paths), key=lambda r: r.meta.year)
    departements = sorted({r.meta.departement for r in reports})
    if len(departements) > 1:
        raise UsageError(f"rapports de plusieurs départements ({', '.join(departements)}) : "
                         "comparez les années d'un seul département à la fois.")
    return reports


def previous_report(report: ParsedReport) -> ParsedReport | None:
    """The report of the year before ``report``, of the same département, when one sits beside it (in its
    raw file's folder) or among the bundled reports; ``None`` otherwise. A file there that is not a
    readable report is passed over: it is not what was asked for. Each candidate's title is read
    (:func:`report_metadata`), those whose name holds the year sought first, then by name: of the text and
    the PDF of one report, the PDF (the document itself, whose pages are cited exactly)."""
    folder = Path(report.doc.path).resolve().parent
    candidates = dict.fromkeys([*reports_in_folder(folder, config.RAW_STEM),
                                *reports_in_folder(config.raw_dir(), config.RAW_STEM)])
    hinted = str(report.meta.year - 1)  # a name giving the year is read first; every file is still read
    for path in sorted(candidates, key=lambda p: hinted not in p.name):
        if path.resolve() == Path(report.doc.path).resolve():
            continue
        try:
            meta = report_metadata(path)
        except CalpaeError:
            continue
        if meta.year == report.meta.year - 1 and meta.departement == report.meta.departement:
            return load_report(path)
    return None
def open_references(tables=("Tableau B1", "Tableau B9", "Tableau B13")):
    """The reference figures shipped in ``data/reference/drees/`` (:func:`calpae_lib.publish.config.reference_files`):
    ``(oarsa, landmarks)``, the OARSA sheets ``tables`` (all when ``None``) and the national landmarks, each an
    empty table when its file is not there."""
    workbook, landmarks = config.reference_files()
    return (read_oarsa(workbook, tables) if workbook else pd.DataFrame(columns=OARSA_COLUMNS),
            read_landmarks(landmarks) if landmarks else pd.DataFrame(columns=LANDMARK_COLUMNS))
