"""``calpae run`` end to end, and the publishing rules it follows.

Running notebooks is slow (a kernel each): the bundled report is published once per
session (``bundled_out``, in conftest), one derived variant once per module, and
the tests share them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from calpae_lib.analysis import axes
from calpae_lib.errors import NotebookError, UsageError
from calpae_lib.present import findings
from calpae_lib.publish import batch, config, manifests, pagelist
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish.cli import main
from calpae_lib.publish.loading import open_report
from calpae_lib.text.formatting import format_eur
from calpae_lib.text.numbers import find_amounts

from .conftest import run_calpae
from .tiny_notebooks import write_tiny_notebooks
from .variants import BUNDLED, bundled_text, replace_line, shift_years, write_variant

#: Anything that would make a page fetch from another host.
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""",
                    re.IGNORECASE)


def reports(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))}


def body(page: str) -> str:
    return page[page.index("<body"):]


# --- the variant: years moved, one amount changed, one title holding markup ------------------

SCRIPT_TITLE = "<script>alert('calpae')</script>"


@pytest.fixture(scope="module")
def variant(tmp_path_factory, bundled_report):
    """The bundled report 9 years later, with one engagé amount and one action title changed."""
    budgets = bundled_report.tables["budgets"]
    engage = budgets[(budgets["stage"] == "engage") & (budgets["action_id"].str.startswith("socle-I-"))].iloc[0]
    line = int(engage["source_line"])
    printed = find_amounts(bundled_doc_line(bundled_report, line))[0]
    new_amount = printed.value + 4321
    text = replace_line(bundled_text(), line, printed.text.rstrip(" €"), format_plain(new_amount))
    actions = bundled_report.tables["actions"]
    target = actions[actions["action_id"] == "socle-II-1"].iloc[0]
    first_words = " ".join(target["title"].split()[:2])
    toc_line = next(n for n, t in bundled_report.doc.numbered(1, int(target["source_line"]) - 1)
                    if first_words in t)
    text = replace_line(text, toc_line, first_words, f"{SCRIPT_TITLE} {first_words}")
    folder = tmp_path_factory.mktemp("variant")
    raw = write_variant(folder, shift_years(text, 9))
    out = folder / "out"
    result = run_calpae("run", "--raw", raw, "--out", out)
    assert result.returncode == 0, result.stderr
    return {"out": out, "year": bundled_report.meta.year + 9, "amount": new_amount,
            "action": engage["action_id"], "raw": raw}


def bundled_doc_line(report, line: int) -> str:
    return report.doc.line(line)


def format_plain(amount: int) -> str:
    """An amount as the report prints it: "110 000"."""
    return f"{amount:,}".replace(",", " ")


# --- bundled report --------------------------------------------------------------------------

def test_every_report_is_present_and_linked_from_the_index(bundled_out, bundled_report):
    out, _ = bundled_out
    index = (out / "index.html").read_text(encoding="utf-8")
    expected = {f"{pagelist.page_name(spec, key)}.html" for spec in pagelist.REPORT_PAGES
                for key in (axes.axes_present(bundled_report) if spec.per == pagelist.BY_AXIS else [""])}
    assert expected <= set(reports(out))
    linked = set(re.findall(r'href="([^"]+\.html)"', index)) - {"index.html"}
    assert linked == set(reports(out)) - {"index.html"}
    assert {f"axe_{k}.html" for k in ("socle-I", "socle-II", "initiative", "erbm")} <= linked


def test_index_names_year_departement_source_checksum_and_check_counts(bundled_out, bundled_report):
    out, _ = bundled_out
    index = (out / "index.html").read_text(encoding="utf-8")
    assert str(bundled_report.meta.year) in index
    assert bundled_report.meta.departement in index
    assert BUNDLED.name in index
    assert hashlib.sha256(BUNDLED.read_bytes()).hexdigest() in index
    for section, count in findings.check_counts(bundled_report).items():
        assert re.search(rf"<td>{section}</td><td[^>]*>{count}</td>", index), section


#: The bundled report's pages: every declared one, its four axes for the page made per axis.
BUNDLED_PAGES = [f"{pagelist.page_name(spec, key)}.html" for spec in pagelist.REPORT_PAGES
                 for key in (("socle-I", "socle-II", "initiative", "erbm") if spec.per == pagelist.BY_AXIS else [""])]


