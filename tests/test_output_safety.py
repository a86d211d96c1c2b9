"""calpae replaces only what it made: never the user's folder, an input, a planted lock, another run's work.

Each test names the case of issue 26 it covers: ``--out`` naming a folder calpae did not make
(case 1), outputs nested in one another (case 4), a lock planted as a link (case 5), read-only
places (case 8). What the user reads is one line; the exit status is 2; nothing is touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calpae_lib.errors import CalpaeError
from calpae_lib.publish import atomic, batch, manifests
from calpae_lib.publish.cli import main

from .tiny_notebooks import write_tiny_notebooks
from .variants import BUNDLED, bundled_text, shift_years, write_variant


def snapshot(folder: Path) -> dict:
    """Every file under ``folder`` (hidden ones too) and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(capsys, *argv) -> str:
    """``calpae ARGV`` exits 2 with one line on stderr and nothing on stdout's last line: that line."""
    status = main([str(a) for a in argv])
    err = capsys.readouterr().err.strip()
    assert status == 2, err
    assert err.startswith("calpae: erreur : ") and "\n" not in err
    return err


@pytest.fixture
def raw_folder(tmp_path):
    """A folder holding a copy of the bundled report and a note of the user's."""
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(BUNDLED, folder / BUNDLED.name)
    (folder / "notes.txt.md").write_text("à garder", encoding="utf-8")
    return folder


# --- case 1: --out naming what calpae did not make ---------------------------------------------

def test_parse_into_the_folder_of_its_input_is_refused_and_the_input_kept(raw_folder, capsys, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "cache"))
    before = snapshot(raw_folder)
    line = refused(capsys, "parse", raw_folder / BUNDLED.name, "--out", raw_folder)
    assert BUNDLED.name in line and str(raw_folder) in line
    assert snapshot(raw_folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "raw"]  # nothing beside it either


def test_parse_into_an_ancestor_of_its_input_or_into_the_input_itself_is_refused(raw_folder, capsys, tmp_path,
                                                                                monkeypatch):
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "cache"))
    raw = raw_folder / BUNDLED.name
    before = snapshot(tmp_path / "raw")
    refused(capsys, "parse", raw, "--out", tmp_path)
    line = refused(capsys, "parse", raw, "--out", raw)
    assert "pas un dossier" in line
    assert snapshot(tmp_path / "raw") == before
    assert not [p for p in raw_folder.iterdir() if p.name.startswith(".")]  # not parked under a hidden name


def test_a_folder_calpae_did_not_make_is_never_replaced(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "cache"))
    project = tmp_path / "projet"
    (project / "src").mkdir(parents=True)
    (project / "src" / "main.py").write_text("print('à garder')", encoding="utf-8")
    before = snapshot(project)
    line = refused(capsys, "parse", BUNDLED, "--out", project)
    assert "pas une sortie de calpae" in line
    assert snapshot(project) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "projet"]


def test_a_run_into_a_folder_calpae_did_not_make_is_refused_before_anything_runs(tmp_path):
    project = tmp_path / "projet"
    project.mkdir()
    (project / "README.md").write_text("à garder", encoding="utf-8")
    notebooks = write_tiny_notebooks(tmp_path / "carnets")
    for out in (project, tmp_path):  # one report (the folder replaced), several (their root)
        raws = [BUNDLED] if out == project else [BUNDLED, write_variant(tmp_path / "carnets",
                                                                        shift_years(bundled_text(), 1), "b.txt")]
        with pytest.raises(CalpaeError) as caught:
            batch.run_reports(raws, out=out, workers=1, notebooks_dir=notebooks, store_dir=tmp_path / "store")
        assert caught.value.exit_status == 2 and str(out) in str(caught.value)
    assert snapshot(project) == {"README.md": "à garder".encode()}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_out_as_the_current_folder_or_a_link_to_nothing_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "cache"))
    here = tmp_path / "ici"
    here.mkdir()
    monkeypatch.chdir(here)
    refused(capsys, "parse", BUNDLED, "--out", ".")
    (tmp_path / "lien").symlink_to(tmp_path / "nulle-part")
    line = refused(capsys, "parse", BUNDLED, "--out", tmp_path / "lien")
    assert "lien symbolique" in line
    assert list(here.iterdir()) == [] and not (tmp_path / "nulle-part").exists()


