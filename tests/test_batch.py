"""Several reports in one run, and reruns that skip unchanged work.

Executing the real notebooks is slow, so the cache logic runs on tiny
notebooks with the real notebooks' parameters (``plan_jobs`` takes a
notebooks folder): one module-scoped sequence of runs, whose outcomes the
tests read. What was executed is observed in each run's outcomes and in the
``calpae-run.json`` manifests, never through timings.
"""

from __future__ import annotations

import json
import platform
import re
import shutil
from importlib import metadata

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from calpae_lib.present import findings
from calpae_lib.publish import batch, manifests, planning, provenance
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish.cli import main
from calpae_lib.text.numbers import find_amounts

from .tiny_notebooks import write_tiny_notebooks
from .variants import BUNDLED, bundled_text, replace_line, shift_years, write_variant


def first_amount_line(report, stage: str) -> tuple[int, str]:
    """A line printing one of the report's ``stage`` amounts, and the amount as printed."""
    budgets = report.tables["budgets"]
    row = budgets[budgets["stage"] == stage].iloc[0]
    line = int(row["source_line"])
    return line, find_amounts(report.doc.line(line))[0].text.rstrip(" €")


def executed(run) -> set[tuple[str, str]]:
    return {(o.unit.target.name, o.job.name) for o in run.outcomes if o.executed}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, bundled_report):
    """Three years of one département, run four times: cold, unchanged, one raw file changed, one
    notebook changed (all runs here, so that the tests' order does not matter)."""
    root = tmp_path_factory.mktemp("batch")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(BUNDLED, raw / BUNDLED.name)
    for offset in (1, 2):
        write_variant(raw, shift_years(bundled_text(), offset), f"calpae_{bundled_report.meta.year + offset}.txt")
    notebooks = write_tiny_notebooks(root / "notebooks")
    out, store = root / "out", root / "store"
    options = dict(out=out, workers=2, notebooks_dir=notebooks, store_dir=store)
    result = {"cold": batch.run_reports([raw], **options), "raw": raw, "out": out, "root": root}
    result["index_after_cold"] = (out / "index.html").read_text(encoding="utf-8")
    result["unchanged"] = batch.run_reports([str(raw / "*.txt")], **options)
    result["manifests_unchanged"] = [json.loads(p.read_text(encoding="utf-8"))
                                     for p in sorted(out.rglob(manifests.MANIFEST_NAME))]
    changed = raw / f"calpae_{bundled_report.meta.year + 1}.txt"
    line, printed = first_amount_line(bundled_report, "prevu")
    changed.write_text(replace_line(changed.read_text(encoding="utf-8"), line, printed,
                                    f"{printed[:-1]}{(int(printed[-1]) + 1) % 10}"), encoding="utf-8")
    result["one_raw"] = batch.run_reports([raw], **options)
    synthese = nbformat.read(notebooks / "synthese.ipynb", as_version=4)
    synthese.cells.append(new_code_cell("print('modifié')"))
    nbformat.write(synthese, notebooks / "synthese.ipynb")
    result["one_notebook"] = batch.run_reports([raw], **options)
    result["changed_year"] = bundled_report.meta.year + 1
    return result


def test_cold_run_executes_every_notebook_of_every_report(runs, bundled_report):
    cold = runs["cold"]
    reports = [u for u in cold.units if u.report is not None]
    assert sorted(u.report.meta.year for u in reports) == [bundled_report.meta.year + k for k in range(3)]
    assert cold.executed == len(cold.outcomes) == sum(len(u.jobs) for u in cold.units)
    assert cold.reused == 0


def test_each_report_has_its_folder_by_departement_and_year(runs, bundled_report):
    out = runs["out"]
    for offset in range(3):
        folder = out / "pas-de-calais" / str(bundled_report.meta.year + offset)
        assert (folder / "index.html").is_file() and (folder / "synthese.html").is_file()
        assert (folder / "tables" / "budgets.csv").is_file()
        assert str(bundled_report.meta.year + offset) in (folder / "synthese.html").read_text(encoding="utf-8")
    assert (out / "pas-de-calais" / planning.COMPARISON_DIR / "comparaison_annees.html").is_file()
    assert not [p.name for p in out.rglob(".*")]  # no staging folder left behind


