"""Whether a run has anything to do, told before anything heavy is loaded.

After a run that succeeded, :func:`remember_run` keeps, in the result store,
what the run was asked (its raw files, ``--out``, ``--year``), what it depended
on (each raw file's SHA-256, the notebooks' files, calpae's source, the
rendering packages' versions) and every file it left in its output folder,
with its size and modification time. Each published folder must also hold
every file its manifest names. When the same command comes again and
none of that changed, :func:`unchanged_output` says so: nothing is parsed,
executed or written, and the run takes the time of reading those files rather
than that of loading pandas (about a second). Anything that differs (a raw
file's bytes, a notebook, calpae, a published file edited or removed) and the
run goes the normal way, where only what changed is redone.

Standard library only: this module is what a run imports first.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from calpae_lib.publish import config
from calpae_lib.publish.atomic import RUN_MANIFEST, lock_or_leftover
from calpae_lib.publish.rawfiles import expand_raw_paths
from calpae_lib.publish.store import digest_of, environment_fingerprint, file_digest, library_fingerprint


@dataclass(frozen=True)
class Request:
    """What a run was asked: its raw items as given, ``--out`` and ``--year``."""

    raw_items: tuple[str, ...]
    out: str | None
    year: int | None

    def key(self) -> str:
        resolved = [str(Path(item).resolve()) for item in self.raw_items]
        out = str(Path(self.out).resolve()) if self.out else None
        return digest_of("run", resolved, out, self.year)


def record_path(request: Request, store_dir: Path | None = None) -> Path:
    return Path(store_dir or config.cache_dir()) / "runs" / f"{request.key()}.json"


def inputs_digest(request: Request, notebooks_dir: Path = config.NOTEBOOKS_DIR) -> str:
    """What a run's output depends on: the raw files' bytes, the notebooks, calpae, the packages."""
    raws = [(str(path.resolve()), file_digest(path)) for path in expand_raw_paths(request.raw_items)]
    notebooks = [(path.name, file_digest(path)) for path in sorted(Path(notebooks_dir).glob("*.ipynb"))]
    return digest_of("inputs", raws, notebooks, library_fingerprint(), environment_fingerprint())


def output_listing(out_dir: Path) -> dict[str, list[int]]:
    """Every file under ``out_dir``: its size and modification time (nanoseconds)."""
    listing = {}
    for folder, _, names in os.walk(out_dir):
        for name in names:
            path = Path(folder) / name
            status = path.stat()
            listing[path.relative_to(out_dir).as_posix()] = [status.st_size, status.st_mtime_ns]
    return dict(sorted(listing.items()))


def complete(out_dir: Path, listing: dict) -> bool:
    """Whether every folder published in ``out_dir`` holds each file its manifest names (a folder
    published without its pages is never « à jour »)."""
    manifests = [name for name in listing if Path(name).name == RUN_MANIFEST]
    for name in manifests:
        files = json.loads((Path(out_dir) / name).read_text(encoding="utf-8")).get("files")
        folder = Path(name).parent
        if not isinstance(files, list) or not all((folder / f).as_posix() in listing for f in files):
            return False
    return bool(manifests)


def remember_run(request: Request, out_dir: Path, notebooks_dir: Path = config.NOTEBOOKS_DIR,
                 store_dir: Path | None = None) -> None:
    """Keep what a successful run depended on and what it left in ``out_dir``."""
    path = record_path(request, store_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"inputs": inputs_digest(request, notebooks_dir), "out_dir": str(Path(out_dir).resolve()),
              "files": output_listing(Path(out_dir))}
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(partial, path)


def unchanged_output(request: Request, notebooks_dir: Path = config.NOTEBOOKS_DIR,
                     store_dir: Path | None = None) -> Path | None:
    """The output folder of the last run of ``request`` if nothing it depended on changed and its
    files are as it left them; else ``None`` (the run must go the normal way)."""
    try:
        record = json.loads(record_path(request, store_dir).read_text(encoding="utf-8"))
        out_dir = Path(record["out_dir"])
        if record["inputs"] != inputs_digest(request, notebooks_dir) or not record["files"]:
            return None
        if output_listing(out_dir) != record["files"] or not complete(out_dir, record["files"]):
            return None
        if any(lock_or_leftover(path.name) for path in out_dir.parent.glob(f".{out_dir.name}.*")):
            return None  # a killed run's folder beside it: the normal way mends it
    except (OSError, ValueError, KeyError, TypeError):  # no record, a damaged one, a raw file gone
        return None
    return out_dir
