"""Hostile and unlucky inputs, one test each.

The outcome is always tables, or one clear line on stderr with exit 2: never
exit 3, never a traceback, nothing half-written, nothing executed. Every
input is derived from the bundled report in ``tmp_path`` (tests/variants.py).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest

from calpae_lib.pipeline import parse_document
from calpae_lib.present import charts
from calpae_lib.publish import batch, loading, naming, planning
from calpae_lib.publish import notebooks as publish
from calpae_lib.publish.cli import main
from calpae_lib.text.reading import document_from_text

from .tiny_notebooks import write_tiny_notebooks
from .variants import BUNDLED, bundled_text, shift_years, write_variant


def refused(capsys, argv, *expected: str) -> str:
    """Run the command line; it must print one line naming the problem and exit 2."""
    status = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "interne" not in err, err
    for word in expected:
        assert word in err, err
    return err


def title_line(text: str, pattern: str) -> int:
    """The 1-based number of the first line matching ``pattern`` (read, never remembered)."""
    return next(n for n, line in enumerate(text.split("\n"), start=1) if re.search(pattern, line))


def with_line(text: str, number: int, line: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = line
    return "\n".join(lines)


# --- what reaches the pages is text ---------------------------------------------------------

def test_a_file_name_holding_markup_reaches_the_page_as_text(tmp_path):
    """The real synthesis (its source note names the file), run in the pool like any run."""
    name = "calpae_2022_`<img src=x onerror=alert(1)>`.txt"
    raw = tmp_path / name
    shutil.copy(BUNDLED, raw)
    notebooks = write_tiny_notebooks(tmp_path / "notebooks")
    shutil.copy(publish.config.NOTEBOOKS_DIR / "synthese.ipynb", notebooks / "synthese.ipynb")
    batch.run_reports([raw], out=tmp_path / "out", workers=1, notebooks_dir=notebooks,
                      store_dir=tmp_path / "store")
    page = (tmp_path / "out" / "synthese.html").read_text(encoding="utf-8")
    elements = ParsedElements()
    elements.feed(page)
    assert not [attrs for tag, attrs in elements.found if tag == "img" and attrs.get("src") == "x"]
    assert not [tag for tag, attrs in elements.found if "onerror" in attrs]
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown in the page's text, as printed
    # and in the printed pages' margin (a CSS string): escaped there as CSS, so that no name ends the <style>
    assert "\\3C img src=x onerror=alert(1)\\3E " in page


class ParsedElements(HTMLParser):
    """The elements of a page as a browser's parser sees them: ``(tag, attributes)``."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_tex_in_a_title_is_drawn_as_text():
    from calpae_lib.analysis.budget import summarise_budget
    summary = summarise_budget(pd.DataFrame({"action_id": ["a"], "financeur": ["etat"], "prevu": [1000.0],
                                             "engage": [800.0], "engage_annexe": [float("nan")]}), ["financeur"])
    chart = charts.prevu_engage_chart([r"Action $\alert$ test"], summary, r"Titre $\alert$ et $x^2")
    assert chart.png().startswith(b"\x89PNG")


# --- files that are not reports -------------------------------------------------------------

def test_a_directory_is_called_a_directory(tmp_path, capsys):
    (tmp_path / "dossier.txt").mkdir()
    refused(capsys, ["parse", tmp_path / "dossier.txt"], "dossier")


def test_a_fifo_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "tube.txt"
    os.mkfifo(fifo)
    refused(capsys, ["run", fifo, "--out", tmp_path / "out"], "tube nommé")
    assert not (tmp_path / "out").exists()


def test_dev_zero_is_refused_without_reading_it(capsys):
    refused(capsys, ["check", "/dev/zero"], "périphérique")


def test_a_file_the_user_may_not_read(tmp_path, capsys, monkeypatch):
    raw = write_variant(tmp_path, bundled_text(), "calpae_2022_prive.txt")
    real_open = os.open

    def denied(path, *args, **kwargs):  # as root, chmod 000 would not stop the read
        if os.fspath(path) == str(raw):
            raise PermissionError(errno.EACCES, "Permission denied", str(raw))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    refused(capsys, ["check", raw], "lecture refusée", str(raw))


# --- texts that are almost reports ----------------------------------------------------------

def test_a_control_character_in_a_cell_gives_tables(tmp_path, capsys):
    text = bundled_text()
    number = title_line(text, r"\d+ ?€")
    text = with_line(text, number, text.split("\n")[number - 1].replace(" ", " \x01", 1))
    raw = write_variant(tmp_path, text)
    assert main(["parse", str(raw), "--out", str(tmp_path / "out")]) == 0, capsys.readouterr().err
    for csv in (tmp_path / "out").glob("*.csv"):
        assert "\x01" not in csv.read_text(encoding="utf-8")
    assert pd.ExcelFile(tmp_path / "out" / "calpae.xlsx").sheet_names


