"""Several reports in one run, skipping work whose inputs did not change.

Layout of a run:

- one report: one HTML file per notebook, ``index.html`` and ``tables/`` in
  ``--out`` (default ``output/<year>/``);
- several reports: each one in ``<out>/<département>/<year>/`` (``<out>``
  defaults to ``output/``), the comparison across years of a département
  that has several in ``<out>/<département>/comparaison/``, and
  ``<out>/index.html`` lists every report published there, newest first.

Work is skipped by key (:mod:`calpae_lib.publish.store`): a parsed report is stored
under the raw file's SHA-256 and the library's fingerprint (shared with the
notebooks, :func:`calpae_lib.publish.loading.load_report`), its tables folder under
the same key, and each notebook's HTML under the notebook file, the library,
the rendering packages, its parameters (with its title and page frame) and the
SHA-256 of the raw files it reads. ``force`` redoes everything.

Parsing and notebooks share one pool of worker processes, started only when
there is work to do. Each folder is built aside and moved into place only when
every notebook of the run succeeded; on failure the executed notebooks are
kept in ``<folder>.echec/`` and the outputs are left as they were.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

from calpae_lib.errors import CalpaeError, NotebookError, OutputError, UsageError, printable
from calpae_lib.present import findings
from calpae_lib.publish import config, kernels, loading, method, pages, provenance
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish.atomic import (RUN_MANIFEST, check_holds_no_input, check_not_nested, check_replaceable,
                                      check_writable_tree, holds_files, lock_or_leftover, output_folder,
                                      output_lock, recover_tree, replace_directory, staging_dir, write_atomically)
from calpae_lib.publish.processed import write_comparison_tables, write_tables_folder
from calpae_lib.publish.rawfiles import expand_raw_paths
from calpae_lib.publish.store import DIGESTS_NAME, ResultStore, digest_of, notebook_key
from calpae_lib.text.formatting import format_number
from calpae_lib.text.reading import fold

COMPARISON_NOTEBOOK = "comparaison_annees.ipynb"
COMPARISON_DIR = "comparaison"
#: Written in each published folder: what produced it (calpae's version and commit, Python and every
#: package's version), which notebook was executed, which reused, and the files the folder holds.
MANIFEST_NAME = RUN_MANIFEST


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


@dataclass
class BatchRun:
    out_dir: Path
    units: list[Unit]
    outcomes: list[Outcome] = field(default_factory=list)
    parsed: int = 0
    seconds: float = 0.0
    #: Wall-clock seconds of the run's steps: start (pool, template, papermill), parse, notebooks
    #: (their last part when parsing started the pool), tables (and index pages: written while the
    #: notebooks run, so part of "notebooks"), swap.
    phases: dict = field(default_factory=dict)

    @property
    def executed(self) -> int:
        return sum(o.executed for o in self.outcomes)

    @property
    def reused(self) -> int:
        return sum(not o.executed for o in self.outcomes)

    def timings(self) -> dict:
        """Where the run's time went: its steps' wall-clock seconds, and the executed notebooks'
        seconds by phase, summed over the notebooks (which run in parallel)."""
        executed = [o for o in self.outcomes if o.executed]
        by_phase = {name: round(sum(o.phases.get(name, 0.0) for o in executed), 3)
                    for name in ("kernel", "execution", "export")}
        return {"seconds": round(self.seconds, 3), "steps": {k: round(v, 3) for k, v in self.phases.items()},
                "notebooks": len(executed), "notebook_phases": by_phase}


# --- which reports ---------------------------------------------------------------------------

#: Longest folder name made from a département's name (file systems refuse names over 255 bytes).
MAX_SLUG = 60


def slug(text: str) -> str:
    """A folder name for a département: lower case, no accents, words joined by hyphens.

    A name longer than :data:`MAX_SLUG` is cut, with a digest of the whole
    name so that two long names that start alike keep two folders.

    >>> slug("Pas-de-Calais"), slug("Côtes-d'Armor"), slug("Seine Saint Denis")
    ('pas-de-calais', 'cotes-d-armor', 'seine-saint-denis')
    >>> len(slug("Nord " * 60)) <= MAX_SLUG
    True
    """
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in fold(text)).split()
    name = "-".join(words) or "departement"
    if len(name) <= MAX_SLUG:
        return name
    return name[:MAX_SLUG - 9].rstrip("-") + "-" + digest_of(name)[:8]


# --- parsing ---------------------------------------------------------------------------------

class LazyPool:
    """A process pool and a kernel template, started when first needed (a run with nothing to do
    starts neither).

    The template (:class:`calpae_lib.publish.kernels.KernelTemplate`) imports what the notebooks
    of ``notebooks_dir`` import while the main process loads papermill and the HTML exporter once
    for all workers, then parses and plans; each worker forks a kernel from the template ahead of
    its first notebook (:func:`warm_worker`).
    """

    def __init__(self, workers: int, notebooks_dir: Path = config.NOTEBOOKS_DIR,
                 template: kernels.KernelTemplate | None = None):
        self.workers, self.notebooks_dir = workers, Path(notebooks_dir)
        self.pool, self.template = None, template
        #: Seconds the start took in the main process (loading papermill and the exporter).
        self.seconds = 0.0

    def start(self) -> None:
        if self.pool is None:
            start = time.perf_counter()
            self.template = self.template or kernels.KernelTemplate.for_notebooks(self.notebooks_dir)
            load_notebook_machinery()  # once, here: the workers are forked with it
            self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=warm_worker,
                                            initargs=(self.template.socket_path, self.notebooks_dir, os.getpid()))
            for _ in range(self.workers):  # workers are spawned on demand: ask for all of them now
                self.pool.submit(int)
            self.seconds = time.perf_counter() - start

    def submit(self, function, *args):
        self.start()
        return self.pool.submit(function, *args)

    def close(self) -> None:
        """Cancel what has not started, wait for what has, stop the template (once)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.template is not None:
            self.template.close()
        self.pool = self.template = None


