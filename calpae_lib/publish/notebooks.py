"""Publishing one notebook: plan, check parameters, execute with papermill, export as HTML.

:func:`plan_jobs` lists a report's notebooks (the synthesis, its annex, the axis
template once per axis, the orientation notebook); :func:`check_parameters`
refuses what a notebook does not declare; :func:`execute_job` runs one
notebook in a worker process with a per-cell time-out and exports it to one
self-contained HTML file (no code, no prompts, no parameters, no stderr; no
script, style or image fetched from elsewhere); :func:`index_html` writes a
report's index page. Running many jobs, skipping unchanged ones and swapping
folders into place is :mod:`calpae_lib.publish.batch`'s work; a failure keeps the
executed notebooks in ``<out>.echec/`` (:func:`keep_failed`).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from calpae_lib.analysis import axes
from calpae_lib.errors import NotebookError, UsageError
from calpae_lib.present import findings, views
from calpae_lib.publish import config, kernels, pagelist, pages, processed, provenance

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport

#: Seconds a single cell may run before the notebook is declared failed.
CELL_TIMEOUT = 600
KERNEL_NAME = "python3"
#: Cells never published: the parameters cell, the one papermill injects, and
#: cells kept for checking only (the key figures that nbval compares).
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters", "non-publie"}
EXECUTED_DIR = "_carnets"
TABLES_DIR = "tables"


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute with its parameters, published as ``<name>.html``."""

    name: str
    notebook: Path
    parameters: dict
    title: str


@dataclass
class JobResult:
    job: NotebookJob
    seconds: float
    error: str | None = None
    executed: Path | None = None
    #: Seconds waiting for the kernel, executing the cells, exporting the HTML.
    phases: dict = field(default_factory=dict)
    #: The failure came from a full disk (the output's, or the store's).
    disk_full: bool = False


# --- planning and parameters ---------------------------------------------------------------

def plan_jobs(report, raw_path: Path, notebooks_dir: Path = config.NOTEBOOKS_DIR) -> list[NotebookJob]:
    """A report's pages as :data:`calpae_lib.publish.pagelist.REPORT_PAGES` declares them, in its order.

    A page per axis is planned once per axis present; an optional page when its notebook is in
    ``notebooks_dir``.
    """
    common = pagelist.report_parameters(report.meta.year, str(Path(raw_path).resolve()))
    jobs = []
    for spec in pagelist.REPORT_PAGES:
        notebook = notebooks_dir / spec.notebook
        if spec.optional and not notebook.exists():
            continue
        if spec.per == pagelist.BY_AXIS:
            jobs += [NotebookJob(pagelist.page_name(spec, key), notebook, {**common, "axis": key},
                                 views.axis_label(key)) for key in axes.axes_present(report)]
        else:
            jobs.append(NotebookJob(spec.name, notebook, dict(common), spec.title))
    return jobs


def declared_parameters(notebook: Path) -> dict:
    """The parameters a notebook declares in its ``parameters`` cell (papermill's reading)."""
    import papermill

    return papermill.inspect_notebook(str(notebook))


TYPE_CHECKS = {"int": int, "str": str, "float": (int, float), "bool": bool}


def check_parameters(notebook: Path, parameters: dict, declared: dict | None = None) -> None:
    """Refuse a parameter the notebook does not declare, or of the wrong type.

    ``declared``: the notebook's :func:`declared_parameters`, when already read.
    """
    declared = declared if declared is not None else declared_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise UsageError(
            f"paramètre(s) inconnu(s) pour {notebook.name} : {', '.join(unknown)} ; "
            f"paramètres acceptés : {', '.join(sorted(declared)) or 'aucun'}.", path=notebook)
    for name, value in parameters.items():
        expected = TYPE_CHECKS.get(declared[name].get("inferred_type_name"))
        if expected and not isinstance(value, expected):
            raise UsageError(
                f"paramètre {name} de {notebook.name} : {declared[name]['inferred_type_name']} attendu, "
                f"{type(value).__name__} reçu ({value!r}).", path=notebook)


# --- executing one notebook (in a worker process) --------------------------------------------

#: Imported by jsonschema for its "iri" formats only, which the notebook format never checks, and
#: slow to import (it builds a grammar: about 2 s of CPU in every process that reads a notebook).
UNUSED_SLOW_MODULES = ("rfc3987_syntax",)


def skip_unused_slow_imports() -> None:
    """Make :data:`UNUSED_SLOW_MODULES` unavailable to this process (jsonschema then skips them)."""
    for name in UNUSED_SLOW_MODULES:
        sys.modules.setdefault(name, None)


