"""The environment running calpae is the one requirements.lock describes (``make`` installs it)."""

from importlib import metadata

from packaging.markers import Marker

from .test_packaging import locked


def test_installed_environment_is_the_lock():
    """The environment running the tests has each locked package at its locked version."""
    different = {}
    for name, pins in locked().items():
        for version, marker in pins:
            if marker is None or Marker(marker).evaluate():
                try:
                    installed = metadata.version(name)
                except metadata.PackageNotFoundError:
                    installed = None
                if installed != version:
                    different[name] = (version, installed)
    assert not different, f"(locked, installed) differ, run make: {different}"
