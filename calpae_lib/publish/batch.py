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

This module runs those steps in order; each concern is a module of its own:
which pages a report has (:mod:`~calpae_lib.publish.pagelist`), what goes where
(:mod:`~calpae_lib.publish.planning`, folder names in :mod:`~calpae_lib.publish.naming`),
the worker processes (:mod:`~calpae_lib.publish.workers`), the work read back from
the store (:mod:`~calpae_lib.publish.reuse`), the folders a run may write
(:mod:`~calpae_lib.publish.destinations`), each folder's manifest
(:mod:`~calpae_lib.publish.manifests`) and the top-level index
(:mod:`~calpae_lib.publish.top_index`).
"""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import as_completed
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from calpae_lib.errors import CalpaeError, NotebookError, OutputError, UsageError
from calpae_lib.publish import config, kernels, loading, method, pages
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish.atomic import (output_folder, output_lock, recover_tree, replace_directory, staging_dir,
                                      write_atomically)
from calpae_lib.publish.destinations import check_destinations
from calpae_lib.publish.manifests import manifest_provenance, write_manifests
from calpae_lib.publish.planning import Outcome, Unit, plan_units
from calpae_lib.publish.processed import write_comparison_tables
from calpae_lib.publish.rawfiles import expand_raw_paths
from calpae_lib.publish.reuse import copy_tables, job_key, parse_reports
from calpae_lib.publish.store import ResultStore
from calpae_lib.publish.top_index import top_index_html
from calpae_lib.publish.workers import LazyPool
from calpae_lib.text.formatting import format_number


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
