"""Writing outputs so that a failure never leaves them half-overwritten.

Everything calpae publishes is first written beside its destination, then
moved into place: a reader sees the old output or the new one, never a mix
and never nothing, and an error leaves the old one as it was. A folder
replaces another by one atomic exchange of the two names (Linux's
``renameat2(RENAME_EXCHANGE)``), so that no moment exists without the
output; elsewhere, two renames, and a run killed between them is mended by
the next (:func:`recover`). One run at a time writes a destination
(:func:`output_lock`).

Only a folder calpae itself made is ever replaced: it holds calpae's manifest
(:data:`MANIFESTS`), it holds none of the run's inputs, and calpae can remove
every part of it (:func:`check_replaceable`). Anything else is refused before
anything is written.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from calpae_lib.errors import OutputError, UsageError

#: The manifest calpae writes in every folder a ``run`` publishes: what produced it, and the files it holds.
RUN_MANIFEST = "calpae-run.json"
#: The manifest calpae writes in every tables folder ``parse`` writes: where the tables come from.
TABLES_MANIFEST = "source.json"
#: What marks a folder as calpae's own output, which a later run may replace.
MANIFESTS = (RUN_MANIFEST, TABLES_MANIFEST)

#: What calpae leaves beside a destination while it works: ``.<name>.build-…`` (a folder being
#: built), ``.<name>.old-<pid>`` (the previous one during a two-rename swap), ``.<name>.write-…``
#: (a file being written).
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>build|old|write)-[^./]+$")
#: The lock calpae keeps beside a destination (:func:`output_lock`).
LOCK = re.compile(r"^\.(?P<name>.+)\.lock$")


@contextmanager
def staged_directory(destination: Path, manifest: str, inputs=()):
    """Yield a fresh temporary folder that replaces ``destination`` on success.

    ``destination`` must be new, empty, or a folder calpae made holding ``manifest`` (and none of
    ``inputs``), see :func:`check_replaceable`. On error, the temporary folder is removed and
    ``destination`` is untouched.
    """
    check_replaceable(destination, manifest, inputs)
    with output_lock(destination):
        check_replaceable(destination, manifest, inputs)
        recover(destination)
        staging = staging_dir(destination)
        try:
            yield staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        replace_directory(staging, destination)


def output_folder(out: str | Path) -> Path:
    """``--out`` as the folder it names, links followed: refused (exit 2) when it is a link to
    nothing, a file, or the current folder or one that holds it (replacing it would pull the
    folder from under the user's feet).

    >>> import os, tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()); (root / "link").symlink_to(root / "nowhere")
    >>> output_folder(root / "link")
    Traceback (most recent call last):
    ...
    calpae_lib.errors.UsageError: --out ...link est un lien symbolique vers ...nowhere, qui n'existe pas : donnez un dossier.
    """
    given = Path(out)
    if given.is_symlink() and not given.exists():
        raise UsageError(f"--out {given} est un lien symbolique vers {os.readlink(given)}, qui n'existe pas : "
                         "donnez un dossier.")
    folder = given.resolve()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out {given} est un fichier, pas un dossier : donnez un dossier.")
    here = Path.cwd().resolve()
    if here == folder or folder in here.parents:
        raise UsageError(f"--out {given} est le dossier courant ou le contient, et calpae remplace son dossier "
                         "de sortie : donnez un sous-dossier (par exemple --out sortie).")
    return folder


def check_replaceable(destination: Path, manifest: str, inputs=()) -> None:
    """Refuse (exit 2, nothing written) to replace ``destination`` unless calpae made it.

    ``destination`` may be absent or an empty folder; else it must be a folder holding
    ``manifest`` (what calpae writes in what it publishes), holding none of ``inputs`` (the raw
    files the run reads), outside any other output of calpae (which would carry it away when
    replaced), and every folder of it writable, so that its previous copy can be removed once
    replaced.
    """
    destination = Path(destination)
    check_holds_no_input(destination, inputs)
    check_not_nested(destination)
    if destination.is_symlink() or (destination.exists() and not destination.is_dir()):
        raise OutputError("n'est pas un dossier : calpae ne remplace que les dossiers qu'il a écrits ; "
                          "donnez un autre --out.", path=destination)
    if not destination.exists():
        return
    if holds_files(destination) and not (destination / manifest).is_file():
        raise OutputError(f"ce dossier n'est pas une sortie de calpae (il n'a pas de {manifest}) : calpae ne le "
                          "remplace pas ; donnez un dossier nouveau ou vide.", path=destination)
    check_writable_tree(destination)


def holds_files(folder: Path) -> bool:
    """Whether ``folder`` holds any file but calpae's locks and leftovers (:data:`LOCK`, :data:`LEFTOVER`)."""
    return any(not lock_or_leftover(name) for _, _, names in os.walk(folder) for name in names)


def lock_or_leftover(name: str) -> bool:
    """Whether ``name`` is a lock or a leftover calpae keeps beside what it writes."""
    return bool(LOCK.match(name) or LEFTOVER.match(name))


