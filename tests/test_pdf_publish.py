"""The PDF route published (issue 30): a report given as its PDF is published as its text is, plus exact
page references, and its parse is stored like a text's.

``test_run_*``: ``calpae run`` and its inputs on the bundled report's PDF twin (tests/pdf_twins) and on the
text the twin was rendered from; ``test_store_*``: the result store keeps a PDF's parse.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from calpae_lib.errors import InputError
from calpae_lib.publish import config, loading
from calpae_lib.publish.cli import main
from calpae_lib.publish.processed import EXTRACTED_PLACES, EXTRACTED_TEXT
from calpae_lib.publish.rawfiles import expand_raw_paths

from .browser import CHROMIUM, axe_script, axe_violations, printed_pdf
from .conftest import run_calpae
from .variants import bundled_text

#: « p. 37 », « p. 37 et 38 »: what a page says of where a value read from a PDF is printed.
PDF_REFERENCE = re.compile(r"p\.\u00a0(\d+(?:(?:, | et )\d+)*)")
#: A line number, where a reader of the PDF would look for a page: « ligne 1234 », a « Ligne » column.
LINE_REFERENCE = re.compile(r"\blignes? \d|<th[^>]*>Lignes?</th>|texte extrait")
#: « p. 12 à 14 »: pages bounded, not known (the text route's reference).
PAGE_RANGE = re.compile(r"p\.\u00a0\d+ à \d+")
#: A findings table's row of a report read from its PDF: what the report prints, then its « Page » cell.
PRINTED_AND_PAGE_CELLS = re.compile(r'<td class="text">([^<]*)</td><td class="text">p\.(?:\u00a0|&nbsp;)(\d+)</td>')
#: A value a findings row quotes as printed: a number, an amount, a rate or a date.
PLAIN_VALUE = re.compile(r"[\d\u00a0\u202f ,./]+(?:\u00a0?[€%])?")


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
    for extracted in (f"tables/{EXTRACTED_TEXT}", f"tables/{EXTRACTED_PLACES}"):  # the text read from the PDF
        assert extracted in from_pdf and extracted not in from_text
        del from_pdf[extracted]
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
    printed = printed_text(bundled_twin.path)
    checked = 0
    for page in sorted(twin_runs["pdf"].glob("*.html")):
        source = page.read_text(encoding="utf-8")
        text = page_text(page)
        assert not PAGE_RANGE.search(text), f"{page.name}: une page bornée, non exacte"
        assert not LINE_REFERENCE.search(source), f"{page.name}: un numéro de ligne, que le PDF n'imprime pas"
        for value, number in PRINTED_AND_PAGE_CELLS.findall(source):
            value = html.unescape(value)
            if PLAIN_VALUE.fullmatch(value) and any(c.isdigit() for c in value):
                assert squeezed(value.rstrip("€%")) in printed[number], f"{page.name}: {value!r} n'est pas p. {number}"
                checked += 1
    assert checked >= 40  # the findings tables give each finding's page
    annex = page_text(twin_runs["pdf"] / "annexe.html")
    sheets = [m for m in re.findall(r"p\.\u00a0(\d+)", annex)]
    assert len(sheets) >= len(bundled_report.tables["actions"])
    text_pages = " ".join(page.read_text(encoding="utf-8") for page in twin_runs["text"].glob("*.html"))
    assert re.search(r"<th[^>]*>Ligne</th>", text_pages) and "du texte" in text_pages  # a text's reader has lines


def squeezed(text: str) -> str:
    """``text`` without its spaces (a PDF may print « 4672 » where the text says « 4 672 »)."""
    return re.sub(r"\s", "", text)


def printed_text(pdf_path: Path) -> dict[str, str]:
    """The text each page of a PDF prints, spaces removed, by the number printed in its footer."""
    pages = {}
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            bottom = page.within_bbox((0, page.height - 50, page.width, page.height)).extract_text() or ""
            pages[" ".join(bottom.split()).split()[-1]] = squeezed(page.extract_text() or "")
            page.close()
    return pages


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


#: The A4 pages the synthesis of the bundled report prints on, read from its text or from its PDF.
SYNTHESIS_PAGES = 3


@pytest.mark.e2e
@pytest.mark.skipif(not CHROMIUM[0] or not shutil.which("pdfinfo"), reason="Chromium and pdfinfo needed")
def test_run_of_the_twin_pdf_prints_its_synthesis_on_as_many_a4_pages_as_its_text(twin_runs, tmp_path):
    printed = {}
    for form, out in twin_runs.items():
        (tmp_path / form).mkdir()
        info = subprocess.run(["pdfinfo", str(printed_pdf(out / "synthese.html", tmp_path / form))],
                              capture_output=True, text=True, check=True).stdout
        assert "(A4)" in re.search(r"^Page size:.*$", info, re.M).group(0), info
        printed[form] = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert printed == {"pdf": SYNTHESIS_PAGES, "text": SYNTHESIS_PAGES}


@pytest.mark.e2e
@pytest.mark.skipif(not CHROMIUM[0] or not axe_script(), reason="Chromium and axe-core (axe-playwright-python) needed")
def test_axe_core_finds_no_violation_on_the_pages_of_a_report_read_from_its_pdf(twin_runs, tmp_path):
    found = {}
    for name in ("synthese.html", "annexe.html", "axe_socle-I.html", "delais_orientation_rsa.html", "methode.html"):
        violations = axe_violations(twin_runs["pdf"] / name, tmp_path)
        if violations:
            found[name] = [(v["id"], v["impact"], v["nodes"][:2]) for v in violations]
    assert not found, found