class KernelSupply:
    """A worker's kernels, forked from the run's template: one started ahead, one per notebook."""

    def __init__(self, socket_path: str, cwd: Path):
        self.socket_path, self.cwd, self.spare = socket_path, Path(cwd), None
        self.start_ahead()

    def start_ahead(self) -> None:
        self.spare = kernels.start_kernel(self.socket_path, self.cwd)

    def take(self, cwd: Path):
        """The kernel started ahead (a new one if it runs in another folder); the next one starts
        at once, while this one runs its notebook."""
        if self.spare is None or Path(cwd) != self.cwd:
            self.close()
            self.cwd = Path(cwd)
            self.start_ahead()
        manager, self.spare = self.spare, None
        try:
            self.start_ahead()
        except BaseException:  # no kernel left running that nobody will stop
            kernels.stop_kernel(manager)
            raise
        return manager

    def ready(self, cwd: Path):
        """A kernel for a notebook in ``cwd``, ready to execute (:meth:`take`). A kernel that dies
        before it could answer is replaced by a new one, once: its start failed for a reason of its
        own (the machine short of memory, a file it could not open), which a second start may not
        meet; a second death is the notebook's failure, with what the kernel last wrote."""
        manager = self.take(cwd)
        for attempt in range(KERNEL_STARTS):
            try:
                wait_until_ready(manager)
                return manager
            except kernels.KernelDied as error:
                said = kernels.kernel_log_tail(manager)
                kernels.stop_kernel(manager)
                if attempt == KERNEL_STARTS - 1:
                    raise kernels.KernelDied(f"{error}{' : ' + said if said else ''}") from None
                manager = kernels.start_kernel(self.socket_path, self.cwd)
            except BaseException:
                kernels.stop_kernel(manager)
                raise

    def close(self) -> None:
        if self.spare is not None:
            kernels.stop_kernel(self.spare)
            self.spare = None


#: How many times a worker starts a notebook's kernel before it gives up (:meth:`KernelSupply.ready`).
KERNEL_STARTS = 2


#: The worker's kernel supply (:func:`use_kernel_template`); without one, papermill starts its own.
SUPPLY: list[KernelSupply] = []


def use_kernel_template(socket_path: str, cwd: Path) -> None:
    """In a worker: take kernels from the template at ``socket_path``, one started ahead in ``cwd``."""
    SUPPLY.append(KernelSupply(socket_path, cwd))


def wait_until_ready(manager, timeout: int = 60) -> None:
    from jupyter_core.utils import run_sync

    client = manager.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=timeout)
    finally:
        client.stop_channels()


def execute_job(job: NotebookJob, build_dir: Path, timeout: int = CELL_TIMEOUT,
                frame: pages.PageFrame | None = None) -> JobResult:
    """Execute one notebook and export it; a failure is returned, not raised.

    In a worker with a kernel template (:func:`use_kernel_template`) the kernel is one forked
    ahead of time; otherwise papermill starts a standard one.
    """
    import papermill

    start = time.perf_counter()
    executed = build_dir / EXECUTED_DIR / f"{job.name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    manager, phases = None, {}
    try:
        if SUPPLY:
            manager = SUPPLY[0].ready(job.notebook.parent)
        phases["kernel"] = time.perf_counter() - start
        node = papermill.execute_notebook(
            str(job.notebook), str(executed), parameters=job.parameters, kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            execution_timeout=timeout, cwd=str(job.notebook.parent), km=manager,
            # outputs are all collected by then: a graceful shutdown only waits for the kernel's own
            # clean-up (measured: about 10 % of a cold run on 2 cores)
            shutdown_kernel="immediate")
    except Exception as error:  # papermill's own error, a time-out, a dead kernel
        if disk_full(error, build_dir):
            return JobResult(job, time.perf_counter() - start, f"le carnet {job.notebook.name} ({job.name}) n'a "
                             "pas pu être écrit : plus de place sur le disque", executed, phases, disk_full=True)
        keep_parameterised(job, executed)
        return JobResult(job, time.perf_counter() - start, failure_message(job, executed, error), executed, phases)
    finally:
        if manager is not None:  # one notebook per kernel
            kernels.stop_kernel(manager)
    phases["execution"] = time.perf_counter() - start - phases["kernel"]
    try:
        export_html(node, build_dir / f"{job.name}.html", job.title, frame, job.name)
    except OSError as error:
        if not disk_full(error, build_dir):
            raise
        return JobResult(job, time.perf_counter() - start, failure_message(job, executed, error), executed, phases,
                         disk_full=True)
    phases["export"] = time.perf_counter() - start - phases["kernel"] - phases["execution"]
    return JobResult(job, time.perf_counter() - start, None, executed, phases)


