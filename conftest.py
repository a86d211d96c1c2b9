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
