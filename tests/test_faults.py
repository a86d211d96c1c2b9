"""Crashes, concurrent runs, dead kernels and full disks never damage a published output.

A run of ``calpae run``'s logic is started as its own process on tiny
notebooks (tests/tiny_notebooks.py) and killed with SIGKILL, by its own
process id, at a chosen moment: while a notebook runs, just before the swap,
just after the atomic exchange, and between the two renames of a system
without exchange. The moment is signalled by a marker file the process
writes before it waits; the test waits for the marker (no timing). Then: the
previous output is intact, no process of the run is left, and a rerun
leaves no staging folder behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from calpae_lib.errors import CalpaeError, NotebookError, output_error
from calpae_lib.publish import atomic, batch
from calpae_lib.publish.cli import main

from .conftest import production_date_fixed, published
from .tiny_notebooks import write_tiny_notebooks
from .variants import BUNDLED, bundled_text, shift_years, write_variant

#: Runs the batch in this process, after wrapping the step where it must stop (argv: out, store,
#: notebooks, raw, moment); the marker's path comes in CALPAE_FAULT_MARK, which kernels inherit.
RUNNER = r"""
import os, sys, time
from pathlib import Path
from calpae_lib.publish import atomic, batch

out, store, notebooks, raw, moment = sys.argv[1:6]

def pause(label):
    Path(os.environ["CALPAE_FAULT_MARK"]).write_text(label)
    time.sleep(3600)

if moment == "before-swap":
    real_replace = batch.replace_directory
    batch.replace_directory = lambda source, target: (pause(moment), real_replace(source, target))
elif moment == "after-exchange":
    real_exchange = atomic.exchange
    def exchange(first, second):
        done = real_exchange(first, second)
        pause(moment)
        return done
    atomic.exchange = exchange
elif moment == "between-renames":
    atomic.exchange = lambda first, second: False
    real_rename = Path.rename
    def rename(self, target):
        moved = real_rename(self, target)
        if ".old-" in str(target):
            pause(moment)
        return moved
    Path.rename = rename
batch.run_reports([raw], out=Path(out), workers=2, notebooks_dir=Path(notebooks), store_dir=Path(store),
                  force=moment == "notebook")
"""

pytestmark = pytest.mark.usefixtures("fixed_date")


MOMENTS = ["notebook", "before-swap", "after-exchange", "between-renames"]


def marked_processes(mark: Path) -> list[int]:
    """Live processes whose environment carries ``mark`` (the run, its workers, their kernels)."""
    needle = f"CALPAE_FAULT_MARK={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if needle in environ.split(b"\0") and state != "Z":
                found.append(int(entry.name))
    return found


def wait_for(condition, what: str, limit: float = 120.0):
    """Poll until ``condition()`` holds; a bound against hanging, not a measure."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.1)


def start_run(tmp_path: Path, out: Path, notebooks: Path, moment: str, raw: Path = BUNDLED):
    mark = tmp_path / f"mark-{moment}"
    env = {**os.environ, "CALPAE_FAULT_MARK": str(mark)}
    process = subprocess.Popen([sys.executable, "-c", RUNNER, str(out), str(tmp_path / "store"), str(notebooks),
                                str(raw), moment], env=env, stderr=subprocess.PIPE, text=True)
    return process, mark


def leftovers(out: Path, store: Path) -> list[str]:
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and
              p.name != f".{out.name}.lock"]
    inside = [p.relative_to(out).as_posix() for p in out.rglob(".*")]
    staging = [p.name for p in store.rglob(".tmp-*")]
    return beside + inside + staging


@pytest.fixture(scope="module")
def sleepy_notebooks(tmp_path_factory):
    """Tiny notebooks whose synthesis signals, then waits, when ``CALPAE_FAULT_MARK`` says so."""
    folder = write_tiny_notebooks(tmp_path_factory.mktemp("faults") / "notebooks")
    node = nbformat.read(folder / "synthese.ipynb", as_version=4)
    node.cells.append(new_code_cell(
        "import os, pathlib, time\n"
        "mark = pathlib.Path(os.environ.get('CALPAE_FAULT_MARK', '') + '')\n"
        "if mark.name == 'mark-notebook':\n"
        "    mark.write_text('notebook'); time.sleep(3600)"))
    nbformat.write(node, folder / "synthese.ipynb")
    return folder