def warm_worker(template_socket: str, notebooks_dir: Path, parent: int | None = None) -> None:
    """A worker's start: bound to its parent's life, quiet, with what every notebook job needs already
    imported, and a kernel forked ahead for its first notebook."""
    end_with_parent(parent)
    publish.quiet_worker()
    kernels.forget_inherited_event_loop()
    load_notebook_machinery()
    publish.use_kernel_template(template_socket, notebooks_dir)


def load_notebook_machinery() -> None:
    """papermill and the HTML exporter, imported and built (about a second of CPU): in the main
    process before the workers are forked, so that they inherit them."""
    publish.skip_unused_slow_imports()
    import papermill  # noqa: F401

    publish.html_exporter()
    kernels.load_provisioner()


PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int | None) -> None:
    """Have Linux kill this worker when its parent dies (even by SIGKILL); elsewhere, nothing.

    The worker's kernels end with it: ipykernel polls its parent (``JPY_PARENT_PID``).
    """
    if parent is None or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request: nobody will tell us
        os._exit(1)


def is_parsed(path: Path) -> bool:
    return ResultStore(loading.parsed_store_dir()).get(loading.parsed_key(path)) is not None


def parse_reports(paths: list[Path], pool: LazyPool, force: bool) -> tuple[list, int]:
    """Every report parsed (in the pool when several need it) or read back; how many were parsed."""
    todo = [p for p in paths if force or not is_parsed(p)]
    if todo:  # new reports mean notebooks to run: let the workers start meanwhile
        pool.start()
    if len(todo) > 1:
        futures = {pool.submit(loading.load_report, p, None, force): p for p in todo}
        parsed = {futures[f]: f.result() for f in as_completed(futures)}
    else:
        parsed = {p: loading.load_report(p, refresh=force) for p in todo}
    return [parsed.get(p) or loading.load_report(p) for p in paths], len(todo)


# --- planning --------------------------------------------------------------------------------

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
    job = publish.NotebookJob("comparaison_annees", notebook, {"raw_paths": raw_paths},
                              f"Comparaison des exercices {reports[0].meta.year}–{reports[-1].meta.year}")
    frame = pages.PageFrame(site=f"Rapports CALPAE — {departement}", scope=departement,
                            pages=((job.name, job.title),),
                            sources=tuple((r.doc.path.name, r.doc.sha256) for r in reports),
                            calpae=publish.calpae_label(), up_href=f"../../{pages.INDEX_NAME}.html")
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


