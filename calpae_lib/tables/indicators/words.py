"""The words between an indicator table's cells: indicators, measures, justifications.

The text printed between two rows' cells holds, in this order: the previous
row's justification, maybe a measure's name (the measure's cell spans several
rows and is printed wherever the extraction met it), the next indicator. This
module tells them apart:

- an indicator opens with one of the table's usual head words (:data:`OPENER`:
  "Nombre", "Taux"...), possibly in the middle of a line after a
  measure's name ("Projets collectifs Nombre de BRSA");
- a measure is the run of lines that continues the action's title ("Zéro
  bénéficiaire sans accompagnement"), or else the last blocks (a block starts
  with a capital) that read as a name: no digit, at most nine words, no verb
  ("PLIE - Accompagnement" after "Estimation ... collèges en 2022");
- the rest is the justification.
"""

from __future__ import annotations

import re

from calpae_lib.tables.indicators.cells import FUNCTION_WORD
from calpae_lib.template.indicators import OPENING, VERB_WORD
from calpae_lib.text.flattened import TextLine, letters_only

#: Words that open an indicator's name (:data:`calpae_lib.template.indicators.OPENING_WORDS`), at a word start.
OPENER = re.compile(rf"(?:^|(?<=\s)){OPENING}\b")

#: Markers of a sentence: its words, or a closing stop.
VERB_MARKER = re.compile(VERB_WORD.pattern + r"|[.!?]\s*$", re.IGNORECASE)

def blocks(lines: list[TextLine]) -> list[list[TextLine]]:
    """Lines grouped into blocks, a block opening at a capital or a digit outside parentheses."""
    out: list[list[TextLine]] = []
    depth = 0
    for line in lines:
        text = line.text.strip()
        opens = depth == 0 and bool(re.match(r"[A-ZÀ-Ý0-9«\"]", text)) and not (
            out and FUNCTION_WORD.search(out[-1][-1].text))
        if opens or not out:
            out.append([line])
        else:
            out[-1].append(line)
        depth = max(0, depth + text.count("(") - text.count(")"))
    return out


def block_text(block: list[TextLine]) -> str:
    return " ".join(" ".join(line.text for line in block).split())


def looks_like_measure(text: str) -> bool:
    """Rule 5: a measure's name has no digit, at most nine words and no verb.

    >>> looks_like_measure("PLIE - Accompagnement"), looks_like_measure("Estimation sur le marché en 2022")
    (True, False)
    >>> looks_like_measure("Forte mobilisation des professionnels à repérer et travailler sur les parcours")
    False
    """
    return not re.search(r"\d", text) and len(text.split()) <= 9 and not VERB_MARKER.search(text)


def title_run(lines: list[TextLine], title: str, measure: str) -> tuple[int, str]:
    """Rule 5: how many leading lines continue the action's title, and the measure they give.

    The lines either continue the current measure (itself the start of the
    title) or start the title afresh; at least two words must match. The
    longest matching run is taken; a run whose last line ends in a function
    word ("Coup de pouce compétences -" / "formation") names another measure
    and is refused.
    """
    target = letters_only(title)
    bases = ([measure] if measure and target.startswith(letters_only(measure)) else []) + [""]
    for base in bases:
        text, best = base, (0, measure)
        for count, line in enumerate(lines, start=1):
            candidate = f"{text} {line.text.strip()}".strip()
            if not letters_only(line.text) or not target.startswith(letters_only(candidate)):
                break
            text = candidate
            best = (count, text)
        if best[0] and FUNCTION_WORD.search(best[1]):
            continue
        if best[0] and (base or len(best[1].split()) >= 2):
            return best
    return 0, measure


def opener_segments(lines: list[TextLine]) -> tuple[list[TextLine], list[list[TextLine]]]:
    """Pending text cut at every indicator opening word: (text before, [indicator segments])."""
    cut: list[TextLine] = []
    for line in lines:
        position = 0
        for match in OPENER.finditer(line.text):
            if match.start() > position and line.text[position: match.start()].strip():
                cut.append(TextLine(line.line, line.text[position: match.start()]))
            position = match.start()
            break
        cut.append(TextLine(line.line, line.text[position:]))
    starts = [i for i, line in enumerate(cut) if OPENER.match(line.text.lstrip())]
    if not starts:
        return cut, []
    segments = [cut[a:b] for a, b in zip(starts, starts[1:] + [len(cut)])]
    return cut[: starts[0]], segments


def text_rows(parts: list[list[TextLine]], starts_band, columns: int) -> tuple[int, list] | None:
    """Rule 8: blocks read as rows made only of text cells, ``(first, rows)``: the blocks before
    ``first`` are the previous row's justification, each row is ``(label block, cell blocks)``.

    The template prints such a row as a band of its own (its name, a block after a blank line),
    then a band of one to ``columns`` cells. Every block opens with a capital letter (a cell
    opening with a number is a value line) and has no verb (a justification's sentence has);
    a cell reads as a name: nine words at most. ``starts_band(block)``: whether a blank line
    precedes the block. ``None`` when the last blocks cannot be read so.
    """
    bands: list[list[list[TextLine]]] = []
    for part in parts:
        if starts_band(part) or not bands:
            bands.append([part])
        else:
            bands[-1].append(part)
    rows: list = []
    index = len(bands)
    while index >= 2 and is_text_row(bands[index - 2], bands[index - 1], columns):
        rows.insert(0, (bands[index - 2][0], bands[index - 1]))
        index -= 2
    if not rows:
        return None
    return sum(len(band) for band in bands[:index]), rows


def is_text_row(label: list[list[TextLine]], cells: list[list[TextLine]], columns: int) -> bool:
    """Whether a band of one block and the next band read as a row of text cells (rule 8).

    >>> def band(*texts): return [[TextLine(n, t)] for n, t in enumerate(texts, start=1)]
    >>> is_text_row(band("Remise d'une analyse"), band("Restitution intermédiaire", "Réalisée les 7 et 8 déc."), 3)
    True
    >>> is_text_row(band("Chiffres provisoires"), band("99% ont eu un rendez-vous"), 3)
    False
    >>> is_text_row(band("Baisse du nombre"), band("Le prestataire a fermé"), 3)
    False
    """
    texts = [block_text(part) for part in label + cells]
    return (len(label) == 1 and 1 <= len(cells) <= columns
            and all(re.match(r"[A-ZÀ-Ý]", text) and not VERB_WORD.search(text) for text in texts)
            and all(len(text.split()) <= 9 for text in texts[1:]))


def is_lower_start(text: str) -> bool:
    return bool(re.match(r"[a-zà-ÿ]", text.strip()))


def measure_suffix(lines: list[TextLine]) -> tuple[list[TextLine], str]:
    """Rule 5: the last blocks that read as a measure's name, cut from the rest."""
    parts = blocks(lines)
    keep = len(parts)
    while keep > 0 and looks_like_measure(block_text(parts[keep - 1])):
        keep -= 1
    rest = [line for part in parts[:keep] for line in part]
    return rest, " ".join(block_text(part) for part in parts[keep:])


