"""Work skipped by key (:mod:`calpae_lib.publish.store`): parsed reports, tables folders and the
notebooks' HTML already made from the same inputs are read back instead of made again."""

from __future__ import annotations

import shutil
from concurrent.futures import as_completed
from dataclasses import asdict
from pathlib import Path

from calpae_lib.publish import loading
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish.planning import Unit
from calpae_lib.publish.processed import write_tables_folder
from calpae_lib.publish.store import DIGESTS_NAME, ResultStore, notebook_key
from calpae_lib.publish.workers import LazyPool


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


def job_key(job: publish.NotebookJob, unit: Unit) -> str:
    """What the job's HTML depends on: see :func:`calpae_lib.publish.store.notebook_key`."""
    described = {"parameters": job.parameters, "title": job.title, "frame": asdict(unit.frame)}
    return notebook_key(job.notebook, described, unit.inputs_digest)


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
