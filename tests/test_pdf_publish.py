"""The PDF route published (issue 30): a report given as its PDF is published as its text is, plus exact
page references, and its parse is stored like a text's.

``test_run_*``: ``calpae run`` and its inputs on the bundled report's PDF twin (tests/pdf_twins) and on the
text the twin was rendered from; ``test_store_*``: the result store keeps a PDF's parse.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from calpae_lib.errors import InputError
from calpae_lib.publish import config, loading
from calpae_lib.publish.cli import main
from calpae_lib.publish.rawfiles import expand_raw_paths
from calpae_lib.text.reading import normalise

from .conftest import run_calpae
from .variants import bundled_text

#: « p. 37, lignes 1234 et 1240 du texte extrait du PDF »: what a page says of a value read from a PDF.
PDF_REFERENCE = re.compile(r"p\.\u00a0(\d+), lignes? ((?:\d+(?:, | et )?)+) du texte extrait du PDF")
#: « p. 12 à 14 »: pages bounded, not known (the text route's reference).
PAGE_RANGE = re.compile(r"p\.\u00a0\d+ à \d+")
#: A findings table's row of a report read from its PDF: its « Page » cell, then its « Ligne » cell.
PAGE_AND_LINE_CELLS = re.compile(r'<td class="text">p\.(?:\u00a0|&nbsp;)(\d+)</td><td class="num">(\d+)</td>')


def page_text(path: Path) -> str:
    """A published page's visible text, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def published_pages(out: Path) -> dict[str, str]:
    """Every published file (relative path) with, for an HTML page, its title."""
    titles = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            found = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S) \
                if path.suffix == ".html" else None
            titles[path.relative_to(out).as_posix()] = html.unescape(found.group(1)).strip() if found else ""
    return titles


def printed_words(pdf_path: Path) -> dict[str, Counter]:
    """The words each page of a PDF prints, by the number printed in its footer."""
    pages = {}
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            bottom = page.within_bbox((0, page.height - 50, page.width, page.height)).extract_text() or ""
            words = Counter(normalise(word["text"]) for word in page.extract_words())
            pages[" ".join(bottom.split()).split()[-1]] = words
            page.close()
    return pages


@pytest.fixture(scope="module")
def twin_runs(bundled_twin, tmp_path_factory):
    """``calpae run`` on the bundled twin's PDF and on the text it was rendered from: ``{form: out}``."""
    folder = tmp_path_factory.mktemp("pdf-route")
    text = folder / "jumeau.txt"
    text.write_text(bundled_text(), encoding="utf-8")
    outs = {}
    for form, raw in (("pdf", bundled_twin.path), ("text", text)):
        outs[form] = folder / f"out-{form}"
        result = run_calpae("run", raw, "--out", outs[form])
        assert result.returncode == 0, result.stderr
    return outs


@pytest.mark.e2e
def test_run_of_the_twin_pdf_publishes_the_pages_of_its_text(twin_runs, bundled_twin):
    from_pdf, from_text = published_pages(twin_runs["pdf"]), published_pages(twin_runs["text"])
    assert list(from_pdf) == list(from_text)
    assert from_pdf == from_text
    assert {"synthese.html", "annexe.html", "index.html", "tables/calpae.xlsx"} <= set(from_pdf)
    index = page_text(twin_runs["pdf"] / "index.html")
    assert bundled_twin.path.name in index
    assert hashlib.sha256(bundled_twin.path.read_bytes()).hexdigest()[:12] in index
    method = " ".join(page_text(twin_runs["pdf"] / "methode.html").split())  # it says it read a PDF
    assert f"{bundled_twin.pages} pages" in method and "publie en PDF" in method and "« p. 37 »" in method
    assert "publie en PDF" not in " ".join(page_text(twin_runs["text"] / "methode.html").split())
    for name in ("synthese.html", "annexe.html"):  # every footer says what a value refers to
        assert "renvoie à la page où ce fichier l'imprime" in page_text(twin_runs["pdf"] / name)
        assert "renvoie à sa ligne dans ce fichier" in page_text(twin_runs["text"] / name)


@pytest.mark.e2e
def test_run_of_the_twin_pdf_cites_the_exact_page_of_every_value(twin_runs, bundled_twin, bundled_report):
    doc = loading.load_report(bundled_twin.path).doc  # stored by the run: not read again
    printed = printed_words(bundled_twin.path)
    checked = 0
    cited = []
    for page in sorted(twin_runs["pdf"].glob("*.html")):
        text = page_text(page)
        assert not PAGE_RANGE.search(text), f"{page.name}: une page bornée, non exacte"
        assert "du texte)" not in text and "du texte." not in text, page.name
        cited += [(page.name, match.group(1), line) for match in PDF_REFERENCE.finditer(text)
                  for line in re.findall(r"\d+", match.group(2))]
        findings = PAGE_AND_LINE_CELLS.findall(page.read_text(encoding="utf-8"))
        cited += [(page.name, number, line) for number, line in findings]
        checked += len(findings)
    for name, number, line in cited:
        printed_line = next(n for n in range(int(line), 0, -1) if doc.line(n).strip())  # a blank: the line before
        words = Counter(doc.line(printed_line).split())
        assert not words - printed[number], f"{name}: ligne {line} ({doc.line(printed_line)!r}) n'est pas p. {number}"
    assert len(cited) - checked >= len(bundled_report.tables["actions"])  # each sheet at least, in the annex
    assert checked >= 100  # the findings tables give each finding's page
    text_pages = " ".join(page_text(page) for page in twin_runs["text"].glob("*.html"))
    assert not PDF_REFERENCE.search(text_pages)


