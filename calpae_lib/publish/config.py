"""Paths of the project, defined once and derived from this file's location."""

from __future__ import annotations

import os
from pathlib import Path

from calpae_lib.publish.rawfiles import refuse_text_beside_pdf, reports_in_folder

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
PROCESSED_DIR = DATA_DIR / "processed"
OUTPUT_DIR = PROJECT_ROOT / "output"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
#: The names of the bundled reports, their text (``calpae_*.txt``) or their PDF (``calpae_*.pdf``).
RAW_STEM = "calpae_*"
RAW_PATTERN = f"{RAW_STEM}.txt"
RAW_PDF_PATTERN = f"{RAW_STEM}.pdf"
#: Reference figures from other sources (DREES's OARSA workbooks, national landmarks): see its README.
REFERENCE_DIR = DATA_DIR / "reference" / "drees"

# The two folders below can be moved through the environment; it is read at each call, so that
# setting it after import takes effect (the notebooks' kernels inherit it).


def raw_dir() -> Path:
    """The bundled reports; ``CALPAE_RAW_DIR`` moves it (the tests see only the report they are written
    against)."""
    return Path(os.environ.get("CALPAE_RAW_DIR") or DATA_DIR / "raw")


def cache_dir() -> Path:
    """Results kept between runs (parsed reports, tables, notebooks' HTML); ``CALPAE_CACHE_DIR`` moves it.

    A folder, or a path where one can be made: a file in the way is the user's to move.
    """
    folder = Path(os.environ.get("CALPAE_CACHE_DIR") or PROJECT_ROOT / ".calpae-cache")
    existing = next((p for p in (folder, *folder.parents) if os.path.lexists(p)), None)
    if existing is not None and not existing.is_dir():
        from calpae_lib.errors import UsageError, printable

        raise UsageError(f"c'est un fichier, pas un dossier : le cache de calpae ({printable(folder)}) ne peut pas y être "
                         "créé ; faites pointer CALPAE_CACHE_DIR vers un dossier.", path=existing)
    return folder


def bundled_reports() -> list[Path]:
    """The raw reports shipped in ``data/raw/`` (texts and PDFs), sorted by name; the text and the PDF of
    one report there are refused (:func:`calpae_lib.publish.rawfiles.refuse_text_beside_pdf`)."""
    found = reports_in_folder(raw_dir(), RAW_STEM)
    refuse_text_beside_pdf(found)
    return found


def processed_dir_for(year: int) -> Path:
    """Default folder of the tidy tables of one year's report."""
    return PROCESSED_DIR / str(year)


def output_dir_for(year: int) -> Path:
    """Default folder of the HTML reports of one year's report."""
    return OUTPUT_DIR / str(year)


def reference_files() -> tuple[Path | None, Path | None]:
    """The OARSA workbook to read (the latest by name, so that a later wave dropped beside the first is the
    one read) and the national landmarks, in :data:`REFERENCE_DIR`; ``None`` for what is not there."""
    workbooks = sorted(REFERENCE_DIR.glob("oarsa_*.xlsx"))
    landmarks = REFERENCE_DIR / "reperes_nationaux.csv"
    return (workbooks[-1] if workbooks else None), (landmarks if landmarks.is_file() else None)