@pytest.fixture(scope="module")
def clean_run(sleepy_notebooks):
    """One clean run (output and store), copied by each test that kills the next one."""
    root = sleepy_notebooks.parent
    with production_date_fixed():
        batch.run_reports([BUNDLED], out=root / "out", workers=1, notebooks_dir=sleepy_notebooks,
                          store_dir=root / "store")
    return root


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_killed_run_leaves_the_output_whole_and_the_next_run_cleans_up(tmp_path, sleepy_notebooks, clean_run,
                                                                         moment):
    out = tmp_path / "out"
    shutil.copytree(clean_run / "out", out)
    shutil.copytree(clean_run / "store", tmp_path / "store")
    before = published(out)
    process, mark = start_run(tmp_path, out, sleepy_notebooks, moment)
    wait_for(lambda: mark.exists() or process.poll() is not None, f"the run reaching {moment}")
    assert process.poll() is None, process.stderr.read()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    wait_for(lambda: not marked_processes(mark), "every worker and kernel of the killed run ending")
    if moment != "between-renames":  # with an atomic exchange, no moment is without the output
        assert published(out) == before  # whole: the old output, or the new one made of the same inputs
    rerun = batch.run_reports([BUNDLED], out=out, workers=1, notebooks_dir=sleepy_notebooks,
                              store_dir=tmp_path / "store")
    assert rerun.outcomes
    assert published(out) == before  # restored or rebuilt, whole
    assert leftovers(out, tmp_path / "store") == []


def test_a_second_run_into_the_same_output_waits_for_the_first(tmp_path, sleepy_notebooks, clean_run):
    out = tmp_path / "out"
    shutil.copytree(clean_run / "store", tmp_path / "store")
    with atomic.output_lock(out, waiting=lambda message: None):
        process, _ = start_run(tmp_path, out, sleepy_notebooks, "none")
        line = process.stderr.readline()
        assert "un autre calpae" in line and str(os.getpid()) in line and str(out) in line
        assert not out.exists()
    assert process.wait() == 0, process.stderr.read()
    assert (out / "synthese.html").is_file()


# --- dead kernels and the failed notebooks' folder -------------------------------------------

def notebooks_with(tmp_path: Path, code: str) -> Path:
    folder = write_tiny_notebooks(tmp_path / "notebooks")
    node = nbformat.read(folder / "axe.ipynb", as_version=4)
    node.cells.append(new_code_cell(code))
    nbformat.write(node, folder / "axe.ipynb")
    return folder


#: Kills its kernel in the first notebook that runs it, only: each death costs the run about a
#: second (nbclient looks at its kernel's life once a second), one is enough to show what is kept.
DIE_ONCE = ("import os, pathlib\n"
            "if not pathlib.Path('mort').exists():\n    pathlib.Path('mort').touch()\n    os._exit(1)")


def test_a_dying_kernel_keeps_its_notebook(tmp_path):
    notebooks = notebooks_with(tmp_path, DIE_ONCE)
    with pytest.raises(NotebookError) as caught:
        batch.run_reports([BUNDLED], out=tmp_path / "out", workers=1, notebooks_dir=notebooks,
                          store_dir=tmp_path / "store")
    kept = sorted((tmp_path / "out.echec").glob("axe_*.ipynb"))
    named = [path for path in kept if str(path) in str(caught.value)]
    assert len(named) == 1  # the one whose kernel died, kept and named
    node = nbformat.read(named[0], as_version=4)
    assert any("os._exit" in cell.source for cell in node.cells)
    assert not (tmp_path / "out").exists()


def test_failed_notebooks_never_land_in_the_published_tree(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_variant(raw, bundled_text(), "calpae_a.txt")
    write_variant(raw, shift_years(bundled_text(), 1), "calpae_b.txt")
    notebooks = notebooks_with(tmp_path, "1 / 0")
    with pytest.raises(NotebookError):
        batch.run_reports([raw], out=tmp_path / "out", workers=2, notebooks_dir=notebooks,
                          store_dir=tmp_path / "store")
    kept = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "out.echec").rglob("*.ipynb"))
    assert kept and all(name.startswith("out.echec/pas-de-calais/") for name in kept)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.echec"))


# --- full disks ------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 256 KB tmpfs (root only), unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("a small tmpfs needs root and mount")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_for_the_tables_is_one_line_exit_2(small_disk, capsys):
    status = main(["parse", str(BUNDLED), "--out", str(small_disk / "tables")])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "plus de place sur le disque" in err and len(err.strip().splitlines()) == 1
    assert not (small_disk / "tables").exists()


def test_a_full_disk_for_the_reports_is_said_as_such(small_disk, tmp_path):
    with pytest.raises(Exception) as caught:
        batch.run_reports([BUNDLED], out=small_disk / "out", workers=1,
                          notebooks_dir=write_tiny_notebooks(tmp_path / "notebooks"), store_dir=tmp_path / "store")
    problem = caught.value if isinstance(caught.value, CalpaeError) else output_error(caught.value)
    assert problem is not None and problem.exit_status == 2, repr(caught.value)
    assert "place" in problem.message
    assert not (small_disk / "out").exists()
    assert not [p.name for p in small_disk.iterdir() if ".build-" in p.name]
