"""The published pages as the Commission reads them (issue 11).

Read on the HTML that ``calpae run`` publishes for the bundled report (built
once for the session, :func:`tests.conftest.bundled_out`): every page links to
the index and to its neighbours and says when, by which calpae and from which
commit it was produced; no internal code reaches the visible text; every rate
shown beside a prévu and an engagé is the ratio of that line's amounts; every
ambiguous value of the tables is shown somewhere, marked. Printed, every page
carries the date and the source in its margin (checked on Chromium's PDF when
Chromium is installed), and no indicator is titled by a state such as « En cours ».
"""

from __future__ import annotations

import html
import re
import subprocess
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from calpae_lib import __version__
from calpae_lib.checks.engine import all_rules
from calpae_lib.publish import provenance
from tests.browser import AXE_TAGS, CHROMIUM, axe_script, axe_violations, printed_pages

#: Words of the tables' vocabulary (column names, codes) that a French page never shows.
INTERNAL_WORDS = ("baseline", "target", "result", "not_available", "ambiguous", "source_line", "check_id",
                  "action_id", "amount_eur", "row_kind", "NaN", "None", "nan")
#: « 1er décembre 2026 », « 12 mars 2031 »: the production date as the footer writes it.
FRENCH_DATE = re.compile(r"Produit le (?:1er|\d{1,2}) (?:janvier|février|mars|avril|mai|juin|juillet|août|"
                         r"septembre|octobre|novembre|décembre) \d{4}")


