"""One token grammar for both indicator readers: the action sheets' tables and Annexe 4."""

import pytest

from calpae_lib.tables.annex4 import cell_record, cell_splits, cell_text, choose_split
from calpae_lib.tables.indicators.cells import read_atoms
from calpae_lib.tables.tokens import tokenize

MARKS = ["NC", "Non connu", "Non disponible", "Non estimé", "Non renseignés", "Non communiqué", "/",
         "NC (relevé annuel)"]


@pytest.mark.parametrize("mark", MARKS)
def test_both_readers_see_the_same_not_available_marks(mark):
    line = f"{mark} 1200"
    assert [t.kind for t in tokenize(line, 1)] == ["na", "number"]
    atoms, _ = read_atoms(line, 1)
    assert atoms[0].kind == "na" and atoms[0].text.startswith(mark.split(" (")[0])


@pytest.mark.parametrize("text", ["NCAA 12", "Non merci 12", "15 privés/", "Nonante"])
def test_words_that_only_look_like_a_mark_are_not_one(text):
    assert "na" not in {t.kind for t in tokenize(text, 1)}
    assert all(atom.kind != "na" for atom in read_atoms(text, 1)[0])


def test_a_point_with_three_digits_is_not_a_decimal_point():
    """'1.500' could be 1 500 or 1,5: a word for both readers, never a number nor a crash."""
    assert [t.kind for t in tokenize("1.500 83.9 16,75", 1)] == ["word", "number", "number"]
    atoms, rest = read_atoms("1.500 12", 1)
    assert atoms == [] and rest == "1.500 12"


def test_euro_amounts_in_annex4_cells_are_grouped_like_the_sheets():
    """The annex reads "2 156 €" as the sheets do: one grouped number closed by its sign."""
    tokens = tokenize("2 156 € 3 400 €", 1)
    split, note = choose_split(cell_splits(tokens, 2))
    assert [cell_text(c) for c in split] == ["2 156 €", "3 400 €"] and note == ""
    record = cell_record(split[0], "count")
    assert (record["value"], record["unit"], record["status"]) == (2156, "eur", "ok")
    atoms, _ = read_atoms("2 156 € 3 400 €", 1)
    assert [a.text for a in atoms] == ["2 156 €", "3 400 €"]  # a sign closes a run of numbers