#: Free bytes under which a failed write is put down to the disk being full.
NEARLY_FULL = 1 << 20


def disk_full(error: BaseException, folder: Path) -> bool:
    """Whether a failure comes from a full disk: said by the error, or seen on the folder's disk.

    papermill reports a notebook it could only half write as "not JSON": the
    disk's free space tells what happened.
    """
    from calpae_lib.errors import output_error

    problem = output_error(error)
    if problem is not None:
        return "disque" in problem.message
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL
    except OSError:
        return False


def keep_parameterised(job: NotebookJob, executed: Path) -> None:
    """When papermill could not save the executed notebook (its kernel died), keep the notebook
    with its parameters, so that the user can run it again and see where it stops."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    if executed.exists() and executed.stat().st_size:
        return
    node = parameterize_notebook(load_notebook_node(str(job.notebook)), job.parameters, kernel_name=KERNEL_NAME)
    node.cells.insert(0, nbformat.v4.new_markdown_cell(
        "**Le noyau de ce carnet s'est arrêté pendant l'exécution** : ce carnet n'a pas pu être enregistré "
        "exécuté. Voici le carnet avec ses paramètres : exécutez-le pour voir où il s'arrête."))
    nbformat.write(node, executed)


def failure_message(job: NotebookJob, executed: Path, error: Exception) -> str:
    """Which notebook, which cell, what went wrong, where to look."""
    if isinstance(error, kernels.KernelDied):  # before any cell
        return f"le carnet {job.notebook.name} ({job.name}) n'a pas pu être exécuté : {error}"
    cell = getattr(error, "cell_index", None)
    if cell is None:
        cell = failing_cell_index(executed)
    where = f"cellule n° {cell + 1} du carnet exécuté" if cell is not None else "cellule inconnue"
    source = (getattr(error, "source", "") or "").strip().splitlines()
    what = f"{getattr(error, 'ename', type(error).__name__)}: {getattr(error, 'evalue', error)}"
    first_line = f" « {source[0][:80]} »" if source else ""
    return (f"le carnet {job.notebook.name} ({job.name}) a échoué, {where}{first_line} : "
            f"{' '.join(str(what).split())[:300]}")


def failing_cell_index(executed: Path) -> int | None:
    """The first cell papermill did not complete (an error, a time-out)."""
    import nbformat

    try:
        node = nbformat.read(executed, as_version=4)
    except Exception:  # missing, or half written: no cell to name
        return None
    for index, cell in enumerate(node.cells):
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if cell.get("cell_type") == "code" and status not in (None, "completed"):
            return index
    return None


#: What papermill and nbclient record of one execution: clock times and durations.
RUN_TIMES = ("start_time", "end_time", "duration")
#: Tags of the cells papermill adds, whose ids it draws at random.
ADDED_CELL_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


def without_run_details(node):
    """A copy of an executed notebook without what differs between two identical runs.

    Clock times and durations go; the cells papermill adds get ids made from their place.

    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> cell = new_code_cell("x = 2", metadata={"tags": ["injected-parameters"], "execution": {"a": "12:00"},
    ...                                         "papermill": {"duration": 0.1, "status": "completed"}})
    >>> node = without_run_details(new_notebook(cells=[cell], metadata={"papermill": {"duration": 1.0}}))
    >>> node.metadata, node.cells[0].metadata, node.cells[0].id
    ({'papermill': {}}, {'tags': ['injected-parameters'], 'papermill': {'status': 'completed'}}, 'papermill-0')
    """
    node = copy.deepcopy(node)
    for times in [node.metadata] + [cell.metadata for cell in node.cells]:
        times.pop("execution", None)
        for name in RUN_TIMES:
            times.get("papermill", {}).pop(name, None)
    for index, cell in enumerate(node.cells):
        if ADDED_CELL_TAGS & set(cell.metadata.get("tags", [])):
            cell["id"] = f"papermill-{index}"
    return node


# --- HTML export ---------------------------------------------------------------------------

def publishable(node):
    """A copy of an executed notebook without parameter cells, stderr or error outputs."""
    node = copy.deepcopy(node)
    kept = []
    for cell in node.cells:
        if HIDDEN_CELL_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if o.get("output_type") != "error"
                               and not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            if not cell["outputs"]:
                continue
        kept.append(cell)
    node.cells = kept
    return node


#: The cell parts nbconvert's HTML exporter makes focusable (``tabindex="0"``): an output, or a
#: markdown cell's text, may be scrolled with the keyboard.
FOCUSABLE = re.compile(r'(<div class="[^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*"[^>]*)>')


@lru_cache(maxsize=1)
def html_exporter():  # one per worker process: its templates are loaded once
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML

    class PageExporter(HTMLExporter):
        """nbconvert's HTML exporter without its last step, which parses the whole page with
        BeautifulSoup to add two attributes and writes it out again (two thirds of an export):
        the focusable parts get their ``tabindex`` here, and every image has its ``alt`` already
        (the template writes it). The page is rendered by the template exporter's own
        ``from_notebook_node``, with the code highlighter the HTML exporter registers (the widget
        state it registers too concerns no calpae notebook: the template exporter's data type filter
        serves). ``tests/test_publish.py`` checks that the page is nbconvert's, element for element:
        the canary of this override when nbconvert changes."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return FOCUSABLE.sub(r'\1 tabindex="0">', html), resources

    return PageExporter(template_name="lab", extra_template_paths=[str(pages.TEMPLATES_DIR)],
                        template_file=pages.NOTEBOOK_TEMPLATE, exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, language_code="fr", embed_images=True)


