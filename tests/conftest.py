import os
import subprocess
import sys

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
