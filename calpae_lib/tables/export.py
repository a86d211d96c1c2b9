"""Writing the tidy tables: CSV files and one Excel workbook.

Callers write them into a staging folder (:mod:`calpae_lib.publish.atomic`) that is
moved into place only once complete.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

WORKBOOK_NAME = "calpae.xlsx"


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write each table as ``<name>.csv`` and all as sheets of one workbook."""
    written = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    workbook = folder / WORKBOOK_NAME
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    written.append(workbook)
    return written


def read_tables(folder: Path, names) -> dict[str, pd.DataFrame]:
    """Read back the CSV tables written by :func:`write_tables`."""
    return {name: pd.read_csv(Path(folder) / f"{name}.csv", keep_default_na=False, na_values=[""])
            for name in names}
