"""Digit groups read as numbers: the one rule both indicator readers follow.

The flattened tables print cells side by side, separated by single spaces,
and French numbers group their digits by three with the same single space:
"596 612" is one number (596 612) or two cells (596 | 612). Rules, for the
action sheets' tables (:mod:`calpae_lib.tables.indicators`) and Annexe 4
(:mod:`calpae_lib.tables.annex4`) alike:

* a number is French-grouped (first group 1-3 digits not starting with 0,
  then groups of exactly three) or an ungrouped integer, with decimals only
  at its end (:data:`GROUPED`); so a group starting with 0 ("000", "058")
  never begins a number and must join the one before;
* two spaces, a line break or any other token always separate cells;
* among the readings that give a row as many cells as it has columns, one
  alone is kept; when several remain, the one whose numbers have the closest
  number of digits (:func:`digit_spread`) is kept if it alone has the
  smallest spread (:func:`most_balanced`); otherwise the row is ambiguous.
"""

from __future__ import annotations

import re

#: One number inside a run: French grouping (first group 1-3 digits, then
#: groups of three) or an ungrouped integer; decimals only at the end.
GROUPED = re.compile(r"^(?:[1-9]\d{0,2}(?: \d{3})+|0|[1-9]\d*)(?:[,.]\d+)?$")


def is_grouped(text: str) -> bool:
    """Whether single-spaced digit groups read as one number.

    >>> is_grouped("6 500"), is_grouped("058"), is_grouped("0 500"), is_grouped("1000 932")
    (True, False, False, False)
    """
    return bool(GROUPED.match(text))


def may_join(left: str, right: str) -> bool:
    """Whether two digit groups a single space apart may belong to one number.

    >>> may_join("6", "500"), may_join("6596", "500"), may_join("12", "50"), may_join("2,5", "000")
    (True, False, False, False)
    """
    return bool(re.fullmatch(r"\d{1,3}", left) and re.fullmatch(r"\d{3}(?:[,.]\d+)?", right))


def number_splits(run: str) -> list[list[str]]:
    """Every way to read a run of single-spaced digit groups as numbers.

    >>> number_splits("4 150 4 000 4935")
    [['4', '150', '4 000', '4935'], ['4 150', '4 000', '4935']]
    >>> sorted(number_splits("526 471 450 000"), key=len)
    [['526 471 450 000'], ['526', '471 450 000'], ['526 471', '450 000'], ['526', '471', '450 000']]

    A closing sign stays on the last number as printed, space included:

    >>> number_splits("2 156 €")
    [['2', '156 €'], ['2 156 €']]
    """
    body = run.rstrip("%€ ")
    sign = run[len(body):]  # "", "%", " €"...: the sign as printed
    groups = body.split(" ")
    out: list[list[str]] = []

    def walk(index: int, taken: list[str]) -> None:
        if index == len(groups):
            out.append(taken)
            return
        for stop in range(index + 1, len(groups) + 1):
            candidate = " ".join(groups[index:stop])
            if is_grouped(candidate):
                walk(stop, taken + [candidate])

    walk(0, [])
    if sign:
        out = [split[:-1] + [split[-1] + sign] for split in out]
    return out


def integer_digits(number: str) -> int:
    """Digits before the decimal mark ("1 234,5" has 4)."""
    return len(re.sub(r"\D", "", number.split(",")[0].split(".")[0]))


def digit_spread(numbers: list[str]) -> int:
    """Largest difference in integer digits between the numbers of a row.

    >>> digit_spread(["526 471", "450 000", "320 800"]), digit_spread(["526", "471 450 000", "320 800"])
    (0, 6)
    """
    digits = [integer_digits(n) for n in numbers]
    return max(digits) - min(digits) if digits else 0


def most_balanced(spreads: list[int]) -> int | None:
    """Index of the only reading with the smallest digit spread, or ``None`` when it is not alone.

    >>> most_balanced([3, 0, 2]), most_balanced([1, 1, 4])
    (1, None)
    """
    best = min(spreads)
    return spreads.index(best) if spreads.count(best) == 1 else None