def test_top_index_lists_every_report_newest_first_with_checksum_and_checks(runs, bundled_report):
    index = runs["index_after_cold"]
    links = re.findall(r'href="(pas-de-calais/\d{4}/index\.html)"', index)
    year = bundled_report.meta.year
    assert links == [f"pas-de-calais/{year + k}/index.html" for k in (2, 1, 0)]
    for unit in runs["cold"].units:
        if unit.report is not None:
            assert unit.report.doc.sha256 in index and unit.report.doc.path.name in index
    counts = findings.check_counts(bundled_report)
    assert f"Incohérences du document {counts['Incohérences du document']}" in index
    assert 'href="pas-de-calais/comparaison/comparaison_annees.html"' in index
    for link in links:
        assert (runs["out"] / link).is_file()


def test_published_files_are_readable_by_all(runs):
    """Staging folders and stored copies are private; what is published is not."""
    out = runs["out"]
    published = [out / "index.html", *out.rglob("*.html"), *out.rglob("*.csv")]
    published += [p for p in out.rglob("*") if p.is_dir() and not p.name.endswith(".echec")]
    for path in published:
        assert path.stat().st_mode & 0o044 == 0o044, path


def test_a_run_with_nothing_changed_executes_no_notebook(runs):
    unchanged = runs["unchanged"]
    assert unchanged.executed == 0 and unchanged.parsed == 0
    assert unchanged.reused == len(runs["cold"].outcomes)
    manifests = runs["manifests_unchanged"]
    assert len(manifests) == len(runs["cold"].units)
    for manifest in manifests:
        assert manifest["jobs"] and not any(job["executed"] for job in manifest["jobs"])


def test_each_published_folder_records_what_produced_it(runs):
    written = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(runs["out"].rglob(manifests.MANIFEST_NAME))]
    assert written
    for manifest in written:
        assert manifest["calpae"] == provenance.calpae_identity().as_dict()
        assert manifest["environment"]["python"] == platform.python_version()
        assert manifest["environment"]["packages"]["pandas"] == metadata.version("pandas")


def test_changing_one_raw_file_rebuilds_that_report_and_the_comparison_only(runs):
    run = runs["one_raw"]
    year = str(runs["changed_year"])
    shas = {u.target.name: u.report.doc.sha256 for u in run.units if u.report is not None}
    before = {u.target.name: u.report.doc.sha256 for u in runs["cold"].units if u.report is not None}
    assert {name for name in shas if shas[name] != before[name]} == {year}
    expected = {(year, job.name) for u in run.units if u.target.name == year for job in u.jobs}
    expected.add((planning.COMPARISON_DIR, "comparaison_annees"))
    assert executed(run) == expected


def test_changing_one_notebook_rebuilds_its_reports_only(runs):
    run = runs["one_notebook"]
    assert run.parsed == 0
    assert executed(run) == {(u.target.name, "synthese") for u in run.units if u.report is not None}
    page = (runs["out"] / "pas-de-calais" / str(runs["changed_year"]) / "synthese.html").read_text(encoding="utf-8")
    assert "modifié" in page


def test_force_rebuilds_everything(tmp_path, bundled_report):
    notebooks = write_tiny_notebooks(tmp_path / "notebooks")
    options = dict(out=tmp_path / "out", workers=2, notebooks_dir=notebooks, store_dir=tmp_path / "store")
    first = batch.run_reports([BUNDLED], **options)
    again = batch.run_reports([BUNDLED], **options)
    forced = batch.run_reports([BUNDLED], force=True, **options)
    assert first.executed == len(first.outcomes) > 0
    assert again.executed == 0
    assert forced.executed == len(forced.outcomes) == len(first.outcomes) and forced.parsed == 1
    assert (tmp_path / "out" / "index.html").is_file()  # one report: its own folder, as before