def job_key(job: publish.NotebookJob, unit: Unit) -> str:
    """What the job's HTML depends on: see :func:`calpae_lib.publish.store.notebook_key`."""
    described = {"parameters": job.parameters, "title": job.title, "frame": asdict(unit.frame)}
    return notebook_key(job.notebook, described, unit.inputs_digest)


# --- running ---------------------------------------------------------------------------------

def run_reports(raw_items=(), out: Path | None = None, year: int | None = None, workers: int | None = None,
                force: bool = False, progress=None, notebooks_dir: Path = config.NOTEBOOKS_DIR,
                store_dir: Path | None = None, timeout: int = publish.CELL_TIMEOUT,
                template: kernels.KernelTemplate | None = None) -> BatchRun:
    """Parse, execute and publish every report of ``raw_items`` (none: the bundled one of ``year``).

    ``template``: a kernel template of ``notebooks_dir`` already started (its imports then overlap
    this module's); the run stops it.
    """
    start = time.perf_counter()
    store_dir = Path(store_dir or config.cache_dir())
    paths = expand_raw_paths(raw_items) if raw_items else [loading.resolve_raw(year, None)]
    if year and len(paths) > 1:
        raise UsageError("--year ne vaut que pour un seul rapport : retirez-le pour en publier plusieurs.")
    pool = LazyPool(workers or os.cpu_count() or 1, notebooks_dir, template)
    mark = time.perf_counter()
    try:
        reports, parsed = parse_reports(paths, pool, force)
        for report in reports:
            loading.check_year(report, year)
        root, units = plan_units(reports, output_folder(out) if out else None, notebooks_dir)
        inputs = [report.doc.path for report in reports]
        check_destinations(root, units, inputs)
        for report in reports:
            if progress:
                progress(f"Rapport {report.meta.year} — {report.meta.departement} ({report.doc.path.name})")
        run = BatchRun(root, units, parsed=parsed)
        run.phases["start"], run.phases["parse"] = pool.seconds, time.perf_counter() - mark - pool.seconds
        with ExitStack() as locks:
            locks.enter_context(output_lock(root))
            held = [unit.target for unit in units if unit.target != root]
            for target in held:  # what a single report's run into one of these folders holds too
                locks.enter_context(output_lock(target))
            check_destinations(root, units, inputs)
            recover_tree(root, held)
            publish_units(run, pool, store_dir, force, timeout, progress)
    finally:
        pool.close()
    run.seconds = time.perf_counter() - start
    return run


def check_destinations(root: Path, units: list[Unit], inputs: list) -> None:
    """Refuse (exit 2, nothing written) any folder of the run that calpae did not make, that holds
    an input or lies inside another output, or that calpae could not write.

    A folder of several reports (``root``) holds no manifest of its own: it must be new, or hold
    nothing but calpae's outputs (see :func:`stray_file`); its ``index.html`` is then calpae's.
    """
    several = bool(root.is_dir() and any(root.glob(f"*/*/{MANIFEST_NAME}")))
    if len(units) == 1 and units[0].target == root:
        if several and not (root / MANIFEST_NAME).exists():
            raise UsageError(f"{root} contient les rapports publiés d'une publication de plusieurs rapports, qu'un "
                             "seul rapport remplacerait : donnez un autre --out, ou tous les rapports.")
        check_replaceable(root, MANIFEST_NAME, inputs)
        return
    check_holds_no_input(root, inputs)
    check_not_nested(root)
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        raise UsageError(f"{root} n'est pas un dossier : donnez un autre --out.")
    if (root / MANIFEST_NAME).exists():
        raise UsageError(f"{root} est la sortie d'un seul rapport, pas un dossier de plusieurs rapports : "
                         "donnez un autre --out.")
    stray = stray_file(root, several)
    if stray is not None:
        raise UsageError(f"{root} contient {stray}, qui n'est pas une sortie de calpae, et recevrait un dossier "
                         "par rapport et un index.html : donnez un dossier nouveau ou vide.")
    if root.exists():
        check_writable_tree(root, depth=1)
    for unit in units:
        check_replaceable(unit.target, MANIFEST_NAME, inputs)