def export_html(node, path: Path, title: str, frame: pages.PageFrame | None = None, name: str = "") -> Path:
    """Write one executed notebook as a self-contained HTML report, in the frame of its folder.

    The page's title names the year and the département; a long page gets a
    table of contents.
    """
    node = publishable(node)
    node.metadata["title"] = f"{title} — {frame.scope}" if frame and frame.scope else title
    if frame is not None:
        node.metadata.update(pages.frame_parts(frame, name or path.stem))
    body, _ = html_exporter().from_notebook_node(node)
    path.write_text(pages.with_table_of_contents(pages.with_silent_anchors(body)), encoding="utf-8")
    return path


# --- running everything --------------------------------------------------------------------

def quiet_worker() -> None:
    """Send a worker's own stdout/stderr (and its kernels': banners, warnings) to /dev/null.

    What matters of a run, its failures, comes back in :class:`JobResult`.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def report_frame(report: ParsedReport, jobs: list[NotebookJob], up_href: str = "") -> pages.PageFrame:
    """The frame of a report's folder: its index, its notebooks' pages and the method page."""
    meta = report.meta
    listed = ((pages.INDEX_NAME, "Sommaire"),) + tuple((job.name, job.title) for job in jobs)
    return pages.PageFrame(
        site=f"Rapports CALPAE {meta.year} — {meta.departement}", scope=f"{meta.year}, {meta.departement}",
        pages=listed + ((pages.METHOD_NAME, pages.METHOD_TITLE),),
        sources=((report.doc.path.name, report.doc.sha256),), calpae=calpae_label(), up_href=up_href,
        method_href=f"{pages.METHOD_NAME}.html", from_pdf=bool(report.doc.places))


def calpae_label() -> str:
    """calpae's version and commit, as the pages' footer says them."""
    return provenance.calpae_identity().label


def keep_failed(build_dir: Path, kept: Path, out_dir: Path, failed: list[JobResult]) -> NotebookError:
    """Move the executed notebooks to ``kept`` for inspection; the error says where.

    The kept copies are :func:`without_run_details`: the same failure gives the same bytes.
    """
    import nbformat

    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for executed in sorted((build_dir / EXECUTED_DIR).glob("*.ipynb")):
        node = without_run_details(nbformat.read(executed, as_version=4))
        node.metadata.get("papermill", {})["output_path"] = str(kept / executed.name)
        nbformat.write(node, kept / executed.name)
    messages = [f"{r.error} ; carnet exécuté conservé : {kept / r.executed.name}" for r in failed]
    return NotebookError(" | ".join(messages) + f" ; {out_dir} est inchangé.")


# --- index page ----------------------------------------------------------------------------

def index_html(report: ParsedReport, frame: pages.PageFrame) -> str:
    """The index: identity of the source, counts of checks by status, links to each report."""
    meta = report.meta
    checks = list(findings.check_counts(report).items())
    # (label, value, whether the value is a code: a file name or a checksum, set in a fixed-width font)
    identity = [("Année", str(meta.year), False), ("Département", meta.departement, False),
                ("Délibération", meta.deliberation or "non trouvée", False),
                ("Signature", meta.signed or "non trouvée", False),
                ("Fichier source", report.doc.path.name, True), ("SHA-256", report.doc.sha256, True),
                ("Produit par", f"calpae {frame.calpae}", False)]
    return pages.render("index.html.j2", frame, pages.INDEX_NAME, frame.site, year=meta.year,
                        departement=meta.departement, identity=identity, checks=checks,
                        tables=processed.written_table_names(report), tables_dir=TABLES_DIR)


def print_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
