"""Which raw reports a command names: paths, folders and glob patterns (standard library only,
so that a run can tell it has nothing to do before loading pandas).

A report is given as its text or as its PDF (:data:`REPORT_SUFFIXES`). A folder holding both the
text and the PDF of one report (``calpae_2022_x.txt`` beside ``calpae_2022_x.pdf``) is refused rather
than one of them picked: they may disagree (a text extracted another way, or from an older PDF), and
which one the pages and the tables are read from must be the user's choice, never calpae's guess.
"""

from __future__ import annotations

import glob
from pathlib import Path

from calpae_lib.errors import InputError, printable

#: Characters that make a command-line item a glob pattern rather than a path.
GLOB_CHARACTERS = set("*?[")

#: The forms a report is given in, as a folder's files are found: its text, its PDF.
REPORT_SUFFIXES = (".txt", ".pdf")


def reports_in_folder(folder: Path, stem_pattern: str = "*") -> list[Path]:
    """The reports of ``folder`` (its ``*.txt`` and ``*.pdf``, in any case, whose stem matches
    ``stem_pattern``), by name.

    >>> reports_in_folder(Path("/nonexistent"))
    []
    """
    return sorted(path for path in folder.glob(f"{stem_pattern}.*") if path.suffix.lower() in REPORT_SUFFIXES)


def glob_reports(pattern: str) -> list[Path]:
    """The files a glob pattern names, by name; a pattern ending with a report's suffix (``*.pdf``) matches
    it in any case (``R.PDF``), as the systems that write reports spell it.

    >>> glob_reports("/nonexistent/*.PDF")
    []
    """
    stem, dot, suffix = pattern.rpartition(".")
    if dot and "/" not in suffix and f".{suffix.lower()}" in REPORT_SUFFIXES:
        return sorted(Path(found) for found in glob.glob(f"{stem}.*")
                      if Path(found).suffix.lower() == f".{suffix.lower()}")
    return sorted(Path(found) for found in glob.glob(pattern))


def text_and_pdf_pairs(paths) -> list[tuple[Path, Path]]:
    """The text and the PDF of one report among ``paths``: same folder, same name but ``.txt``/``.pdf``.

    >>> text_and_pdf_pairs([Path("a/r.txt"), Path("a/r.pdf"), Path("b/r.pdf"), Path("a/s.txt")])
    [(PosixPath('a/r.txt'), PosixPath('a/r.pdf'))]
    """
    by_stem: dict[tuple[Path, str], dict[str, Path]] = {}
    for path in paths:
        if path.suffix.lower() in REPORT_SUFFIXES:
            by_stem.setdefault((path.parent, path.stem), {})[path.suffix.lower()] = path
    return [(forms[".txt"], forms[".pdf"]) for forms in by_stem.values() if len(forms) == len(REPORT_SUFFIXES)]


def refuse_text_beside_pdf(paths) -> None:
    """Refuse, in one line, the text and the PDF of one report given together (see the module's docstring).

    >>> refuse_text_beside_pdf([Path("raw/r.txt"), Path("raw/r.pdf")])
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: raw/r.pdf: le texte (r.txt) et le PDF (r.pdf) d'un même rapport : gardez-en un seul dans le dossier, ou nommez celui à lire (le PDF donne les pages exactes).
    """
    pairs = text_and_pdf_pairs(paths)
    if pairs:
        text, pdf = pairs[0]
        raise InputError(f"le texte ({printable(text.name)}) et le PDF ({printable(pdf.name)}) d'un même rapport : "
                         "gardez-en un seul dans le dossier, ou nommez celui à lire (le PDF donne les pages exactes).",
                         path=pdf)


def expand_raw_paths(items) -> list[Path]:
    """Raw report paths from paths, folders (their ``*.txt`` and ``*.pdf``) and glob patterns, each once.

    The text and the PDF of one report found together in a folder or by a pattern are refused
    (:func:`refuse_text_beside_pdf`); both named one by one are too.

    >>> expand_raw_paths(["/nonexistent/*.txt"])
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: /nonexistent/*.txt: aucun fichier ne correspond : donnez des rapports CALPAE (texte ou PDF) : chemins, dossier ou motif.
    """
    paths, seen = [], set()
    for item in items:
        item = str(item)
        if Path(item).is_dir():
            found = reports_in_folder(Path(item))
        elif GLOB_CHARACTERS & set(item) and not Path(item).exists():
            found = glob_reports(item)
        else:
            found = [Path(item)]
        if not found:
            raise InputError("aucun fichier ne correspond : donnez des rapports CALPAE (texte ou PDF) : "
                             "chemins, dossier ou motif.", path=item)
        for path in found:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                paths.append(path)
    refuse_text_beside_pdf(paths)
    return paths