def test_a_truncated_report_is_told_in_the_users_words(tmp_path, capsys):
    text = bundled_text()
    raw = write_variant(tmp_path, text[: int(len(text) * 0.95)])
    err = refused(capsys, ["parse", raw, "--out", tmp_path / "out"], "tronqué")
    assert "Corrigez le module" not in err
    assert not (tmp_path / "out").exists()


def test_one_bad_byte_names_its_line(tmp_path, capsys):
    data = BUNDLED.read_bytes()
    cut = data.index("é".encode()) + 1  # half of an accented letter
    raw = tmp_path / "calpae_coupe.txt"
    raw.write_bytes(data[:cut] + data[cut + 1:])
    line = data[:cut].count(b"\n") + 1
    refused(capsys, ["check", raw], f"{raw}:{line}:", "UTF-8")


def test_a_stray_binary_header_names_line_one(tmp_path, capsys):
    raw = tmp_path / "calpae_entete.txt"
    raw.write_bytes(b"\x89\xfe\xff\x1a" + BUNDLED.read_bytes())
    refused(capsys, ["check", raw], f"{raw}:1:")


def test_a_long_line_of_capitals_before_the_title_still_parses(bundled_report):
    """Linear patterns: a 256 KB line takes a parse's time, not hours (figures: benchmarks/long_lines.py)."""
    doc = document_from_text(("ARRAS PAUVRETÉ DANS LE " * 12000) + "\n" + bundled_text())
    report = parse_document(doc)
    assert report.meta.year == bundled_report.meta.year
    assert report.meta.departement == bundled_report.meta.departement


def test_a_departement_of_300_characters_with_two_reports(tmp_path):
    text = bundled_text()
    number = title_line(text, r"- RAPPORT D")
    line = text.split("\n")[number - 1]
    long_name = " ".join(["SAINT-GERMAIN-DES-CHAMPS"] * 12)
    text = with_line(text, number, re.sub(r"^.*(?= - RAPPORT D)", long_name, line))
    raw = tmp_path / "raw"
    raw.mkdir()
    write_variant(raw, text, "calpae_a.txt")
    write_variant(raw, shift_years(text, 1), "calpae_b.txt")
    run = batch.run_reports([raw], out=tmp_path / "out", workers=1,
                            notebooks_dir=write_tiny_notebooks(tmp_path / "nb"), store_dir=tmp_path / "store")
    assert len(run.units[0].report.meta.departement) == len(long_name)
    folders = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    assert len(folders) == 1 and len(folders[0].name) <= naming.MAX_SLUG
    assert (folders[0] / planning.COMPARISON_DIR / "comparaison_annees.html").is_file()


def test_bad_input_leaves_no_folder_in_the_store(tmp_path, capsys):
    raw = write_variant(tmp_path, "Compte rendu du conseil municipal\n", "calpae_faux.txt")
    parsed = loading.parsed_store_dir()
    before = set(parsed.parent.rglob("*")) if parsed.exists() else set()
    refused(capsys, ["run", raw, "--out", tmp_path / "out"], "CALPAE")
    after = set(parsed.parent.rglob("*")) if parsed.exists() else set()
    assert after == before and not (tmp_path / "out").exists()


# --- characters hidden inside printed numbers -----------------------------------------------

#: A printed amount: digit groups, maybe decimals, the euro sign.
PRINTED_AMOUNT = re.compile(r"(?<![\d,.])\d{1,3}(?: \d{3})*(?:,\d+)? ?€")

#: Characters that print nothing (zero-width space, non-joiner, joiner, BOM, word joiner, soft
#: hyphen, a direction mark, combining grapheme joiner, variation selector, Hangul filler) or a space
#: of another width (no-break, narrow no-break, figure, thin, em space, ideographic space): what a
#: PDF extraction leaves inside a number.
INVISIBLE = "\u200b\u200c\u200d\ufeff\u2060\u00ad\u200e\u034f\ufe0f\u3164"
SPACES_OF_ANOTHER_WIDTH = "\u00a0\u202f\u2007\u2009\u2003\u3000"


def hide_characters(text: str, seed: int) -> tuple[str, int]:
    """``text`` with one invisible character inserted at a random place inside every printed amount,
    and the amount's spaces changed into spaces of another width; how many amounts were touched."""
    import random

    rng = random.Random(seed)

    def hide(match: re.Match) -> str:
        amount = match.group(0)
        spaced = "".join(rng.choice(SPACES_OF_ANOTHER_WIDTH) if c == " " else c for c in amount)
        cut = rng.randrange(0, len(spaced) + 1)
        return spaced[:cut] + rng.choice(INVISIBLE) + spaced[cut:]

    return PRINTED_AMOUNT.subn(hide, text)


