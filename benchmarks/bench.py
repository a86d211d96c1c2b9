"""Benchmark of calpae on this machine, in one run (not a test): ``make benchmark``.

Measures:

1. parsing: the bundled report, then 1, 4 and 16 copies under other years
   (every year moved, as ``tests/variants.py`` does), parsed one after the
   other in one process, without the result store;
2. ``calpae run`` on the bundled report, cold (empty result store, into a
   temporary folder; three times, the median kept), warm (the same command
   again, nothing changed) and with one published page removed (every stored
   result reused, the pages written again), with the median cold run's time
   by phase (``calpae run --timings``); then the same for 4 and for 16
   reports of one département (other years);
3. the baseline: the same notebooks with the same parameters, one after the
   other, each with the ``papermill`` command then ``jupyter nbconvert --to
   html --no-input`` (subprocesses). The baseline's notebooks read the parsed
   report from the store the first cold run filled (they do not parse).

4. the PDF route (issue 30): the bundled report's PDF twin (``tests/pdf_twins``, about a
   hundred pages) rendered once, then, in this process, read and parsed cold (an empty
   result store: the PDF read, parsed and stored; the PDF reader's import counted) and warm
   (the stored parse read back), the PDF read alone, and the ``calpae parse`` command on it
   with an empty store (interpreter start-up and the tables written included); the target
   is a report of about 110 pages read in well under 10 s on 2 cores. ``--only pdf``
   measures this section alone.

Prints a table, the cold run's phases and the ratios against the targets
(cold ≤ 0.15 × baseline, warm < 1 s, cold runs and parsing linear in the
number of reports), and writes them with the date, the commit and the machine
to ``benchmarks/results/<date>-<commit>.json`` (:func:`write_results`): the
measures live there, not in the README.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

#: calpae_lib is imported only once CALPAE_CACHE_DIR points into the benchmark's temporary folder.
BUNDLED = PROJECT / "data" / "raw" / "calpae_2022_pas-de-calais.txt"
BIN = Path(sys.executable).parent
COPIES = (1, 4, 16)
#: Where each run of the benchmark leaves its measures, one JSON file per run.
RESULTS_DIR = PROJECT / "benchmarks" / "results"
#: The sections ``--only`` can name, in the order they run.
SECTIONS = ("parsing", "run", "baseline", "pdf")
#: The PDF route's target (issue 30): a report of about 110 pages read in well under this, on 2 cores.
PDF_TARGET_SECONDS = 10.0


def shift_years(text: str, offset: int) -> str:
    """Every year 2000–2039 moved by ``offset`` (as tests/variants.py does)."""
    from tests.variants import shift_years as shift

    return shift(text, offset)


def machine() -> dict:
    """When and where the benchmark runs: the UTC time, the cores, the processor, Python, calpae's
    version and commit."""
    from calpae_lib.publish.provenance import calpae_identity

    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                 platform.processor() or "inconnu")
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"date": now.date().isoformat(), "time": now.isoformat(timespec="seconds"),
            "nproc": os.cpu_count(), "cpu": model, "system": platform.platform(),
            "python": platform.python_version(), "calpae": calpae_identity().as_dict()}


def write_copies(folder: Path, count: int, first_offset: int = 1) -> list[Path]:
    text = BUNDLED.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for offset in range(first_offset, first_offset + count):
        path = folder / f"calpae_copie_plus_{offset}_ans.txt"
        path.write_text(shift_years(text, offset), encoding="utf-8")
        paths.append(path)
    return paths


def bench_parsing(work: Path) -> dict:
    """Seconds to parse the bundled report, and 1, 4, 16 copies (one process, no store)."""
    start = time.perf_counter()
    from calpae_lib.pipeline import parse_report
    results = {"import": time.perf_counter() - start}
    start = time.perf_counter()
    parse_report(BUNDLED)
    results["bundled_first"] = time.perf_counter() - start
    start = time.perf_counter()
    parse_report(BUNDLED)
    results["bundled"] = time.perf_counter() - start
    copies = write_copies(work / "copies", max(COPIES), first_offset=20)
    for count in COPIES:
        start = time.perf_counter()
        for path in copies[:count]:
            parse_report(path)
        results[f"copies_{count}"] = time.perf_counter() - start
    return results


def bench_pdf(work: Path) -> dict:
    """The bundled report's PDF twin rendered, then read and parsed cold (empty store) and warm (stored),
    and read alone: seconds, with its pages and size."""
    from calpae_lib.pdf import read_pdf
    from calpae_lib.publish.loading import load_report
    from tests.pdf_twins.render import render_twin
    from tests.variants import bundled_text

    start = time.perf_counter()
    twin = render_twin(bundled_text(), work / "jumeau.pdf")
    results = {"render": time.perf_counter() - start, "pages": twin.pages, "bytes": twin.path.stat().st_size,
               "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    store = work / "pdf-store"
    for name, measured in (("cold", lambda: load_report(twin.path, store_dir=store)),
                           ("warm", lambda: load_report(twin.path, store_dir=store)),
                           ("read", lambda: read_pdf(twin.path))):
        start, cpu = time.perf_counter(), time.process_time()
        measured()
        results[name], results[f"{name}_cpu"] = time.perf_counter() - start, time.process_time() - cpu
    command = [str(BIN / "calpae"), "parse", str(twin.path), "--out", str(work / "pdf-tables")]
    results["parse_command"] = timed(command, {**os.environ, "CALPAE_CACHE_DIR": str(work / "pdf-command-store")})
    return results


def timed(command: list, env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"échec de {' '.join(map(str, command))} :\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def bench_run(work: Path, jobs: int) -> dict:
    """calpae run cold (:data:`COLD_REPEATS` times, each with its own empty store: the median), warm,
    with a page removed; then four and sixteen reports cold and warm."""
    calpae = [str(BIN / "calpae"), "run", "--jobs", str(jobs)]

    def one_report(attempt: int) -> tuple[list, dict]:
        """The command and environment of the cold run ``attempt``: its own output and store."""
        env = {**os.environ, "CALPAE_CACHE_DIR": str(cold_store(work, attempt))}
        return calpae + ["--raw", str(BUNDLED), "--out", str(cold_output(work, attempt))], env

    colds = []
    for attempt in range(COLD_REPEATS):
        one, env = one_report(attempt)
        phases = work / f"phases-{attempt}.json"
        colds.append((timed(one + ["--timings", str(phases)], env), phases))
    cold, phases = sorted(colds)[len(colds) // 2]
    one, env = one_report(0)  # warm, then with a page removed: on the first cold run's output and store
    results = {"cold": cold, "colds": sorted(t for t, _ in colds), "warm": timed(one, env)}
    (cold_output(work, 0) / "methode.html").unlink()  # the output touched: every stored result reused
    results["reuse"] = timed(one, env)
    results["phases"] = json.loads(phases.read_text(encoding="utf-8"))
    for count in (4, 16):
        raws = write_copies(work / f"reports{count}", count - 1) + [BUNDLED]
        many = calpae + [str(p) for p in raws] + ["--out", str(work / f"out{count}")]
        many_env = {**env, "CALPAE_CACHE_DIR": str(work / f"cache{count}")}
        results[f"cold_{count}"] = timed(many, many_env)
        results[f"warm_{count}"] = timed(many, many_env)
    return results


#: Cold runs of one report: their median is compared with the baseline. A cold run lasts a few
#: seconds, so a burst of the machine's other work weighs on one measure; the baseline, a minute of
#: twelve commands, averages it out.
COLD_REPEATS = 3


def cold_store(work: Path, attempt: int) -> Path:
    """The result store of the cold run ``attempt`` (the first one's parsed report serves the baseline)."""
    return work / f"cache-{attempt}"


def cold_output(work: Path, attempt: int) -> Path:
    """The output folder of the cold run ``attempt``."""
    return work / f"out1-{attempt}"


def bench_baseline(work: Path) -> dict:
    """The same notebooks, one after the other, with the papermill and jupyter nbconvert commands."""
    env = {**os.environ, "CALPAE_CACHE_DIR": str(cold_store(work, 0))}
    from calpae_lib.publish.loading import load_report
    from calpae_lib.publish.notebooks import plan_jobs

    report = load_report(BUNDLED)
    folder = work / "baseline"
    folder.mkdir()
    total, count = 0.0, 0
    for job in plan_jobs(report, BUNDLED):
        executed = folder / f"{job.name}.ipynb"
        parameters = [arg for name, value in job.parameters.items() for arg in ("-p", name, str(value))]
        total += timed([str(BIN / "papermill"), str(job.notebook), str(executed), *parameters,
                        "--cwd", str(job.notebook.parent), "-k", "python3", "--no-progress-bar"], env)
        total += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], env)
        count += 1
    return {"baseline": total, "notebooks": count}


