"""Test-session set-up shared by tests, doctests and nbval.

Every test run gets its own empty result store, so that no test is answered
by HTML or tables cached by an earlier run (or by ``make reports``); and the
"bundled reports" the tests see (``CALPAE_RAW_DIR``) are a folder holding a
copy of the 2022 report only, so that adding another year's report to
``data/raw/``, as the README tells users to, changes no test. Both reach the
subprocesses and notebook kernels the tests start through the environment.
With ``CALPAE_TEST_KEEP_CACHE`` set, the usual store is used.
"""

import os
import shutil
import tempfile
from pathlib import Path

#: The report the tests are written against, whatever else ``data/raw/`` holds.
TEST_REPORT = Path(__file__).resolve().parent / "data" / "raw" / "calpae_2022_pas-de-calais.txt"
#: Folders made for this session, removed at its end.
FOLDERS = []

if "CALPAE_TEST_KEEP_CACHE" not in os.environ:
    FOLDERS.append(tempfile.mkdtemp(prefix="calpae-test-cache-"))
    os.environ["CALPAE_CACHE_DIR"] = FOLDERS[-1]
if "CALPAE_RAW_DIR" not in os.environ:
    FOLDERS.append(tempfile.mkdtemp(prefix="calpae-test-raw-"))
    shutil.copy2(TEST_REPORT, FOLDERS[-1])
    os.environ["CALPAE_RAW_DIR"] = FOLDERS[-1]


def pytest_unconfigure(config):
    for folder in FOLDERS:
        shutil.rmtree(folder, ignore_errors=True)


#: Fixtures that publish the bundled report or execute every notebook: a test using one is end to end.
E2E_FIXTURES = {"bundled_out", "both_paths", "second_run"}
#: What a test calls when it runs notebooks (kernels, papermill, nbconvert) itself.
E2E_CALLS = {"run_reports", "execute_job", "execute_notebook", "KernelTemplate", "start_kernel", "KernelSupply",
             "trial"}


def is_end_to_end(item) -> bool:
    """Whether a collected test runs calpae or the notebooks end to end: a notebook (nbval), a test
    using an :data:`E2E_FIXTURES` fixture, or one that calls an :data:`E2E_CALLS` name or
    ``run_calpae("run", ...)``, itself or through a function or fixture of its module."""
    if item.path.suffix == ".ipynb":
        return True
    fixtures = set(getattr(item, "fixturenames", ()))
    if E2E_FIXTURES & fixtures:
        return True
    module = getattr(item, "module", None)
    seen: set = set()
    return any(calls_notebooks(function, module, seen)
               for function in [getattr(item, "function", None)] + [getattr(module, name, None) for name in fixtures])


def calls_notebooks(function, module, seen: set, depth: int = 3) -> bool:
    """Whether ``function`` (a test, a fixture, a helper of ``module``) calls what runs notebooks,
    itself or through the helpers of ``module`` it names (down to ``depth`` calls)."""
    import inspect

    code = getattr(inspect.unwrap(function), "__code__", None) if callable(function) else None
    if code is None or code in seen or depth < 0:
        return False
    seen.add(code)
    names = set(code.co_names)
    if E2E_CALLS & names or ("run_calpae" in names and "run" in code.co_consts):
        return True
    return any(calls_notebooks(getattr(module, name, None), module, seen, depth - 1) for name in names
               if inspect.isfunction(inspect.unwrap(getattr(module, name, None) or (lambda: None))))


def pytest_collection_modifyitems(config, items):
    """Mark the end-to-end tests ``e2e`` (``pytest -m "not e2e"``: the fast loop)."""
    import pytest

    for item in items:
        if is_end_to_end(item):
            item.add_marker(pytest.mark.e2e)
