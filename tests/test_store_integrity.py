"""The result store holds nothing that runs code, and a damaged entry is rebuilt, never published.

Each kind of entry (a notebook's HTML, a tables folder's CSV and workbook, a
parsed report) is damaged the way a disk or a user would (truncated, deleted,
one bit flipped, replaced by a crafted file with valid digests), then the run
is done again: the damage is reported on stderr, the entry rebuilt, and the
output is the same as a clean run's.
"""

from __future__ import annotations

import json
import pickle
import shutil

import pandas as pd
import pytest

from calpae_lib.errors import InputError
from calpae_lib.publish import batch, loading, records
from calpae_lib.publish.store import DIGESTS_NAME, ENTRY_FILE, ResultStore, folder_digests

from .conftest import production_date_fixed, published
from .tiny_notebooks import write_tiny_notebooks
from .variants import BUNDLED


pytestmark = pytest.mark.usefixtures("fixed_date")


def workbook_sheets(path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(path, sheet_name=None)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """One clean run into its own output; each test then damages a copy of its store."""
    root = tmp_path_factory.mktemp("store")
    notebooks = write_tiny_notebooks(root / "notebooks")
    with production_date_fixed():
        batch.run_reports([BUNDLED], out=root / "clean", workers=1, notebooks_dir=notebooks,
                          store_dir=root / "store")
    return root


def rerun(clean, tmp_path, damage):
    store = tmp_path / "store"
    shutil.copytree(clean / "store", store)
    damaged = damage(store)
    run = batch.run_reports([BUNDLED], out=tmp_path / "out", workers=1, notebooks_dir=clean / "notebooks",
                            store_dir=store)
    return run, damaged


def entry_files(store, kind: str, name: str):
    return sorted((store / kind).glob(f"*/*/{name}"))


def truncate(path, size: int = 1000) -> None:
    path.write_bytes(path.read_bytes()[:size])


def flip_bit(path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x04
    path.write_bytes(bytes(data))


def truncated_html(store):
    entry = entry_files(store, "html", ENTRY_FILE)[0]
    truncate(entry, 1000)
    return entry.parent


def truncated_csv(store):
    entry = entry_files(store, "tables", "indicators.csv")[0]
    truncate(entry, 2000)
    return entry.parent


def deleted_workbook(store):
    entry = entry_files(store, "tables", "calpae.xlsx")[0]
    entry.unlink()
    return entry.parent


def flipped_header_bit(store):
    entry = entry_files(store, "tables", "budgets.csv")[0]
    flip_bit(entry, entry.read_bytes().index(b"source_line") + 5)  # "sourca_line"
    return entry.parent


@pytest.mark.parametrize("damage", [truncated_html, truncated_csv, deleted_workbook, flipped_header_bit])
def test_a_damaged_entry_is_reported_and_rebuilt_as_a_clean_run(clean, tmp_path, capsys, damage):
    run, entry = rerun(clean, tmp_path, damage)
    assert "entrée du cache endommagée" in capsys.readouterr().err
    assert published(tmp_path / "out") == published(clean / "clean")
    sheets, expected = workbook_sheets(tmp_path / "out" / "tables" / "calpae.xlsx"), \
        workbook_sheets(clean / "clean" / "tables" / "calpae.xlsx")
    assert sheets.keys() == expected.keys()
    for name in sheets:
        pd.testing.assert_frame_equal(sheets[name], expected[name])
    assert (entry / DIGESTS_NAME).is_file()  # rebuilt under the same key, with its digests
    rebuilt = json.loads((entry / DIGESTS_NAME).read_text(encoding="utf-8"))
    assert rebuilt == folder_digests(entry)
    if damage is truncated_html:
        assert run.executed == 1  # that notebook only, executed again


def test_an_intact_store_publishes_without_any_report(clean, tmp_path, capsys):
    run, _ = rerun(clean, tmp_path, lambda store: None)
    assert run.executed == 0
    assert "endommagée" not in capsys.readouterr().err
    assert published(tmp_path / "out") == published(clean / "clean")


# --- the parsed report: plain data, never a pickle ------------------------------------------

def test_a_parsed_report_reads_back_equal(tmp_path, bundled_report):
    report = loading.load_report(BUNDLED, store_dir=tmp_path)
    again = loading.load_report(BUNDLED, store_dir=tmp_path)
    assert again.doc == report.doc and again.meta == report.meta and again.doc.text == report.doc.text
    assert again.tables.keys() == bundled_report.tables.keys()
    for name, table in bundled_report.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table, check_exact=True)


class Payload:
    """Unpickling it would create a file: proof that a stored pickle was executed."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def replace_entry(store: ResultStore, key: str, data: bytes) -> None:
    """Put ``data`` in the entry with valid digests: what an attacker with write access would do."""
    entry = store.path_for(key)
    (entry / ENTRY_FILE).write_bytes(data)
    (entry / DIGESTS_NAME).write_text(json.dumps(folder_digests(entry)), encoding="utf-8")


def test_a_crafted_pickle_in_the_store_is_never_executed(tmp_path, capsys):
    store_dir = tmp_path / "parsed"
    report = loading.load_report(BUNDLED, store_dir=store_dir)
    proof = tmp_path / "executed"
    replace_entry(ResultStore(store_dir), loading.parsed_key(BUNDLED), pickle.dumps(Payload(proof)))
    again = loading.load_report(BUNDLED, store_dir=store_dir)
    assert not proof.exists()
    assert again.meta == report.meta
    assert "endommagée" in capsys.readouterr().err


def test_a_record_naming_another_class_is_refused(tmp_path):
    data = records.dumps({"a": 1}).replace(b'"__dict__"', b'"__dataclass__":"Popen","fields":{},"x"')
    with pytest.raises(records.RecordError):
        records.loads(data, loading.ParsedReport)


def test_a_flipped_bit_in_a_parsed_entry_is_rebuilt(tmp_path, capsys):
    store_dir = tmp_path / "parsed"
    report = loading.load_report(BUNDLED, store_dir=store_dir)
    entry = ResultStore(store_dir).path_for(loading.parsed_key(BUNDLED)) / ENTRY_FILE
    flip_bit(entry, entry.read_bytes().index(b"source_line"))
    again = loading.load_report(BUNDLED, store_dir=store_dir)
    assert "endommagée" in capsys.readouterr().err
    assert list(again.tables["budgets"].columns) == list(report.tables["budgets"].columns)


def test_bad_input_creates_nothing_in_the_store(tmp_path):
    raw = tmp_path / "vide.txt"
    raw.write_text("rien\n", encoding="utf-8")
    with pytest.raises(InputError):
        loading.load_report(raw, store_dir=tmp_path / "store")
    assert not (tmp_path / "store").exists()


def test_an_edited_page_template_or_style_sheet_is_a_new_library(tmp_path, monkeypatch):
    """The HTML is made with the templates and the style sheet: an edit to either must not reuse stored pages."""
    from calpae_lib.publish import store

    (tmp_path / "templates").mkdir()
    (tmp_path / "module.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(store, "LIBRARY_DIR", tmp_path)
    seen = []
    for name, text in (("", ""), ("templates/calpae.css", "a { text-decoration: underline; }"),
                       ("templates/page.html.j2", "<main id=\"contenu\">")):
        if name:
            (tmp_path / name).write_text(text, encoding="utf-8")
        store.library_fingerprint.cache_clear()
        seen.append(store.library_fingerprint())
    store.library_fingerprint.cache_clear()
    assert len(set(seen)) == 3
# --- a parsed record is bound to its raw file, and a bad one is replaced --------------------

def twice_reported(tmp_path, capsys, data: bytes):
    """Load the bundled report with ``data`` in its entry (valid digests), then load it again: the
    first load reports the entry and rebuilds it, the second reads the rebuilt entry, silently."""
    store_dir = tmp_path / "parsed"
    report = loading.load_report(BUNDLED, store_dir=store_dir)
    replace_entry(ResultStore(store_dir), loading.parsed_key(BUNDLED), data)
    capsys.readouterr()
    first = loading.load_report(BUNDLED, store_dir=store_dir)
    assert "endommagée" in capsys.readouterr().err
    second = loading.load_report(BUNDLED, store_dir=store_dir)
    assert "endommagée" not in capsys.readouterr().err
    for again in (first, second):
        assert again.meta == report.meta and again.doc.sha256 == report.doc.sha256
        pd.testing.assert_frame_equal(again.tables["budgets"], report.tables["budgets"])


def test_a_record_of_another_report_with_rewritten_digests_is_never_read(tmp_path, capsys):
    """Another year's parsed record, put under this report's key with digests that match."""
    from .variants import bundled_text, shift_years, write_variant

    other = write_variant(tmp_path, shift_years(bundled_text(), 1), "calpae_autre.txt")
    other_store = ResultStore(tmp_path / "other")
    loading.load_report(other, store_dir=other_store.folder)
    twice_reported(tmp_path, capsys, other_store.get_bytes(loading.parsed_key(other)))


def test_a_record_of_another_shape_is_replaced(tmp_path, capsys):
    twice_reported(tmp_path, capsys, records.dumps({"a": 1}))


def test_a_deeply_nested_record_is_rebuilt(tmp_path, capsys):
    depth = 200_000
    twice_reported(tmp_path, capsys, b'{"format":"' + records.FORMAT.encode() + b'","value":' + b"[" * depth
                   + b"]" * depth + b"}")


def test_deeply_nested_digests_are_a_damaged_entry(tmp_path, capsys):
    store = ResultStore(tmp_path)
    entry = store.put_bytes("k1", b"x").parent
    (entry / DIGESTS_NAME).write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    assert store.get_bytes("k1") is None
    assert "endommagée" in capsys.readouterr().err
