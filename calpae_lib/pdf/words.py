"""Words from a page's characters: those of one printed line left to right, parted by spaces or gaps, and
text printed a quarter turn read in its reading order. Pure functions on character tuples
``(text, x0, x1, top, bottom, size)`` in points from the page's top-left corner.
"""

from __future__ import annotations

from calpae_lib.pdf.layout import SAME_LINE, Word

#: Two characters of one line further apart than this share of the font size are two words even where the
#: PDF prints no space between them (a space is about a quarter of it).
WORD_GAP = 0.15

#: Characters of turned text further apart than this many font sizes along it are two runs.
TURNED_GAP = 1.0

#: A character printed again less than this many points from where it was is the same one printed twice.
DUPLICATE = 1.0


def chars_to_words(chars) -> list[Word]:
    """Words from characters ``(text, x0, x1, top, bottom, size)``: those of one printed line (tops within
    half a font size), left to right, parted by a space or a gap wider than :data:`WORD_GAP` font sizes.
    A word says how many spaces follow it (``space_after``), a line's first word how many precede it.

    >>> [(w.text, w.space_after) for w in chars_to_words([("b", 5, 10, 0, 10, 10), ("a", 0, 5, 0, 10, 10),
    ...                                                   (" ", 10, 13, 0, 10, 10), ("c", 20, 25, 0, 10, 10)])]
    [('ab', 1), ('c', 0)]
    """
    words: list[Word] = []
    line: list = []
    for char in sorted(chars, key=lambda char: (char[3], char[1])):
        if line and abs(char[3] - line[0][3]) > SAME_LINE * max(char[5], 1.0):
            words += line_words(line)
            line = []
        line.append(char)
    if line:
        words += line_words(line)
    return words


def line_words(line: list) -> list[Word]:
    """The words of one printed line's characters; the spaces part them and are counted (a line of spaces
    alone is one empty word followed by them). A character printed twice at one place (a bold faked by
    printing twice) counts once.

    >>> [w.text for w in line_words([("T", 0, 6, 0, 10, 10), ("T", 0.4, 6.4, 0, 10, 10), ("o", 6.4, 12, 0, 10, 10)])]
    ['To']
    """
    line.sort(key=lambda char: char[1])
    words: list[Word] = []
    current: list = []
    spaces = 0
    leading = 0
    previous = None
    for char in line:
        if previous is not None and char[0] == previous[0] and abs(char[1] - previous[1]) < DUPLICATE \
                and abs(char[3] - previous[3]) < DUPLICATE:
            continue
        previous = char
        if char[0].isspace():
            spaces += 1
            continue
        if current and (spaces or char[1] - current[-1][2] > WORD_GAP * char[5]):
            words.append(word_of_chars(current, spaces, leading if not words else 0))
            current = []
        elif not current and not words:
            leading = spaces
        if not current:
            spaces = 0
        current.append(char)
    if current:
        words.append(word_of_chars(current, spaces, leading if not words else 0))
    if not words:  # a line printing only spaces, as an empty paragraph does: Tika gives it as « »
        words.append(Word("", line[0][1], line[-1][2], line[0][3], line[0][4], line[0][5], space_after=1))
    return words


def word_of_chars(chars: list, space_after: int, space_before: int) -> Word:
    """One word from its characters."""
    return Word("".join(char[0] for char in chars), chars[0][1], max(char[2] for char in chars),
                min(char[3] for char in chars), max(char[4] for char in chars), max(char[5] for char in chars),
                space_after, space_before)


def turned_words(chars) -> list[Word]:
    """Text printed a quarter turn (a narrow column's header), each run of characters one above the other
    as one word in reading order: ``chars`` are ``(text, x0, x1, top, bottom, size, upwards)``.

    >>> [w.text for w in turned_words([("é", 0, 8, 87, 93, 8, True), ("R", 0, 8, 94, 100, 8, True),
    ...                                ("a", 0, 8, 40, 46, 8, True), ("x", 40, 48, 10, 16, 8, False)])]
    ['x', 'Ré', 'a']
    """
    words: list[Word] = []
    run: list = []
    ordered = sorted(chars, key=lambda char: (char[6], round(char[1]), -char[3] if char[6] else char[3]))
    for char in ordered:
        if run and (char[6] != run[-1][6] or abs(char[1] - run[-1][1]) > SAME_LINE * char[5]
                    or gap_along(run[-1], char) > TURNED_GAP * char[5]):
            words.append(turned_word(run))
            run = []
        run.append(char)
    if run:
        words.append(turned_word(run))
    return [word for word in words if word.text]


def gap_along(before, char) -> float:
    """The gap between two characters of turned text, along its reading direction."""
    return before[3] - char[4] if char[6] else char[3] - before[4]


def turned_word(run: list) -> Word:
    """One word of turned text, its box that of its characters."""
    return Word("".join(char[0] for char in run).strip(), min(char[1] for char in run), max(char[2] for char in run),
                min(char[3] for char in run), max(char[4] for char in run), max(char[5] for char in run))
