"""What a run publishes and where: one folder (a :class:`Unit`) per report and per département's
comparison across years, each with its notebook jobs (see :mod:`calpae_lib.publish.batch` for the layout)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from calpae_lib.errors import UsageError
from calpae_lib.publish import config, pagelist, pages
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish.naming import slug
from calpae_lib.publish.store import digest_of

COMPARISON_NOTEBOOK = pagelist.COMPARISON_PAGE.notebook
COMPARISON_DIR = "comparaison"


@dataclass(eq=False)
class Unit:
    """One published folder: a report (notebooks, tables, index) or a département's comparison."""

    target: Path
    jobs: list
    #: What every page of the folder shares: navigation, footer (:class:`calpae_lib.publish.pages.PageFrame`).
    frame: pages.PageFrame
    #: Digest of the raw files the notebooks read.
    inputs_digest: str
    report: object | None = None
    reports: tuple = ()
    label: str = ""
    staging: Path | None = None


@dataclass
class Outcome:
    """What became of one notebook of the run."""

    unit: Unit
    job: publish.NotebookJob
    key: str
    executed: bool
    seconds: float = 0.0
    error: str | None = None
    executed_path: Path | None = None
    disk_full: bool = False
    #: Seconds waiting for its kernel, executing its cells, exporting its HTML.
    phases: dict = field(default_factory=dict)


def report_unit(report, target: Path, notebooks_dir: Path, label: str = "", up_href: str = "") -> Unit:
    jobs = publish.plan_jobs(report, report.doc.path, notebooks_dir)
    return Unit(target=target, jobs=jobs, frame=publish.report_frame(report, jobs, up_href),
                inputs_digest=digest_of(report.doc.sha256), report=report, label=label)


def comparison_unit(reports: list, target: Path, notebooks_dir: Path) -> Unit | None:
    """The comparison across years of one département's reports (oldest first), if its notebook exists."""
    notebook = notebooks_dir / COMPARISON_NOTEBOOK
    if not notebook.exists():
        return None
    reports = sorted(reports, key=lambda r: r.meta.year)
    departement = reports[0].meta.departement
    raw_paths = os.pathsep.join(str(Path(r.doc.path).resolve()) for r in reports)
    # the département is the site's and the scope's: the page's own title does not say it again
    spec = pagelist.COMPARISON_PAGE
    job = publish.NotebookJob(spec.name, notebook, {"raw_paths": raw_paths},
                              spec.title.format(first=reports[0].meta.year, last=reports[-1].meta.year))
    frame = pages.PageFrame(site=f"Rapports CALPAE — {departement}", scope=departement,
                            pages=((job.name, job.title),),
                            sources=tuple((r.doc.path.name, r.doc.sha256) for r in reports),
                            calpae=publish.calpae_label(), up_href=f"../../{pages.INDEX_NAME}.html",
                            from_pdf=all(r.doc.places for r in reports))
    return Unit(target=target, jobs=[job], frame=frame,
                inputs_digest=digest_of([r.doc.sha256 for r in reports]), reports=tuple(reports),
                label=f"{departement} · ")


def refuse_duplicates(reports: list) -> None:
    """Two raw files for the same département and year cannot share a folder."""
    seen = {}
    for report in reports:
        identity = (slug(report.meta.departement), report.meta.year)
        if identity in seen:
            raise UsageError(f"deux rapports pour {report.meta.departement} {report.meta.year} : "
                             f"{seen[identity].doc.path} et {report.doc.path} ; n'en donnez qu'un.")
        seen[identity] = report


def plan_units(reports: list, out: Path | None, notebooks_dir: Path) -> tuple[Path, list[Unit]]:
    """Where each report goes and what runs for it (see the module's layout)."""
    if len(reports) == 1:
        report = reports[0]
        target = Path(out) if out else config.output_dir_for(report.meta.year)
        return target, [report_unit(report, target, notebooks_dir)]
    refuse_duplicates(reports)
    root = Path(out) if out else config.OUTPUT_DIR
    units, by_departement = [], {}
    for report in sorted(reports, key=lambda r: (-r.meta.year, slug(r.meta.departement))):
        folder = root / slug(report.meta.departement)
        label = f"{report.meta.year} {report.meta.departement} · "
        units.append(report_unit(report, folder / str(report.meta.year), notebooks_dir, label,
                                 up_href=f"../../{pages.INDEX_NAME}.html"))
        by_departement.setdefault(folder, []).append(report)
    for folder, group in by_departement.items():
        if len(group) > 1:
            unit = comparison_unit(group, folder / COMPARISON_DIR, notebooks_dir)
            units += [unit] if unit else []
    return root, units