def stray_file(root: Path, several: bool) -> Path | None:
    """The first entry of ``root`` that is not calpae's: calpae's are its locks and leftovers, the
    outputs of single reports (``<root>/<année>/``), the folders by département of several reports,
    and (when there are some) their ``index.html``. Hidden entries (``output/.gitkeep``) are let be:
    a run writes no hidden name there."""
    if not root.is_dir():
        return None
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or (entry.name == f"{pages.INDEX_NAME}.html" and several):
            continue
        if not entry.is_dir() or entry.is_symlink():
            return entry
        if (entry / MANIFEST_NAME).is_file():
            continue
        for inner in sorted(entry.iterdir()):
            if not (lock_or_leftover(inner.name) or (inner.is_dir() and not inner.is_symlink()
                                    and ((inner / MANIFEST_NAME).is_file() or not holds_files(inner)))):
                return inner
    return None


def publish_units(run: BatchRun, pool: LazyPool, store_dir: Path, force: bool, timeout: int, progress) -> None:
    """Build every folder aside, then swap each into place (under the output's lock).

    The tables and the index and method pages are written in this process while the workers
    execute the notebooks: it would otherwise only wait for them.
    """
    stores = {name: ResultStore(store_dir / name) for name in ("html", "tables")}
    for store in stores.values():
        store.clean_stale()
    mark = time.perf_counter()
    try:
        run.outcomes, pending = start_units(run.units, pool, stores["html"], force, timeout, progress)
        tables_mark = time.perf_counter()
        write_unit_pages(run.units, stores["tables"], force)
        provenance_facts = manifest_provenance()  # about 0.1 s (every installed package): read meanwhile too
        run.phases["tables"] = time.perf_counter() - tables_mark
        collect_outcomes(pending, stores["html"], len(run.outcomes), progress)
        failed = [o for o in run.outcomes if o.error]
        if failed:
            raise failure(failed, run.out_dir)
        write_manifests(run.units, run.outcomes, provenance_facts)
        run.phases["notebooks"], mark = time.perf_counter() - mark, time.perf_counter()
    except BaseException:
        pool.close()  # no worker may still be writing into a folder removed here
        for unit in run.units:
            if unit.staging:
                shutil.rmtree(unit.staging, ignore_errors=True)
        raise
    # the top index is made before any folder is swapped in: whatever the other folders' manifests
    # hold, nothing is half-published
    top_index = top_index_html(run.out_dir, run.units) if len(run.units) > 1 or run.units[0].target != run.out_dir \
        else None
    for unit in run.units:
        replace_directory(unit.staging, unit.target)
    if top_index is not None:
        write_atomically(run.out_dir / "index.html", top_index)
    run.phases["swap"] = time.perf_counter() - mark


def start_units(units: list[Unit], pool: LazyPool, store: ResultStore, force: bool, timeout: int,
                progress=None) -> tuple[list[Outcome], dict]:
    """Copy each stored HTML and submit the other notebooks to the pool: the outcomes in plan
    order, and the futures of the notebooks being executed."""
    outcomes, total = [], sum(len(u.jobs) for u in units)
    for unit in units:
        unit.staging = staging_dir(unit.target)
        for job in unit.jobs:
            key = job_key(job, unit)
            stored = None if force else store.get_bytes(key)
            outcomes.append(Outcome(unit, job, key, executed=stored is None))
            if stored is not None:
                (unit.staging / f"{job.name}.html").write_bytes(stored)
                show(progress, len(outcomes), total, unit, job, "ok (repris du cache)")
    todo = [o for o in outcomes if o.executed]
    check_all_parameters([o.job for o in todo], pool)
    pending = {pool.submit(publish.execute_job, o.job, o.unit.staging, timeout, o.unit.frame): o for o in todo}
    return outcomes, pending


