"""The outline is read from the table of contents and the headings, never remembered."""

import pytest

from calpae_lib.errors import InputError
from calpae_lib.text.outline import parse_outline
from calpae_lib.text.reading import document_from_text

from . import nextyear
from .variants import bundled_text


def test_the_bundled_volets_and_axes_come_from_the_contents(bundled_doc):
    outline = parse_outline(bundled_doc)
    assert [g.key for g in outline.groups] == ["socle", "socle-I", "socle-II", "initiative", "erbm"]
    assert outline.volets == ("socle", "initiative", "erbm")


def test_an_axis_iii_listed_in_the_contents_is_a_group_of_its_own():
    text, added = nextyear.add_axis(bundled_text(), "III", "Un axe ajouté pour l'essai des familles", copies=2)
    outline = parse_outline(document_from_text(text))
    assert "socle-III" in [g.key for g in outline.groups]
    ids = [a.action_id for a in outline.actions]
    assert [i for i in ids if i.startswith("socle-III-")] == [f"socle-III-{n}" for n in range(1, added + 1)]
    assert sum(i.startswith("socle-II-") for i in ids) == sum(
        i.startswith("socle-II-") for i in (a.action_id for a in parse_outline(
            document_from_text(bundled_text())).actions))


def test_an_axis_printed_in_the_body_but_not_in_the_contents_is_refused():
    text, _ = nextyear.add_axis(bundled_text(), "III", "Un axe ajouté pour l'essai des familles", copies=1,
                                in_contents=False)
    with pytest.raises(InputError, match="absente du sommaire"):
        parse_outline(document_from_text(text))


def test_an_axis_iii_from_the_command_line_is_exit_2_only_when_unlisted(tmp_path, capsys):
    from calpae_lib.publish.cli import main
    text, _ = nextyear.add_axis(bundled_text(), "III", "Un axe ajouté pour l'essai des familles", copies=1,
                                in_contents=False)
    raw = tmp_path / "calpae_2022_pas-de-calais.txt"
    raw.write_text(text, encoding="utf-8")
    assert main(["parse", str(raw), "--out", str(tmp_path / "out"), "--force"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "absente du sommaire" in err


def test_a_volet_key_is_read_from_its_heading():
    text = nextyear.rename_volet(bundled_text(), "MESURES A L’INITIATIVE DU DEPARTEMENT",
                                 "MESURES COMPLEMENTAIRES DU DEPARTEMENT")
    outline = parse_outline(document_from_text(text))
    assert outline.volets == ("socle", "complementaires", "erbm")
    assert any(a.action_id == "complementaires-1" for a in outline.actions)
