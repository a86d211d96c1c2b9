"""What produced a published folder: calpae's version and commit, Python and every package.

:func:`calpae_identity` is calpae's version and the git commit of its source,
read at run time (``git`` in the source tree; else the commit pip recorded when
calpae was installed from a repository; else none). :func:`environment` lists
Python and every installed distribution with its version, read from their
metadata without importing them. Both are written in each folder's manifest
(``calpae-run.json``); the pages' footer shows :attr:`Identity.label`.
"""

from __future__ import annotations

import json
import platform
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name

from calpae_lib import __version__

SOURCE_DIR = Path(__file__).resolve().parents[2]
DISTRIBUTION = "calpae"


@dataclass(frozen=True)
class Identity:
    """calpae's version, and the commit of its source when it can be read."""

    version: str
    #: Full SHA-1 of the commit, or ``None`` when the source is not a git checkout.
    commit: str | None = None
    #: The checkout had uncommitted changes to tracked files.
    modified: bool = False

    @property
    def label(self) -> str:
        """« 0.1.0, commit 1a2b3c4d5e6f » as the pages show it.

        >>> Identity("0.1.0", "1a2b3c4d5e6f7a8b9c0d" * 2).label
        '0.1.0, commit 1a2b3c4d5e6f'
        >>> Identity("0.1.0", "1a2b3c4d5e6f7a8b9c0d" * 2, modified=True).label
        '0.1.0, commit 1a2b3c4d5e6f modifié'
        >>> Identity("0.1.0").label
        '0.1.0, commit inconnu'
        """
        if self.commit is None:
            return f"{self.version}, commit inconnu"
        return f"{self.version}, commit {self.commit[:12]}{' modifié' if self.modified else ''}"

    def as_dict(self) -> dict:
        return {"version": self.version, "commit": self.commit, "modified": self.modified}


@lru_cache(maxsize=1)
def calpae_identity() -> Identity:
    """calpae's version and commit, read once per process."""
    commit, modified = git_commit(SOURCE_DIR)
    if commit is None:
        commit = installed_commit()
    return Identity(__version__, commit, modified)


def git_commit(folder: Path) -> tuple[str | None, bool]:
    """``(commit, modified)`` of the git checkout holding ``folder``; ``(None, False)`` if none.

    >>> git_commit(Path("/"))
    (None, False)
    """
    head = run_git(folder, "rev-parse", "--verify", "HEAD")
    if head is None or not (folder / ".git").exists():
        return None, False
    status = run_git(folder, "status", "--porcelain", "--untracked-files=no")
    return head, bool(status)


def run_git(folder: Path, *args: str) -> str | None:
    """``git -C folder args`` stripped, or ``None`` (no git, not a checkout, any failure)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def installed_commit() -> str | None:
    """The commit pip recorded in ``direct_url.json`` when calpae was installed from a repository."""
    try:
        recorded = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
        return json.loads(recorded or "{}").get("vcs_info", {}).get("commit_id")
    except (metadata.PackageNotFoundError, ValueError, AttributeError):
        return None


@lru_cache(maxsize=1)
def environment() -> dict:
    """Python's version and implementation, and every installed distribution's version, by name."""
    packages = {}
    for distribution in metadata.distributions():
        name = distribution.metadata["Name"]
        if name:
            packages[canonicalize_name(name)] = distribution.version
    return {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "packages": dict(sorted(packages.items()))}