def collect_outcomes(pending: dict, store: ResultStore, total: int, progress=None) -> None:
    """Wait for the notebooks being executed; each success goes to the store."""
    for done, future in enumerate(as_completed(pending), start=total - len(pending) + 1):
        outcome, result = pending[future], future.result()
        outcome.seconds, outcome.error, outcome.executed_path = result.seconds, result.error, result.executed
        outcome.disk_full, outcome.phases = result.disk_full, result.phases
        if not result.error:
            store.put(outcome.key, outcome.unit.staging / f"{outcome.job.name}.html")
        state = "ÉCHEC" if result.error else "ok"
        show(progress, done, total, outcome.unit, outcome.job, f"{state} ({format_number(result.seconds, 1)} s)")


def check_all_parameters(jobs: list, pool: LazyPool) -> None:
    """Refuse any job's unknown parameter before running anything.

    The notebooks' parameters cells are read by papermill in the workers, which
    load it anyway: the main process never does.
    """
    notebooks = list(dict.fromkeys(job.notebook for job in jobs))
    declared = {nb: pool.submit(publish.declared_parameters, nb) for nb in notebooks}
    for job in jobs:
        publish.check_parameters(job.notebook, job.parameters, declared[job.notebook].result())


def show(progress, done: int, total: int, unit: Unit, job, state: str) -> None:
    if progress:
        progress(f"[{done}/{total}] {unit.label}{job.name} : {state}")


def failure(failed: list[Outcome], root: Path) -> CalpaeError:
    """Keep each failed folder's executed notebooks aside; one error naming them all.

    They go to ``<root>.echec/`` (by folder, in the several-reports layout): never
    inside the published tree. A failure because the disk is full is said as such.
    """
    if any(o.disk_full for o in failed):
        return OutputError(f"plus de place sur le disque pour écrire {root} : libérez de la place ou "
                           f"choisissez un autre --out ; {root} est inchangé.", path=root)
    messages = []
    kept_root = root.with_name(f"{root.name}.echec")
    for unit in dict.fromkeys(o.unit for o in failed):
        results = [publish.JobResult(o.job, o.seconds, o.error, o.executed_path) for o in failed if o.unit is unit]
        kept = kept_root / unit.target.relative_to(root) if unit.target != root else kept_root
        messages.append(str(publish.keep_failed(unit.staging, kept, unit.target, results)))
    return NotebookError(" | ".join(messages))


def write_unit_pages(units: list[Unit], tables_store: ResultStore, force: bool) -> None:
    """Tables, index and method page of each report's folder, built beside the reports."""
    for unit in units:
        if unit.report is not None:
            copy_tables(unit.report, unit.staging / publish.TABLES_DIR, tables_store, force)
            (unit.staging / "index.html").write_text(publish.index_html(unit.report, unit.frame), encoding="utf-8")
            (unit.staging / f"{pages.METHOD_NAME}.html").write_text(method.method_html(unit.report, unit.frame),
                                                                    encoding="utf-8")
        elif unit.reports:  # a comparison across years: its tables beside its page
            write_comparison_tables(list(unit.reports), unit.staging / publish.TABLES_DIR)


def manifest_provenance() -> dict:
    """What every manifest of a run says of calpae and of the environment that ran it."""
    return {"calpae": provenance.calpae_identity().as_dict(), "environment": provenance.environment()}


def write_manifests(units: list[Unit], outcomes: list[Outcome], provenance_facts: dict) -> None:
    """Once the notebooks are done: each folder's manifest, and its executed notebooks gone."""
    for unit in units:
        shutil.rmtree(unit.staging / publish.EXECUTED_DIR, ignore_errors=True)
        mine = [o for o in outcomes if o.unit is unit]
        manifest = {**provenance_facts, "published": published_entry(unit), "jobs": [
            {"name": o.job.name, "notebook": o.job.notebook.name, "key": o.key, "executed": o.executed,
             "seconds": round(o.seconds, 2)} for o in mine],
            "files": sorted(p.relative_to(unit.staging).as_posix() for p in unit.staging.rglob("*") if p.is_file())}
        (unit.staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, ensure_ascii=False),
                                                  encoding="utf-8")


def copy_tables(report, folder: Path, store: ResultStore, force: bool) -> None:
    """The report's tables (CSV + workbook), written once per raw file and library."""
    key = loading.parsed_key(report.doc.path)
    stored = None if force else store.get_folder(key)
    if stored is None:
        folder.mkdir()
        write_tables_folder(report, folder)
        store.put_folder(key, folder)
    else:  # plain copies: the store's private modes must not reach the published folder
        shutil.copytree(stored, folder, copy_function=shutil.copyfile, ignore=shutil.ignore_patterns(DIGESTS_NAME))
        folder.chmod(0o755)


