"""The declared page list is what gets planned and linked: no page name lives anywhere else."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from calpae_lib.analysis import axes
from calpae_lib.publish import config, pagelist
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish.planning import COMPARISON_NOTEBOOK

from .variants import BUNDLED

#: A link from a notebook's text or code to another page of its folder.
PAGE_LINK = re.compile(r"(?<![\w/.:-])([\w-]+)\.html\b")


def test_every_declared_notebook_is_in_the_notebooks_folder():
    for spec in (*pagelist.REPORT_PAGES, pagelist.COMPARISON_PAGE):
        assert (config.NOTEBOOKS_DIR / spec.notebook).is_file(), spec
    assert COMPARISON_NOTEBOOK == pagelist.COMPARISON_PAGE.notebook


def test_notebooks_link_only_to_declared_pages():
    linked = set()
    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            linked |= set(PAGE_LINK.findall(cell.source))
    assert linked  # the synthesis and its annex link to each other
    for name in linked:
        pagelist.href(name)  # raises for an undeclared page


def test_undeclared_page_cannot_be_linked():
    with pytest.raises(KeyError, match="synthese_v2"):
        pagelist.href("synthese_v2")


def test_plan_follows_the_declared_order_and_leaves_out_a_missing_optional_page(bundled_report, tmp_path):
    for spec in pagelist.REPORT_PAGES:
        shutil.copy(config.NOTEBOOKS_DIR / spec.notebook, tmp_path / spec.notebook)
    optional = next(spec for spec in pagelist.REPORT_PAGES if spec.optional)
    (tmp_path / optional.notebook).unlink()
    jobs = publish.plan_jobs(bundled_report, BUNDLED, tmp_path)
    expected = [pagelist.page_name(spec, key) for spec in pagelist.REPORT_PAGES if spec is not optional
                for key in (axes.axes_present(bundled_report) if spec.per == pagelist.BY_AXIS else [""])]
    assert [job.name for job in jobs] == expected
    assert all(job.notebook.parent == tmp_path for job in jobs)
    assert {job.parameters["year"] for job in jobs} == {bundled_report.meta.year}
