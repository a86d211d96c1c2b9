import pytest

from calpae_lib.errors import InputError
from calpae_lib.text.reading import read_report

from .variants import BUNDLED, bundled_text


def test_line_index_matches_the_file(bundled_doc):
    raw_lines = BUNDLED.read_bytes().decode("utf-8").split("\n")
    assert len(bundled_doc.lines) == len(raw_lines)
    # a line with a curly apostrophe keeps its place, normalised
    for number, raw in enumerate(raw_lines, start=1):
        if "\u2019" in raw:
            assert bundled_doc.line(number) == raw.replace("\u2019", "'").replace("\u00a0", " ")
            break


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "latin-1"])
def test_encodings_give_the_same_lines(tmp_path, encoding, bundled_doc):
    text = bundled_text()
    if encoding != "utf-8-sig":
        # these encodings cannot hold every typographic character: keep what they can
        text = text.encode(encoding, errors="replace").decode(encoding)
    path = tmp_path / "r.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding, errors="replace"))
    doc = read_report(path)
    assert len(doc.lines) == len(bundled_doc.lines)
    assert doc.line(5) == bundled_doc.line(5)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n")
    with pytest.raises(InputError, match="vide"):
        read_report(path)


def test_binary_file(tmp_path):
    path = tmp_path / "b.txt"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(InputError, match="binaire"):
        read_report(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="introuvable"):
        read_report(tmp_path / "nope.txt")
