import fcntl
import os
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from calpae_lib.pipeline import parse_report
from calpae_lib.text.reading import read_report

from .variants import BUNDLED


@pytest.fixture(scope="session")
def bundled_doc():
    return read_report(BUNDLED)


@pytest.fixture(scope="session")
def bundled_report():
    """The bundled report, parsed once for the whole session (read-only)."""
    return parse_report(BUNDLED)


@pytest.fixture(scope="session")
def bundled_twin(tmp_path_factory):
    """The bundled report's PDF twin (tests/pdf_twins), rendered once for the whole session (read-only)."""
    from .pdf_twins.render import render_twin
    from .variants import bundled_text

    return render_twin(bundled_text(), tmp_path_factory.mktemp("twins") / "bundled.pdf")


#: The pages' production date (``SOURCE_DATE_EPOCH``) wherever two runs' pages are compared byte for byte.
FIXED_EPOCH = "1700000000"


@contextmanager
def production_date_fixed():
    """Pages say when they were produced: one date while this holds."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        yield


@pytest.fixture
def fixed_date():
    """One production date for the test (see :func:`production_date_fixed`)."""
    with production_date_fixed():
        yield


def published(out) -> dict[str, bytes]:
    """Every published file's bytes, but the workbook (its zip carries its write time) and the manifests."""
    from calpae_lib.publish.manifests import MANIFEST_NAME

    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix != ".xlsx" and p.name != MANIFEST_NAME}


CALPAE = [sys.executable, "-c", "import sys; from calpae_lib.publish.cli import main; sys.exit(main())"]


def run_calpae(*args, store=None) -> subprocess.CompletedProcess:
    """``calpae ARGS`` in a subprocess; ``store``: its own result store (else the session's)."""
    env = {**os.environ, "CALPAE_CACHE_DIR": str(store)} if store else None
    return subprocess.run(CALPAE + [str(a) for a in args], capture_output=True, text=True, timeout=900, env=env)


def built_once(tmp_path_factory, name: str, build):
    """``build(folder)``'s value, built once for the whole test run into a folder of its own.

    Under pytest-xdist (``make test``) each worker has its own session: the first worker to ask
    builds, the others wait for it and read what it built (its value, pickled). A build that
    fails leaves no value behind, and the next worker to ask builds again.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above every worker's own
    folder, value = base / name, base / f"{name}.pickle"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not value.exists():
            folder.mkdir(exist_ok=True)
            built = build(folder)
            value.write_bytes(pickle.dumps(built))
            return built
    return pickle.loads(value.read_bytes())


def _publish_bundled(folder):
    result = run_calpae("run", "--out", folder / "out", "--jobs", "2", store=folder / "store")
    assert result.returncode == 0, result.stderr
    return folder / "out", result


@pytest.fixture(scope="session")
def bundled_out(tmp_path_factory):
    """The bundled report published once for the run from an empty result store: (out, result)."""
    return built_once(tmp_path_factory, "bundled", _publish_bundled)


def one_per_notebook(pairs):
    """The first job of each notebook: the two paths differ by their kernels, not by the parameters
    (the axis notebook runs once, not once per axis)."""
    first = {}
    for job, frame in pairs:
        first.setdefault(job.notebook, (job, frame))
    return list(first.values())


@pytest.fixture(scope="session")
def both_paths(tmp_path_factory, bundled_report):
    """Every notebook of the bundled report and the comparison of two years, executed by papermill
    with a standard kernel (``standard/``) and by the fast path of a run (``fast/``: the run's
    pool, whose kernels are forked from a template): ``(root, jobs, standard results, fast results)``."""
    return built_once(tmp_path_factory, "kernels", lambda root: _execute_on_both_paths(root, bundled_report))


def _execute_on_both_paths(root, bundled_report):
    from calpae_lib.publish import config, loading, planning, workers
    from calpae_lib.publish import notebooks as publish

    from .variants import bundled_text, shift_years, write_variant

    variant = write_variant(root, shift_years(bundled_text(), 1), "suivant.txt")
    units = [planning.report_unit(bundled_report, root / "report", config.NOTEBOOKS_DIR),
             planning.comparison_unit([bundled_report, loading.load_report(variant)], root / "cmp",
                                      config.NOTEBOOKS_DIR)]
    jobs = one_per_notebook([(job, unit.frame) for unit in units for job in unit.jobs])
    with production_date_fixed():
        # papermill's own kernels, two notebooks at a time (one per core, as a run does)
        with ThreadPoolExecutor(max_workers=2) as threads:
            standard = list(threads.map(lambda pair: publish.execute_job(pair[0], root / "standard",
                                                                         frame=pair[1]), jobs))
        # the run's own pool: workers whose kernels are forked from the template
        pool = workers.LazyPool(2, config.NOTEBOOKS_DIR)
        try:
            futures = [pool.submit(publish.execute_job, job, root / "fast", publish.CELL_TIMEOUT, frame)
                       for job, frame in jobs]
            fast = [future.result() for future in futures]
        finally:
            pool.close()
    return root, [job for job, _ in jobs], standard, fast
