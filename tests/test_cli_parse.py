"""``calpae parse``: tables and summary on the bundled report, clear errors on bad input."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from calpae_lib.publish.cli import main
from calpae_lib.tables.export import sheet_title

from .variants import BUNDLED, bundled_text, replace_line, write_variant

TABLES = ["actions", "budgets", "budget_details", "annex_budget"]


def first_lines(count):
    return "\n".join(bundled_text().split("\n")[:count])


def test_parse_writes_tables_and_prints_summary(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["parse", str(BUNDLED), "--out", str(out)]) == 0
    printed = capsys.readouterr().out.replace("\u202f", " ").replace("\xa0", " ")
    assert "année 2022" in printed
    assert "Socle commun 20, Initiative départementale 8, ERBM 6" in printed
    assert "Total prévu (fiches 5.1), État : 7 136 490 €" in printed
    assert "Annexe, ERBM : avenant 1 000 000 €, engagé 1 159 625 €" in printed
    assert "Avertissement" not in printed
    for name in TABLES:
        assert (out / f"{name}.csv").is_file()
    budgets = pd.read_csv(out / "budgets.csv")
    assert list(budgets.columns) == ["action_id", "stage", "financeur", "amount_eur", "label", "source_line"]
    assert set(pd.ExcelFile(out / "calpae.xlsx").sheet_names) >= {sheet_title(name) for name in TABLES}
    assert (out / "excel" / "budgets.csv").is_file() and (out / "datapackage.json").is_file()


def test_summary_follows_a_variant(tmp_path, capsys):
    text = replace_line(bundled_text(), 10267, "Projets innovants", "Chantier naval de plaisance")
    path = write_variant(tmp_path, text)
    assert main(["parse", str(path), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "Avertissement : ligne 10267" in printed and "Chantier naval" in printed


BAD_INPUTS = {
    "empty": (b"", "vide"),
    "binary": (bytes(range(256)) * 8, ""),
    "not_calpae": ("Compte rendu du conseil municipal\nOrdre du jour\n".encode(), "CALPAE"),
    "cut_in_actions": (first_lines(3000).encode(), "tronqué"),
    "cut_before_annexes": (first_lines(10180).encode(), "tronqué"),
    "cut_in_annexes": (first_lines(10330).encode(), "tronqué"),
    "letter_o_in_amount": (replace_line(bundled_text(), 517, "80 000 € 80 000 €", "80 000 € 8O 000 €").encode(),
                           ":517:"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, name):
    data, expected = BAD_INPUTS[name]
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    out = tmp_path / "out"
    assert main(["parse", str(path), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("calpae: erreur : ") and captured.err.count("\n") == 1
    assert expected in captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_entry_point_refuses_bad_input(tmp_path):
    """The installed ``calpae`` command: one stderr line, exit 2, no traceback."""
    command = Path(sys.executable).with_name("calpae")
    path = tmp_path / "cut.txt"
    path.write_text(first_lines(5000), encoding="utf-8")
    result = subprocess.run([str(command), "parse", str(path), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "tronqué" in result.stderr
    assert not (tmp_path / "out").exists()


def test_entry_point_runs_exit_handlers_writes_everything_and_keeps_the_status(tmp_path):
    """The command ends without the interpreter's teardown: what main printed, and what the exit
    handler of a library loaded on the way prints, still come out whole, and the status is main's."""
    script = ("import atexit, sys\n"
              f"sys.argv = ['calpae', 'check', {str(tmp_path / 'absent.txt')!r}]\n"
              "from calpae_lib.publish import cli\n"
              "checked = cli.main\n"
              "def main():\n"
              "    atexit.register(lambda: print('handler ran'))\n"  # as logging or openpyxl do when imported
              "    return checked()\n"
              "cli.main = main\n"
              "print('x' * 100000)\n"  # more than a pipe's buffer: flushed, not lost
              "cli.entry()\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stdout == "x" * 100000 + "\nhandler ran\n"
    assert result.stderr.count("\n") == 1 and "introuvable" in result.stderr


def test_the_command_s_module_loads_no_library_with_an_exit_handler():
    """:func:`calpae_lib.publish.cli.entry` registers its own exit handler first, so that it runs
    last: the modules loaded before it must not register any (those known to are not loaded)."""
    script = ("import sys\nimport calpae_lib.publish.cli\n"
              "print(sorted(m for m in ('logging', 'multiprocessing', 'concurrent.futures',"
              " 'openpyxl', 'matplotlib', 'pandas') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout == "[]\n", result.stderr


def test_unchanged_report_is_not_rewritten(tmp_path, capsys):
    """A second parse of the same raw file with the same library leaves the tables as they are."""
    out = tmp_path / "tables"
    assert main(["parse", str(BUNDLED), "--out", str(out)]) == 0
    first = (out / "budgets.csv").stat().st_mtime_ns
    capsys.readouterr()
    assert main(["parse", str(BUNDLED), "--out", str(out)]) == 0
    assert "Tables à jour" in capsys.readouterr().out
    assert (out / "budgets.csv").stat().st_mtime_ns == first
    assert main(["parse", str(BUNDLED), "--out", str(out), "--force"]) == 0
    assert "Tables écrites" in capsys.readouterr().out


def test_changed_report_rewrites_its_tables(tmp_path, capsys):
    out = tmp_path / "tables"
    raw = write_variant(tmp_path, bundled_text())
    assert main(["parse", str(raw), "--out", str(out)]) == 0
    source = (out / "source.json").read_text(encoding="utf-8")
    raw.write_text(bundled_text() + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["parse", str(raw), "--out", str(out)]) == 0
    assert "Tables écrites" in capsys.readouterr().out
    assert (out / "source.json").read_text(encoding="utf-8") != source


@pytest.mark.parametrize("argv", [["parse", "{missing}"], ["check", "{missing}"], ["run", "--raw", "{missing}"],
                                  ["run", "{missing}"]])
def test_missing_raw_file_is_a_one_line_error(tmp_path, capsys, argv):
    """Regression: a missing file once reached the cache's checksum and raised a traceback."""
    missing = str(tmp_path / "absent.txt")
    assert main([a.format(missing=missing) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "absent.txt" in err and "Traceback" not in err


def test_output_closed_early_is_not_an_error(tmp_path):
    """`calpae check RAW | head -1` ends quietly, without a BrokenPipeError traceback."""
    result = subprocess.run(
        f'"{sys.executable}" -c "import sys; from calpae_lib.publish.cli import main; sys.exit(main())" '
        f'check "{BUNDLED}" | head -1', shell=True, capture_output=True, text=True, timeout=300)
    assert result.stdout.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_internal_defect_is_one_line_unless_debugging(monkeypatch, capsys):
    """A bug of calpae (not of the input) gives one line and status 3; CALPAE_DEBUG=1 shows the trace."""
    import calpae_lib.publish.loading

    def broken(path, *args, **kwargs):
        raise IndexError("list index out of range")

    monkeypatch.setattr(calpae_lib.publish.loading, "load_report", broken)
    monkeypatch.delenv("CALPAE_DEBUG", raising=False)
    assert main(["check", str(BUNDLED)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "IndexError" in err and "CALPAE_DEBUG=1" in err
    monkeypatch.setenv("CALPAE_DEBUG", "1")
    with pytest.raises(IndexError):
        main(["check", str(BUNDLED)])


def test_version(capsys):
    from calpae_lib import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and capsys.readouterr().out.strip() == f"calpae {__version__}"
