"""Variants of the bundled report that tests derive themselves.

Nothing here knows the report's figures: variants are made by rules (shift
every year, change one printed amount) so that tests can check that the
pipeline's output follows its input.
"""

from __future__ import annotations

import re
from pathlib import Path

from calpae_lib.publish import config

BUNDLED = config.raw_dir() / "calpae_2022_pas-de-calais.txt"

#: A four-digit year between 2000 and 2039, alone (not inside a longer number).
YEAR = re.compile(r"(?<![\d/])(20[0-3]\d)(?![\d])")


def bundled_text() -> str:
    return BUNDLED.read_text(encoding="utf-8")


def parse_text(text: str):
    """A report's text (a variant's), parsed by the pipeline as a raw file would be."""
    from calpae_lib.pipeline import parse_document
    from calpae_lib.text.reading import document_from_text

    return parse_document(document_from_text(text))


def shift_years(text: str, offset: int) -> str:
    """Every year 2000–2039 printed in the text moved by ``offset`` years.

    Dates like 31/12/2021 move too (their year part follows a slash and is
    caught by the look-behind only when it is a standalone year).
    """
    def move(match: re.Match) -> str:
        return str(int(match.group(1)) + offset)

    text = YEAR.sub(move, text)
    return re.sub(r"(?<=/)(20[0-3]\d)\b", move, text)


def replace_line(text: str, line_number: int, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` on one line (1-based); fail if absent."""
    lines = text.split("\n")
    if old not in lines[line_number - 1]:
        raise AssertionError(f"{old!r} not on line {line_number}: {lines[line_number - 1]!r}")
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    return "\n".join(lines)


def write_variant(tmp_path: Path, text: str, name: str = "variant.txt") -> Path:
    path = Path(tmp_path) / name
    path.write_text(text, encoding="utf-8")
    return path
