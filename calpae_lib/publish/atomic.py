"""Writing outputs so that a failure never leaves them half-overwritten.

Everything calpae publishes is first written beside its destination, then
moved into place: a reader sees the old output or the new one, never a mix
and never nothing, and an error leaves the old one as it was. A folder
replaces another by one atomic exchange of the two names (Linux's
``renameat2(RENAME_EXCHANGE)``), so that no moment exists without the
output; elsewhere, two renames, and a run killed between them is mended by
the next (:func:`recover`). One run at a time writes a destination
(:func:`output_lock`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

#: What calpae leaves beside a destination while it works: ``.<name>.build-…`` (a folder being
#: built), ``.<name>.old-<pid>`` (the previous one during a two-rename swap), ``.<name>.write-…``
#: (a file being written).
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>build|old|write)-[^./]+$")


@contextmanager
def staged_directory(destination: Path):
    """Yield a fresh temporary folder that replaces ``destination`` on success.

    On error, the temporary folder is removed and ``destination`` is untouched.
    """
    with output_lock(destination):
        recover(destination)
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
    """Move ``source`` to ``destination``, swapping out any previous folder.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> old, new = root / "out", root / "new"; old.mkdir(); new.mkdir(); _ = (new / "a").write_text("n")
    >>> replace_directory(new, old); (old / "a").read_text(), new.exists()
    ('n', False)
    """
    if destination.exists() and exchange(source, destination):
        shutil.rmtree(source, ignore_errors=True)  # it holds the previous folder now
        return
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


RENAME_EXCHANGE = 2
AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths' names in one step; ``False`` where the system cannot (then nothing moved)."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False  # a file system without exchange: the caller renames twice
    raise OSError(code, os.strerror(code), str(second))


def recover(destination: Path) -> None:
    """Mend what a killed run left beside ``destination`` (hold its :func:`output_lock`).

    A previous folder moved aside (``.<name>.old-<pid>``) goes back when
    ``destination`` is missing; every other leftover of that name is removed.
    """
    destination = Path(destination)
    if not destination.parent.is_dir():
        return
    leftovers = sorted(p for p in destination.parent.iterdir()
                       if (m := LEFTOVER.match(p.name)) and m["name"] == destination.name)
    for path in leftovers:
        if LEFTOVER.match(path.name)["kind"] == "old" and not destination.exists():
            path.rename(destination)
        elif path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def recover_tree(root: Path, depth: int = 2) -> None:
    """:func:`recover` ``root`` and each destination with leftovers in the folders ``depth`` levels under it."""
    recover(root)
    level = [Path(root)]
    for _ in range(depth):
        below = []
        for folder in (f for f in level if f.is_dir()):
            children = list(folder.iterdir())
            for name in sorted({m["name"] for p in children if (m := LEFTOVER.match(p.name))}):
                recover(folder / name)
            below += [c for c in children if c.is_dir() and not c.name.startswith(".")]
        level = below


@contextmanager
def output_lock(destination: Path, waiting=None):
    """Hold ``.<name>.lock`` beside ``destination``: a second run into it waits for the first.

    ``waiting(message)`` is told once when another run holds the lock (default: stderr).
    """
    import fcntl

    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    path = destination.with_name(f".{destination.name}.lock")
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            message = (f"calpae: un autre calpae (processus {holder}) écrit dans {destination} : "
                       "attente de sa fin…")
            (waiting or (lambda text: print(text, file=sys.stderr, flush=True)))(message)
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.write-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