@pytest.mark.parametrize("name", BUNDLED_PAGES)
def test_reports_have_no_code_no_errors_and_embedded_images(bundled_out, name):
    out, _ = bundled_out
    page = (out / name).read_text(encoding="utf-8")
    shown = body(page)
    assert 'lang="fr"' in page
    assert "jp-CodeMirrorEditor" not in shown and 'class="highlight' not in shown
    assert "jp-InputPrompt" not in shown and "jp-OutputPrompt" not in shown
    assert "raw_path" not in shown and "injected-parameters" not in shown
    assert "Traceback" not in shown and "jp-OutputArea-error" not in shown and "Warning" not in shown
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in shown
    images = [re.search(r'\ssrc="([^"]*)"', tag).group(1) for tag in re.findall(r"<img\b[^>]*>", shown)]
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert images or name == "synthese.html"  # the Commission's synthesis: its figures as tables, its charts in the annex


def test_nothing_is_loaded_from_another_host(bundled_out):
    out, _ = bundled_out
    for name, page in reports(out).items():
        assert "<script" not in page.lower(), name
        assert not REMOTE.search(page), (name, REMOTE.search(page))


def test_progress_is_shown_and_the_result_is_named(bundled_out):
    out, result = bundled_out
    assert re.search(r"\[\d+/\d+\] synthese : ok", result.stderr)
    assert str(out / "index.html") in result.stdout


def test_the_run_says_what_it_did_in_plain_french(bundled_out):
    """« 6 carnets exécutés », never « 6 carnet(s) exécuté(s) », and seconds with a decimal comma."""
    _, result = bundled_out
    summary = result.stdout.strip().splitlines()[-1]
    assert "(s)" not in summary, summary
    assert re.search(r"Rapports écrits en \d+,\d s \((?:\d+ carnets exécutés|1 carnet exécuté)", summary), summary


# --- variant ---------------------------------------------------------------------------------

def test_variant_reports_show_its_year_and_its_amounts(variant):
    pages = reports(variant["out"])
    year = str(variant["year"])
    for name, page in pages.items():
        assert year in page, name
    axis = axes.axis_key("socle", "I")
    assert format_eur(variant["amount"]) in pages[f"axe_{axis}.html"]


def test_report_text_is_escaped(variant):
    for name, page in reports(variant["out"]).items():
        assert SCRIPT_TITLE not in page, name
        assert "<script" not in page.lower(), name
    assert "&lt;script&gt;alert" in reports(variant["out"])["axe_socle-II.html"]


def test_year_contradicting_the_report_is_refused(capsys):
    status = main(["run", "--raw", str(BUNDLED), "--year", "1999", "--out", "/nonexistent/never"])
    err = capsys.readouterr().err
    assert status == 2
    assert "1999" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_year_without_bundled_report_is_refused(capsys):
    assert main(["run", "--year", "1999"]) == 2
    assert "aucun rapport fourni pour l'année 1999" in capsys.readouterr().err


# --- parameters ------------------------------------------------------------------------------

def test_unknown_parameter_is_refused_with_the_accepted_ones():
    notebook = config.NOTEBOOKS_DIR / "axe.ipynb"
    with pytest.raises(UsageError, match=r"inconnu.*annee.*axis, raw_path, year"):
        publish.check_parameters(notebook, {"year": 2022, "annee": 2022})


def test_parameter_of_the_wrong_type_is_refused():
    with pytest.raises(UsageError, match="year.*int attendu"):
        publish.check_parameters(config.NOTEBOOKS_DIR / "synthese.ipynb", {"year": "2022"})


def test_planned_jobs_declare_only_known_parameters(bundled_report):
    jobs = publish.plan_jobs(bundled_report, BUNDLED)
    assert [j.name for j in jobs] == [name.removesuffix(".html") for name in BUNDLED_PAGES]
    for job in jobs:
        publish.check_parameters(job.notebook, job.parameters)


