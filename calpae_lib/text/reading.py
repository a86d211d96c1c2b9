"""Reading a raw report: decoding, normalising, and keeping a line index.

The raw file is never modified. Normalisation replaces characters inside a
line (spaces of every width, quotes), removes the invisible ones (zero-width
spaces, soft hyphens) and unifies line endings, so that line ``n`` of
:class:`Document` is line ``n`` of the file: every parsed value can quote it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from calpae_lib.errors import InputError

#: Encodings tried in order; Latin-1 accepts any byte, so it closes the list.
ENCODINGS = ("utf-8", "cp1252", "latin-1")

#: Unicode's spaces other than the ordinary one (category Zs: no-break, narrow no-break, thin,
#: figure, em... spaces) and its line and paragraph separators (Zl, Zp), as ranges of code points.
WIDE_SPACES = ((0x00A0, 0x00A0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F),
               (0x205F, 0x205F), (0x3000, 0x3000))

#: Unicode's invisible format characters (category Cf): soft hyphen, zero-width space, non-joiner
#: and joiner, direction marks, word joiner, byte order mark, tags... A PDF extraction leaves them
#: inside words and numbers, where they print nothing: "80\u200b000 €" is 80 000 €, never 000 €.
FORMAT_CHARACTERS = ((0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
                     (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
                     (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
                     (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
                     (0xE0001, 0xE0001), (0xE0020, 0xE007F))

#: The other characters Unicode says print nothing (Default_Ignorable_Code_Point outside Cf):
#: combining grapheme joiner, Hangul fillers, variation selectors... removed too.
IGNORABLE_CHARACTERS = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2065, 0x2065),
                        (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF))


def code_points(ranges) -> list[str]:
    return [chr(c) for first, last in ranges for c in range(first, last + 1)]


#: Characters replaced (spaces, quotes, control characters) or removed (format characters) before
#: any parsing: a line's number is never changed.
CHARACTER_MAP = str.maketrans(
    {
        **{space: " " for space in code_points(WIDE_SPACES)},
        **{invisible: None for invisible in code_points(FORMAT_CHARACTERS + IGNORABLE_CHARACTERS)},
        "\u2019": "'",  # right single quotation mark (apostrophe)
        "\u2018": "'",  # left single quotation mark
        "\u02bc": "'",  # modifier letter apostrophe
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\t": " ",
        # control characters (form feeds of PDF extractions, stray bytes): a space each, so that no
        # table cell carries one and line numbers stay those of the file
        **{chr(c): " " for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]},
    }
)

#: A raw report is a few hundred kilobytes of text, or a few megabytes of PDF; anything far larger is not one
#: (and is not read whole).
MAX_RAW_BYTES = 64 * 1024 * 1024

#: A raw report is some ten thousand lines; many times more is no report calpae is made for.
MAX_LINES = 200_000

#: What a path is when it is not a regular file, as the user would say it.
FILE_KINDS = ((stat.S_ISFIFO, "un tube nommé (FIFO)"), (stat.S_ISCHR, "un périphérique"),
              (stat.S_ISBLK, "un périphérique"), (stat.S_ISSOCK, "une socket"))

#: Share of control characters above which a file is taken for binary.
BINARY_CONTROL_SHARE = 0.01
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


@dataclass(frozen=True)
class Place:
    """Where a line of a report read from its PDF was printed (the text route knows none).

    ``page``: the page number printed in the page's footer; for a page that
    prints none, the one its numbered neighbours give it (the cover before
    page 1 is page 0); the PDF page's index (1-based) when no page is numbered; ``x0`` and ``top``: the line's first word, in points from
    the page's left and top edges. Inside a table: ``table``, a running count of
    the report's tables (1-based), ``row`` within it (0 for the header's first
    row) and ``column``, the 0-based column the line's cell stands in, as the
    table's rules or its header's columns place it; all three ``None`` outside
    tables.
    """

    page: int
    x0: float
    top: float
    table: int | None = None
    row: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Document:
    """A decoded, normalised report with 1-based line access.

    ``places``: for a report read from its PDF, where each line was printed
    (one :class:`Place` per line, ``None`` for the blank lines the reading puts
    between paragraphs); empty for a text report. ``pages``: how many pages
    the PDF has (0 for a text report).
    """

    path: Path
    lines: tuple[str, ...]
    encoding: str
    sha256: str
    _text: str = field(default="", repr=False, compare=False)
    places: tuple[Place | None, ...] = ()
    pages: int = 0

    def line(self, number: int) -> str:
        """The normalised text of line ``number`` (1-based)."""
        return self.lines[number - 1]

    def place(self, number: int) -> Place | None:
        """Where line ``number`` (1-based) was printed in the PDF; ``None`` for a text report.

        >>> document_from_text("a").place(1) is None
        True
        """
        if not self.places or not 1 <= number <= len(self.places):
            return None
        return self.places[number - 1]

    def page(self, number: int) -> int | None:
        """The page line ``number`` (1-based) was printed on, for a report read from its PDF: its place's, or
        for a blank line (no place) the page of the printed line before it; ``None`` for a text report.

        >>> document_from_text("a").page(1) is None
        True
        """
        for before in range(min(number, len(self.places)), 0, -1):
            place = self.places[before - 1]
            if place is not None:
                return place.page
        return None

    @property
    def text(self) -> str:
        """The whole normalised text, lines joined with ``\\n``."""
        return self._text or "\n".join(self.lines)

    def numbered(self, start: int = 1, end: int | None = None):
        """``(line_number, text)`` for lines ``start`` to ``end`` inclusive, in order (an iterator)."""
        start = max(start, 1)
        end = len(self.lines) if end is None else min(end, len(self.lines))
        return zip(range(start, end + 1), self.lines[start - 1:end])  # the range bounds it


def check_raw_file(path: str | Path) -> os.stat_result:
    """Refuse, with the right words, a path that is not a regular file calpae may read.

    >>> check_raw_file("/nonexistent/report.txt")
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: /nonexistent/report.txt: fichier introuvable : donnez le chemin d'un rapport CALPAE (texte ou PDF).
    >>> check_raw_file("/dev/zero")
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: /dev/zero: c'est un périphérique, pas un fichier : donnez le chemin d'un rapport CALPAE (texte ou PDF).
    """
    if not printable_name(path):
        raise InputError("nom de fichier qui n'est pas en UTF-8 : renommez le fichier (les pages publiées citent son "
                         "nom).", path=path)
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError("fichier introuvable : donnez le chemin d'un rapport CALPAE (texte ou PDF).", path=path) from None
    except PermissionError:
        raise unreadable(path) from None
    except OSError as error:
        raise InputError(f"lecture impossible ({error.strerror}).", path=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("c'est un dossier : indiquez le fichier du rapport (texte ou PDF).", path=path)
    for test, kind in FILE_KINDS:
        if test(info.st_mode):
            raise InputError(f"c'est {kind}, pas un fichier : donnez le chemin d'un rapport CALPAE (texte ou PDF).",
                             path=path)
    if info.st_size > MAX_RAW_BYTES:
        raise InputError(f"fichier de {info.st_size // (1024 * 1024)} Mo : bien trop gros pour un rapport CALPAE "
                         f"(texte ou PDF : {MAX_RAW_BYTES // (1024 * 1024)} Mo au plus).", path=path)
    return info


def printable_name(path: str | Path) -> bool:
    """Whether a file name is text (UTF-8), as the pages and the stored tables must quote it.

    >>> printable_name("calpae_2022.txt"), printable_name(os.fsdecode(b"calpae_\\xff.txt"))
    (True, False)
    """
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unreadable(path) -> InputError:
    return InputError("lecture refusée (droits du fichier) : donnez-vous le droit de le lire, ou copiez-le.",
                      path=path)


def read_raw(path: str | Path) -> bytes:
    """The bytes of a raw report, after :func:`check_raw_file` (never blocks on a FIFO)."""
    check_raw_file(path)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(handle, "rb") as raw:
            return raw.read(MAX_RAW_BYTES + 1)
    except PermissionError:
        raise unreadable(path) from None
    except OSError as error:
        raise InputError(f"lecture impossible ({error.strerror}).", path=path) from None


def decode(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode raw bytes, returning ``(text, encoding)``.

    A file that is UTF-8 but for a few bytes (a cut accented character, a
    stray binary header) is refused with the line of its first bad byte,
    rather than read as cp1252 and garbled throughout.

    >>> decode("é".encode("cp1252"))
    ('é', 'cp1252')
    >>> decode(b"\\xef\\xbb\\xbfa")
    ('a', 'utf-8-sig')
    >>> decode("ligne\\nprévu \\xe9t\\xe9".encode() + b"\\n\\xc3")
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: <bytes>:3: octet 0xC3 invalide en UTF-8 (caractère coupé ou octets étrangers ?), alors que le reste du fichier est en UTF-8 : corrigez cette ligne ou extrayez de nouveau le texte du PDF.
    >>> decode(b"")
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: <bytes>: le fichier est vide : un rapport CALPAE (texte ou PDF) était attendu.
    """
    if not data.strip():
        raise InputError("le fichier est vide : un rapport CALPAE (texte ou PDF) était attendu.", path=path)
    if b"\x00" in data[:8192]:
        raise InputError(
            "le fichier est binaire (octets nuls) sans être un PDF : un rapport CALPAE, en texte ou en PDF, était attendu.",
            path=path,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            if encoding == "utf-8" and mostly_utf8(data):
                raise bad_byte(data, error, path) from None
    raise AssertionError("latin-1 decodes any byte")  # pragma: no cover


#: Bytes that cannot be UTF-8, once decoded with ``surrogateescape``.
ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def mostly_utf8(data: bytes) -> bool:
    """Whether ``data`` holds more well-formed UTF-8 characters than bytes that are not UTF-8.

    A cp1252 file has no well-formed multi-byte sequence (its accented letters
    are single bytes); a UTF-8 file with one cut character has many.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    return len(NON_ASCII.findall(text)) > len(ESCAPED_BYTE.findall(text))


def bad_byte(data: bytes, error: UnicodeDecodeError, path) -> InputError:
    line = data.count(b"\n", 0, error.start) + 1
    return InputError(f"octet 0x{data[error.start]:02X} invalide en UTF-8 (caractère coupé ou octets étrangers ?), "
                      "alors que le reste du fichier est en UTF-8 : corrigez cette ligne ou extrayez de nouveau "
                      "le texte du PDF.", path=path, line=line)


def normalise(text: str) -> str:
    """Unify line endings, replace special spaces and quotes, remove invisible characters.

    >>> normalise("1\\u202f320\\u00a0000\\u2009€\\r\\nl\\u2019an")
    "1 320 000 €\\nl'an"
    >>> normalise("80\\u202f\\u200b000\\u00ad €\\ufeff")
    '80 000 €'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(CHARACTER_MAP)


#: Ligatures spelled out by :func:`fold` (Unicode does not decompose them).
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


@lru_cache(maxsize=1 << 16)  # the same titles and names are compared many times over
def fold(text: str) -> str:
    """Lower case, accents off, ligatures spelled out: the one form in which
    calpae compares words printed in different places (titles, indicator
    names, folder names). Other characters are kept.

    >>> fold("Département Évaluation Cœur n°1")
    'departement evaluation coeur n°1'
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(LIGATURES)


def check_textual(text: str, path: str | Path) -> None:
    """Refuse a decoded text that is mostly control characters (a binary file)."""
    controls = len(CONTROL_CHARS.findall(text))
    if controls > BINARY_CONTROL_SHARE * len(text):
        raise InputError(
            "le fichier semble binaire sans être un PDF : un rapport CALPAE, en texte ou en PDF, était attendu.",
            path=path,
        )


def read_report(path: str | Path) -> Document:
    """Read and normalise a raw report file."""
    path = Path(path)
    data = read_raw(path)
    text, encoding = decode(data, path)
    check_textual(text, path)
    text = normalise(text)
    lines = tuple(text.split("\n"))
    if len(lines) > MAX_LINES:
        raise InputError(f"{len(lines)} lignes : bien au-delà de ce que calpae sait lire ({MAX_LINES} au plus) ; "
                         "vérifiez que ce fichier est bien un rapport CALPAE.", path=path)
    return Document(path=path, lines=lines, encoding=encoding,
                    sha256=hashlib.sha256(data).hexdigest(), _text=text)


def document_from_text(text: str, path: str | Path = "<texte>") -> Document:
    """Build a :class:`Document` from text already in memory (tests, variants)."""
    data = text.encode("utf-8")
    normalised = normalise(text)
    return Document(path=Path(path), lines=tuple(normalised.split("\n")), encoding="utf-8",
                    sha256=hashlib.sha256(data).hexdigest(), _text=normalised)
