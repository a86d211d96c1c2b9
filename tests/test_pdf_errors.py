"""An error met while parsing a report read from its PDF names the printed page, never a line of the
text calpae extracted (a failed run publishes nothing, that text included); the text route still names
the line."""

from __future__ import annotations

import re

import pytest

from calpae_lib.errors import ParseError
from calpae_lib.pdf import read_source
from calpae_lib.pipeline import parse_document
from calpae_lib.publish.cli import main
from calpae_lib.text.reading import document_from_text

from .variants import bundled_text


def placed_line(doc, nth: int = 1000) -> tuple[int, int]:
    """A line of ``doc`` printed somewhere (its number, its page), the ``nth`` such or the last."""
    placed = [(number, place.page) for number, place in enumerate(doc.places, start=1) if place is not None]
    return placed[min(nth, len(placed) - 1)]


def raising_at(line: int):
    """A reader that finds a malformed block at ``line``."""
    def parse_outline(doc):
        raise ParseError("bloc mal formé", line=line)
    return parse_outline


def test_a_parse_error_on_a_pdf_says_its_printed_page_and_no_line(bundled_twin, monkeypatch):
    doc = read_source(bundled_twin.path)
    line, page = placed_line(doc)
    assert line != page  # the test would not tell them apart otherwise
    monkeypatch.setattr("calpae_lib.pipeline.parse_outline", raising_at(line))
    with pytest.raises(ParseError) as raised:
        parse_document(doc)
    message = str(raised.value)
    assert message == f"{bundled_twin.path}, p. {page} : bloc mal formé"
    assert raised.value.line is None and raised.value.page == page
    assert f":{line}" not in message and str(line) not in re.sub(re.escape(str(bundled_twin.path)), "", message)


def test_a_parse_error_on_a_text_still_says_its_line(monkeypatch):
    monkeypatch.setattr("calpae_lib.pipeline.parse_outline", raising_at(3))
    with pytest.raises(ParseError) as raised:
        parse_document(document_from_text(bundled_text(), path="rapport.txt"))
    assert str(raised.value) == "rapport.txt:3: bloc mal formé" and raised.value.page is None


def test_run_on_a_pdf_whose_block_is_malformed_cites_the_page_in_one_line_and_exits_2(
        bundled_twin, tmp_path, capsys, monkeypatch):
    line, page = placed_line(read_source(bundled_twin.path))
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "store"))
    monkeypatch.setattr("calpae_lib.pipeline.parse_outline", raising_at(line))
    raw = tmp_path / "calpae_2031_jumeau.pdf"
    raw.write_bytes(bundled_twin.path.read_bytes())
    status = main(["run", "--raw", str(raw), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert status == 2, captured
    assert captured.err == f"calpae: erreur : {raw}, p. {page} : bloc mal formé\n"
