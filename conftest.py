"""Test-session set-up shared by tests, doctests and nbval.

Every test run gets its own empty result store, so that no test is answered
by HTML or tables cached by an earlier run (or by ``make reports``): the
store is set before ``calpae_lib.publish.config`` is first imported, and reaches the
subprocesses and notebook kernels the tests start through the environment.
"""

import atexit
import os
import shutil
import tempfile

if "CALPAE_TEST_KEEP_CACHE" not in os.environ:
    _store = tempfile.mkdtemp(prefix="calpae-test-cache-")
    os.environ["CALPAE_CACHE_DIR"] = _store
    atexit.register(shutil.rmtree, _store, ignore_errors=True)