# --- top-level index -------------------------------------------------------------------------

def check_summary(report) -> str:
    """« Écart 3 · Manquant 1 · … » for a report's checks."""
    return " · ".join(f"{section} {n}" for section, n in findings.check_counts(report).items())


def published_entry(unit: Unit) -> dict:
    """What the top-level index says of a published folder, kept in its manifest.

    A later run that builds other reports in the same output folder reads it
    back, so that the index lists every report published there, not only the
    last run's.
    """
    if unit.report is None:
        departement = unit.reports[0].meta.departement  # the top index lists every département's comparisons
        return {"kind": "comparison", "pages": [{"name": job.name, "title": f"{job.title} — {departement}"}
                                                for job in unit.jobs]}
    meta, doc = unit.report.meta, unit.report.doc
    return {"kind": "report", "year": meta.year, "departement": meta.departement, "raw": doc.path.name,
            "sha256": doc.sha256, "checks": check_summary(unit.report)}


def published_folders(root: Path, units: list[Unit]) -> list[tuple[str, dict]]:
    """``(folder relative to root, entry)`` for this run's folders and those earlier runs left.

    Reports come newest first (then by département), comparisons after them.
    """
    found = {unit.target.relative_to(root).as_posix(): published_entry(unit) for unit in units}
    for manifest in sorted(Path(root).glob(f"*/*/{MANIFEST_NAME}")):
        folder = manifest.parent.relative_to(root).as_posix()
        if folder not in found and not any(part.startswith(".") for part in folder.split("/")):  # no staging
            entry = earlier_entry(manifest)
            if entry is not None:
                found[folder] = entry
    return sorted(found.items(), key=lambda item: (item[1]["kind"] != "report", -int(item[1].get("year", 0)),
                                                   item[1].get("departement", ""), item[0]))


#: The fields of a published entry (:func:`published_entry`) and their types, by kind.
ENTRY_FIELDS = {"report": {"year": int, "departement": str, "raw": str, "sha256": str, "checks": str},
                "comparison": {"pages": list}}


def earlier_entry(manifest: Path) -> dict | None:
    """The published entry an earlier run left in ``manifest``, when it has the shape this run
    writes; else ``None``, said on stderr: that folder is left out of the index, never trusted."""
    try:
        entry = json.loads(manifest.read_text(encoding="utf-8")).get("published")
    except (OSError, ValueError, AttributeError, RecursionError):
        entry = None
    fields = ENTRY_FIELDS.get(entry.get("kind")) if isinstance(entry, dict) else None
    valid = fields is not None and all(type(entry.get(name)) is kind for name, kind in fields.items())
    if valid and entry["kind"] == "comparison":
        valid = all(isinstance(page, dict) and type(page.get("name")) is str and type(page.get("title")) is str
                    for page in entry["pages"])
    if not valid:
        print(f"calpae: attention : {printable(manifest)} illisible ou modifié à la main : ce dossier n'est pas "
              "listé dans l'index ; republiez-le pour l'y remettre.", file=sys.stderr, flush=True)
        return None
    return entry


def top_index_html(root: Path, units: list[Unit]) -> str:
    """Every report published under ``root``, newest first, and the comparisons across years."""
    rows, comparisons, sources = [], [], []
    for folder, entry in published_folders(root, units):
        if entry["kind"] == "comparison":
            comparisons += [{"href": f"{folder}/{page['name']}.html", "title": page["title"]}
                            for page in entry["pages"]]
            continue
        rows.append({**entry, "folder": folder})
        sources.append((entry["raw"], entry["sha256"]))
    frame = pages.PageFrame(site="Rapports CALPAE", scope="tous les rapports publiés", sources=tuple(sources),
                            calpae=publish.calpae_label(), up_href=f"{pages.INDEX_NAME}.html")
    return pages.render("top_index.html.j2", frame, pages.INDEX_NAME, "Rapports CALPAE", rows=rows,
                        comparisons=comparisons)