def test_a_folder_calpae_made_is_replaced(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "tables"
    assert main(["parse", str(BUNDLED), "--out", str(out)]) == 0
    assert main(["parse", str(BUNDLED), "--out", str(out), "--force"]) == 0
    assert (out / "source.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "tables"]  # no lock, no copy left


# --- case 4: nested outputs ---------------------------------------------------------------------

def lock_is_free(path: Path) -> bool:
    """Whether a run could take the lock at ``path`` now (tried in another process, as a run would)."""
    code = ("import fcntl, os, sys\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError:\n    sys.exit(1)\n")
    return subprocess.run([sys.executable, "-c", code, str(path)]).returncode == 0


def test_a_several_reports_run_holds_the_lock_of_each_folder_it_publishes(tmp_path, monkeypatch):
    """What a single-report run into ``ROOT/<département>/<année>`` takes: it waits for the run into ROOT."""
    raw = tmp_path / "raw"
    raw.mkdir()
    write_variant(raw, bundled_text(), "calpae_a.txt")
    write_variant(raw, shift_years(bundled_text(), 1), "calpae_b.txt")
    root, seen = tmp_path / "out", []
    real_replace = batch.replace_directory

    def replace(source, target):
        seen.append(lock_is_free(target.with_name(f".{target.name}.lock")))
        real_replace(source, target)

    monkeypatch.setattr(batch, "replace_directory", replace)
    run = batch.run_reports([raw], out=root, workers=2, notebooks_dir=write_tiny_notebooks(tmp_path / "carnets"),
                            store_dir=tmp_path / "store")
    assert len(seen) == len(run.units) >= 2 and not any(seen)


def test_recovering_a_tree_leaves_the_folder_another_run_is_building(tmp_path):
    root = tmp_path / "out"
    target = root / "nord" / "2021"
    target.mkdir(parents=True)
    (target / manifests.MANIFEST_NAME).write_text("{}", encoding="utf-8")
    killed = atomic.staging_dir(root / "somme" / "2021")  # left by a killed run: mended
    with atomic.output_lock(target):  # a single-report run into ROOT/nord/2021, building
        building = atomic.staging_dir(target)
        (building / "index.html").write_text("en cours", encoding="utf-8")
        atomic.recover_tree(root)
        assert (building / "index.html").read_text(encoding="utf-8") == "en cours"
    assert not killed.exists()


def test_an_output_inside_another_output_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CALPAE_CACHE_DIR", str(tmp_path / "cache"))
    outer = tmp_path / "tables"
    assert main(["parse", str(BUNDLED), "--out", str(outer)]) == 0
    capsys.readouterr()
    before = snapshot(outer)
    line = refused(capsys, "parse", BUNDLED, "--out", outer / "dedans")
    assert str(outer) in line
    assert snapshot(outer) == before


# --- case 5: the lock ---------------------------------------------------------------------------

@pytest.mark.parametrize("planted", ["link", "foreign content", "another user's file"])
def test_a_planted_lock_is_refused_and_its_target_never_truncated(tmp_path, planted):
    out, victim = tmp_path / "out", tmp_path / "victime"
    victim.write_text("secret", encoding="utf-8")
    lock = tmp_path / ".out.lock"
    if planted == "link":
        lock.symlink_to(victim)
    elif planted == "foreign content":
        lock.write_text("secret", encoding="utf-8")
        victim = lock
    else:
        if os.geteuid() != 0:
            pytest.skip("giving a file to another user needs root")
        lock.write_text("4242", encoding="utf-8")  # a process id, but not this user's file
        os.chown(lock, 65534, 65534)
        victim = lock
    with pytest.raises(CalpaeError) as caught, atomic.output_lock(out):
        pass
    assert caught.value.exit_status == 2 and str(lock) in str(caught.value)
    assert victim.read_text(encoding="utf-8") == ("4242" if planted == "another user's file" else "secret")
    assert not out.exists()


def test_the_lock_is_taken_again_after_its_holder_removed_it(tmp_path):
    out = tmp_path / "out"
    with atomic.output_lock(out) as held:
        assert held and not lock_is_free(tmp_path / ".out.lock")
    assert not (tmp_path / ".out.lock").exists()
    with atomic.output_lock(out) as held:
        assert held


# --- case 8: read-only places (as an ordinary user: root writes anywhere) ------------------------

#: Root without the capabilities that let it write where permissions forbid: what an ordinary user meets.
ORDINARY = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def as_ordinary_user(home: Path, *argv) -> subprocess.CompletedProcess:
    """``calpae ARGV`` bound by the files' permissions, as any user but root is; its cache in ``home``."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("dropping root's capabilities needs root and setpriv")
    env = {**os.environ, "CALPAE_CACHE_DIR": str(home / "cache")}
    code = "import sys; from calpae_lib.publish.cli import main; sys.exit(main())"
    return subprocess.run(ORDINARY + [sys.executable, "-c", code, *map(str, argv)], capture_output=True,
                          text=True, env=env, timeout=900)


def test_a_read_only_output_is_refused_and_nothing_is_left_beside_it(tmp_path):
    out = tmp_path / "tables"
    assert as_ordinary_user(tmp_path, "parse", BUNDLED, "--out", out).returncode == 0
    out.chmod(0o555)
    try:
        before = snapshot(out)
        result = as_ordinary_user(tmp_path, "parse", BUNDLED, "--out", out, "--force")
        assert result.returncode == 2, result.stderr
        assert "lecture seule" in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert snapshot(out) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "tables"]
    finally:
        out.chmod(0o755)


def test_a_read_only_cache_is_refused_before_anything_is_published(tmp_path, bundled_out):
    """The cache of a complete run, made read-only: everything could be reused, but what the run did
    could not be kept; the run says so before it writes anything (it used to publish, then exit 2)."""
    shutil.copytree(bundled_out[0].parent / "store", tmp_path / "cache")
    subprocess.run(["chmod", "-R", "a-w", str(tmp_path / "cache")], check=True)
    try:
        result = as_ordinary_user(tmp_path, "run", BUNDLED.resolve(), "--out", tmp_path / "rapports")
        assert result.returncode == 2, result.stderr
        assert not (tmp_path / "rapports").exists()
        assert "lecture seule" in result.stderr and "CALPAE_CACHE_DIR" in result.stderr
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(tmp_path / "cache")], check=True)


def test_several_reports_go_beside_a_single_report_s_output_but_never_over_it(tmp_path):
    """``output/`` holds ``output/<année>/`` (one report) and ``output/<département>/<année>/`` (several):
    a several-reports run into it is accepted; a single report's run into it, or into a folder with
    the user's files, is refused."""
    notebooks = write_tiny_notebooks(tmp_path / "carnets")
    other = write_variant(tmp_path / "carnets", shift_years(bundled_text(), 1), "b.txt")
    out = tmp_path / "output"
    out.mkdir()
    (out / ".gitkeep").touch()  # as the project's output/ holds
    batch.run_reports([BUNDLED], out=out / "un-rapport", workers=1, notebooks_dir=notebooks,
                      store_dir=tmp_path / "store")
    run = batch.run_reports([BUNDLED, other], out=out, workers=2, notebooks_dir=notebooks,
                            store_dir=tmp_path / "store")
    assert (out / "un-rapport" / manifests.MANIFEST_NAME).is_file()
    assert len(list(out.glob(f"*/*/{manifests.MANIFEST_NAME}"))) == len(run.units)
    before = snapshot(out)
    with pytest.raises(CalpaeError, match="plusieurs rapports"):
        batch.run_reports([BUNDLED], out=out, workers=1, notebooks_dir=notebooks, store_dir=tmp_path / "store")
    (out / run.units[0].target.parent / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(CalpaeError, match="notes.txt"):
        batch.run_reports([BUNDLED, other], out=out, workers=2, notebooks_dir=notebooks,
                          store_dir=tmp_path / "store")
    assert snapshot(out) == {**before, run.units[0].target.parent.relative_to(out).as_posix() + "/notes.txt":
                             "à garder".encode()}
