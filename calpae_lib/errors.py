"""The errors calpae raises on purpose: each says what is wrong and where.

Every error the user can cause derives from :class:`CalpaeError`; the command
line turns them into a one-line message and an exit status, never a traceback.
"""

from __future__ import annotations

import errno
from pathlib import Path


class CalpaeError(Exception):
    """Base class: a problem the user can act on.

    ``exit_status`` is the command line's exit status for this kind of error.
    """

    exit_status = 2

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 page: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.page = page
        super().__init__(self.located())

    def located(self) -> str:
        """The message prefixed with ``file:line:`` when they are known, or ``file, p. N :`` for a page.

        A report read from its PDF is cited by its printed page: a run that fails
        publishes nothing, so the text whose lines calpae numbers is not there to look in.

        >>> CalpaeError("cellule illisible", path="r.txt", line=12).located()
        'r.txt:12: cellule illisible'
        >>> CalpaeError("cellule illisible", path="r.pdf", page=97).located()
        'r.pdf, p. 97 : cellule illisible'
        """
        if self.page is not None:
            where = f"{printable(self.path)}, p. {self.page}" if self.path is not None else f"p. {self.page}"
            return f"{where} : {self.message}"
        where = ""
        if self.path is not None:
            where = printable(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        elif self.line is not None:
            where = f"ligne {self.line}: "
        return where + self.message

    def in_file(self, path: str | Path) -> CalpaeError:
        """This error, said of the file ``path`` when it named none (a line alone is not a place)."""
        if self.path is None:
            self.path = Path(path)
            self.args = (self.located(),)
        return self

    def on_page(self, page: int) -> CalpaeError:
        """This error, said of the printed page ``page`` instead of its line (a report read from its PDF).

        >>> CalpaeError("x", path="r.pdf", line=10381).on_page(97).located()
        'r.pdf, p. 97 : x'
        """
        self.page, self.line = page, None
        self.args = (self.located(),)
        return self


def printable(path: str | Path) -> str:
    """A file name as one line can show it: control characters escaped (a newline is ``\\n``), bytes
    that are not UTF-8 as ``\\xff``.

    >>> print(printable("rapport\\n2022\\udcff.txt"))
    rapport\\n2022\\xff.txt
    """
    return "".join(c if c.isprintable() else f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff"
                   else c.encode("unicode_escape").decode("ascii") for c in str(path))


class InputError(CalpaeError, ValueError):
    """The input is not a readable CALPAE report (empty, binary, truncated...)."""


class ParseError(CalpaeError, ValueError):
    """A block of the report is recognised but malformed."""


class NumberFormatError(ParseError):
    """A number as printed cannot be read without guessing."""


class SchemaError(CalpaeError, ValueError):
    """A processed table breaks its schema."""


class UsageError(CalpaeError):
    """The command line or notebook parameters are wrong."""


class OutputError(CalpaeError):
    """The output cannot be written: a full disk, a read-only folder, no right to write there."""


#: ``errno`` values that say the machine refuses a write, not that calpae is wrong.
OUTPUT_ERRNOS = {errno.ENOSPC: "plus de place sur le disque", errno.EDQUOT: "quota de disque atteint",
                 errno.EROFS: "système de fichiers en lecture seule", errno.EACCES: "écriture refusée (droits)",
                 errno.EPERM: "opération refusée (droits)", errno.ENAMETOOLONG: "nom de fichier trop long",
                 errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier"}


def output_error(error: BaseException | None) -> OutputError | None:
    """The :class:`OutputError` an :class:`OSError` (or its cause) stands for, if any.

    >>> import errno
    >>> output_error(OSError(errno.ENOSPC, "No space left on device", "/out/a.html")).located()
    '/out/a.html: plus de place sur le disque (No space left on device) : libérez de la place ou écrivez ailleurs.'
    >>> output_error(ValueError("x")) is None
    True
    """
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in OUTPUT_ERRNOS:
            return OutputError(f"{OUTPUT_ERRNOS[error.errno]} ({error.strerror}) : libérez de la place ou "
                               "écrivez ailleurs." if error.errno in (errno.ENOSPC, errno.EDQUOT) else
                               f"{OUTPUT_ERRNOS[error.errno]} ({error.strerror}) : écrivez ailleurs.",
                               path=error.filename)
        error = error.__cause__ or error.__context__
    return None


class NotebookError(CalpaeError):
    """A notebook failed while executing; the executed copy is kept."""

    exit_status = 1
