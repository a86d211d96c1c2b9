"""Publishing one notebook: plan, check parameters, execute with papermill, export as HTML.

:func:`plan_jobs` lists a report's notebooks (the synthesis, the axis
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
import html
import os
import shutil
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from calpae_lib import __version__
from calpae_lib.analysis import axes
from calpae_lib.errors import NotebookError, UsageError
from calpae_lib.present import views
from calpae_lib.publish import config

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


# --- planning and parameters ---------------------------------------------------------------

def plan_jobs(report, raw_path: Path, notebooks_dir: Path = config.NOTEBOOKS_DIR) -> list[NotebookJob]:
    """The synthesis, one axis report per axis present, and the orientation notebook."""
    common = {"year": report.meta.year, "raw_path": str(Path(raw_path).resolve())}
    jobs = [NotebookJob("synthese", notebooks_dir / "synthese.ipynb", dict(common),
                        "Synthèse de la convention")]
    for key in axes.axes_present(report):
        jobs.append(NotebookJob(f"axe_{key}", notebooks_dir / "axe.ipynb", {**common, "axis": key},
                                views.axis_label(key)))
    orientation = notebooks_dir / "delais_orientation_rsa.ipynb"
    if orientation.exists():
        jobs.append(NotebookJob("delais_orientation_rsa", orientation, dict(common),
                                "Délais d'orientation des allocataires du RSA"))
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

def execute_job(job: NotebookJob, build_dir: Path, timeout: int = CELL_TIMEOUT, footer: str = "") -> JobResult:
    """Execute one notebook and export it; a failure is returned, not raised."""
    import papermill

    start = time.perf_counter()
    executed = build_dir / EXECUTED_DIR / f"{job.name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    try:
        node = papermill.execute_notebook(
            str(job.notebook), str(executed), parameters=job.parameters, kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            execution_timeout=timeout, cwd=str(job.notebook.parent),
            # outputs are all collected by then: a graceful shutdown only waits for the kernel's own
            # clean-up (measured: about 10 % of a cold run on 2 cores)
            shutdown_kernel="immediate")
    except Exception as error:  # papermill's own error, a time-out, a dead kernel
        return JobResult(job, time.perf_counter() - start, failure_message(job, executed, error), executed)
    export_html(node, build_dir / f"{job.name}.html", job.title, footer)
    return JobResult(job, time.perf_counter() - start, None, executed)


def failure_message(job: NotebookJob, executed: Path, error: Exception) -> str:
    """Which notebook, which cell, what went wrong, where to look."""
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

    if not executed.exists():
        return None
    node = nbformat.read(executed, as_version=4)
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

REPORT_CSS = """
body.jp-Notebook { background: #ffffff; }
main { max-width: 980px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
.jp-RenderedHTMLCommon { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 15px;
  line-height: 1.55; color: #1a1a1a; }
.jp-RenderedHTMLCommon h1 { font-size: 1.9rem; color: #0b3d6b; border-bottom: 3px solid #0b3d6b;
  padding-bottom: .3rem; }
.jp-RenderedHTMLCommon h2 { font-size: 1.35rem; color: #0b3d6b; margin-top: 2.2rem;
  border-bottom: 1px solid #c9d6e3; padding-bottom: .2rem; }
.jp-RenderedHTMLCommon h3 { font-size: 1.1rem; color: #234; }
.jp-OutputArea-output { overflow-x: auto; }
.jp-RenderedHTMLCommon table.calpae-table { border-collapse: collapse; margin: .8rem 0 1.4rem;
  font-size: 13px; max-width: 100%; table-layout: auto; }
table.calpae-table caption { caption-side: top; text-align: left; font-weight: bold; padding: .3rem 0;
  color: #234; }
table.calpae-table th { background: #e8eef5; color: #0b2540; }
.jp-RenderedHTMLCommon table.calpae-table td, .jp-RenderedHTMLCommon table.calpae-table th {
  padding: .3rem .5rem; border-bottom: 1px solid #dde4ec; vertical-align: top; text-align: left; }
.jp-RenderedHTMLCommon table.calpae-table th { border-bottom: 2px solid #8aa4bf; vertical-align: bottom; }
.jp-RenderedHTMLCommon table.calpae-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.jp-RenderedHTMLCommon table.calpae-table td.text { min-width: 7em; }
.jp-RenderedHTMLCommon table.calpae-table tr.group td { background: #f0f3f7; font-style: italic; color: #234;
  border-bottom: 1px solid #c9d6e3; padding-top: .5rem; }
table.calpae-table tbody tr:nth-child(even) { background: #f7f9fb; }
details.calpae-details summary { cursor: pointer; color: #0b5cad; margin: .6rem 0; }
@media print { details.calpae-details { display: none; } }
p.calpae-empty { font-style: italic; color: #555; }
.jp-RenderedImage img { max-width: 100%; height: auto; }
.jp-RenderedText pre { font-size: 13px; }
footer.calpae-footer { max-width: 980px; margin: 2rem auto; padding: 1rem 2rem; border-top: 1px solid #ccc;
  color: #555; font: 12px "DejaVu Sans", Arial, sans-serif; }
@media print { main { max-width: none; padding: 0; } table.calpae-table { font-size: 10px; }
  h2 { page-break-after: avoid; } table.calpae-table tr, .jp-RenderedImage { page-break-inside: avoid; } }
"""

#: lab's template without require.js, MathJax, Mermaid or widgets (all fetched from CDNs),
#: without stderr, with French alt texts on images and a footer naming the source.
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style type="text/css">""" + REPORT_CSS + """</style>{%- endblock html_head_css -%}
{% block stream_stderr %}{% endblock stream_stderr %}
{% block error %}{% endblock error %}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ output.metadata.get('image/png', {}).get('alt', 'Graphique') | escape_html }}"
{%- set width = output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width="{{ width | escape_html }}"{% endif %}>
</div>
{%- endblock data_png %}
{% block body_footer %}
</main>
<footer class="calpae-footer">{{ nb.metadata.get('calpae_footer', '') | escape_html }}</footer>
</body>
{% endblock body_footer %}
"""


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


@lru_cache(maxsize=1)
def html_exporter():  # one per worker process: its templates are loaded once
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"calpae.html.j2": TEMPLATE})],
                        template_file="calpae.html.j2", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, language_code="fr", embed_images=True)


def export_html(node, path: Path, title: str, footer: str = "") -> Path:
    """Write one executed notebook as a self-contained HTML report."""
    node = publishable(node)
    node.metadata["title"] = title
    node.metadata["calpae_footer"] = footer
    body, _ = html_exporter().from_notebook_node(node)
    path.write_text(body, encoding="utf-8")
    return path


# --- running everything --------------------------------------------------------------------

def quiet_worker() -> None:
    """Send a worker's own stdout/stderr (and its kernels': banners, warnings) to /dev/null.

    What matters of a run, its failures, comes back in :class:`JobResult`.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def footer_text(report) -> str:
    return (f"Rapport produit par calpae {__version__} à partir de {report.doc.path.name} "
            f"(SHA-256 {report.doc.sha256}). Chaque valeur renvoie à sa ligne dans ce fichier.")


def keep_failed(build_dir: Path, out_dir: Path, failed: list[JobResult]) -> NotebookError:
    """Move the executed notebooks aside for inspection; the error says where.

    The kept copies are :func:`without_run_details`: the same failure gives the same bytes.
    """
    import nbformat

    kept = out_dir.with_name(f"{out_dir.name}.echec")
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for executed in sorted((build_dir / EXECUTED_DIR).glob("*.ipynb")):
        node = without_run_details(nbformat.read(executed, as_version=4))
        node.metadata.get("papermill", {})["output_path"] = str(kept / executed.name)
        nbformat.write(node, kept / executed.name)
    messages = [f"{r.error} ; carnet exécuté conservé : {kept / r.executed.name}" for r in failed]
    return NotebookError(" | ".join(messages) + f" ; {out_dir} est inchangé.")


# --- index page ----------------------------------------------------------------------------

def index_html(report, results: list[JobResult]) -> str:
    """The index: identity of the source, counts of checks by status, links to each report."""
    meta, esc = report.meta, html.escape
    counts = views.check_counts(report) if axes.has_table(report, "checks") else None
    checks = ("<p>Contrôles non disponibles pour ce rapport.</p>" if counts is None else
              "<table><thead><tr><th>Statut</th><th>Contrôles</th></tr></thead><tbody>"
              + "".join(f"<tr><td>{esc(views.CHECK_STATUS_LABELS[s])}</td><td class=\"num\">{n}</td></tr>"
                        for s, n in counts.items()) + "</tbody></table>")
    links = "".join(f'<li><a href="{esc(r.job.name)}.html">{esc(r.job.title)}</a></li>' for r in results)
    tables = "".join(f'<li><a href="{TABLES_DIR}/{esc(name)}.csv">{esc(name)}.csv</a></li>'
                     for name in report.tables)
    rows = [("Année", str(meta.year)), ("Département", meta.departement),
            ("Délibération", meta.deliberation or "non trouvée"), ("Signature", meta.signed or "non trouvée"),
            ("Fichier source", report.doc.path.name), ("SHA-256", report.doc.sha256),
            ("Produit par", f"calpae {__version__}")]
    identity = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    title = f"Rapports CALPAE {meta.year} — {meta.departement}"
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{INDEX_CSS}</style></head>
<body><main><h1>{esc(title)}</h1>
<p>Exécution de la convention d'appui à la lutte contre la pauvreté et d'accès à l'emploi,
rapports publiés à partir du rapport d'exécution.</p>
<h2>Rapports</h2><ul class="reports">{links}</ul>
<h2>Source</h2><table class="identity">{identity}</table>
<h2>Contrôles de cohérence</h2>{checks}
<h2>Données</h2><p>Tables lues dans le rapport (CSV, UTF-8 ; toutes aussi dans
<a href="{TABLES_DIR}/calpae.xlsx">calpae.xlsx</a>) :</p><ul>{tables}</ul>
</main></body></html>
"""


INDEX_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1a1a1a; background: #fff; }
main { max-width: 860px; margin: 0 auto; padding: 1.5rem 2rem; line-height: 1.5; }
h1 { color: #0b3d6b; border-bottom: 3px solid #0b3d6b; padding-bottom: .3rem; }
h2 { color: #0b3d6b; margin-top: 2rem; }
ul.reports li { font-size: 1.1rem; margin: .4rem 0; }
a { color: #0b5cad; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: .3rem .7rem; border-bottom: 1px solid #dde4ec; }
table.identity td { font-family: monospace; word-break: break-all; }
td.num { text-align: right; }
"""


def print_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
