from decimal import Decimal

import pytest

from calpae_lib.errors import NumberFormatError
from calpae_lib.text.numbers import (
    find_amounts,
    parse_amount,
    parse_number,
    parse_percent,
)


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("1 320 000 €", 1320000),          # ordinary spaces
        ("518 253€", 518253),              # euro sign glued
        ("1\u202f320\u00a0000 €", 1320000),  # thin and non-breaking spaces
        ("110 000€", 110000),
        ("46 875 € ", 46875),
    ],
)
def test_amounts_as_printed(printed, expected):
    assert parse_amount(printed) == expected


@pytest.mark.parametrize("printed", ["1 32O 000 €", "1 3200 00 €", "12a €", "", "1 320 000,5 €"])
def test_malformed_amounts_raise(printed):
    with pytest.raises(NumberFormatError):
        parse_amount(printed, line=42)


def test_error_names_the_line():
    with pytest.raises(NumberFormatError, match="ligne 42"):
        parse_amount("1 32O 000 €", line=42)


@pytest.mark.parametrize(
    "printed, expected",
    [("17,4", Decimal("17.4")), ("83.9", Decimal("83.9")), ("4672", Decimal(4672)), ("6 500", Decimal(6500))],
)
def test_numbers(printed, expected):
    assert parse_number(printed) == expected


def test_point_before_three_digits_is_refused():
    """'1.500' could be 1.5 or 1500: refused rather than guessed."""
    with pytest.raises(NumberFormatError):
        parse_number("1.500")


def test_percent():
    assert parse_percent("98%") == 98
    assert parse_percent("98 %") == 98


def test_find_amounts_in_a_split_amount_line():
    """Regression: the 5.1 sheet of an action that splits the State's amount with 'dont'."""
    found = find_amounts("TOTAL 917 100 € dont 234 280 € (crédits fléchés")
    assert [a.value for a in found] == [917100, 234280]


def test_find_amounts_refuses_letter_o():
    with pytest.raises(NumberFormatError, match="ligne 9"):
        find_amounts("Plan Pauvreté 1 1O0 000 €", line=9)
