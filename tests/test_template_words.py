"""The national template's words are spelled in one package, :mod:`calpae_lib.template`.

Another département's report, or next year's change of wording, is one place to edit: no regular
expression outside the template package spells a word of the template (a heading, a column, a volet,
a sentence of the rapport, a step of the RSA chain), and no module outside it names a volet (no rule,
no analysis, no display). The scan
reads the library's source: a pattern moved back into a reader, or a rule that tests ``volet ==
"erbm"``, makes it fail.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

from calpae_lib.publish import config
from calpae_lib.template.volets import VOLETS

LIBRARY = config.PROJECT_ROOT / "calpae_lib"
TEMPLATE = LIBRARY / "template"

#: Words the national template prints (headings, columns, annex lines, the rapport's sentences, the
#: chain's indicators, the title), as they read once a pattern's syntax is taken out.
TEMPLATE_WORDS = (
    "socle", "initiative", "erbm", "bassin minier", "plan pauvrete", "montant avenant", "sous total",
    "contre partie", "total general", "valorisation financiere", "montant liquide",
    "part etat", "participation financiere", "chapitre", "renouveau", "figurant", "credits alloues",
    "parts egales", "parite", "indicateurs", "justification", "situation", "resultats attendus", "commentaire",
    "annexe 4", "nouveaux entrants", "rendez vous", "engagements reciproques", "accompagnement global",
    "lutte contre la pauvrete", "au titre de l'annee", "nom de la",
)


def plain_pattern(pattern: str) -> str:
    """A pattern's words, its syntax taken out: ``"Montant\\s+avenant\\b"`` -> ``"montant avenant"``.

    >>> plain_pattern(r"^\\s*Sous[\\s-]*total\\s+part\\s+[ÉE]tat\\b  # comment")
    'sous total part etat'
    >>> plain_pattern(r"ANNEXE\\s*4\\b.*INDICATEURS"), plain_pattern(r"1ers?\\ rendez-vous")
    ('annexe 4 indicateurs', '1ers rendez vous')
    """
    pattern = re.sub(r"(?m)\s#.*$", "", pattern)                          # verbose comments
    pattern = re.sub(r"\(\?P<\w+>|\(\?P=\w+\)|\(\?[:=!<]+", " ", pattern)  # group syntax
    pattern = re.sub(r"\[([^\]\\])[^\]]*\]", r"\1", pattern)              # [ée] -> é
    pattern = re.sub(r"\\[sbdwSBDW]|\\.", " ", pattern)
    pattern = re.sub(r"[^\w' ]|_", " ", pattern)                           # what is not a letter, digit or '"
    folded = unicodedata.normalize("NFKD", pattern).encode("ascii", "ignore").decode().lower()
    return " ".join(folded.split())


def compiled_patterns(path: Path):
    """``(line, pattern)`` of every ``re.compile`` of a module (its string parts joined)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "compile" and node.args:
            parts = [c.value for c in ast.walk(node.args[0]) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            yield node.lineno, " ".join(parts)


def modules(*folders: str) -> list[Path]:
    roots = [LIBRARY / f for f in folders] if folders else [LIBRARY]
    return sorted(p for root in roots for p in root.rglob("*.py") if TEMPLATE not in p.parents)


def template_words_in(pattern: str) -> list[str]:
    plain = plain_pattern(pattern)
    return [word for word in TEMPLATE_WORDS if re.search(rf"\b{re.escape(word)}", plain)]


def test_the_template_package_spells_the_words_the_scan_looks_for():
    """The scan is live: each word it looks for is spelled by a pattern of the template package."""
    spelled = [p for path in TEMPLATE.glob("*.py") for _, p in compiled_patterns(path)]
    assert [w for w in TEMPLATE_WORDS if not any(template_words_in(p) == [w] or w in template_words_in(p)
                                                 for p in spelled)] == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(LIBRARY)))
def test_no_pattern_outside_the_template_spells_its_words(path):
    found = [(line, words) for line, pattern in compiled_patterns(path) if (words := template_words_in(pattern))]
    assert found == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(LIBRARY)))
def test_no_module_outside_the_template_names_a_volet(path):
    keys = {volet.key for volet in VOLETS}
    named = [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and node.value in keys]
    assert named == []


def test_a_pattern_with_a_template_word_is_found():
    assert template_words_in(r"^\s*Plan\s+pauvret[ée]\s*[-–]") == ["plan pauvrete"]
    assert template_words_in(r"(?P<volet>Renouveau \s+ du \s+ Bassin \s+ Minier)") == ["bassin minier", "renouveau"]