class Page(HTMLParser):
    """What a reader sees of a page: its visible text, its links, its tables (cells with their classes)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.visible, self.links, self.tables = [], [], []
        self.navs, self.pager = [], {}
        self._skip = 0
        self._nav = None
        self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("style", "script", "title"):
            self._skip += 1
        elif tag == "nav" and "calpae-nav" in attrs.get("class", ""):
            self._nav = []
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._nav is not None:
                self._nav.append(attrs["href"])
            if attrs.get("rel") in ("prev", "next"):
                self.pager[attrs["rel"]] = attrs["href"]
        elif tag == "table":
            self.tables.append({"head": [], "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append({"class": attrs.get("class", ""), "cells": []})
        elif tag in ("td", "th") and self.tables:
            self._cell = {"tag": tag, "class": attrs.get("class", ""), "attrs": attrs, "text": ""}

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1
        elif tag == "nav" and self._nav is not None:
            self.navs.append(self._nav)
            self._nav = None
        elif tag in ("td", "th") and self._cell is not None and self.tables:
            cell, self._cell = self._cell, None
            cell["text"] = " ".join(cell["text"].split())
            if cell["tag"] == "th" and self.tables[-1]["rows"] and len(self.tables[-1]["rows"]) == 1:
                self.tables[-1]["head"].append(cell)
            elif self.tables[-1]["rows"]:
                self.tables[-1]["rows"][-1]["cells"].append(cell)

    def handle_data(self, data):
        if self._skip:
            return
        self.visible.append(data)
        if self._cell is not None:
            self._cell["text"] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.visible).split())


@pytest.fixture(scope="module")
def pages(bundled_out) -> dict[str, Page]:
    out, _ = bundled_out
    return {p.name: Page(p.read_text(encoding="utf-8")) for p in sorted(Path(out).glob("*.html"))}


def amount(text: str) -> float | None:
    """« 1 320 000 € » → 1320000.0, « 98 % » → 98.0, « 2,5 % » → 2.5; anything else (« — », words) → None."""
    compact = re.sub(r"[\s\u202f\xa0]", "", text)
    match = re.fullmatch(r"(\d+(?:,\d+)?)(?:€|%)", compact)
    return float(match.group(1).replace(",", ".")) if match else None


# --- navigation --------------------------------------------------------------------------------

def test_every_page_links_to_the_index_and_to_its_neighbours(pages):
    order = list(dict.fromkeys(href for href in pages["index.html"].navs[0] if href in pages))
    assert order[0] == "index.html" and len(order) == len(pages) >= 7, order
    assert set(order) == set(pages)
    for position, name in enumerate(order):
        page = pages[name]
        assert "index.html" in page.links, name
        expected = {"prev": order[position - 1] if position else None,
                    "next": order[position + 1] if position + 1 < len(order) else None}
        assert page.pager == {k: v for k, v in expected.items() if v}, name


def test_page_titles_name_the_year_and_the_departement(bundled_out, bundled_report):
    out, _ = bundled_out
    for path in Path(out).glob("*.html"):
        title = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S).group(1)
        assert str(bundled_report.meta.year) in title and bundled_report.meta.departement in title, path.name
        assert title.count(bundled_report.meta.departement) == 1, title  # said once (the index said it twice)


def test_long_pages_have_a_table_of_contents_linking_to_their_sections(bundled_out):
    out, _ = bundled_out
    page = (Path(out) / "axe_socle-II.html").read_text(encoding="utf-8")
    toc = re.search(r'<nav class="calpae-toc".*?</nav>', page, re.S).group(0)
    targets = [html.unescape(t) for t in re.findall(r'href="#([^"]+)"', toc)]
    ids = {html.unescape(i) for i in re.findall(r'\sid="([^"]+)"', page)}
    assert len(targets) >= 10 and set(targets) <= ids


# --- provenance --------------------------------------------------------------------------------

def test_every_page_states_its_production_date_calpae_version_and_commit(pages):
    identity = provenance.calpae_identity()
    commit = identity.commit[:12] if identity.commit else "commit inconnu"
    for name, page in pages.items():
        assert FRENCH_DATE.search(page.text), name
        assert f"calpae {__version__}" in page.text and commit in page.text, name


# --- no internal codes -------------------------------------------------------------------------

def test_no_internal_identifier_in_visible_text(pages, bundled_report):
    check_ids = {rule.check_id for rule in all_rules()}
    action_ids = set(bundled_report.tables["actions"]["action_id"])
    for name, page in pages.items():
        text = page.text
        shown = {i for i in check_ids if i in text} | {
            i for i in action_ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}
        words = {w for w in INTERNAL_WORDS if re.search(rf"\b{w}\b", text)}
        assert not shown and not words, (name, sorted(shown), sorted(words))


# --- rates ----------------------------------------------------------------------------------------

def money_tables(page: Page) -> list[dict]:
    return [t for t in page.tables if any(c["text"].startswith("Prévu") for c in t["head"])]


def test_every_rate_beside_a_prevu_and_an_engage_is_their_ratio_on_its_line(pages):
    checked = 0
    for name, page in pages.items():
        for table in money_tables(page):
            head = [c["text"] for c in table["head"]]
            rates = [c for c in table["head"] if c["text"].startswith("Taux")]
            assert rates, (name, head)
            for rate in rates:  # each rate names the two columns it divides, and they are on the table
                engage, prevu = rate["attrs"]["data-engage"], rate["attrs"]["data-prevu"]
                columns = [head.index(rate["text"]), head.index(engage), head.index(prevu)]
                for row in table["rows"][1:]:
                    if len(row["cells"]) != len(head):
                        continue  # a group's heading row
                    shown, e, p = (amount(row["cells"][i]["text"]) for i in columns)
                    if e is None or not p:
                        assert shown is None, (name, row)
                        continue
                    assert shown is not None and abs(shown - 100 * e / p) <= 0.5, (name, head, row)
                    checked += 1
    assert checked >= 20


# --- ambiguous values -------------------------------------------------------------------------

def marked_cells(pages) -> list[tuple[str, str]]:
    """``(cell text, whole row text)`` of every cell marked ambiguous, on every page."""
    found = []
    for page in pages.values():
        for table in page.tables:
            for row in table["rows"]:
                row_text = " ".join(c["text"] for c in row["cells"])
                found += [(c["text"], row_text) for c in row["cells"] if "ambigu" in c["class"].split()]
    return found


@pytest.mark.parametrize("name", ["indicators", "annex4"])
def test_every_ambiguous_cell_of_the_tables_appears_on_some_page_marked(pages, bundled_report, name):
    cells = bundled_report.tables[name]
    ambiguous = cells[cells["status"] == "ambiguous"]
    marked = marked_cells(pages)
    for row in ambiguous.itertuples():
        printed = f"« {' '.join(str(row.raw).split())} »"
        line = str(int(row.source_line))
        assert any(printed in cell and "ambigu" in cell and re.search(rf"\b{line}\b", whole)
                   for cell, whole in marked), (name, row.raw, line)


# --- the printed page -------------------------------------------------------------------------

#: A CSS escape (« \3C  », « \22  », « \A  »): the print footer's text is a CSS string.
CSS_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{1,6}) ?")


def print_footer(page_html: str) -> tuple[str, str]:
    """The texts of the bottom-left and bottom-right page-margin boxes a page declares for print."""
    style = re.search(r'<style class="calpae-print-footer">(.*?)</style>', page_html, re.S)
    assert style, "no print footer"
    boxes = dict(re.findall(r"@(bottom-left|bottom-right)\s*\{\s*content:\s*(.*?);\s*\}", style.group(1), re.S))
    left = CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), boxes["bottom-left"].strip().strip('"'))
    return left, boxes["bottom-right"]


def test_every_page_declares_a_printed_footer_with_date_commit_and_source(bundled_out, bundled_report):
    out, _ = bundled_out
    identity = provenance.calpae_identity()
    commit = identity.commit[:12] if identity.commit else "commit inconnu"
    source = f"{bundled_report.doc.path.name} (SHA-256 {bundled_report.doc.sha256[:12]}"
    for path in sorted(Path(out).glob("*.html")):
        page_html = path.read_text(encoding="utf-8")
        head = page_html[:page_html.index("<body")]
        left, right = print_footer(head)  # in the head: a style sheet, read before anything is laid out
        assert FRENCH_DATE.search(left) and f"calpae {__version__}" in left and commit in left, (path.name, left)
        assert source in left and "\n" in left, (path.name, left)  # on lines of their own
        assert "counter(page)" in right and "counter(pages)" in right, path.name


def test_the_printed_footer_sits_in_a_page_margin_reserved_for_it(bundled_out):
    """Margin boxes in a bottom margin tall enough for their three lines, not a block laid over the text."""
    out, _ = bundled_out
    css = (Path(out) / "synthese.html").read_text(encoding="utf-8")
    page_rule = re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:\s*([^;]+);", css)
    assert page_rule, "no A4 page rule"
    sides = [float(v) for v in re.findall(r"([\d.]+)mm", page_rule.group(1))]
    bottom = sides[2] if len(sides) > 2 else sides[0]  # « top sides bottom » or « top right bottom left »
    assert bottom >= 18, page_rule.group(0)


def test_footer_text_cannot_break_out_of_its_style_sheet(bundled_out):
    from calpae_lib.publish.pages import css_lines

    written = str(css_lines(['a « b »', 'c"d</style><script>x</script>\\']))
    assert "<" not in written and ">" not in written and written.count('"') == 2, written
    left, _ = print_footer(f'<style class="calpae-print-footer">@page {{ @bottom-left {{ content: {written}; }}'
                           ' @bottom-right { content: "p"; } }</style>')
    assert left == 'a « b »\nc"d</style><script>x</script>\\', left


@pytest.mark.skipif(not CHROMIUM[0] or not shutil.which("pdftotext"), reason="Chromium and pdftotext needed")
@pytest.mark.parametrize("name", ["annexe.html", "axe_initiative.html"])
def test_printed_pages_each_carry_date_and_source_and_amounts_never_overlap(bundled_out, bundled_report,
                                                                            tmp_path, name):
    out, _ = bundled_out
    pages = printed_pages(Path(out) / name, tmp_path)
    assert len(pages) >= 3
    for number, text in enumerate(pages, 1):
        assert FRENCH_DATE.search(text) and f"Source : {bundled_report.doc.path.name}" in text, (name, number)
        assert f"page {number} sur {len(pages)}" in text, (name, number)
        assert not re.search(r"€\d", text), (name, number, re.findall(r".{20}€\d.{10}", text))


# --- indicator names --------------------------------------------------------------------------

#: Prepositions a printed « name » may open with (the test's own list, not calpae's): a state such as
#: « En cours » or « À venir », not the title of what is counted.
PREPOSITIONS = ("en", "à", "a", "au", "aux", "dans", "sur", "sous", "par", "pour", "avec", "sans", "après", "avant")


def indicator_cells(pages) -> list[str]:
    return [row["cells"][table_head.index("Indicateur")]["text"]
            for page in pages.values() for table in page.tables
            if "Indicateur" in (table_head := [c["text"] for c in table["head"]])
            for row in table["rows"][1:] if len(row["cells"]) == len(table_head)]


def test_no_indicator_is_titled_by_a_state_without_saying_so(pages, bundled_report):
    cells = indicator_cells(pages)
    assert len(cells) > 100
    for cell in cells:
        if cell.split()[0].lower() in PREPOSITIONS:
            pytest.fail(f"an indicator titled « {cell} » as if it were its name")
    names = set(bundled_report.tables["indicators"]["indicator"].dropna())
    states = {n for n in names if n.split()[0].lower() in PREPOSITIONS}
    for state in states:  # each shown, said to be what the report prints in place of a name
        assert f"Intitulé absent du tableau, qui porte « {state} » à sa place" in cells, state


def test_a_state_printed_where_a_name_belongs_is_shown_for_what_it_is():
    """By the name's form, whatever its words: none of these occurs in the bundled report."""
    from calpae_lib.present.views import indicator_rows

    frame = pd.DataFrame({"measure": ["M"] * 4, "indicator": ["Nombre de ménages logés", "À l'étude",
                                                                "Dont ménages relogés", "Sur l'année"],
                          "kind": ["result"] * 4, "period": [2023] * 4, "value": [12.0, 3.0, 4.0, 5.0],
                          "unit": ["count"] * 4, "raw": ["12", "3", "4", "5"], "status": ["ok"] * 4,
                          "source_line": [10, 11, 12, 13]})
    shown = [" ".join(n.split()) for n in indicator_rows(frame)["Indicateur"]]
    assert shown == ["Nombre de ménages logés", "Intitulé absent du tableau, qui porte « À l'étude » à sa place",
                     "Dont ménages relogés", "Intitulé absent du tableau, qui porte « Sur l'année » à sa place"]


