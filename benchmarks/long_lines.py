"""How the parse's time grows with one long line (not a test: run it by hand).

A line of capitals (the hostile case: every letter could start a place name
or a title) is put before the bundled report's first line, 32 KB to 1 MB
long, and the report is parsed in this one process (imports done before the
first measure). The parse must grow linearly with the line: the time added
per megabyte stays about the same from one length to the next.

    .venv/bin/python benchmarks/long_lines.py [--sizes 32,64,...] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from calpae_lib.pipeline import parse_document
from calpae_lib.text.reading import document_from_text

BUNDLED = sorted((Path(__file__).resolve().parents[1] / "data" / "raw").glob("calpae_*.txt"))[0]
FILLERS = {"capitales": "A", "mots": "ARRAS PAUVRETÉ DANS LE ", "espaces": " "}


def measure(text: str, filler: str, kilobytes: int, repeat: int) -> float:
    line = (filler * (kilobytes * 1024 // len(filler) + 1))[: kilobytes * 1024]
    doc = document_from_text(line + "\n" + text)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        parse_document(doc)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="32,64,128,256,512,1024", help="line lengths in KB")
    parser.add_argument("--repeat", type=int, default=3, help="runs per length (the fastest is kept)")
    args = parser.parse_args()
    text = BUNDLED.read_text(encoding="utf-8")
    parse_document(document_from_text(text))  # imports and first-use caches
    base = measure(text, "A", 0, args.repeat)
    print(f"report {BUNDLED.name}, no long line: {base:.3f} s")
    print("filler      KB      seconds   added s per MB")
    for name, filler in FILLERS.items():
        for kilobytes in (int(k) for k in args.sizes.split(",")):
            seconds = measure(text, filler, kilobytes, args.repeat)
            print(f"{name:10} {kilobytes:5d}  {seconds:9.3f}   {(seconds - base) / (kilobytes / 1024):9.2f}")


if __name__ == "__main__":
    main()