def seconds(value: float) -> str:
    return f"{value:7.2f} s"


def report(info: dict, parsing: dict, run: dict, baseline: dict, jobs: int, pdf: dict | None = None) -> str:
    """The printed table of the measures, the cold run's phases and the ratios; a section not measured
    (``--only``, an empty dict) is left out."""
    commit = (info.get("calpae") or {}).get("commit") or "no commit"
    lines = [f"calpae benchmark — {info['date']} — commit {commit[:12]} — {info['nproc']} cores, {info['cpu']}, "
             f"Python {info['python']}", ""]
    rows = measured_rows(parsing, run, baseline, jobs) + (pdf_rows(pdf) if pdf else [])
    width = max(len(name) for name, _ in rows)
    lines += [f"{name:<{width}}  {value}" for name, value in rows]
    if run:
        lines += ["", *phase_lines(run["phases"])]
    ratio = ratios(parsing, run, baseline)
    if ratio:
        lines += ["", "Ratios:",
                  f"  cold / baseline          = {ratio['cold_over_baseline']:.3f}   (target ≤ 0.15)",
                  f"  warm / baseline          = {ratio['warm_over_baseline']:.3f}",
                  f"  warm                     = {run['warm']:.2f} s (target < 1 s)",
                  f"  cold, each added report  = {ratio['cold_per_report_1_to_4']:.2f} s from 1 to 4, "
                  f"{ratio['cold_per_report_4_to_16']:.2f} s from 4 to 16"
                  f" (ratio {ratio['cold_growth']:.2f}; 1.00 = linear)",
                  f"  parse per report, 16 / 1 = {ratio['parse_growth']:.2f}   (1.00 = linear)"]
    if pdf:
        lines += ["", "PDF route:",
                  f"  read + parse, cold, per 110 pages = {pdf_ratios(pdf)['cold_per_110_pages']:.2f} s "
                  f"(target: well under {PDF_TARGET_SECONDS:.0f} s on 2 cores)"
                  + (f"; load average {pdf['load_average']:.1f} when measured" if pdf.get("load_average") else "")]
    return "\n".join(lines)