def test_the_categories_folded_away_are_all_of_unicodes_spaces_and_format_characters():
    import unicodedata

    from calpae_lib.text.reading import CHARACTER_MAP

    wanted = [c for c in range(0x110000) if unicodedata.category(chr(c)) in ("Zs", "Zl", "Zp", "Cf") and c != 0x20]
    assert [chr(c) for c in wanted if c not in CHARACTER_MAP] == []


@pytest.mark.parametrize("character", list(INVISIBLE + SPACES_OF_ANOTHER_WIDTH))
def test_a_hidden_character_inside_each_amount_of_a_line_reads_the_same_amounts(character):
    """Every line of the report that prints amounts, with the character put at every place inside
    each amount in turn: the line's amounts read the same, or the line is refused; never another value."""
    from calpae_lib.errors import NumberFormatError
    from calpae_lib.text.numbers import find_amounts
    from calpae_lib.text.reading import normalise

    tried = 0
    for line in bundled_text().split("\n"):
        expected = [a.value for a in find_amounts(normalise(line))] if "€" in line else []
        for match in PRINTED_AMOUNT.finditer(line):
            for cut in range(match.start() + 1, match.end()):
                tried += 1
                try:
                    read = [a.value for a in find_amounts(normalise(line[:cut] + character + line[cut:]))]
                except NumberFormatError:
                    continue
                assert read == expected, (line, cut)
    assert tried > 1000


@pytest.mark.parametrize("seed", [1, 2])
def test_hidden_characters_in_every_amount_of_the_report_change_no_table(seed, bundled_report):
    text, touched = hide_characters(bundled_text(), seed)
    assert touched > 100
    report = parse_document(document_from_text(text))
    assert report.tables.keys() == bundled_report.tables.keys()
    for name, table in bundled_report.tables.items():
        pd.testing.assert_frame_equal(report.tables[name], table, obj=name)


# --- a page counter that announces a page never printed -------------------------------------

def annex4_page_marks(text: str) -> list[int]:
    """The 1-based lines of Annexe 4's page marks (« 1/2 »), found as the reader finds them."""
    from calpae_lib.tables.annex4 import find_pages
    from calpae_lib.text.reading import document_from_text

    return [page.labels[1] + 1 for page in find_pages(document_from_text(text))]


def test_a_report_cut_after_annex_4s_first_page_is_refused(tmp_path, capsys):
    text = bundled_text()
    first = annex4_page_marks(text)[0]
    raw = write_variant(tmp_path, "\n".join(text.split("\n")[:first]), "calpae_coupe.txt")
    refused(capsys, ["run", raw, "--out", tmp_path / "out"], f"{raw}:{first}:", "Annexe 4", "manque")
    assert not (tmp_path / "out").exists()


def test_annex_4s_last_page_left_out_is_refused(tmp_path, capsys):
    """The last page's lines removed (its header to its mark), what follows the annex kept."""
    text = bundled_text()
    *_, before, last = annex4_page_marks(text)
    lines = text.split("\n")
    from calpae_lib.template.indicators import ANNEX4_HEADER_START as HEADER_START

    header = next(n for n in range(before + 1, last) if HEADER_START.match(lines[n - 1]))
    raw = write_variant(tmp_path, "\n".join(lines[:header - 1] + lines[last:]), "calpae_sans_page.txt")
    refused(capsys, ["parse", raw, "--out", tmp_path / "out"], f"{raw}:{before}:", "manque")
    assert not (tmp_path / "out").exists()


# --- the user's input or environment, never calpae's defect ---------------------------------

def with_forty_digits(text: str, line: int, printed: str) -> str:
    lines = text.split("\n")
    assert printed in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(printed, "1" * 40, 1)
    return "\n".join(lines)


def test_a_forty_digit_amount_is_refused_with_its_line(tmp_path, capsys, bundled_report):
    text = bundled_text()
    line = title_line(text, r"\d \d{3} €")
    printed = re.search(r"\d+(?: \d{3})+(?= €)", text.split("\n")[line - 1]).group(0)
    raw = write_variant(tmp_path, with_forty_digits(text, line, printed), "calpae_long.txt")
    refused(capsys, ["check", raw], f"{raw}:{line}:", "40 chiffres")


