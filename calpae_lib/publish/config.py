"""Paths of the project, defined once and derived from this file's location."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
#: The bundled reports; ``CALPAE_RAW_DIR`` moves it (the tests see only the report they are written against).
RAW_DIR = Path(os.environ.get("CALPAE_RAW_DIR") or DATA_DIR / "raw")
PROCESSED_DIR = DATA_DIR / "processed"
OUTPUT_DIR = PROJECT_ROOT / "output"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
#: Results kept between runs (parsed reports, tables, notebooks' HTML); ``CALPAE_CACHE_DIR`` moves it
#: (the notebooks' kernels inherit it).
CACHE_DIR = Path(os.environ.get("CALPAE_CACHE_DIR") or PROJECT_ROOT / ".calpae-cache")

RAW_PATTERN = "calpae_*.txt"


def bundled_reports() -> list[Path]:
    """The raw reports shipped in ``data/raw/``, sorted by name."""
    return sorted(RAW_DIR.glob(RAW_PATTERN))


def processed_dir_for(year: int) -> Path:
    """Default folder of the tidy tables of one year's report."""
    return PROCESSED_DIR / str(year)


def output_dir_for(year: int) -> Path:
    """Default folder of the HTML reports of one year's report."""
    return OUTPUT_DIR / str(year)
