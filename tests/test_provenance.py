"""What produced a published folder: calpae's version and commit, Python and the packages."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata

from packaging.utils import canonicalize_name

from calpae_lib import __version__
from calpae_lib.publish import provenance


def test_identity_is_the_version_and_the_checkout_commit():
    identity = provenance.calpae_identity()
    head = subprocess.run(["git", "-C", str(provenance.SOURCE_DIR), "rev-parse", "HEAD"],
                          capture_output=True, text=True)
    assert identity.version == __version__
    if head.returncode == 0:  # a checkout (the tests' usual case): its commit
        assert identity.commit == head.stdout.strip()
        assert identity.commit[:12] in identity.label
    else:
        assert identity.commit is None or len(identity.commit) == 40


def test_a_folder_outside_any_checkout_has_no_commit(tmp_path):
    assert provenance.git_commit(tmp_path) == (None, False)


def test_environment_lists_python_and_every_installed_package():
    environment = provenance.environment()
    assert environment["python"] == platform.python_version()
    for name in ("pandas", "matplotlib", "nbconvert", "papermill"):
        assert environment["packages"][name] == metadata.version(name)
    assert len(environment["packages"]) == len({canonicalize_name(d.metadata["Name"])
                                                for d in metadata.distributions()})

