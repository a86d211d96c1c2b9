"""The HTML around the reports: the frame every page shares, the index pages and the method page.

Every page (a notebook's report, a report's index, the top-level index, the
method page) has the same frame: a navigation bar linking to the index and
to every page of its folder, a pager to its neighbours, and a footer giving
the production date, calpae's version and commit and the source file with its
SHA-256. A :class:`PageFrame` describes it as plain data (it travels to the
worker processes and enters the notebooks' cache keys; the production date
does not, it is read when a page is written). The HTML comes from the
Jinja2 templates of ``templates/`` (autoescaping on); the notebooks' own
template for nbconvert is there too (:data:`NOTEBOOK_TEMPLATE`).
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from calpae_lib.text.dates import MONTHS

TEMPLATES_DIR = Path(__file__).with_name("templates")
NOTEBOOK_TEMPLATE = "notebook.html.j2"
INDEX_NAME = "index"
METHOD_NAME = "methode"
METHOD_TITLE = "Méthode et glossaire"
#: A page gets a table of contents from this many sections up.
TOC_MIN_SECTIONS = 3
#: A section heading as nbconvert writes it (markdown cells and Markdown outputs alike).
SECTION = re.compile(r'<h2 id="(?P<id>[^"]+)"[^>]*>(?P<title>.*?)(?:<a class="anchor-link"[^>]*>[^<]*</a>)?</h2>',
                     re.DOTALL)
TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class PageFrame:
    """What every page of one published folder shares (plain data: pickled, hashed, templated)."""

    #: "Rapports CALPAE 2022 — Pas-de-Calais": the folder's name for a reader, at the start of the bar.
    site: str
    #: "2022, Pas-de-Calais": added to every page's title.
    scope: str
    #: ``(name, title)`` of the folder's pages in reading order (the index first); ``name.html`` is the file.
    pages: tuple = ()
    #: ``(file name, SHA-256)`` of the raw reports the pages read.
    sources: tuple = ()
    #: calpae's version and commit as a reader sees them.
    calpae: str = ""
    #: The top-level index, when the folder is one of several published together.
    up_href: str = ""
    method_href: str = ""
    #: Whether the raw reports were read from their PDF: values then cite their printed page, not a line.
    from_pdf: bool = False

    def as_context(self) -> dict:
        data = asdict(self)
        data["pages"] = [{"name": n, "title": t, "href": f"{n}.html"} for n, t in self.pages]
        data["sources"] = [{"name": n, "sha256": s, "label": f"{n} (SHA-256 {s[:12]}…)"} for n, s in self.sources]
        data["index_href"] = f"{INDEX_NAME}.html" if any(n == INDEX_NAME for n, _ in self.pages) else self.up_href
        return data

    def title_of(self, name: str) -> str:
        return dict(self.pages).get(name, "")


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    env.filters["css_lines"] = css_lines
    return env


#: What a CSS string cannot hold as such: its own quote and escape, and what would end a ``<style>``.
CSS_UNSAFE = re.compile(r'["\\<>&]')
#: Line breaks and runs of ordinary spaces (no-break spaces are kept: they hold « 1 200 » together).
SPACES = re.compile(r"[ \t\r\n\f\v]+")


def css_lines(lines) -> str:
    """Lines of text as one CSS string (``content:`` of a page-margin box), a line break between them.

    Written into a ``<style>``, where HTML escaping does not apply: quotes,
    backslashes and ``<`` ``>`` ``&`` are CSS escapes instead.

    >>> print(css_lines(['Rapport « 2022 »', 'source : a"b</style>']))
    "Rapport « 2022 »\\A source : a\\22 b\\3C /style\\3E "
    """
    from markupsafe import Markup

    escaped = (CSS_UNSAFE.sub(lambda m: f"\\{ord(m.group()):X} ", SPACES.sub(" ", str(line)).strip()) for line in lines)
    return Markup('"' + "\\A ".join(escaped) + '"')


def produced_at(now: datetime | None = None) -> str:
    """The production date as a reader reads it, in UTC; ``SOURCE_DATE_EPOCH`` fixes it (reproducible builds).

    >>> produced_at(datetime(2026, 12, 1, 9, 5, tzinfo=timezone.utc))
    '1er décembre 2026 à 09 h 05 (UTC)'
    """
    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        now = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    now = now.astimezone(timezone.utc)
    day = "1er" if now.day == 1 else str(now.day)
    return f"{day} {MONTHS[now.month - 1]} {now.year} à {now:%H} h {now:%M} (UTC)"


def render(template: str, frame: PageFrame, current: str, title: str, produced: str | None = None,
           **context) -> str:
    """A whole page from one of the templates extending ``page.html.j2``."""
    return environment().get_template(template).render(
        frame=frame.as_context(), current=current, title=title, produced=produced or produced_at(), **context)


def frame_parts(frame: PageFrame, current: str, produced: str | None = None) -> dict[str, str]:
    """Navigation bar, pager, footer and printed footer of one page, as HTML (for the notebooks' template)."""
    parts = environment().get_template("frame.html.j2").module
    context = frame.as_context()
    produced = produced or produced_at()
    return {"calpae_nav": str(parts.nav(context, current)), "calpae_pager": str(parts.pager(context, current)),
            "calpae_footer": str(parts.footer(context, produced)),
            "calpae_print_footer": str(parts.print_footer(context, current, produced))}


def sections(page: str) -> list[tuple[str, str]]:
    """``(id, title)`` of a page's second-level headings, in order.

    >>> sections('<h2 id="Budget">Budget<a class="anchor-link" href="#Budget">¶</a></h2><h2 id="a">A &amp; B</h2>')
    [('Budget', 'Budget'), ('a', 'A & B')]
    """
    return [(m["id"], html.unescape(TAGS.sub("", m["title"])).strip()) for m in SECTION.finditer(page)]


#: nbconvert's « ¶ » after each heading: a link for the eye, hidden from screen readers and the tab order.
ANCHOR_LINK = re.compile(r'<a class="anchor-link"(?![^>]*aria-hidden)')


def with_silent_anchors(page: str) -> str:
    """Heading anchors (« ¶ ») marked ``aria-hidden`` and out of the tab order: a reader's voice never says them.

    >>> with_silent_anchors('<h2 id="a">A<a class="anchor-link" href="#a">¶</a></h2>')
    '<h2 id="a">A<a class="anchor-link" aria-hidden="true" tabindex="-1" href="#a">¶</a></h2>'
    """
    return ANCHOR_LINK.sub('<a class="anchor-link" aria-hidden="true" tabindex="-1"', page)


def with_table_of_contents(page: str) -> str:
    """A long page with a table of contents before its first section (a short one is left as it is)."""
    found = sections(page)
    if len(found) < TOC_MIN_SECTIONS:
        return page
    toc = environment().get_template("toc.html.j2").render(sections=found)
    first = SECTION.search(page).start()
    return page[:first] + toc + page[first:]
