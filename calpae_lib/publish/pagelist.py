"""The pages calpae publishes, declared once: their names, notebooks, parameters, titles and order.

A report's folder holds one page per entry of :data:`REPORT_PAGES`, in that
order (the axis notebook once per axis the report has); a département with
several years also gets :data:`COMPARISON_PAGE`. Planning
(:func:`calpae_lib.publish.notebooks.plan_jobs`), the pages' cross-links
(:func:`href`, which refuses an undeclared page) and the tests read this list.
"""

from __future__ import annotations

from dataclasses import dataclass

from calpae_lib.publish.pages import INDEX_NAME, METHOD_NAME

#: What every page of a report receives: ``year`` and ``raw_path`` (see :func:`report_parameters`).
REPORT = "report"
#: One page per axis present in the report, with its ``axis`` parameter too.
BY_AXIS = "axis"


@dataclass(frozen=True)
class PageSpec:
    """One published page: ``<name>.html`` made by executing ``notebook``."""

    #: The file's name without ``.html``; ``{axis}`` stands for the axis key of a page made per axis.
    name: str
    #: The notebook's file name in the notebooks folder.
    notebook: str
    #: Its title in the navigation (a page per axis is titled by its axis; the comparison by its years).
    title: str
    #: :data:`REPORT` or :data:`BY_AXIS`.
    per: str = REPORT
    #: Planned only when its notebook is in the notebooks folder (else a missing notebook is an error).
    optional: bool = False


#: A report's pages in reading order (after its index).
REPORT_PAGES = (
    PageSpec("synthese", "synthese.ipynb", "Synthèse de la convention"),
    PageSpec("annexe", "annexe.ipynb", "Annexe de la synthèse", optional=True),
    PageSpec("axe_{axis}", "axe.ipynb", "", per=BY_AXIS),
    PageSpec("delais_orientation_rsa", "delais_orientation_rsa.ipynb",
             "Délais d'orientation des allocataires du RSA", optional=True),
)

#: The comparison across years of one département's reports (its parameter: ``raw_paths``).
COMPARISON_PAGE = PageSpec("comparaison_annees", "comparaison_annees.ipynb",
                           "Comparaison des exercices {first}–{last}", optional=True)


def report_parameters(year: int, raw_path: str) -> dict:
    """What every page of a report is executed with."""
    return {"year": year, "raw_path": raw_path}


def page_name(spec: PageSpec, axis: str = "") -> str:
    """
    >>> page_name(REPORT_PAGES[2], "socle-I"), page_name(REPORT_PAGES[0])
    ('axe_socle-I', 'synthese')
    """
    return spec.name.format(axis=axis) if spec.per == BY_AXIS else spec.name


def href(name: str) -> str:
    """The link from one page of a folder to another: only a declared page (or the folder's index or
    method page) can be linked.

    >>> href("annexe")
    'annexe.html'
    >>> href("annex")
    Traceback (most recent call last):
    ...
    KeyError: "aucune page déclarée ne s'appelle 'annex'"
    """
    declared = {spec.name for spec in (*REPORT_PAGES, COMPARISON_PAGE) if spec.per != BY_AXIS}
    declared |= {INDEX_NAME, METHOD_NAME}
    if name not in declared:
        raise KeyError(f"aucune page déclarée ne s'appelle {name!r}")
    return f"{name}.html"
