"""Identical inputs and environment give identical outputs (issue 17).

Two publications of the bundled report, each from an empty result store,
must give byte-identical tables and identical HTML once the one line meant to
change, the production date, is set aside. A failing notebook kept for
inspection is the same file from one run to the next.
"""

from __future__ import annotations

import datetime
import re
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from calpae_lib.errors import NotebookError
from calpae_lib.publish import batch
from calpae_lib.publish import notebooks as publish

from .conftest import run_calpae
from .tiny_notebooks import write_tiny_notebooks
from .variants import BUNDLED

FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre")


def production_date_pattern(day: datetime.date) -> re.Pattern:
    """A line giving ``day`` as ISO (2026-12-01), French numeric (01/12/2026) or written (1er décembre 2026)."""
    spelled = rf"(?<!\d){day.day}(?:er)?\s+{FRENCH_MONTHS[day.month - 1]}\s+{day.year}"
    return re.compile(rf"^.*(?:{day.isoformat()}|{day:%d/%m/%Y}|{spelled}).*$", re.MULTILINE)


def clock() -> datetime.datetime:
    """Now, in UTC (a test sets the clock here)."""
    return datetime.datetime.now(datetime.timezone.utc)


def production_days() -> tuple[datetime.date, datetime.date]:
    """The days a page made today may carry: the pages give their date in UTC
    (:func:`calpae_lib.publish.pages.produced_at`), whatever the machine's time zone and hour;
    yesterday too, since a run may straddle midnight."""
    today = clock().date()
    return today - datetime.timedelta(days=1), today


def without_production_date(page: str) -> str:
    for day in production_days():
        page = production_date_pattern(day).sub("<date de production>", page)
    return page


@pytest.fixture(scope="module")
def second_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("second")
    result = run_calpae("run", "--out", folder / "out", "--jobs", "2", store=folder / "store")
    assert result.returncode == 0, result.stderr
    return folder / "out"


def test_production_date_line_is_recognised():
    day = datetime.date(2031, 3, 1)
    page = "a\n<footer>Produit le 1er mars 2031 par calpae</footer>\nb"
    assert production_date_pattern(day).sub("X", page) == "a\nX\nb"
    assert production_date_pattern(day).sub("X", "le 11 mars 2031") == "le 11 mars 2031"


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Kiritimati", "UTC"])
@pytest.mark.parametrize("hour", [0, 7, 12, 23])
def test_the_production_date_is_found_whatever_the_time_zone_and_the_hour(monkeypatch, zone, hour):
    """West of UTC, between midnight UTC and local midnight, the local date is the day before the
    pages' (issue 27): the date set aside is the pages' own, in UTC."""
    import time

    from calpae_lib.publish.pages import produced_at

    now = datetime.datetime(2026, 12, 7, hour, 30, tzinfo=datetime.timezone.utc)
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    monkeypatch.setattr(sys.modules[__name__], "clock", lambda: now)
    try:
        page = f"<p>a</p>\n<footer>Produit le {produced_at(now)}</footer>\n"
        assert without_production_date(page) == "<p>a</p>\n<date de production>\n"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_two_runs_give_byte_identical_csv_tables(bundled_out, second_run):
    first = sorted((bundled_out[0] / publish.TABLES_DIR).glob("*.csv"))
    assert first
    for path in first:
        assert path.read_bytes() == (second_run / publish.TABLES_DIR / path.name).read_bytes(), path.name


def test_two_runs_give_a_byte_identical_workbook(bundled_out, second_run):
    name = f"{publish.TABLES_DIR}/calpae.xlsx"
    assert (bundled_out[0] / name).read_bytes() == (second_run / name).read_bytes()


def test_two_runs_give_identical_html_but_for_the_production_date(bundled_out, second_run):
    pages = sorted(bundled_out[0].glob("*.html"))
    assert len(pages) > 1
    for page in pages:
        first, second = (without_production_date(p.read_text(encoding="utf-8")) for p in (page, second_run / page.name))
        assert first == second, page.name


def test_png_charts_carry_no_version_or_date(bundled_out):
    import base64

    page = (bundled_out[0] / "synthese.html").read_text(encoding="utf-8")
    images = [base64.b64decode(data) for data in re.findall(r"data:image/png;base64,([^\"]+)", page)]
    assert images
    for image in images:
        assert b"tEXt" not in image and b"tIME" not in image and b"Matplotlib" not in image


def test_a_failing_notebook_is_kept_identically_by_two_runs(tmp_path):
    notebooks = write_tiny_notebooks(tmp_path / "carnets")
    node = nbformat.read(notebooks / "synthese.ipynb", as_version=4)
    node.cells.append(new_code_cell("1 / 0"))
    nbformat.write(node, notebooks / "synthese.ipynb")
    kept = []
    for attempt in ("a", "b"):
        with pytest.raises(NotebookError):
            batch.run_reports([BUNDLED], out=tmp_path / "out", workers=2, notebooks_dir=notebooks,
                              store_dir=tmp_path / f"store-{attempt}")
        kept.append({p.name: p.read_bytes() for p in sorted((tmp_path / "out.echec").glob("*.ipynb"))})
    assert "synthese.ipynb" in kept[0]
    assert kept[0] == kept[1]