# --- words set as code, and one reason said once ---------------------------------------------------

def test_only_file_names_and_checksums_are_set_as_code(pages, bundled_report):
    """The identity tables of the index and the method page: prose in the page's font, codes apart."""
    codes = {bundled_report.doc.sha256, bundled_report.doc.path.name}
    for name in ("index.html", "methode.html"):
        cells = [cell for row in pages[name].tables[0]["rows"] for cell in row["cells"] if cell["tag"] == "td"]
        assert {cell["text"] for cell in cells if "code" in cell["class"].split()} == codes, name


def test_an_unknown_direction_is_said_once_on_its_line(pages):
    """« Sens : non déterminé » beside « Atteinte : sens non déterminé » says the same thing twice; so would a
    kind of indicator (« Volume prévisionnel ») said in its column and again beside its gap."""
    rows = [[cell["text"] for cell in row["cells"]] for table in pages["annexe.html"].tables for row in table["rows"]]
    ungraded = [row for row in rows if any(cell.startswith("non évaluée") for cell in row)
                and not any("copier-coller probable" in cell for cell in row)]  # an objective, not graded: a copy
    assert ungraded  # the case exists on the bundled report
    assert not [row for row in rows if sum("non déterminé" in cell for cell in row) > 1]
    for row in ungraded:
        kinds = [cell for cell in row if cell in ("Volume prévisionnel", "Contexte")]
        assert len(kinds) == 1 and not any(kinds[0].lower() in cell for cell in row if cell != kinds[0]), row


