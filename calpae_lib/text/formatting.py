"""French number formats for tables and narrative: 1 320 000 €, 98 %, 17,4."""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from babel.numbers import format_decimal

LOCALE = "fr_FR"
#: Grouping separator used in output: a narrow no-break space, as French typography wants.
NNBSP = "\u202f"


def is_missing(value) -> bool:
    """Whether a value is absent: ``None``, a NaN (Python's, numpy's, a Decimal's), pandas' NA or NaT.
    The one test of missing-ness: every table, check and display asks it.

    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, pd.NaT, 0, "", "NC")]
    [True, True, True, True, False, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(value != value)  # only a NaN differs from itself
    except (TypeError, ValueError):  # an array: not one missing value
        return False


def format_number(value, decimals: int = 0, missing: str = "—") -> str:
    """A number with French grouping and decimal comma.

    >>> format_number(1320000)
    '1\\u202f320\\u202f000'
    >>> format_number(17.44, decimals=1)
    '17,4'
    >>> format_number(None)
    '—'

    A numpy integer is formatted as the Python integer it holds: in the cache below, comparing it with an
    equal ``Decimal`` already kept would raise.

    >>> import numpy
    >>> from decimal import Decimal
    >>> format_number(Decimal("100")), format_number(numpy.int64(100))
    ('100', '100')
    """
    if is_missing(value):
        return missing
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()
    return grouped(value, decimals, value == 0 and str(value).startswith("-"))


@lru_cache(maxsize=8192)
def grouped(value, decimals: int, negative_zero: bool = False) -> str:
    """:func:`format_number` of a number, kept: a report prints the same amounts again and again,
    and babel takes some 40 µs for each. Equal numbers, such as 2 and 2.0, print alike, but for
    -0.0, which equals 0 and which babel prints "-0": ``negative_zero`` keeps them apart.

    >>> format_number(-0.0), format_number(0), format_number(-0.0), format_number(0.0)
    ('-0', '0', '-0', '0')
    """
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE).replace("\u00a0", NNBSP)


def format_eur(value, missing: str = "—") -> str:
    """An amount in euros.

    >>> format_eur(1320000)
    '1\\u202f320\\u202f000\\xa0€'
    """
    if is_missing(value):
        return missing
    return f"{format_number(round(value))}\u00a0€"


def format_percent(value, decimals: int = 0, missing: str = "—") -> str:
    """A number of percent (98 → "98 %").

    >>> format_percent(98)
    '98\\xa0%'
    >>> format_percent(0.5, decimals=1)
    '0,5\\xa0%'
    """
    if is_missing(value):
        return missing
    return f"{format_number(value, decimals)}\u00a0%"


#: Decimals an indicator value keeps per unit when it is not whole (a percentage: « 84,3 % »).
UNIT_DECIMALS = {"percent": 1, "days": 1, "count": 0, "eur": 0}


def format_value(value, unit: str, missing: str = "—") -> str:
    """An indicator's number in its unit, as a reader should see it.

    >>> format_value(4935.0, "count"), format_value(98, "percent"), format_value(160000, "eur")
    ('4\u202f935', '98\xa0%', '160\u202f000\xa0€')
    >>> format_value(2.5, "days")
    '2,5 j'
    """
    if is_missing(value):
        return missing
    if unit == "eur":
        return format_eur(value)
    decimals = UNIT_DECIMALS.get(unit, 1) if float(value) != int(value) else 0
    number = format_number(value, decimals=decimals)
    return {"percent": f"{number}\u00a0%", "days": f"{number} j"}.get(unit, number)


def plural(count: int, singular: str, plural_form: str | None = None, none: str | None = None) -> str:
    """A count and its noun, agreed the French way: singular for 0 and 1, every word in the plural beyond.

    ``plural_form`` when adding an *s* to each word is wrong; ``none`` says zero
    in words (« aucune donnée manquante ») instead of « 0 donnée manquante ».

    >>> plural(1, "carnet exécuté"), plural(6, "carnet exécuté"), plural(1200, "contrôle")
    ('1 carnet exécuté', '6 carnets exécutés', '1\\u202f200 contrôles')
    >>> plural(2, "incohérence du document", "incohérences du document")
    '2 incohérences du document'
    >>> plural(0, "donnée manquante"), plural(0, "donnée manquante", none="aucune donnée manquante")
    ('0 donnée manquante', 'aucune donnée manquante')
    """
    if count == 0 and none is not None:
        return none
    if count in (0, 1):
        return f"{format_number(count)} {singular}"
    words = plural_form or " ".join(w if w[-1] in "sxz" else w + "s" for w in singular.split())
    return f"{format_number(count)} {words}"


#: A space before French high punctuation: « ; », « ! », « ? » take a narrow no-break space, « : » a no-break one.
HIGH_PUNCTUATION = re.compile(r" ([;:!?])(?=\s|$)")


def french_spacing(text: str) -> str:
    """A sentence's spaces before « ; : ! ? » made unbreakable, so no line of a page starts with one.

    >>> french_spacing("Prévu : 10 € ; engagé : 8 €. Pourquoi ? http://a:b")
    'Prévu\\xa0: 10 €\\u202f; engagé\\xa0: 8 €. Pourquoi\\u202f? http://a:b'
    """
    return HIGH_PUNCTUATION.sub(lambda m: ("\xa0" if m.group(1) == ":" else NNBSP) + m.group(1), text)
