"""A run that has nothing to do says so before loading anything: what makes it redo its work."""

import json

import pytest

from calpae_lib.publish import uptodate


@pytest.fixture
def last_run(tmp_path):
    """A raw report, a notebook and an output folder, recorded as a run's: (request, paths)."""
    raw, notebooks, out, store = tmp_path / "calpae_2030_x.txt", tmp_path / "nb", tmp_path / "out", tmp_path / "store"
    raw.write_text("RAPPORT\n", encoding="utf-8")
    notebooks.mkdir()
    (notebooks / "synthese.ipynb").write_text(json.dumps({"cells": []}), encoding="utf-8")
    (out / "tables").mkdir(parents=True)
    (out / "index.html").write_text("<p>index</p>", encoding="utf-8")
    (out / "tables" / "budgets.csv").write_text("a,b\n", encoding="utf-8")
    (out / "calpae-run.json").write_text(json.dumps({"files": ["index.html", "tables/budgets.csv"]}),
                                         encoding="utf-8")
    request = uptodate.Request((str(raw),), str(out), None)
    uptodate.remember_run(request, out, notebooks, store)
    return request, {"raw": raw, "notebooks": notebooks, "out": out, "store": store}


def unchanged(request, paths):
    return uptodate.unchanged_output(request, paths["notebooks"], paths["store"])


def test_nothing_changed_gives_the_output_folder(last_run):
    request, paths = last_run
    assert unchanged(request, paths) == paths["out"].resolve()


@pytest.mark.parametrize("change", ["raw bytes", "notebook", "page edited", "page removed", "page added"])
def test_any_change_of_an_input_or_of_the_output_means_work(last_run, change):
    request, paths = last_run
    if change == "raw bytes":
        paths["raw"].write_text("RAPPORT modifié\n", encoding="utf-8")
    elif change == "notebook":
        (paths["notebooks"] / "axe.ipynb").write_text("{}", encoding="utf-8")
    elif change == "page edited":
        (paths["out"] / "index.html").write_text("<p>index modifié</p>", encoding="utf-8")
    elif change == "page removed":
        (paths["out"] / "tables" / "budgets.csv").unlink()
    else:
        (paths["out"] / "tables" / "new.csv").write_text("x\n", encoding="utf-8")
    assert unchanged(request, paths) is None


def test_a_folder_published_without_a_page_its_manifest_names_is_never_up_to_date(last_run):
    """A folder published incomplete (a page its manifest names is missing) and recorded so: the
    record matches the disk, but the run must redo its work rather than call it « à jour »."""
    request, paths = last_run
    (paths["out"] / "calpae-run.json").write_text(json.dumps({"files": ["index.html", "methode.html"]}),
                                                  encoding="utf-8")
    uptodate.remember_run(request, paths["out"], paths["notebooks"], paths["store"])
    assert unchanged(request, paths) is None


def test_what_a_killed_run_left_beside_the_output_means_work(last_run):
    """A run killed by a signal leaves its folder being built beside the output: the next run goes the
    normal way, which removes it, rather than saying « à jour » and leaving it for good."""
    request, paths = last_run
    (paths["out"].parent / f".{paths['out'].name}.build-x1y2").mkdir()
    assert unchanged(request, paths) is None


def test_another_command_is_not_the_same_run(last_run):
    request, paths = last_run
    assert unchanged(uptodate.Request(request.raw_items, request.out, 2030), paths) is None
    assert unchanged(uptodate.Request(request.raw_items, str(paths["out"] / "ailleurs"), None), paths) is None


def test_a_raw_file_gone_or_a_damaged_record_means_work(last_run):
    request, paths = last_run
    uptodate.record_path(request, paths["store"]).write_text("{pas du json", encoding="utf-8")
    assert unchanged(request, paths) is None
    uptodate.remember_run(request, paths["out"], paths["notebooks"], paths["store"])
    paths["raw"].unlink()
    assert unchanged(request, paths) is None


def test_the_check_loads_neither_pandas_nor_the_parser():
    import subprocess
    import sys

    code = ("import sys; from calpae_lib.publish import cli, uptodate; "
            "print(sorted(m for m in ('pandas', 'calpae_lib.pipeline', 'papermill') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"
