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