def check_holds_no_input(destination: Path, inputs) -> None:
    """Refuse an output that is one of ``inputs`` or a folder holding one."""
    folder = Path(destination).resolve()
    for path in inputs:
        named = {Path(path).absolute(), Path(path).resolve()}  # the link, and the file it points to
        if any(place == folder or folder in place.parents for place in named):
            raise OutputError(f"ce dossier contient le rapport {path}, que calpae lit : l'écrire le remplacerait ; "
                              "donnez un --out à part.", path=destination)


def check_not_nested(destination: Path) -> None:
    """Refuse an output inside another output of calpae (a folder holding one of :data:`MANIFESTS`):
    that one's next run would replace it, or carry it away while it is written."""
    for folder in Path(destination).resolve().parents:
        owner = next((folder / name for name in MANIFESTS if (folder / name).is_file()), None)
        if owner is not None:
            raise OutputError(f"ce dossier est à l'intérieur de {folder}, une sortie de calpae ({owner.name}) "
                              "que son prochain passage remplacerait : donnez un --out hors de ce dossier.",
                              path=destination)


def check_writable_tree(folder: Path, depth: int | None = None, advice: str = "ou donnez un autre dossier") -> None:
    """Refuse (exit 2) a folder calpae would write into or remove when it or one of its folders (down to
    ``depth`` levels, all by default) is read-only: found before anything is written, rather than a
    replaced folder whose previous copy cannot be removed."""
    folder = Path(folder)
    for current, folders, _ in os.walk(folder):
        if not os.access(current, os.W_OK | os.X_OK):
            raise OutputError("dossier en lecture seule, où calpae doit écrire et effacer : rendez-le "
                              f"inscriptible (chmod -R u+w) {advice}.", path=current)
        if depth is not None and len(Path(current).relative_to(folder).parts) >= depth:
            folders.clear()


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
    import ctypes
    import ctypes.util

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


def recover_tree(root: Path, held=(), depth: int = 2) -> None:
    """:func:`recover` ``root`` and each destination with leftovers in the folders ``depth`` levels under it.

    The caller holds the lock of ``root`` and of each destination of ``held``; any other
    destination is mended only when its own lock is free: a run into it (a single report into
    a folder of this tree) may be building its next copy there.
    """
    held = {Path(path) for path in held}
    recover(root)
    level = [Path(root)]
    for _ in range(depth):
        below = []
        for folder in (f for f in level if f.is_dir()):
            children = list(folder.iterdir())
            for name in sorted({m["name"] for p in children if (m := LEFTOVER.match(p.name))}):
                if folder / name in held:
                    recover(folder / name)
                    continue
                with output_lock(folder / name, wait=False) as free:
                    if free:
                        recover(folder / name)
            below += [c for c in children if c.is_dir() and not c.name.startswith(".")]
        level = below


@contextmanager
def output_lock(destination: Path, waiting=None, wait: bool = True):
    """Hold ``.<name>.lock`` beside ``destination``: a second run into it waits for the first.

    ``waiting(message)`` is told once when another run holds the lock (default: stderr). With
    ``wait=False``, yields ``False`` at once instead of waiting (then nothing is held).
    The lock is opened without following a link, and only a regular file of this user that holds
    nothing but a process id is taken (:func:`open_lock`). It is removed when released (a waiting
    run then finds its file gone and takes the new one), so that none is left in a published tree.
    """
    import fcntl

    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    path = destination.with_name(f".{destination.name}.lock")
    told = False
    while True:
        handle = open_lock(path)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                os.close(handle)
                yield False
                return
            if not told:
                holder = os.pread(handle, 64, 0).decode("ascii", "replace").strip() or "?"
                message = (f"calpae: un autre calpae (processus {holder}) écrit dans {destination} : "
                           "attente de sa fin…")
                (waiting or (lambda text: print(text, file=sys.stderr, flush=True)))(message)
                told = True
            fcntl.flock(handle, fcntl.LOCK_EX)
        if same_file(handle, path):
            break
        os.close(handle)  # its holder removed it on leaving: lock the file that is there now
    try:
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode("ascii"), 0)
        yield True
    finally:
        Path(path).unlink(missing_ok=True)  # still held: whoever opens the name next makes a new lock
        os.close(handle)


def same_file(handle: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``handle``."""
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(handle)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def open_lock(path: Path) -> int:
    """The lock file's descriptor, opened without following a link; refused (exit 2) unless it is
    a regular file of this user, with one name, holding nothing but a process id: never a file
    planted by someone else, whose content calpae would otherwise truncate."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags, 0o644)
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
        raise OutputError("est un lien symbolique, pas le verrou de calpae : retirez-le (calpae ne le suit pas).",
                          path=path) from None
    facts = os.fstat(handle)
    content = os.pread(handle, 64, 0).strip() if stat.S_ISREG(facts.st_mode) else b""
    if (not stat.S_ISREG(facts.st_mode) or facts.st_uid != os.geteuid() or facts.st_nlink != 1
            or not (content.isdigit() or not content)):
        os.close(handle)
        raise OutputError("n'est pas un verrou de calpae (pas un fichier ordinaire à vous contenant un numéro "
                          "de processus) : calpae n'y touche pas ; retirez-le.", path=path)
    return handle


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