def pdf_rows(pdf: dict) -> list[tuple[str, str]]:
    """The PDF section's rows of the printed table."""
    pages = f"{pdf['pages']} pages, {pdf['bytes'] / 1024:.0f} KiB"
    def with_cpu(name: str) -> str:  # the processor time too: the wall clock counts what others run meanwhile
        return seconds(pdf[name]) + (f"  ({pdf[name + '_cpu']:.2f} s of processor)" if name + "_cpu" in pdf else "")

    return [(f"PDF twin of the bundled report rendered ({pages})", seconds(pdf["render"])),
            ("PDF read + parsed + stored, cold (empty store, first in process)", with_cpu("cold")),
            ("PDF parse read back from the store, warm", with_cpu("warm")),
            ("PDF read alone (words, tables, lines)", with_cpu("read")),
            ("calpae parse on the PDF, empty store (a new process, tables written)", seconds(pdf["parse_command"]))]


def pdf_ratios(pdf: dict) -> dict:
    """The PDF section against its target: the cold read and parse scaled to 110 pages."""
    return {"cold_per_110_pages": pdf["cold"] / pdf["pages"] * 110,
            "read_per_110_pages": pdf["read"] / pdf["pages"] * 110}


def measured_rows(parsing: dict, run: dict, baseline: dict, jobs: int) -> list[tuple[str, str]]:
    """The rows of the parsing, run and baseline sections measured (each left out when empty)."""
    rows = []
    if parsing:
        rows += [
            ("import of calpae_lib.pipeline", seconds(parsing["import"])),
            ("parse bundled report (first, lazy imports)", seconds(parsing["bundled_first"])),
            ("parse bundled report", seconds(parsing["bundled"])),
            *[(f"parse {n} copies (other years)", f"{seconds(parsing[f'copies_{n}'])}  "
               f"({parsing[f'copies_{n}'] / n:.2f} s per report)") for n in COPIES]]
    if run:
        rows += [
            (f"calpae run, 1 report, cold (--jobs {jobs}), median of {len(run['colds'])}",
             f"{seconds(run['cold'])}  ({' / '.join(f'{t:.2f}' for t in run['colds'])} s)"),
            ("calpae run, 1 report, warm (nothing changed: nothing done)", seconds(run["warm"])),
            ("calpae run, 1 report, a published page removed (all reused)", seconds(run["reuse"])),
            (f"calpae run, 4 reports, cold (--jobs {jobs})", seconds(run["cold_4"])),
            ("calpae run, 4 reports, warm", seconds(run["warm_4"])),
            (f"calpae run, 16 reports, cold (--jobs {jobs})", seconds(run["cold_16"])),
            ("calpae run, 16 reports, warm", seconds(run["warm_16"]))]
    if baseline:
        rows += [(f"baseline: papermill + nbconvert commands, {baseline['notebooks']} notebooks",
                  seconds(baseline["baseline"]))]
    return rows


