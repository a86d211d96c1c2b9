"""The tokens of a table's printed line: one grammar for every indicator table.

Both indicator readers, the action sheets' tables
(:mod:`calpae_lib.tables.indicators`) and Annexe 4
(:mod:`calpae_lib.tables.annex4`), cut a printed line into the same tokens
with :func:`tokenize`, then group them their own way (the sheets into
*atoms*, :func:`calpae_lib.tables.indicators.cells.read_atoms`; the annex
into runs of values and cells). A token ends at a space or at the end of the
line, and is one of:

- ``na``: a "not available" mark (:data:`NOT_AVAILABLE_MARK`: NC, Non connu,
  Non disponible, Non estimé…, a lone "/"), maybe with its reason in
  parentheses ("NC (relevé annuel)");
- ``range``: "3 à 4 mois", a text cell;
- ``days``: "25 jours";
- ``percent``: "98%", "83.9 %";
- ``euro``: "156 €", "342.80€";
- ``number``: one digit group, maybe with decimals ("2364", "16,7", "573");
  whether single-spaced groups make one number is decided by the readers
  (:mod:`calpae_lib.tables.grouping`);
- ``word``: anything else.

A decimal comma takes any number of digits, a decimal point one or two
("83.9"), as :func:`calpae_lib.text.numbers.parse_number` reads them: "1.500"
is a word, never a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calpae_lib.template.indicators import NOT_AVAILABLE_WORDS

#: A "not available" mark, the one grammar of both readers.
NOT_AVAILABLE_MARK = re.compile(
    r"""
    (?: NC                                      # non connu
      | Non\ + """ + NOT_AVAILABLE_WORDS + r""" # "Non connu", "Non estimé"...
      | /                                       # a lone slash
    )
    """,
    re.VERBOSE,
)

#: A mark whose reason is left open at the end of the line: "NC (maintien de".
OPEN_REASON = re.compile(r"(?<!\w)" + NOT_AVAILABLE_MARK.pattern + r"\ *\([^)]*$", re.VERBOSE)

#: A word that starts a mark but is not one: a mark glued to punctuation ("NC,"), a "Non" cut
#: from its second word.
CUT_MARK = re.compile(r"(?:" + NOT_AVAILABLE_MARK.pattern + r")(?!\w) | Non$", re.VERBOSE)

#: The decimals of a number: a comma and digits, or a point and one or two digits.
DECIMALS = r"(?:,\d+|\.\d{1,2}(?!\d))"

#: One token at a position of a line; it must end at a space or at the line's end.
VALUE_TOKEN = re.compile(
    r"""
    (?:
        (?P<na>""" + NOT_AVAILABLE_MARK.pattern + r"""
              (?:\ *\([^)]*\))?)                              # maybe with its reason
      | (?P<range>\d+\ +à\ +\d+\ +(?:mois|semaines|jours|ans))  # "3 à 4 mois": a text cell
      | (?P<days>\d+(?:,\d+)?\ +jours?)                       # "25 jours"
      | (?P<percent>\d+""" + DECIMALS + r"""?\ ?%)            # "98%", "83.9 %"
      | (?P<euro>\d+""" + DECIMALS + r"""?\ ?€)               # "156 €", "342.80€"
      | (?P<number>\d+""" + DECIMALS + r"""?)                 # "2364", "16,7", "573"
    )(?=\s|$)
    """,
    re.VERBOSE,
)
WORD = re.compile(r"\S+")

#: What follows the digits of a value token: its sign or its unit word.
UNIT_PART = re.compile(r"\s*(?:%|€|jours?)$")

#: Kinds of the tokens that are numbers (one digit group, maybe signed).
NUMERIC = ("number", "percent", "euro")


@dataclass(frozen=True)
class Token:
    """A token of a line: its ``kind``, its ``text`` (spaces collapsed), its line (1-based), the
    spaces before it on its line (``gap``; -1 for the line's first token), where it starts and
    ends in the line as printed."""

    kind: str
    text: str
    line: int
    gap: int
    start: int = 0
    end: int = 0

    @property
    def digits(self) -> str | None:
        """The number of a numeric or ``days`` token without its sign or unit, else ``None``.

        >>> [t.digits for t in tokenize("2 156 € 98 % 25 jours NC", 1)]
        ['2', '156', '98', '25', None]
        """
        if self.kind not in NUMERIC + ("days",):
            return None
        return UNIT_PART.sub("", self.text)

    @property
    def is_integer(self) -> bool:
        """A bare digit group: no decimals, no sign ("596", not "16,7" nor "98%")."""
        return self.kind == "number" and self.text.isdigit()


def tokenize(text: str, line: int) -> list[Token]:
    """The tokens of a line.

    >>> [(t.kind, t.text) for t in tokenize("Non disponible 25 jours 16,7  NC (relevé annuel) 6 500", 1)]
    [('na', 'Non disponible'), ('days', '25 jours'), ('number', '16,7'), ('na', 'NC (relevé annuel)'), ('number', '6'), ('number', '500')]
    >>> [t.kind for t in tokenize("5973 99% ont 163 342.80€ 3 à 4 mois", 1)]
    ['number', 'percent', 'word', 'number', 'euro', 'range']
    >>> [(t.kind, t.gap) for t in tokenize(" NC, 1.500 /", 1)]
    [('word', -1), ('word', 1), ('na', 1)]
    """
    tokens: list[Token] = []
    position, gap = 0, -1
    while position < len(text):
        if text[position] == " ":
            stop = position
            while stop < len(text) and text[stop] == " ":
                stop += 1
            gap, position = stop - position, stop
            continue
        match = VALUE_TOKEN.match(text, position)
        if match:
            kind = next(name for name, value in match.groupdict().items() if value is not None)
        else:
            match, kind = WORD.match(text, position), "word"
        assert match is not None  # a word is any run of non-spaces
        tokens.append(Token(kind, " ".join(match.group(0).split()), line, gap if tokens else -1,
                            position, match.end()))
        position = match.end()
    return tokens


def is_not_available(text: str) -> bool:
    """Whether a text is a "not available" mark, and nothing else.

    >>> is_not_available("Non estimé"), is_not_available(" / "), is_not_available("Non merci")
    (True, True, False)
    """
    tokens = tokenize(text, 0)
    return len(tokens) == 1 and tokens[0].kind == "na"


def mark_of(token: Token, text: str) -> str:
    """The mark of a ``na`` token as printed in ``text``, without its reason ("NC" of "NC (relevé)").

    >>> line = "4 NC (relevé annuel)"
    >>> mark_of(tokenize(line, 1)[1], line)
    'NC'
    """
    mark = NOT_AVAILABLE_MARK.match(text, token.start)
    assert mark is not None  # a ``na`` token starts with its mark
    return mark.group(0)


def completes_mark(line: str, following: str) -> bool:
    """Whether ``line`` ends with a "Non" that the next line, ``following``, completes into a
    "not available" mark ("34 608 Non" / "estimé Non connu").

    >>> completes_mark("34 608 Non ", "estimé Non connu"), completes_mark("Non", "merci")
    (True, False)
    """
    tokens = tokenize(line, 0)
    if not tokens or tokens[-1].text != "Non":
        return False
    return tokenize(f"Non {following.strip()}", 0)[0].kind == "na"


def is_cut_mark(word: str) -> bool:
    """Whether a word token is a "not available" mark cut short: glued to punctuation or cut from
    its second word.

    >>> is_cut_mark("NC,"), is_cut_mark("Non"), is_cut_mark("NCAA"), is_cut_mark("Nonante")
    (True, True, False, False)
    """
    return bool(CUT_MARK.match(word))
