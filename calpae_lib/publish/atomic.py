"""Writing outputs so that a failure never leaves them half-overwritten.

Everything calpae publishes is first written beside its destination, then
moved into place with a rename: a reader sees the old output or the new one,
never a mix, and an error leaves the old one as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged_directory(destination: Path):
    """Yield a fresh temporary folder that replaces ``destination`` on success.

    On error, the temporary folder is removed and ``destination`` is untouched.
    """
    staging = staging_dir(destination)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_directory(staging, destination)


def staging_dir(destination: Path, purpose: str = "build") -> Path:
    """A new empty folder beside ``destination``, readable by all like a published folder.

    ``tempfile.mkdtemp`` makes folders private (0700); once swapped into
    place they would hide the published output from a web server or a
    colleague, so the folder is opened up to 0755.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.{purpose}-", dir=destination.parent))
    staging.chmod(0o755)
    return staging


def replace_directory(source: Path, destination: Path) -> None:
    """Move ``source`` to ``destination``, swapping out any previous folder."""
    backup = None
    if destination.exists():
        backup = destination.with_name(f".{destination.name}.old-{os.getpid()}")
        shutil.rmtree(backup, ignore_errors=True)
        destination.rename(backup)
    try:
        source.rename(destination)
    except BaseException:
        if backup is not None:
            backup.rename(destination)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def write_atomically(path: str | Path, data: str | bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` through a temporary file renamed into place.

    ``mode`` defaults to readable by all, as published files should be
    (temporary files are private).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "index.html"
    >>> write_atomically(target, "<p>é</p>").read_text(encoding="utf-8")
    '<p>é</p>'
    >>> oct(target.stat().st_mode & 0o777)
    '0o644'
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
