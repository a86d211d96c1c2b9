"""French numbers as printed in the report, read strictly and never guessed.

All numbers go through :func:`parse_number`: spaces of every kind are first
normalised to the locale's grouping separator, then babel's strict parser
refuses ill-grouped numbers. The report also prints a few decimals with a
point ("83.9%"): a point followed by one or two digits is a decimal point, a
point followed by three digits could be a thousands separator and is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from babel.numbers import NumberFormatError as BabelNumberFormatError
from babel.numbers import get_group_symbol, parse_decimal

from calpae_lib.errors import NumberFormatError

LOCALE = "fr_FR"
GROUP_SYMBOL = get_group_symbol(locale=LOCALE)

SPACES = re.compile(r"[ \u00a0\u202f\u2009\u2007]+")

#: The most digits a number may print: a thousand thousand billion euros is far beyond any figure of
#: a convention, and every number below it is exact as a float (2**53 is about 9 * 10**15).
MAX_DIGITS = 15

#: "83.9": a point with one or two digits after it, read as a decimal point.
POINT_DECIMAL = re.compile(r"^\d+\.\d{1,2}$")

#: An amount in euros inside a line: a run of digits, spaces, separators and
#: look-alike letters, ended by the euro sign.
AMOUNT_IN_TEXT = re.compile(
    r"""
    (?P<number>
        (?<![\d,.])          # not the tail of a longer number (a title may be glued to it)
        (?: \d               # starts with a digit,
          | (?<![^\W\d])[Oo] #   or a letter O misprinted for 0 that does not end a word
        )
        [0-9Oo\ ,.]*?        # digits, grouping spaces, separators
    )
    \s*€                     # the euro sign, possibly after spaces
    """,
    re.VERBOSE,
)

#: A number inside a line (no unit required): integers with French grouping,
#: decimals with a comma or a point, optional percent sign.
NUMBER_IN_TEXT = re.compile(
    r"""
    (?<![\w,.])                       # not inside a word or a longer number
    (?P<number>
        \d{1,3}(?:\ \d{3})+           # grouped thousands: 1 320 000
        (?:,\d+)?                     # optional decimals
      | \d+(?:[,.]\d+)?               # plain digits, optional decimals
    )
    (?P<percent>\s?%)?                # optional percent sign
    (?![\w])                          # not followed by a letter
    """,
    re.VERBOSE,
)


def parse_number(text: str, *, line: int | None = None, path=None) -> Decimal:
    """Read a French-formatted number.

    >>> parse_number("1 320 000")
    Decimal('1320000')
    >>> parse_number("17,4")
    Decimal('17.4')
    >>> parse_number("83.9")
    Decimal('83.9')
    >>> parse_number("1 32O 000", line=12)
    Traceback (most recent call last):
    ...
    calpae_lib.errors.NumberFormatError: ligne 12: nombre illisible « 1 32O 000 » : corrigez la source ou signalez-le.
    >>> parse_number("1" * 40, line=3)
    Traceback (most recent call last):
    ...
    calpae_lib.errors.NumberFormatError: ligne 3: nombre de 40 chiffres « 11111111111111111111… » : bien au-delà de ce qu'un rapport CALPAE imprime (15 chiffres au plus) ; corrigez la source.
    """
    cleaned = SPACES.sub(" ", text.strip()).strip()
    digits = sum(c.isdigit() for c in cleaned)
    if digits > MAX_DIGITS:
        raise NumberFormatError(f"nombre de {digits} chiffres « {shortened(text.strip())} » : bien au-delà de ce "
                                f"qu'un rapport CALPAE imprime ({MAX_DIGITS} chiffres au plus) ; corrigez la source.",
                                line=line, path=path)
    if POINT_DECIMAL.match(cleaned):
        return Decimal(cleaned)
    if not cleaned or not re.fullmatch(r"[\d ,]+", cleaned):
        raise NumberFormatError(
            f"nombre illisible « {text.strip()} » : corrigez la source ou signalez-le.", line=line, path=path
        )
    try:
        return french_decimal(cleaned)
    except BabelNumberFormatError as exc:
        suggestions = getattr(exc, "suggestions", None)
        hint = f" (vouliez-vous dire {suggestions[0]} ?)" if suggestions else ""
        raise NumberFormatError(
            f"nombre mal groupé « {text.strip()} »{hint} : corrigez la source ou signalez-le.",
            line=line, path=path,
        ) from None


def shortened(text: str, length: int = 20) -> str:
    """``text`` cut to ``length`` characters, with an ellipsis when cut.

    >>> shortened("123456", 4), shortened("1234", 4)
    ('1234…', '1234')
    """
    return text if len(text) <= length else text[:length] + "…"


@lru_cache(maxsize=8192)
def french_decimal(cleaned: str) -> Decimal:
    """babel's strict reading of digits grouped by spaces, kept: a report prints the same numbers
    again and again, and babel takes some 30 µs for each."""
    return parse_decimal(cleaned.replace(" ", GROUP_SYMBOL), locale=LOCALE, strict=True)


def parse_amount(text: str, *, line: int | None = None, path=None) -> int:
    """Read an amount in whole euros, with or without the euro sign.

    >>> parse_amount("1 320 000 €")
    1320000
    >>> parse_amount("518 253€")
    518253
    >>> parse_amount("12,50 €", line=3)
    Traceback (most recent call last):
    ...
    calpae_lib.errors.NumberFormatError: ligne 3: montant « 12,50 € » non entier : un montant en euros entiers était attendu.
    """
    value = parse_number(text.replace("€", ""), line=line, path=path)
    if value != value.to_integral_value():
        raise NumberFormatError(
            f"montant « {text.strip()} » non entier : un montant en euros entiers était attendu.",
            line=line, path=path,
        )
    return int(value)


def parse_percent(text: str, *, line: int | None = None, path=None) -> Decimal:
    """Read a percentage, returning the number of percent.

    >>> parse_percent("98%")
    Decimal('98')
    >>> parse_percent("83.9 %")
    Decimal('83.9')
    """
    return parse_number(text.replace("%", ""), line=line, path=path)


@dataclass(frozen=True)
class FoundAmount:
    """An amount found in a line, with its position."""

    value: int
    text: str
    start: int
    end: int


def find_amounts(text: str, *, line: int | None = None, path=None) -> list[FoundAmount]:
    """All euro amounts of a line, strictly parsed.

    >>> [a.value for a in find_amounts("TOTAL 900 000 € dont 200 000 € (crédits)")]
    [900000, 200000]
    >>> [a.value for a in find_amounts("pour leurs enfants233 000 € 233 000 €")]
    [233000, 233000]
    >>> [a.value for a in find_amounts("Crèches AVIP Studio 25 000 €")]
    [25000]
    >>> find_amounts("TOTAL 1 1O0 €", line=7)
    Traceback (most recent call last):
    ...
    calpae_lib.errors.NumberFormatError: ligne 7: nombre illisible « 1 1O0 » : corrigez la source ou signalez-le.
    """
    found = []
    for match in AMOUNT_IN_TEXT.finditer(text):
        number = match.group("number").strip()
        found.append(FoundAmount(parse_amount(number, line=line, path=path), match.group(0).strip(),
                                 match.start(), match.end()))
    return found


def find_numbers(text: str) -> list[tuple[Decimal, bool, str]]:
    """All numbers of a text as ``(value, is_percent, printed)``; never raises.

    Numbers grouped with spaces are read as one ("6 500"): callers that split
    cells on spaces must be aware that ``"2 573 2 866"`` reads as two numbers
    only because each group has three digits.

    >>> find_numbers("98% 6 500 17,4")
    [(Decimal('98'), True, '98%'), (Decimal('6500'), False, '6 500'), (Decimal('17.4'), False, '17,4')]
    """
    out = []
    for match in NUMBER_IN_TEXT.finditer(text):
        number = match.group("number")
        if sum(c.isdigit() for c in number) > MAX_DIGITS:  # no figure of a report: nothing to compare
            continue
        value = parse_number(number)
        out.append((value, match.group("percent") is not None, match.group(0).strip()))
    return out


def percentage(part, whole) -> float | None:
    """``part`` as a percentage of ``whole``; ``None`` when either is missing (``None``, NaN) or
    ``whole`` is zero.

    calpae's one definition of a rate: execution (engagé over prévu), attainment
    (result over target), the orientation chain's rates, percentages recomputed.

    >>> percentage(518253, 490000)
    105.76591836734694
    >>> percentage(150, 200), percentage(None, 200), percentage(5, 0), percentage(float("nan"), 1)
    (75.0, None, None, None)
    """
    if pd.isna(part) or pd.isna(whole) or not whole:
        return None
    return 100.0 * float(part) / float(whole)
