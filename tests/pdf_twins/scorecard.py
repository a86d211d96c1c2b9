"""How each route reads a twin's tables against the twin's truth: cells right, ambiguous, wrong, missing.

``python -m tests.pdf_twins.scorecard [--variant SEED] [--other]`` prints, for the bundled
report (or a variant), the text route's reading of its text and the PDF route's reading of
its twin, side by side (issue 30's « what it must show »).
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from calpae_lib.pdf import read_source
from calpae_lib.pipeline import ParsedReport, parse_document
from calpae_lib.text.reading import document_from_text
from tests.pdf_twins.model import ANNEX4_COLUMNS, INDICATOR_COLUMNS, Twin

#: The columns that identify a value in each tidy table, as the twin's truth gives them.
KEYS = {"indicators": INDICATOR_COLUMNS, "annex4": ANNEX4_COLUMNS}


@dataclass(frozen=True)
class Score:
    """A route's reading of one table against the truth (counts of values)."""

    right: int
    ambiguous: int
    wrong: int
    missing: int

    @property
    def total(self) -> int:
        return self.right + self.ambiguous + self.wrong + self.missing


def spaced(value) -> str:
    return "" if pd.isna(value) else " ".join(str(value).split())


def keyed(frame: pd.DataFrame, columns) -> Counter:
    """The multiset of a table's values, each as the tuple of its identifying columns, spaces normalised."""
    return Counter(tuple(spaced(row[c]) for c in columns) for _, row in frame.iterrows())


def score(read: pd.DataFrame, truth: pd.DataFrame, columns) -> Score:
    """Right: a value read as the truth has it; ambiguous: read without its column; wrong: read certain but
    not in the truth; missing: in the truth, not read at all (nor ambiguous)."""
    label = columns[:-3]  # what names the value (action, measure, indicator), before period, kind, raw
    ambiguous = read[read["status"] == "ambiguous"]
    certain = read[read["status"] != "ambiguous"]
    expected = keyed(truth, columns)
    got = keyed(certain, columns)
    right = sum((expected & got).values())
    wrong = sum((got - expected).values())
    left = expected - got
    # an ambiguous value accounts for one missing truth value of the same label and raw text
    pool = Counter(tuple(spaced(row[c]) for c in (*label, "raw")) for _, row in ambiguous.iterrows())
    settled = 0
    for key, count in left.items():
        short = (*key[:len(label)], key[-1])
        take = min(count, pool[short])
        pool[short] -= take
        settled += take
    return Score(right, len(ambiguous), wrong, sum(left.values()) - settled)


def scores(report: ParsedReport, twin: Twin) -> dict[str, Score]:
    return {"indicators": score(report.tables["indicators"], twin.indicators, KEYS["indicators"]),
            "annex4": score(report.tables["annex4"].rename(columns={"indicator": "label"}), twin.annex4, KEYS["annex4"])}


def both_routes(text: str, folder: Path) -> tuple[dict[str, Score], dict[str, Score], Twin]:
    """The text route on ``text`` and the PDF route on its twin, each scored against the twin's truth."""
    from tests.pdf_twins.render import render_twin

    twin = render_twin(text, folder / "twin.pdf")
    by_text = scores(parse_document(document_from_text(text)), twin)
    by_pdf = scores(parse_document(read_source(twin.path)), twin)
    return by_text, by_pdf, twin


def table(by_text: dict[str, Score], by_pdf: dict[str, Score]) -> str:
    lines = ["| table | route | right | ambiguous | wrong | missing |", "|---|---|---:|---:|---:|---:|"]
    for name in by_text:
        for route, found in (("texte", by_text[name]), ("PDF", by_pdf[name])):
            lines.append(f"| {name} | {route} | {found.right} | {found.ambiguous} | {found.wrong} | {found.missing} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from tests.nextyear import make_variant, other_departement
    from tests.variants import bundled_text

    parser = argparse.ArgumentParser(prog="python -m tests.pdf_twins.scorecard")
    parser.add_argument("--variant", type=int)
    parser.add_argument("--other", action="store_true")
    args = parser.parse_args(argv)
    text = bundled_text()
    if args.variant is not None:
        text = make_variant(text, args.variant).text
    if args.other:
        text = other_departement(text).text
    with tempfile.TemporaryDirectory() as folder:
        by_text, by_pdf, twin = both_routes(text, Path(folder))
        print(f"{twin.pages} pages")
        print(table(by_text, by_pdf))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
