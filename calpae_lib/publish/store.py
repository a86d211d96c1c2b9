"""Skipping work whose inputs did not change.

Every expensive step gets a *key*: a SHA-256 over everything its output
depends on. A notebook's HTML depends on the notebook file, the library's
source, its parameters and the tables it reads; the tables depend on the raw
file and the library. Results are stored under their key; a run that finds
its key in the store copies the result instead of redoing the work.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from calpae_lib import __version__
from calpae_lib.publish.atomic import write_atomically

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


@lru_cache(maxsize=1)
def library_fingerprint() -> str:
    """Digest of the library's version and of every source file of ``calpae_lib``.

    Any edit to the library changes it, so results computed by an older
    library are never reused.
    """
    sources = sorted(LIBRARY_DIR.rglob("*.py"))
    return digest_of(__version__, [(p.relative_to(LIBRARY_DIR).as_posix(), file_digest(p)) for p in sources])


def folder_digest(folder: str | Path, pattern: str = "*.csv") -> str:
    """Digest of the files of a folder matching ``pattern`` (names and contents)."""
    folder = Path(folder)
    return digest_of([(p.name, file_digest(p)) for p in sorted(folder.glob(pattern))])


def notebook_key(notebook: str | Path, parameters: dict, inputs_digest: str) -> str:
    """Key of one executed notebook: its file, the library and the rendering packages, its
    parameters, its inputs."""
    return digest_of("notebook", file_digest(notebook), library_fingerprint(), environment_fingerprint(),
                     parameters, inputs_digest)


class ResultStore:
    """Files stored under their key, written atomically.

    >>> import tempfile, pathlib
    >>> store = ResultStore(pathlib.Path(tempfile.mkdtemp()))
    >>> source = store.folder / "a.html"; _ = source.write_text("x")
    >>> store.get("k1") is None
    True
    >>> store.put("k1", source).read_text()
    'x'
    >>> store.get("k1").read_text()
    'x'
    >>> store.get_folder("k2") is None
    True
    >>> tables = store.folder / "tables"; tables.mkdir(); _ = (tables / "a.csv").write_text("a")
    >>> sorted(p.name for p in store.put_folder("k2", tables).iterdir())
    ['a.csv']
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def path_for(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> Path | None:
        path = self.path_for(key)
        return path if path.is_file() else None

    def put(self, key: str, source: str | Path) -> Path:
        """Store a copy of the file ``source`` under ``key``."""
        return self.put_bytes(key, Path(source).read_bytes())

    def put_bytes(self, key: str, data: bytes) -> Path:
        """Store ``data`` under ``key``."""
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        return write_atomically(target, data, mode=0o600)

    def get_folder(self, key: str) -> Path | None:
        """A folder stored under ``key``, or ``None``."""
        path = self.path_for(key)
        return path if path.is_dir() else None

    def put_folder(self, key: str, source: str | Path) -> Path:
        """Store a copy of a folder under ``key`` (copied aside, then renamed into place)."""
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".tmp-"))
        shutil.copytree(source, staging, dirs_exist_ok=True)
        try:
            staging.rename(target)
        except OSError:  # stored meanwhile by another run: keep theirs
            shutil.rmtree(staging, ignore_errors=True)
        return target


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