# --- a Commission version and an evaluator version (issue 25) -------------------------------------------

#: The most A4 pages a rapporteur presents to the Commission.
SYNTHESIS_MAX_PAGES = 4


@pytest.mark.skipif(not CHROMIUM[0] or not shutil.which("pdfinfo"), reason="Chromium and pdfinfo needed")
def test_the_synthesis_prints_on_at_most_four_a4_pages(bundled_out, tmp_path):
    import subprocess

    from tests.browser import printed_pdf

    out, _ = bundled_out
    info = subprocess.run(["pdfinfo", str(printed_pdf(Path(out) / "synthese.html", tmp_path))],
                          capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert "(A4)" in re.search(r"^Page size:.*$", info, re.M).group(0), info
    assert 1 <= pages <= SYNTHESIS_MAX_PAGES, pages


def test_the_long_tables_are_on_the_annex_and_the_synthesis_links_to_them(pages, bundled_out):
    out, _ = bundled_out
    synthesis = (Path(out) / "synthese.html").read_text(encoding="utf-8")
    annex = (Path(out) / "annexe.html").read_text(encoding="utf-8")
    for caption in ("Cibles et résultats", "Valeurs ambiguës du rapport", "Anomalies relevées",
                    "<caption>Actions</caption>"):
        assert caption not in synthesis and caption in annex, caption
    for anchor in ("actions", "coherence", "cibles-et-resultats", "valeurs-ambigues"):
        assert f'href="annexe.html#{anchor}"' in synthesis and f'id="{anchor}"' in annex, anchor
    assert "annexe.html" in pages["index.html"].links


def main_text(page_html: str) -> str:
    """The visible text of a page's ``<main>``: the narrative and tables, without navigation or footer."""
    main = re.search(r"<main\b.*?</main>", page_html, re.S).group(0)
    main = re.sub(r"<(style|script)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_no_checksum_or_tool_name_in_the_narrative(bundled_out, bundled_report):
    """Provenance is the footer's and the method page's (and the index's identity table)."""
    out, _ = bundled_out
    for path in sorted(Path(out).glob("*.html")):
        if path.stem in ("index", "methode"):
            continue
        text = main_text(path.read_text(encoding="utf-8"))
        assert "SHA-256" not in text and bundled_report.doc.sha256[:12] not in text, path.name
        assert not re.search(r"\bcalpae\b", text, re.I), (path.name, re.findall(r".{40}calpae.{40}", text, re.I))


def test_the_method_page_tells_how_without_naming_the_tool(bundled_out, bundled_report):
    """Its narrative says what is read and compared; the tool's name is the footer's (provenance), and the
    source file's name, in the identity table, may contain the word."""
    out, _ = bundled_out
    text = main_text((Path(out) / "methode.html").read_text(encoding="utf-8"))
    text = text.replace(bundled_report.doc.path.name, "")
    assert not re.search(r"\bcalpae\b", text), re.findall(r".{40}\bcalpae\b.{40}", text)


def test_a_volet_without_axes_is_called_a_volet(bundled_out, bundled_report):
    from calpae_lib.analysis import axes

    out, _ = bundled_out
    actions = axes.actions_with_axis(bundled_report)
    checked = 0
    for key, group in actions.groupby("axis_key"):
        text = main_text((Path(out) / f"axe_{key}.html").read_text(encoding="utf-8"))
        has_axis = group["axis"].fillna("").astype(str).str.strip().ne("").any()
        assert ("Cet axe compte" in text) == has_axis and ("Ce volet compte" in text) == (not has_axis), key
        checked += not has_axis
    assert checked  # the bundled report has volets without axes


def explanation_rows(page: Page) -> list[tuple[str, str]]:
    """``(indicator, explanation)`` of every table row that has an « Explication du Département » column."""
    found = []
    for table in page.tables:
        head = [c["text"] for c in table["head"]]
        if "Explication du Département" in head and "Indicateur" in head:
            where, name = head.index("Explication du Département"), head.index("Indicateur")
            found += [(row["cells"][name]["text"], row["cells"][where]["text"]) for row in table["rows"]
                      if len(row["cells"]) == len(head)]
    return found


def test_the_departement_s_explanations_stand_beside_their_indicators(pages, bundled_report):
    from calpae_lib.present.views import indicator_name

    cells = bundled_report.tables["indicators"]
    explained = cells[cells["comment"].fillna("").str.strip() != ""]
    assert len(explained)  # the bundled report prints some
    on_axes = [row for name, page in pages.items() if name.startswith("axe_") for row in explanation_rows(page)]
    for indicator, comment in set(zip(explained["indicator"], explained["comment"])):
        said = " ".join(str(comment).split())
        assert any(" ".join(indicator_name(indicator).split()) == shown and said in why
                   for shown, why in on_axes), (indicator, said)
    in_annex = explanation_rows(pages["annexe.html"])
    assert in_annex and all(why == "" or any(why in " ".join(str(c).split()) or " ".join(str(c).split()) in why
                                             for c in explained["comment"]) for _, why in in_annex)
    assert sum(bool(why) for _, why in in_annex) >= 1


def test_each_sheet_s_bilan_is_quoted_folded_on_its_volet_s_page(bundled_out, bundled_report):
    from calpae_lib.analysis.axes import axis_key
    from calpae_lib.text import outline

    out, _ = bundled_out
    quoted = 0
    for action in bundled_report.outline.actions:
        section = outline.sheet_section(bundled_report.doc, action, outline.BILAN_TITLE)
        if section is None or not section.paragraphs:
            continue
        page = (Path(out) / f"axe_{axis_key(action.volet, action.axis)}.html").read_text(encoding="utf-8")
        folded = re.findall(r'<details class="calpae-details calpae-bilan">(.*?)</details>', page, re.S)
        first = html.escape(section.paragraphs[0][1][:60], quote=False)
        assert any(first in block or html.unescape(first) in html.unescape(block) for block in folded), action
        quoted += 1
    assert quoted


def test_one_row_per_ambiguous_indicator_and_the_advice_said_once(pages, bundled_out, bundled_report):
    from calpae_lib.present.views import AMBIGUITY_ADVICE

    out, _ = bundled_out
    annex = (Path(out) / "annexe.html").read_text(encoding="utf-8")
    assert main_text(annex).count(" ".join(html.unescape(AMBIGUITY_ADVICE).split())) == 1
    table = next(t for t in pages["annexe.html"].tables if [c["text"] for c in t["head"]][:2] == ["Indicateur",
                                                                                                   "Valeurs imprimées"])
    rows = [r for r in table["rows"] if r["class"] != "group" and len(r["cells"]) == len(table["head"])]
    keys = set()
    for name, where in (("indicators", "action_id"), ("annex4", "measure")):
        cells = bundled_report.tables[name]
        ambiguous = cells[cells["status"] == "ambiguous"]
        keys |= {(name, a, m, i) for a, m, i in zip(ambiguous[where].fillna(""), ambiguous["measure"].fillna(""),
                                                    ambiguous["indicator"].fillna(""))}
    assert len(rows) == len(keys) < int((bundled_report.tables["indicators"]["status"] == "ambiguous").sum()
                                        + (bundled_report.tables["annex4"]["status"] == "ambiguous").sum())


def test_a_sheet_s_lines_are_cited_by_their_printed_page_too(pages, bundled_report):
    """The contents give each sheet's page: an action's heading cites it, with the text's line for the evaluator."""
    text = " ".join(page.text for name, page in pages.items() if name.startswith("axe_"))
    for action in bundled_report.outline.actions:
        if action.toc_page is not None:
            assert re.search(rf"Fiche action : p\. {action.toc_page}, ligne {action.source_line} du texte", text), \
                action.action_id


def test_every_page_has_a_skip_link_silent_anchors_and_no_note_in_a_data_row(bundled_out):
    out, _ = bundled_out
    for path in sorted(Path(out).glob("*.html")):
        page = path.read_text(encoding="utf-8")
        body = page[page.index("<body"):]
        first_link = re.search(r"<a\b[^>]*>", body).group(0)
        assert 'href="#contenu"' in first_link and 'id="contenu"' in body, path.name
        anchors = re.findall(r'<a class="anchor-link"[^>]*>', page)
        assert all('aria-hidden="true"' in a for a in anchors), path.name
        assert '<tr class="note"' not in page, path.name
        for notes in re.findall(r'<ul class="calpae-table-notes">(.*?)</ul>', page, re.S):
            said = [re.sub(r"<strong>.*?</strong>", "", item) for item in re.findall(r"<li>(.*?)</li>", notes, re.S)]
            assert len(said) == len(set(said)), (path.name, said)  # one note, said once


@pytest.mark.skipif(not CHROMIUM[0] or not axe_script(), reason="Chromium and axe-core (axe-playwright-python) needed")
def test_axe_core_finds_no_violation_on_any_page(bundled_out, tmp_path):
    """WCAG 2.0/2.1 A and AA (RGAA 4.1) and axe's best practices, in headless Chromium, on every published page."""
    out, _ = bundled_out
    found = {}
    for path in sorted(Path(out).glob("*.html")):
        violations = axe_violations(path, tmp_path)
        if violations:
            found[path.name] = [(v["id"], v["impact"], v["nodes"][:2]) for v in violations]
    assert len(AXE_TAGS) == 5 and not found, found


def test_every_chart_s_text_alternative_gives_its_data(bundled_out):
    """Not only its title: the amounts or rates it draws, as a screen reader reads them."""
    out, _ = bundled_out
    checked = 0
    for name in ("annexe.html", "axe_socle-I.html", "axe_socle-II.html", "axe_initiative.html", "axe_erbm.html"):
        page = (Path(out) / name).read_text(encoding="utf-8")
        for alt in re.findall(r'<img\b[^>]*\salt="([^"]*)"', page):
            alt = html.unescape(alt)
            assert len(re.findall(r"\d[\d\s\u202f\xa0]*(?:€|%)", alt)) >= 2, (name, alt)
            checked += 1
    assert checked >= 5


# --- second reading (review of the published pages) -------------------------------------------

def flat(text: str) -> str:
    """Text with its spaces, non-breaking ones and line ends, as one: what a PDF's text and a page's agree on."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.mark.skipif(not CHROMIUM[0] or not shutil.which("pdftotext"), reason="Chromium and pdftotext needed")
def test_the_bilans_folded_on_screen_are_printed_in_full(bundled_out, bundled_report, tmp_path):
    """A Commission member reading the PDF reads the Département's bilan; no « cliquer » is promised on paper."""
    from calpae_lib.analysis.axes import axis_key
    from calpae_lib.text import outline

    out, _ = bundled_out
    bilans = {}
    for action in bundled_report.outline.actions:
        section = outline.sheet_section(bundled_report.doc, action, outline.BILAN_TITLE)
        if section is not None and section.paragraphs:
            bilans.setdefault(axis_key(action.volet, action.axis), []).append(section.paragraphs[-1][1])
    assert bilans
    key = max(bilans, key=lambda k: len(bilans[k]))
    # each page without its margin (its last three lines: title, date, source), so that a paragraph runs on
    printed = flat(" ".join("\n".join([line for line in page.splitlines() if line.strip()][:-3])
                            for page in printed_pages(Path(out) / f"axe_{key}.html", tmp_path)))
    for paragraph in bilans[key]:
        words = flat(paragraph).split()[-6:]   # the end of each bilan, far from its title
        assert re.search(r"\s*".join(re.escape(w) for w in words), printed), words
    assert "cliquer" not in printed


def test_a_volet_s_page_counts_the_findings_about_the_volet_itself(bundled_out, bundled_report):
    """The volet page and the annex agree: a finding whose scope is the volet (its budget header, say) counts."""
    from calpae_lib.analysis import axes
    from calpae_lib.present import narrative

    out, _ = bundled_out
    checks = bundled_report.tables["checks"]
    whole = [key for key in axes.actions_with_axis(bundled_report)["axis_key"].unique()
             if (checks["scope"] == key).any()]
    assert whole   # the bundled report has findings about a volet as a whole
    for key in whole:
        text = flat(main_text((Path(out) / f"axe_{key}.html").read_text(encoding="utf-8")))
        counted = int(re.search(r"Cohérence\. (\d+) contrôles?", text).group(1))
        actions = list(axes.axis_actions(bundled_report, key)["action_id"])
        own = int(re.match(r"(\d+)", narrative.checks_paragraph(bundled_report, actions)).group(1))
        assert counted == own + int((checks["scope"] == key).sum()) - int(
            (checks[checks["scope"] == key]["category"].astype(str).str.contains("performance")).sum()), key


@pytest.mark.skipif(not CHROMIUM[0] or not shutil.which("pdftotext"), reason="Chromium and pdftotext needed")
def test_wide_tables_print_whole_on_a4_portrait(bundled_out, tmp_path):
    """Nothing of a wide table is cut at the page's right edge: every rate of the synthesis (its last money
    column is one) and every word of the Département's explanations in the annex are on paper."""
    from tests.browser import printed_pdf

    out, _ = bundled_out

    def pdf_text(name):
        pdf = printed_pdf(Path(out) / name, tmp_path / name)
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    synthesis = (Path(out) / "synthese.html").read_text(encoding="utf-8")
    assert "<details" not in synthesis   # all of it is printed: every « % » of the page is on paper
    assert pdf_text("synthese.html").count("%") == main_text(synthesis).count("%")
    words = set(pdf_text("annexe.html").split())
    explained = [why for _, why in explanation_rows(Page((Path(out) / "annexe.html").read_text(encoding="utf-8")))
                 if why]
    assert explained
    for why in explained:
        assert set(why.split()) <= words, (why, set(why.split()) - words)


def test_the_sentences_keep_french_punctuation_spaces_unbreakable(bundled_out):
    """« Prévu : 10 181 700 € ; engagé » never breaks before « ; » or « : » (no line opens with « ; engagé »)."""
    out, _ = bundled_out
    said = 0
    for path in sorted(Path(out).glob("axe_*.html")):
        text = html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
        assert "Prévu : " not in text and " ; engagé" not in text, path.name
        said += text.count("Prévu\xa0: ") + text.count("\u202f; engagé")
    assert said


def test_an_action_without_money_says_so_once(bundled_out, bundled_report):
    """« n'a pas de valorisation financière » under its heading, and no empty budget table saying it again."""
    from calpae_lib.analysis import axes
    from calpae_lib.present.views import action_budget_table

    out, _ = bundled_out
    actions = axes.actions_with_axis(bundled_report)
    without = actions[~actions["has_budget"].astype(bool)]
    assert len(without)   # the bundled report has actions without money
    empty = action_budget_table(bundled_report, without["action_id"].iloc[0]).empty_message
    budgets = bundled_report.tables["budgets"]
    for key, group in actions.groupby("axis_key"):
        text = main_text((Path(out) / f"axe_{key}.html").read_text(encoding="utf-8"))
        funded_unread = sum(bool(f) and not (budgets["action_id"] == a).any()
                            for a, f in zip(group["action_id"], group["has_budget"]))
        assert text.count(empty) == funded_unread, key


def test_each_volet_has_one_name_on_every_page(bundled_out):
    """The template's label names the volet in titles and sentences: no page calls it otherwise."""
    from calpae_lib.template.volets import VOLETS

    out, _ = bundled_out
    text = " ".join(main_text(p.read_text(encoding="utf-8")) for p in sorted(Path(out).glob("*.html")))
    for volet in VOLETS:
        assert volet.label in text, volet.key
        assert volet.title.startswith(volet.label) or volet.title.endswith(f"({volet.label})"), volet
        assert volet.label.lower() in volet.phrase.lower() or volet.label in volet.phrase, volet


def test_the_synthesis_says_once_what_a_missing_engage_does_to_the_rates(bundled_report):
    """Once in the sentence on the execution, once under the table per volet naming its lines: not under
    every table and every line (on the bundled report with one sheet's engagé left out)."""
    from calpae_lib.analysis import budget
    from calpae_lib.present import narrative, views

    from .variants import bundled_text, parse_text, without_engage

    report = parse_text(without_engage(bundled_text(), bundled_report))
    assert budget.budget_by_action(report)["engage"].isna().any()
    html = views.financeur_budget_table(report)._repr_html_() + views.volet_budget_table(report)._repr_html_()
    overview = narrative.synthesis_overview(report).data
    assert (html + overview).count("Engagé non renseigné") == 1
    notes = re.findall(r'<ul class="calpae-table-notes">(.*?)</ul>', html, re.S)
    assert len(notes) == 1 and notes[0].count("<li>") == 1
    assert " — " not in re.sub(r"<[^>]+>", "", notes[0]).split("\xa0:")[0]   # lines named, not glued
    assert "n'imprime pas d'engagé" in overview          # and the execution sentence says what the rate leaves out
