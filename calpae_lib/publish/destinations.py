"""Where a run may write: its folders are refused (exit 2, nothing written) unless they are calpae's
own outputs, hold no input, lie inside no other output and can be written."""

from __future__ import annotations

from pathlib import Path

from calpae_lib.errors import UsageError
from calpae_lib.publish import pages
from calpae_lib.publish.atomic import (check_holds_no_input, check_not_nested, check_replaceable, check_writable_tree,
                                      holds_files, lock_or_leftover)
from calpae_lib.publish.manifests import MANIFEST_NAME
from calpae_lib.publish.planning import Unit


def check_destinations(root: Path, units: list[Unit], inputs: list) -> None:
    """Refuse (exit 2, nothing written) any folder of the run that calpae did not make, that holds
    an input or lies inside another output, or that calpae could not write.

    A folder of several reports (``root``) holds no manifest of its own: it must be new, or hold
    nothing but calpae's outputs (see :func:`stray_file`); its ``index.html`` is then calpae's.
    """
    several = bool(root.is_dir() and any(root.glob(f"*/*/{MANIFEST_NAME}")))
    if len(units) == 1 and units[0].target == root:
        if several and not (root / MANIFEST_NAME).exists():
            raise UsageError(f"{root} contient les rapports publiés d'une publication de plusieurs rapports, qu'un "
                             "seul rapport remplacerait : donnez un autre --out, ou tous les rapports.")
        check_replaceable(root, MANIFEST_NAME, inputs)
        return
    check_holds_no_input(root, inputs)
    check_not_nested(root)
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        raise UsageError(f"{root} n'est pas un dossier : donnez un autre --out.")
    if (root / MANIFEST_NAME).exists():
        raise UsageError(f"{root} est la sortie d'un seul rapport, pas un dossier de plusieurs rapports : "
                         "donnez un autre --out.")
    stray = stray_file(root, several)
    if stray is not None:
        raise UsageError(f"{root} contient {stray}, qui n'est pas une sortie de calpae, et recevrait un dossier "
                         "par rapport et un index.html : donnez un dossier nouveau ou vide.")
    if root.exists():
        check_writable_tree(root, depth=1)
    for unit in units:
        check_replaceable(unit.target, MANIFEST_NAME, inputs)


def stray_file(root: Path, several: bool) -> Path | None:
    """The first entry of ``root`` that is not calpae's: calpae's are its locks and leftovers, the
    outputs of single reports (``<root>/<année>/``), the folders by département of several reports,
    and (when there are some) their ``index.html``. Hidden entries (``output/.gitkeep``) are let be:
    a run writes no hidden name there."""
    if not root.is_dir():
        return None
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or (entry.name == f"{pages.INDEX_NAME}.html" and several):
            continue
        if not entry.is_dir() or entry.is_symlink():
            return entry
        if (entry / MANIFEST_NAME).is_file():
            continue
        for inner in sorted(entry.iterdir()):
            if not (lock_or_leftover(inner.name) or (inner.is_dir() and not inner.is_symlink()
                                    and ((inner / MANIFEST_NAME).is_file() or not holds_files(inner)))):
                return inner
    return None
