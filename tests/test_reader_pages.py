"""The published pages as the Commission reads them (issue 11).

Read on the HTML that ``calpae run`` publishes for the bundled report (built
once for the session, :func:`tests.conftest.bundled_out`): every page links to
the index and to its neighbours and says when, by which calpae and from which
commit it was produced; no internal code reaches the visible text; every rate
shown beside a prévu and an engagé is the ratio of that line's amounts; every
ambiguous value of the tables is shown somewhere, marked.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from calpae_lib import __version__
from calpae_lib.checks.engine import all_rules
from calpae_lib.publish import provenance

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
