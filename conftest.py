"""Test-session set-up shared by tests, doctests and nbval.

Every test run gets its own empty result store, so that no test is answered
by HTML or tables cached by an earlier run (or by ``make reports``): the
store is set before ``calpae_lib.publish.config`` is first imported, and reaches the
subprocesses and notebook kernels the tests start through the environment.

Likewise the "bundled reports" the tests see (``CALPAE_RAW_DIR``) are a folder
holding a copy of the 2022 report only: adding another year's report to
``data/raw/``, as the README tells users to, changes no test.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

#: The report the tests are written against, whatever else ``data/raw/`` holds.
TEST_REPORT = Path(__file__).resolve().parent / "data" / "raw" / "calpae_2022_pas-de-calais.txt"

if "CALPAE_TEST_KEEP_CACHE" not in os.environ:
    _store = tempfile.mkdtemp(prefix="calpae-test-cache-")
    os.environ["CALPAE_CACHE_DIR"] = _store
    atexit.register(shutil.rmtree, _store, ignore_errors=True)

if "CALPAE_RAW_DIR" not in os.environ:
    _raw = tempfile.mkdtemp(prefix="calpae-test-raw-")
    shutil.copy2(TEST_REPORT, _raw)
    os.environ["CALPAE_RAW_DIR"] = _raw
    atexit.register(shutil.rmtree, _raw, ignore_errors=True)
