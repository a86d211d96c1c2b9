"""Render a twin by hand: ``python -m tests.pdf_twins OUT.pdf [REPORT.txt | --variant SEED | --other]``.

Without a report, the bundled one; ``--variant SEED``: tests/nextyear.py's
next-year variant of that seed; ``--other``: another département's report.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tests.nextyear import make_variant, other_departement
from tests.pdf_twins.render import render_twin
from tests.variants import bundled_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.pdf_twins", description="Rend le jumeau PDF d'un rapport.")
    parser.add_argument("out", type=Path, help="le PDF à écrire")
    parser.add_argument("report", type=Path, nargs="?", help="le texte du rapport (défaut : le rapport fourni)")
    parser.add_argument("--variant", type=int, help="une variante « année suivante » de cette graine")
    parser.add_argument("--other", action="store_true", help="le rapport d'un autre département")
    args = parser.parse_args(argv)
    text = args.report.read_text(encoding="utf-8") if args.report else bundled_text()
    if args.variant is not None:
        text = make_variant(text, args.variant).text
    if args.other:
        text = other_departement(text).text
    began = time.perf_counter()
    twin = render_twin(text, args.out)
    print(f"{twin.path} : {twin.pages} pages, {len(twin.truth)} tableaux, {len(twin.indicators)} valeurs "
          f"d'indicateurs, {len(twin.annex4)} valeurs de l'annexe 4, {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
