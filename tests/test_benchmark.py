"""The benchmark writes its measures to a file with the date, the commit and the machine (issue 31):
the README keeps the targets, the figures live in ``benchmarks/results/``."""

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("calpae_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measures():
    """Made-up seconds shaped as bench.py's measuring functions return them."""
    parsing = {"import": 0.2, "bundled_first": 0.5, "bundled": 0.25, "copies_1": 0.3, "copies_4": 1.2,
               "copies_16": 4.9}
    phases = {"seconds": 3.5, "notebooks": 6, "steps": {"start": 0.4, "parse": 0.5, "notebooks": 2.8},
              "notebook_phases": {"kernel": 0.3, "execution": 4.5, "export": 0.4}}
    run = {"cold": 4.0, "colds": [3.9, 4.0, 4.4], "warm": 0.1, "reuse": 0.8, "phases": phases,
           "cold_4": 10.0, "warm_4": 0.1, "cold_16": 34.0, "warm_16": 0.2}
    return parsing, run, {"baseline": 32.0, "notebooks": 6}


def info(commit="0123456789abcdef0123456789abcdef01234567", modified=False):
    return {"date": "2031-03-04", "time": "2031-03-04T05:06:07+00:00", "nproc": 2, "cpu": "Some CPU",
            "system": "Linux", "python": "3.11.7",
            "calpae": {"version": "9.9.9", "commit": commit, "modified": modified}}


def test_results_file_holds_date_commit_machine_measures_and_ratios(tmp_path):
    bench = load_bench()
    path = bench.write_results(info(), *measures(), jobs=2, folder=tmp_path / "results")
    assert path == tmp_path / "results" / "2031-03-04-0123456789ab.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["date"] == "2031-03-04" and record["commit"].startswith("0123456789ab")
    assert record["machine"] == {"nproc": 2, "cpu": "Some CPU", "system": "Linux", "python": "3.11.7"}
    assert record["jobs"] == 2 and record["seconds"]["run"]["cold"] == 4.0
    assert record["ratios"]["cold_over_baseline"] == 4.0 / 32.0
    assert record["ratios"]["cold_per_report_1_to_4"] == 2.0 and record["ratios"]["cold_growth"] == 1.0
    assert any("0.125" in line and "cold / baseline" in line for line in record["report"])
    assert "commit 0123456789ab" in record["report"][0]


def test_a_second_run_never_overwrites_and_a_modified_or_missing_commit_is_named(tmp_path):
    bench = load_bench()
    first = bench.write_results(info(), *measures(), jobs=2, folder=tmp_path)
    second = bench.write_results(info(), *measures(), jobs=2, folder=tmp_path)
    assert first.name != second.name and second.name == "2031-03-04-0123456789ab-2.json"
    assert first.read_text(encoding="utf-8") and second.read_text(encoding="utf-8")
    modified = bench.write_results(info(modified=True), *measures(), jobs=2, folder=tmp_path)
    assert modified.name == "2031-03-04-0123456789ab-modified.json"
    assert bench.write_results(info(commit=None), *measures(), jobs=2, folder=tmp_path).name \
        == "2031-03-04-nocommit.json"


def test_machine_names_the_utc_date_and_calpae_commit():
    described = load_bench().machine()
    assert described["time"].endswith("+00:00") and described["time"].startswith(described["date"])
    assert described["nproc"] >= 1 and described["python"] and "commit" in described["calpae"]


def test_the_pdf_section_is_written_alone_or_beside_the_others(tmp_path):
    bench = load_bench()
    pdf = {"render": 5.0, "pages": 103, "bytes": 290_000, "cold": 4.5, "warm": 0.2, "read": 3.0,
           "parse_command": 7.0}
    both = json.loads(bench.write_results(info(), *measures(), jobs=2, folder=tmp_path, pdf=pdf).read_text())
    assert both["seconds"]["pdf"] == pdf and both["ratios"]["cold_over_baseline"] == 4.0 / 32.0
    assert round(both["ratios"]["pdf"]["cold_per_110_pages"], 6) == round(4.5 / 103 * 110, 6)
    alone = json.loads(bench.write_results(info(), {}, {}, {}, jobs=2, folder=tmp_path, pdf=pdf).read_text())
    assert alone["seconds"] == {"parsing": {}, "run": {}, "baseline": {}, "pdf": pdf}
    assert list(alone["ratios"]) == ["pdf"]
    assert any("PDF read alone" in line and "3.00 s" in line for line in alone["report"])
    assert not any("calpae run" in line or "Ratios" in line for line in alone["report"])