def test_a_failing_notebook_leaves_every_folder_as_it_was(runs):
    notebooks = runs["root"] / "broken"
    write_tiny_notebooks(notebooks)
    node = nbformat.read(notebooks / "axe.ipynb", as_version=4)
    node.cells.append(new_code_cell("1 / 0"))
    nbformat.write(node, notebooks / "axe.ipynb")
    before = (runs["out"] / "index.html").read_text(encoding="utf-8")
    with pytest.raises(batch.NotebookError, match="axe.ipynb"):
        batch.run_reports([runs["raw"]], out=runs["out"], workers=2, notebooks_dir=notebooks,
                          store_dir=runs["root"] / "store")
    assert (runs["out"] / "index.html").read_text(encoding="utf-8") == before
    assert not [p.name for p in runs["out"].rglob(".*build*")]


# --- command line ----------------------------------------------------------------------------

def test_year_with_several_reports_is_refused(capsys, runs):
    assert main(["run", str(runs["raw"]), "--year", "2022", "--out", str(runs["root"] / "never")]) == 2
    assert "--year" in capsys.readouterr().err


def test_two_files_of_the_same_year_are_refused(tmp_path, capsys):
    write_variant(tmp_path, bundled_text(), "copie.txt")
    assert main(["run", str(BUNDLED), "--raw", str(tmp_path / "copie.txt"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "deux rapports" in err and "copie.txt" in err
    assert not (tmp_path / "o").exists()


def test_a_pattern_matching_nothing_is_refused(tmp_path, capsys):
    assert main(["run", str(tmp_path / "*.txt")]) == 2
    assert "aucun fichier ne correspond" in capsys.readouterr().err


# --- the real comparison notebook ------------------------------------------------------------

def test_comparison_notebook_runs_on_two_years(both_paths, bundled_report):
    root, jobs, _, fast = both_paths
    job, result = next((j, r) for j, r in zip(jobs, fast) if j.notebook.name == planning.COMPARISON_NOTEBOOK)
    publish.check_parameters(job.notebook, job.parameters)
    assert result.error is None, result.error
    page = (root / "fast" / "comparaison_annees.html").read_text(encoding="utf-8")
    years = [str(bundled_report.meta.year), str(bundled_report.meta.year + 1)]
    assert all(y in page for y in years)
    assert "data:image/png;base64," in page and "Traceback" not in page


def run_two_more_years(runs, tmp_path, year: int, edit=None) -> list[str]:
    """A run of two other years into a copy of the folder where three were published (after
    ``edit(out)``): the index's links to reports, in order."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for offset in (5, 6):
        write_variant(raw, shift_years(bundled_text(), offset), f"calpae_{year + offset}.txt")
    out = shutil.copytree(runs["out"], tmp_path / "out")
    if edit:
        edit(out)
    batch.run_reports([raw], out=out, workers=2, notebooks_dir=write_tiny_notebooks(tmp_path / "nb"),
                      store_dir=tmp_path / "store")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("comparaison_annees.html") == 1  # one département, one comparison folder
    return re.findall(r'href="(pas-de-calais/\d{4}/index\.html)"', index)


def test_index_keeps_reports_published_by_earlier_runs(runs, tmp_path, bundled_report):
    """A run of two other years into a folder where three were published: the index lists all five,
    newest first."""
    year = bundled_report.meta.year
    links = run_two_more_years(runs, tmp_path, year)
    assert links == [f"pas-de-calais/{year + k}/index.html" for k in (6, 5, 2, 1, 0)]


@pytest.mark.parametrize("change", [{"year": "deux mille"}, {"raw": None}])
def test_a_manifest_edited_by_hand_is_left_out_of_the_index_and_the_run_goes_on(runs, tmp_path, capsys,
                                                                              bundled_report, change):
    """One earlier folder's manifest edited by hand: a run of two other years publishes them, lists
    the intact folders, and says which manifest it could not trust (it exited 3 after swapping)."""
    year = bundled_report.meta.year
    manifest = tmp_path / "out" / "pas-de-calais" / str(year + 1) / manifests.MANIFEST_NAME

    def edit(out):
        content = json.loads(manifest.read_text(encoding="utf-8"))
        content["published"].update(change)
        manifest.write_text(json.dumps(content), encoding="utf-8")

    links = run_two_more_years(runs, tmp_path, year, edit)
    assert str(manifest) in capsys.readouterr().err
    assert links == [f"pas-de-calais/{year + k}/index.html" for k in (6, 5, 2, 0)]