def test_a_forty_digit_value_in_annex_4_is_refused_with_its_line(tmp_path, capsys, bundled_report):
    annex4 = bundled_report.tables["annex4"]
    cell = annex4[annex4["value"] >= 1000].iloc[0]
    text = bundled_text()
    printed = cell.raw  # the cell as printed
    raw = write_variant(tmp_path, with_forty_digits(text, cell.source_line, printed), "calpae_long.txt")
    refused(capsys, ["run", raw, "--out", tmp_path / "out"], f"{raw}:{cell.source_line}:", "40 chiffres")
    assert not (tmp_path / "out").exists()


def test_a_file_name_that_is_not_utf8_is_refused_by_name(tmp_path, capsys):
    raw = tmp_path / os.fsdecode(b"calpae_\xff.txt")
    shutil.copy(BUNDLED, raw)
    err = refused(capsys, ["run", raw, "--out", tmp_path / "out"], "calpae_\\xff.txt", "UTF-8")
    assert "\udcff" not in err
    assert not (tmp_path / "out").exists()


def test_a_file_name_holding_a_newline_is_told_on_one_line(tmp_path, capsys):
    refused(capsys, ["check", tmp_path / "rapport\n2022.txt"], "rapport\\n2022.txt", "introuvable")


def test_a_cache_dir_naming_a_file_is_refused(tmp_path, capsys, monkeypatch):
    in_the_way = tmp_path / "cache"
    in_the_way.write_text("un fichier")
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(in_the_way))
    refused(capsys, ["check", BUNDLED], str(in_the_way), "CALPAE_CACHE_DIR")
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(in_the_way / "sous-dossier"))
    refused(capsys, ["run", BUNDLED, "--out", tmp_path / "out"], str(in_the_way), "CALPAE_CACHE_DIR")
    assert in_the_way.read_text() == "un fichier" and not (tmp_path / "out").exists()


# --- far outside what calpae is made for ----------------------------------------------------

def test_an_axis_of_thousands_of_actions_is_refused_before_any_table(tmp_path, capsys, bundled_report):
    """An axis whose last action is preceded by thousands of others: refused at once, with the
    line of the axis's first action, instead of notebooks that would need gigabytes."""
    import collections
    import time

    from calpae_lib.text.outline import MAX_ACTIONS_PER_AXIS

    actions = bundled_report.outline.actions
    axis = collections.Counter((a.volet, a.axis) for a in actions).most_common(1)[0][0]
    mine = [a for a in actions if (a.volet, a.axis) == axis]
    last, added = mine[-1], 10_000
    lines = bundled_text().split("\n")
    heading = lines[last.source_line - 1]
    printed = re.search(r"\b" + str(last.number) + r"\b", heading)
    more = [heading[:printed.start()] + str(last.number + k) + " : ACTION AJOUTÉE" for k in range(added)]
    lines[last.source_line - 1] = heading[:printed.start()] + str(last.number + added) + heading[printed.end():]
    raw = write_variant(tmp_path, "\n".join(lines[:last.source_line - 1] + more + lines[last.source_line - 1:]),
                        "calpae_immense.txt")
    start = time.perf_counter()
    refused(capsys, ["run", raw, "--out", tmp_path / "out"], f"{raw}:{mine[0].source_line}:",
            f"plus de {MAX_ACTIONS_PER_AXIS} actions")
    assert time.perf_counter() - start < 60 and not (tmp_path / "out").exists()


def test_a_file_of_far_too_many_lines_is_refused(tmp_path, capsys):
    from calpae_lib.text.reading import MAX_LINES

    raw = write_variant(tmp_path, bundled_text() + "\n" * MAX_LINES, "calpae_long.txt")
    refused(capsys, ["check", raw], str(raw), "lignes", str(MAX_LINES))


# --- messages that say the right thing, in one line, of the right file ----------------------

@pytest.mark.parametrize("copies", [2, 3, 10])
def test_several_copies_of_the_report_in_one_file_are_refused_by_name(tmp_path, capsys, copies):
    text = bundled_text()
    raw = write_variant(tmp_path, "\n".join([text] * copies), "calpae_copies.txt")
    second = len(text.split("\n")) + title_line(text, r"\S")  # the second copy's first printed line
    refused(capsys, ["check", raw], f"{raw}:{second}:", f"{copies} rapports")


def test_a_report_of_the_1900s_reads_its_annex_4_columns(tmp_path, capsys):
    """Every year of the report moved a century back: Annexe 4's headers name their years, and the
    report reads as the bundled one does."""
    text = re.sub(r"(?<![\d])20([0-3]\d)(?!\d)", r"19\1", bundled_text())
    report = parse_document(document_from_text(text))
    assert report.meta.year < 2000
    periods = set(report.annex4_columns["period"])
    assert periods and all(period.startswith("19") for period in periods)