@pytest.mark.parametrize("notebook", sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_each_notebook_has_one_documented_parameters_cell_and_no_definitions(notebook):
    node = nbformat.read(notebook, as_version=4)
    tagged = [c for c in node.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for line in tagged[0].source.splitlines():
        assert re.match(r"^\w+: (int|str|float|bool) = .+  # \S", line), line
    for cell in node.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class)\s", cell.source, re.MULTILINE), cell.source


def test_publishable_copy_drops_parameters_stderr_and_errors():
    node = new_notebook(cells=[
        new_code_cell("year = 1", metadata={"tags": ["parameters"]}),
        new_code_cell("year = 2", metadata={"tags": ["injected-parameters"]}),
        new_code_cell("x", outputs=[nbformat.v4.new_output("stream", name="stderr", text="warn"),
                                    nbformat.v4.new_output("stream", name="stdout", text="vu")]),
    ])
    kept = publish.publishable(node)
    assert len(kept.cells) == 1
    assert [o["name"] for o in kept.cells[0].outputs] == ["stdout"]


# --- failures --------------------------------------------------------------------------------

def test_failing_notebook_names_the_cell_keeps_it_and_leaves_output_intact(tmp_path, bundled_report):
    notebooks = write_tiny_notebooks(tmp_path / "carnets")  # then the synthesis breaks at its 2nd cell
    nbformat.write(new_notebook(cells=[
        new_code_cell('year: int = 2022  # année\nraw_path: str = ""  # rapport', metadata={"tags": ["parameters"]}),
        new_code_cell("total = 1 / 0"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}),
        notebooks / "synthese.ipynb")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("précédent", encoding="utf-8")
    (out / manifests.MANIFEST_NAME).write_text("{}", encoding="utf-8")  # an earlier run's output
    with pytest.raises(NotebookError) as caught:
        batch.run_reports([BUNDLED], out=out, workers=1, notebooks_dir=notebooks, store_dir=tmp_path / "store")
    message = str(caught.value)
    assert "synthese.ipynb" in message and "cellule n° 3" in message and "ZeroDivisionError" in message
    kept = tmp_path / "out.echec" / "synthese.ipynb"
    assert kept.exists() and str(kept) in message
    assert (out / "index.html").read_text(encoding="utf-8") == "précédent"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".out.lock") == ["carnets", "out", "out.echec", "store"]
    assert NotebookError.exit_status == 1


def test_open_report_checks_the_year_against_the_report():
    report = open_report(None, BUNDLED)
    with pytest.raises(UsageError, match=str(report.meta.year)):
        open_report(report.meta.year + 1, BUNDLED)


def test_headings_are_escaped_once(bundled_out):
    """Regression: an axis heading escaped twice showed Markdown backslashes ("\\(ERBM\\)")."""
    out, _ = bundled_out
    for name, page in reports(out).items():
        if name in ("index.html", "methode.html"):  # written by calpae, not rendered from Markdown
            continue
        headings = re.findall(r"<h[12][^>]*>(.*?)<a class=\"anchor-link\"", body(page), flags=re.S)
        assert headings, name
        assert not [h for h in headings if "\\" in h], name


def test_the_same_command_with_nothing_changed_does_nothing_and_says_so(variant):
    out = variant["out"]
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = run_calpae("run", "--raw", variant["raw"], "--out", out)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Rapports à jour") and str(out / "index.html") in again.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    (out / "methode.html").unlink()  # a published file removed: the run is not a no-op any more
    rebuilt = run_calpae("run", "--raw", variant["raw"], "--out", out)
    assert rebuilt.returncode == 0 and rebuilt.stdout.startswith("Rapports écrits"), rebuilt.stdout
    assert (out / "methode.html").is_file()


def test_pages_are_nbconvert_pages_element_for_element(both_paths):
    """calpae's exporter skips nbconvert's last pass through BeautifulSoup: the page must still be
    the one nbconvert's HTML exporter makes with the same options, once both are read as HTML."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    ours = publish.html_exporter()
    nbconvert = HTMLExporter(**{name: getattr(ours, name) for name in (
        "template_name", "extra_template_paths", "template_file", "exclude_input", "exclude_input_prompt",
        "exclude_output_prompt", "language_code", "embed_images")})
    _, _, standard, _ = both_paths
    for result in standard:
        node = publish.publishable(nbformat.read(result.executed, as_version=4))
        page, expected = ours.from_notebook_node(node)[0], nbconvert.from_notebook_node(node)[0]
        assert 'tabindex="0"' in page, result.job.name
        assert str(BeautifulSoup(page, features="html.parser")) == expected, result.job.name
