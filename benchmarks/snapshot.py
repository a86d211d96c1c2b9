"""Write every table and the findings of the bundled report and some generated variants to a folder,
so that two versions of calpae can be compared byte for byte (``diff -r before after``).

    python benchmarks/snapshot.py OUT [--source SRC]   # SRC: a checkout of calpae to import from

The variants are the next-year ones of ``tests/nextyear.py`` (seeds 0 to 5) and, where the generator
has it, another département's report (``tests/nextyear.py``'s ``other_departement``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--source", type=Path, default=HERE)
    args = parser.parse_args()
    sys.path[:0] = [str(args.source), str(HERE)]
    import pandas as pd

    from calpae_lib.analysis.orientation import orientation_chain
    from calpae_lib.pipeline import parse_document
    from calpae_lib.text.reading import document_from_text
    from tests import nextyear
    from tests.variants import bundled_text

    texts = {"bundled": bundled_text()}
    texts.update({f"nextyear-{seed}": nextyear.make_variant(bundled_text(), seed).text for seed in range(6)})
    if hasattr(nextyear, "other_departement"):
        texts["other"] = nextyear.other_departement(bundled_text()).text
    for name, text in texts.items():
        report = parse_document(document_from_text(text))
        folder = args.out / name
        folder.mkdir(parents=True, exist_ok=True)
        for table, frame in report.tables.items():
            frame.to_csv(folder / f"{table}.csv", index=False)
        chain = orientation_chain(report)
        for name_, frame in vars(chain).items():
            if isinstance(frame, pd.DataFrame):
                frame.to_csv(folder / f"orientation_{name_}.csv", index=False)
        print(name, {t: len(f) for t, f in report.tables.items()})


if __name__ == "__main__":
    main()
