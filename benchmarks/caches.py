"""What each of calpae's hand-placed caches saves, in one process (not a test): ``python benchmarks/caches.py``.

For each ``functools.lru_cache`` of the parsing and presenting layers, the
bundled report is parsed and its views and narrative made, best of three,
with every cache in place, then with that one cache taken out (its function
called directly wherever it is imported). A cache that saves nothing
measurable is a candidate for removal (issue 27: keep a cache only where the
benchmark shows it matters).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
BUNDLED = PROJECT / "data" / "raw" / "calpae_2022_pas-de-calais.txt"
CACHED = [("calpae_lib.text.formatting", "grouped"), ("calpae_lib.text.numbers", "french_decimal"),
          ("calpae_lib.text.reading", "fold"), ("calpae_lib.text.similarity", "name_words")]
REPEATS = 3


def work() -> None:
    """Parse the bundled report, then make what its pages show: tables, charts' data, narrative."""
    from calpae_lib.analysis import axes
    from calpae_lib.pipeline import parse_report
    from calpae_lib.present import findings, narrative, views

    report = parse_report(BUNDLED)
    for key in axes.axes_present(report):
        views.actions_overview_table(report, key)
        views.axis_budget_table(report, key)
    views.volet_budget_table(report)
    findings.attainment_table(report)
    assert narrative  # imported: what the notebooks import


def best(label: str) -> float:
    seconds = []
    for _ in range(REPEATS):
        for module, name in CACHED:
            function = getattr(sys.modules[module], name)
            if hasattr(function, "cache_clear"):
                function.cache_clear()
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    print(f"{label:<45} {min(seconds):6.3f} s", flush=True)
    return min(seconds)


def without(module: str, name: str):
    """Take the cache of ``module.name`` out wherever the function is imported; a function to put it back."""
    import importlib

    cached = getattr(importlib.import_module(module), name)
    places = [m for m in list(sys.modules.values()) if getattr(m, "__name__", "").startswith("calpae_lib")
              and getattr(m, name, None) is cached]
    for place in places:
        setattr(place, name, cached.__wrapped__)
    return lambda: [setattr(place, name, cached) for place in places]


def main() -> int:
    work()  # imports done, once
    full = best("every cache in place")
    for module, name in CACHED:
        restore = without(module, name)
        seconds = best(f"without {module.rsplit('.', 1)[1]}.{name}")
        restore()
        print(f"  {name} saves {full and (seconds - full):+.3f} s ({100 * (seconds - full) / full:+.0f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