def ratios(parsing: dict, run: dict, baseline: dict) -> dict:
    """The measures compared with the targets: cold and warm against the baseline, and how the cold
    run and the parse grow with the number of reports (1.00 = linear); none when a section was not
    measured (``--only``)."""
    if not (parsing and run and baseline):
        return {}
    per_report_4 = (run["cold_4"] - run["cold"]) / 3
    per_report_16 = (run["cold_16"] - run["cold_4"]) / 12
    return {"cold_over_baseline": run["cold"] / baseline["baseline"],
            "warm_over_baseline": run["warm"] / baseline["baseline"],
            "cold_per_report_1_to_4": per_report_4, "cold_per_report_4_to_16": per_report_16,
            "cold_growth": per_report_16 / (per_report_4 or 1e-9),
            "parse_growth": parsing["copies_16"] / 16 / (parsing["copies_1"] or 1e-9)}


def write_results(info: dict, parsing: dict, run: dict, baseline: dict, jobs: int,
                  folder: Path = RESULTS_DIR, pdf: dict | None = None) -> Path:
    """Write one run's measures to ``folder/<date>-<commit>.json`` and return its path: the date
    (UTC), calpae's commit (``nocommit`` outside a git checkout; ``-modified`` when the checkout had
    uncommitted changes), the machine, every measure in seconds, the ratios and the printed table.
    A second run of the same day and commit gets ``-2``, ``-3``…: no measure is overwritten. ``pdf``: the
    PDF route's measures (:func:`bench_pdf`), under ``seconds.pdf`` and ``ratios.pdf``; a section not
    measured (``--only``) is an empty dict."""
    identity = info.get("calpae") or {}
    commit = (identity.get("commit") or "nocommit")[:12] + ("-modified" if identity.get("modified") else "")
    stem = f"{info['date']}-{commit}"
    folder.mkdir(parents=True, exist_ok=True)
    path, number = folder / f"{stem}.json", 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.json"
    record = {"date": info["date"], "time": info.get("time"), "commit": identity.get("commit"),
              "modified": identity.get("modified", False), "version": identity.get("version"),
              "machine": {key: info.get(key) for key in ("nproc", "cpu", "system", "python")},
              "jobs": jobs, "seconds": {"parsing": parsing, "run": run, "baseline": baseline, "pdf": pdf or {}},
              "ratios": {**ratios(parsing, run, baseline), **({"pdf": pdf_ratios(pdf)} if pdf else {})},
              "report": report(info, parsing, run, baseline, jobs, pdf).splitlines()}
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def phase_lines(phases: dict) -> list[str]:
    """The cold run of one report by phase: the main process's steps in wall-clock seconds, the
    notebooks' phases summed over the notebooks (which run in parallel, so they add up to more)."""
    steps, notebooks = phases["steps"], phases["notebook_phases"]
    rows = [("start: kernel template, pool, papermill (main process)", steps.get("start", 0.0)),
            ("parse the report (main process)", steps.get("parse", 0.0)),
            ("notebooks, wall clock (the phases below, in parallel)", steps.get("notebooks", 0.0)),
            (f"  kernel start: waiting for a kernel, sum over {phases['notebooks']} notebooks",
             notebooks["kernel"]),
            ("  execution (papermill, cells), sum", notebooks["execution"]),
            ("  export to HTML, sum", notebooks["export"]),
            ("  tables, index and method pages (main process, meanwhile)", steps.get("tables", 0.0)),
            ("swap into place", steps.get("swap", 0.0)),
            ("whole run, inside calpae (no interpreter start-up)", phases["seconds"])]
    width = max(len(name) for name, _ in rows)
    return (["Cold run of one report (the median one), by phase:"]
            + [f"  {name:<{width}}  {seconds(value)}" for name, value in rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for calpae run")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR,
                        help="folder of the results file (default: benchmarks/results/)")
    parser.add_argument("--only", choices=SECTIONS, action="append", default=[],
                        help="measure only this section (repeatable); the baseline needs the run's store, "
                             "so --only baseline measures the run too")
    args = parser.parse_args()
    sections = set(args.only or SECTIONS) | ({"run"} if "baseline" in args.only else set())
    measured: dict[str, dict] = {name: {} for name in SECTIONS}
    measures = {"parsing": bench_parsing, "run": lambda work: bench_run(work, args.jobs),
                "baseline": bench_baseline, "pdf": bench_pdf}
    with tempfile.TemporaryDirectory(prefix="calpae-bench-") as temporary:
        work = Path(temporary)
        os.environ["CALPAE_CACHE_DIR"] = str(work / "cache")  # this process's loads too
        info = machine()
        for name in SECTIONS:
            if name in sections:
                measured[name] = measures[name](work)
                print(f"{name} measured", file=sys.stderr, flush=True)
    parsing, run, baseline, pdf = (measured[name] for name in SECTIONS)
    print(report(info, parsing, run, baseline, args.jobs, pdf))
    path = write_results(info, parsing, run, baseline, args.jobs, args.results, pdf=pdf)
    print(f"\nwritten to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
