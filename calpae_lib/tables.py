"""Writing the tidy tables: CSV files and one Excel workbook, atomically.

Tables are written to a temporary folder beside the destination, then moved
into place, so that a failure never leaves half-overwritten outputs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

WORKBOOK_NAME = "calpae.xlsx"


@contextmanager
def staged_directory(destination: Path):
    """Yield a fresh temporary folder that replaces ``destination`` on success.

    On error, the temporary folder is removed and ``destination`` is untouched.
    """
    staging = staging_dir(destination)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_directory(staging, destination)


def staging_dir(destination: Path, purpose: str = "build") -> Path:
    """A new empty folder beside ``destination``, readable by all like a published folder.

    ``tempfile.mkdtemp`` makes folders private (0700); once swapped into
    place they would hide the published output from a web server or a
    colleague, so the folder is opened up to 0755.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.{purpose}-", dir=destination.parent))
    staging.chmod(0o755)
    return staging


def replace_directory(source: Path, destination: Path) -> None:
    """Move ``source`` to ``destination``, swapping out any previous folder."""
    backup = None
    if destination.exists():
        backup = destination.with_name(f".{destination.name}.old-{os.getpid()}")
        shutil.rmtree(backup, ignore_errors=True)
        destination.rename(backup)
    try:
        source.rename(destination)
    except BaseException:
        if backup is not None:
            backup.rename(destination)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


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
