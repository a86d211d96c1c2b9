"""Reading a raw report: decoding, normalising, and keeping a line index.

The raw file is never modified. Normalisation replaces characters one for one
inside a line (spaces, quotes) and unifies line endings, so that line ``n`` of
:class:`Document` is line ``n`` of the file: every parsed value can quote it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from calpae_lib.errors import InputError

#: Encodings tried in order; Latin-1 accepts any byte, so it closes the list.
ENCODINGS = ("utf-8", "cp1252", "latin-1")

#: Characters replaced one for one before any parsing.
CHARACTER_MAP = str.maketrans(
    {
        "\u00a0": " ",  # non-breaking space
        "\u202f": " ",  # narrow non-breaking space (French thousands)
        "\u2009": " ",  # thin space
        "\u2007": " ",  # figure space
        "\u2019": "'",  # right single quotation mark (apostrophe)
        "\u2018": "'",  # left single quotation mark
        "\u02bc": "'",  # modifier letter apostrophe
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\t": " ",
    }
)

#: Share of control characters above which a file is taken for binary.
BINARY_CONTROL_SHARE = 0.01
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


@dataclass(frozen=True)
class Document:
    """A decoded, normalised report with 1-based line access."""

    path: Path
    lines: tuple[str, ...]
    encoding: str
    sha256: str
    _text: str = field(default="", repr=False, compare=False)

    def line(self, number: int) -> str:
        """The normalised text of line ``number`` (1-based)."""
        return self.lines[number - 1]

    @property
    def text(self) -> str:
        """The whole normalised text, lines joined with ``\\n``."""
        return self._text or "\n".join(self.lines)

    def numbered(self, start: int = 1, end: int | None = None):
        """Yield ``(line_number, text)`` for lines ``start`` to ``end`` inclusive."""
        end = len(self.lines) if end is None else min(end, len(self.lines))
        for number in range(max(start, 1), end + 1):
            yield number, self.lines[number - 1]


def decode(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode raw bytes, returning ``(text, encoding)``.

    >>> decode("é".encode("cp1252"))
    ('é', 'cp1252')
    >>> decode(b"\\xef\\xbb\\xbfa")
    ('a', 'utf-8-sig')
    >>> decode(b"")
    Traceback (most recent call last):
    ...
    calpae_lib.errors.InputError: <bytes>: le fichier est vide : un rapport CALPAE en texte était attendu.
    """
    if not data.strip():
        raise InputError("le fichier est vide : un rapport CALPAE en texte était attendu.", path=path)
    if b"\x00" in data[:8192]:
        raise InputError(
            "le fichier est binaire (octets nuls) : un rapport CALPAE en texte extrait du PDF était attendu.",
            path=path,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte")  # pragma: no cover


def normalise(text: str) -> str:
    """Unify line endings and replace special spaces and quotes.

    >>> normalise("1\\u202f320\\u00a0000\\u2009€\\r\\nl\\u2019an")
    "1 320 000 €\\nl'an"
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(CHARACTER_MAP)


def without_accents(text: str) -> str:
    """Text with its accents removed, for comparing words as printed in different places.

    >>> without_accents("Département Évaluation cœur")
    'Departement Evaluation cœur'
    """
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def check_textual(text: str, path: str | Path) -> None:
    """Refuse a decoded text that is mostly control characters (a binary file)."""
    controls = len(CONTROL_CHARS.findall(text))
    if controls > BINARY_CONTROL_SHARE * len(text):
        raise InputError(
            "le fichier semble binaire : un rapport CALPAE en texte extrait du PDF était attendu.",
            path=path,
        )


def read_report(path: str | Path) -> Document:
    """Read and normalise a raw report file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("fichier introuvable : vérifiez le chemin du rapport.", path=path) from None
    except IsADirectoryError:
        raise InputError("c'est un dossier : indiquez le fichier texte du rapport.", path=path) from None
    except OSError as exc:
        raise InputError(f"lecture impossible ({exc.strerror}).", path=path) from None
    text, encoding = decode(data, path)
    text = normalise(text)
    check_textual(text, path)
    lines = tuple(text.split("\n"))
    return Document(path=path, lines=lines, encoding=encoding,
                    sha256=hashlib.sha256(data).hexdigest(), _text=text)


def document_from_text(text: str, path: str | Path = "<texte>") -> Document:
    """Build a :class:`Document` from text already in memory (tests, variants)."""
    data = text.encode("utf-8")
    normalised = normalise(text)
    return Document(path=Path(path), lines=tuple(normalised.split("\n")), encoding="utf-8",
                    sha256=hashlib.sha256(data).hexdigest(), _text=normalised)