def test_run_refuses_a_folder_holding_the_text_and_the_pdf_of_one_report(tmp_path, capsys):
    (tmp_path / "calpae_2031_nord.txt").write_text("rapport", encoding="utf-8")
    (tmp_path / "calpae_2031_nord.pdf").write_bytes(b"%PDF-1.4\n")
    status = main(["run", str(tmp_path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "calpae_2031_nord.txt" in err and "calpae_2031_nord.pdf" in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError, match="même rapport"):  # named one by one, or by a pattern
        expand_raw_paths([tmp_path / "calpae_2031_nord.txt", tmp_path / "calpae_2031_nord.pdf"])
    with pytest.raises(InputError, match="même rapport"):
        expand_raw_paths([str(tmp_path / "calpae_*")])
    assert expand_raw_paths([tmp_path / "calpae_2031_nord.pdf"]) == [tmp_path / "calpae_2031_nord.pdf"]


def test_run_finds_pdfs_in_folders_and_among_the_bundled_reports(tmp_path, monkeypatch):
    (tmp_path / "calpae_2031_nord.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "calpae_2030_nord.txt").write_text("rapport", encoding="utf-8")
    (tmp_path / "notes.md").write_text("pas un rapport", encoding="utf-8")
    expected = [tmp_path / "calpae_2030_nord.txt", tmp_path / "calpae_2031_nord.pdf"]
    assert expand_raw_paths([tmp_path]) == expected
    monkeypatch.setenv("CALPAE_RAW_DIR", str(tmp_path))
    assert config.bundled_reports() == expected
    (tmp_path / "calpae_2031_nord.txt").write_text("rapport", encoding="utf-8")
    with pytest.raises(InputError, match="calpae_2031_nord.txt.*calpae_2031_nord.pdf"):
        config.bundled_reports()


def test_store_a_second_load_reads_the_stored_parse_not_the_pdf(bundled_twin, tmp_path, monkeypatch):
    store = tmp_path / "store"
    first = loading.load_report(bundled_twin.path, store_dir=store)
    assert first.doc.encoding == "pdf" and first.doc.places
    assert first.doc.sha256 == hashlib.sha256(bundled_twin.path.read_bytes()).hexdigest()

    def read_again(*args, **kwargs):
        raise AssertionError("le PDF est relu alors que sa lecture est gardée")

    import calpae_lib.pdf.reading as pdf_reading

    monkeypatch.setattr(pdf_reading, "read_pdf", read_again)
    monkeypatch.setattr(pdf_reading, "read_pages", read_again)
    again = loading.load_report(bundled_twin.path, store_dir=store)
    assert again.doc.places == first.doc.places and again.doc.lines == first.doc.lines
    assert again.meta == first.meta
    for name, table in first.tables.items():
        assert again.tables[name].equals(table), name
    copy = tmp_path / "ailleurs" / "calpae_copie.pdf"  # the same bytes elsewhere: the same stored parse
    copy.parent.mkdir()
    copy.write_bytes(bundled_twin.path.read_bytes())
    assert loading.load_report(copy, store_dir=store).doc.path == copy
    with pytest.raises(AssertionError, match="relu"):  # refresh reads the PDF again: the patch is the one used
        loading.load_report(bundled_twin.path, store_dir=store, refresh=True)


def test_store_a_pdfs_title_is_read_from_its_stored_parse(bundled_twin, tmp_path, monkeypatch):
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "cache"))
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "calpae_jumeau.pdf").write_bytes(bundled_twin.path.read_bytes())
    monkeypatch.setenv("CALPAE_RAW_DIR", str(raw))
    report = loading.load_report(raw / "calpae_jumeau.pdf")

    import calpae_lib.pdf.reading as pdf_reading

    monkeypatch.setattr(pdf_reading, "read_pdf", lambda *a, **k: pytest.fail("le PDF est relu"))
    assert loading.report_metadata(raw / "calpae_jumeau.pdf") == report.meta
    assert loading.resolve_raw() == raw / "calpae_jumeau.pdf"
    assert loading.open_report(report.meta.year, str(raw / "calpae_jumeau.pdf")).doc.places  # a notebook's raw_path
