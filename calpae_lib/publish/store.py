"""Skipping work whose inputs did not change.

Every expensive step gets a *key*: a SHA-256 over everything its output
depends on. A notebook's HTML depends on the notebook file, the library's
source, its parameters and the tables it reads; the tables depend on the raw
file and the library. Results are stored under their key; a run that finds
its key in the store copies the result instead of redoing the work.

Every entry carries the SHA-256 of each of its files, written with it and
checked on every read: a damaged entry is reported and rebuilt, never
published.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from calpae_lib import __version__
from calpae_lib.publish.config import REFERENCE_DIR

LIBRARY_DIR = Path(__file__).resolve().parents[1]


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest_of(*parts) -> str:
    """SHA-256 of JSON-serialisable parts, order-sensitive and type-stable.

    >>> digest_of({"year": 2022}) == digest_of({"year": 2022})
    True
    >>> digest_of({"year": 2022}) == digest_of({"year": 2031})
    False
    """
    payload = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


#: The library's files that its results depend on: its code, and the templates and style sheet of its pages.
LIBRARY_SUFFIXES = (".py", ".j2", ".css")


@lru_cache(maxsize=1)
def library_fingerprint() -> str:
    """Digest of the library's version, of every source file of ``calpae_lib`` (its page templates and style
    sheet too: the HTML is made with them) and of the reference figures it reads beside the report
    (:data:`calpae_lib.publish.config.REFERENCE_DIR`).

    Any edit to the library, or a new reference workbook, changes it, so results computed before are never
    reused.
    """
    sources = sorted(p for p in LIBRARY_DIR.rglob("*") if p.suffix in LIBRARY_SUFFIXES)
    references = sorted(p for p in REFERENCE_DIR.glob("*") if p.is_file())
    return digest_of(__version__, [(p.relative_to(LIBRARY_DIR).as_posix(), file_digest(p)) for p in sources],
                     [(p.name, file_digest(p)) for p in references])


def notebook_key(notebook: str | Path, parameters: dict, inputs_digest: str) -> str:
    """Key of one executed notebook: its file, the library and the rendering packages, its
    parameters, its inputs."""
    return digest_of("notebook", file_digest(notebook), library_fingerprint(), environment_fingerprint(),
                     parameters, inputs_digest)


#: Inside every stored entry: the SHA-256 and size of each of its files, written with them.
DIGESTS_NAME = ".digests.json"
#: The file of a single-file entry.
ENTRY_FILE = "data"


class DamagedEntry(Exception):
    """A stored entry whose files do not match the digests written with them."""


def report_damage(entry: Path, reason: str) -> None:
    """Say on stderr that an entry was damaged and will be rebuilt (never published)."""
    print(f"calpae: entrée du cache endommagée ({entry} : {reason}) ; elle est écartée et refaite.",
          file=sys.stderr, flush=True)


def folder_digests(folder: Path) -> dict:
    """``{relative path: [sha256, size]}`` of every file under ``folder`` but the digests file."""
    return {p.relative_to(folder).as_posix(): [file_digest(p), p.stat().st_size]
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != DIGESTS_NAME}


def verify_entry(entry: Path) -> None:
    """Raise :class:`DamagedEntry` unless ``entry``'s files are exactly those its digests list."""
    try:
        written = json.loads((entry / DIGESTS_NAME).read_text(encoding="utf-8"))
        if not isinstance(written, dict):
            raise ValueError(type(written).__name__)
    except (OSError, ValueError, RecursionError):
        raise DamagedEntry("empreintes absentes ou illisibles") from None
    found = folder_digests(entry)
    for name in sorted(set(written) | set(found)):
        if name not in found:
            raise DamagedEntry(f"{name} manquant")
        if name not in written:
            raise DamagedEntry(f"{name} en trop")
        if list(written[name]) != found[name]:
            raise DamagedEntry(f"{name} modifié (taille ou SHA-256 différents)")


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ResultStore:
    """Entries stored under their key, each a folder of files with their digests, renamed into place.

    Every read checks the entry against the digests written with it: a damaged
    entry (truncated, deleted or altered file) is reported, removed, and
    treated as absent, so that the caller rebuilds it.

    >>> import tempfile, pathlib
    >>> store = ResultStore(pathlib.Path(tempfile.mkdtemp()))
    >>> store.get_bytes("k1") is None
    True
    >>> store.put_bytes("k1", b"x").read_bytes()
    b'x'
    >>> store.get_bytes("k1")
    b'x'
    >>> store.get_folder("k2") is None
    True
    >>> tables = store.folder / "tables"; tables.mkdir(); _ = (tables / "a.csv").write_text("a")
    >>> sorted(p.name for p in store.put_folder("k2", tables).iterdir())
    ['.digests.json', 'a.csv']
    >>> _ = (store.get_folder("k2") / "a.csv").write_text("b")
    >>> store.on_damage = lambda entry, reason: print(reason)
    >>> store.get_folder("k2") is None
    a.csv modifié (taille ou SHA-256 différents)
    True
    """

    def __init__(self, folder: str | Path, on_damage=report_damage):
        self.folder = Path(folder)  # created by the first put, so that a failed run leaves nothing
        self.on_damage = on_damage

    def path_for(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get_folder(self, key: str) -> Path | None:
        """The folder stored under ``key``, checked against its digests; ``None`` if absent or damaged."""
        entry = self.path_for(key)
        if not entry.exists():
            return None
        try:
            if not entry.is_dir():
                raise DamagedEntry("n'est pas un dossier")
            verify_entry(entry)
        except DamagedEntry as damage:
            self.on_damage(entry, str(damage))
            self.discard(entry)
            return None
        return entry

    def get(self, key: str) -> Path | None:
        """The file of a single-file entry, checked; ``None`` if absent or damaged."""
        entry = self.get_folder(key)
        return entry / ENTRY_FILE if entry is not None else None

    def get_bytes(self, key: str) -> bytes | None:
        """The bytes of a single-file entry, checked as they are read; ``None`` if absent or damaged."""
        path = self.get(key)
        if path is None:
            return None
        data = path.read_bytes()
        written = json.loads((path.parent / DIGESTS_NAME).read_text(encoding="utf-8"))[ENTRY_FILE]
        if hashlib.sha256(data).hexdigest() != written[0]:  # changed since it was checked
            self.on_damage(path.parent, f"{ENTRY_FILE} modifié pendant la lecture")
            self.discard(path.parent)
            return None
        return data

    def put(self, key: str, source: str | Path) -> Path:
        """Store a copy of the file ``source`` under ``key``."""
        return self.put_bytes(key, Path(source).read_bytes())

    def put_bytes(self, key: str, data: bytes) -> Path:
        """Store ``data`` under ``key``; the stored file's path."""
        staging = self.staging(key)
        (staging / ENTRY_FILE).write_bytes(data)
        return self.commit(key, staging) / ENTRY_FILE

    def put_folder(self, key: str, source: str | Path) -> Path:
        """Store a copy of a folder under ``key`` (copied aside with its digests, then renamed)."""
        staging = self.staging(key)
        shutil.copytree(source, staging, dirs_exist_ok=True)
        return self.commit(key, staging)

    def staging(self, key: str) -> Path:
        parent = self.path_for(key).parent
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=parent, prefix=f".tmp-{os.getpid()}-"))

    def commit(self, key: str, staging: Path) -> Path:
        """Write the digests of ``staging`` and rename it to its key (an intact entry already there wins)."""
        target = self.path_for(key)
        try:
            (staging / DIGESTS_NAME).write_text(json.dumps(folder_digests(staging)), encoding="utf-8")
            if target.exists():
                self.get_folder(key)  # a damaged entry is discarded (and reported), an intact one kept
            try:
                staging.rename(target)
            except OSError:  # stored meanwhile by another run: keep theirs
                pass
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    @staticmethod
    def discard(entry: Path) -> None:
        """Remove an entry: renamed aside first, so that no reader finds it half-deleted."""
        aside = entry.with_name(f".tmp-{os.getpid()}-discarded-{entry.name}")
        try:
            entry.rename(aside)
        except OSError:
            return
        if aside.is_dir():
            shutil.rmtree(aside, ignore_errors=True)
        else:
            aside.unlink(missing_ok=True)

    def clean_stale(self) -> None:
        """Remove the staging folders that killed runs left (their process is gone)."""
        for staging in self.folder.glob("*/.tmp-*"):
            pid = staging.name.split("-")[1]
            if pid.isdigit() and not process_alive(int(pid)):
                shutil.rmtree(staging, ignore_errors=True)


#: Packages whose version changes what a notebook's HTML looks like.
RENDERING_PACKAGES = ("papermill", "nbconvert", "nbclient", "ipykernel", "pandas", "matplotlib", "jinja2")


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """Digest of Python's version and of the versions of the packages that render reports.

    Read from the installed packages' metadata, without importing them.
    """
    import platform
    from importlib import metadata

    versions = []
    for name in RENDERING_PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, None))
    return digest_of(platform.python_version(), versions)
