import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

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


CALPAE = [sys.executable, "-c", "import sys; from calpae_lib.publish.cli import main; sys.exit(main())"]


def run_calpae(*args, store=None) -> subprocess.CompletedProcess:
    """``calpae ARGS`` in a subprocess; ``store``: its own result store (else the session's)."""
    env = {**os.environ, "CALPAE_CACHE_DIR": str(store)} if store else None
    return subprocess.run(CALPAE + [str(a) for a in args], capture_output=True, text=True, timeout=900, env=env)


@pytest.fixture(scope="session")
def bundled_out(tmp_path_factory):
    """The bundled report published once for the session from an empty result store: (out, result)."""
    folder = tmp_path_factory.mktemp("bundled")
    result = run_calpae("run", "--out", folder / "out", "--jobs", "2", store=folder / "store")
    assert result.returncode == 0, result.stderr
    return folder / "out", result


@pytest.fixture(scope="session")
def both_paths(tmp_path_factory, bundled_report):
    """Every notebook of the bundled report and the comparison of two years, executed by papermill
    with a standard kernel (``standard/``) and by the fast path of a run (``fast/``: the run's
    pool, whose kernels are forked from a template): ``(root, jobs, standard results, fast results)``."""
    from calpae_lib.publish import batch, config
    from calpae_lib.publish import notebooks as publish

    from .variants import bundled_text, shift_years, write_variant

    root = tmp_path_factory.mktemp("kernels")
    variant = write_variant(root, shift_years(bundled_text(), 1), "suivant.txt")
    units = [batch.report_unit(bundled_report, root / "report", config.NOTEBOOKS_DIR),
             batch.comparison_unit([bundled_report, batch.loading.load_report(variant)], root / "cmp",
                                   config.NOTEBOOKS_DIR)]
    jobs = [(job, unit.frame) for unit in units for job in unit.jobs]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the pages' production date, fixed
        # papermill's own kernels, two notebooks at a time (one per core, as a run does)
        with ThreadPoolExecutor(max_workers=2) as threads:
            standard = list(threads.map(lambda pair: publish.execute_job(pair[0], root / "standard",
                                                                         frame=pair[1]), jobs))
        # the run's own pool: workers whose kernels are forked from the template
        pool = batch.LazyPool(2, config.NOTEBOOKS_DIR)
        try:
            futures = [pool.submit(publish.execute_job, job, root / "fast", publish.CELL_TIMEOUT, frame)
                       for job, frame in jobs]
            fast = [future.result() for future in futures]
        finally:
            pool.close()
    return root, [job for job, _ in jobs], standard, fast
