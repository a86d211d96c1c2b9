"""Which raw reports a command names: paths, folders and glob patterns (standard library only,
so that a run can tell it has nothing to do before loading pandas)."""

from __future__ import annotations

import glob
from pathlib import Path

from calpae_lib.errors import InputError

#: Characters that make a command-line item a glob pattern rather than a path.
GLOB_CHARACTERS = set("*?[")


def expand_raw_paths(items) -> list[Path]:
    """Raw report paths from paths, folders (their ``*.txt`` and ``*.pdf``) and glob patterns, each once.

    >>> expand_raw_paths(["/nonexistent/*.txt"])
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: /nonexistent/*.txt: aucun fichier ne correspond : donnez des rapports CALPAE (texte ou PDF) : chemins, dossier ou motif.
    """
    paths, seen = [], set()
    for item in items:
        item = str(item)
        if Path(item).is_dir():
            found = sorted([*Path(item).glob("*.txt"), *Path(item).glob("*.pdf")])
        elif GLOB_CHARACTERS & set(item) and not Path(item).exists():
            found = sorted(Path(p) for p in glob.glob(item))
        else:
            found = [Path(item)]
        if not found:
            raise InputError("aucun fichier ne correspond : donnez des rapports CALPAE (texte ou PDF) : "
                             "chemins, dossier ou motif.", path=item)
        for path in found:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                paths.append(path)
    return paths
