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


def without_engage(text: str, report) -> str:
    """``text`` with the executed lines (5.2) of one sheet blanked: the last sheet of ``report`` (parsed from
    ``text``) that prints both financeurs' engagé and whose annex gives them, so that its engagé is « non
    renseigné » and the annex completes it. Line numbers are kept."""
    budgets = report.tables["budgets"]
    engaged = budgets[budgets["stage"] == "engage"]
    annexed = set(report.tables["annex_budget"]["action_id"].dropna())
    action = next(a for a in reversed(list(dict.fromkeys(engaged["action_id"])))
                  if a in annexed and engaged[engaged["action_id"] == a]["financeur"].nunique() == 2)
    lines = text.split("\n")
    for line in set(engaged[engaged["action_id"] == action]["source_line"].astype(int)):
        lines[line - 1] = ""
    return "\n".join(lines)
