"""A run ended by a signal leaves no kernel secret in the temporary folder (issue 26, case 6).

The long version, 32 trials at random moments: ``python -m tests.signal_trials``.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from calpae_lib.publish import kernels

from . import signal_trials


@pytest.fixture
def short_tmp():
    """A folder whose path is short enough for the kernels' sockets (pytest's own is not: the
    template would then put them in /tmp, out of the trial's sight)."""
    folder = Path(tempfile.mkdtemp(prefix="calpae-sig-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.e2e
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL],
                         ids=lambda s: signal.Signals(s).name)
def test_a_signal_to_the_whole_group_while_kernels_run_leaves_no_secret_and_no_process(short_tmp, signum):
    command = [str(signal_trials.CALPAE), "run", str(signal_trials.BUNDLED), "--jobs", "2"]
    outcome = signal_trials.trial(short_tmp, signum, True, 0.0, command, with_kernels=True)
    assert outcome.status != 0, "the run ended before its kernels started"
    if signum != signal.SIGKILL:  # killed outright, nothing can clean: the next run does
        assert outcome.left_in_tmp == []
    assert outcome.strays == [] and outcome.strays_after_next == []
    assert outcome.next_status == 0 and outcome.left_after_next == []
    assert outcome.output_complete


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_this_user_s_folders_of_dead_runs_are_swept(tmp_path):
    dead = tmp_path / f"{kernels.FOLDER_PREFIX}{dead_pid()}-abc"
    alive = tmp_path / f"{kernels.FOLDER_PREFIX}{os.getpid()}-abc"
    for folder in (dead, alive):
        folder.mkdir()
        (folder / "k.json").write_text('{"key": "secret"}')
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / f"{kernels.FOLDER_PREFIX}{dead_pid()}-link"
    link.symlink_to(target)
    assert kernels.sweep_stale_folders((str(tmp_path),)) == [dead]
    assert not dead.exists() and (alive / "k.json").exists() and link.is_symlink() and target.exists()


def test_a_template_s_folder_is_private_and_named_after_its_run(tmp_path, monkeypatch):
    monkeypatch.setattr(kernels.tempfile, "tempdir", str(tmp_path))
    folder = kernels.socket_folder()
    try:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert kernels.FOLDER_NAME.match(folder.name).group(1) == str(os.getpid())
    finally:
        folder.rmdir()


def test_a_template_that_cannot_start_leaves_no_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(kernels.tempfile, "tempdir", str(tmp_path))

    def cannot_start(*args, **kwargs):
        raise OSError("no more processes")

    monkeypatch.setattr(kernels.subprocess, "Popen", cannot_start)
    with pytest.raises(OSError):
        kernels.KernelTemplate()
    assert list(tmp_path.iterdir()) == []


def test_a_template_told_to_end_kills_its_kernels_and_removes_its_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(kernels.tempfile, "tempdir", str(tmp_path))
    template = kernels.KernelTemplate()
    manager = kernels.start_kernel(template.socket_path, tmp_path)
    pid = manager.provisioner.pid
    template.process.send_signal(signal.SIGTERM)
    assert template.process.wait(timeout=30) == 0
    kernels.ForkedProcess(pid).wait(timeout=10)
    assert not template.folder.exists()
    template.close()


def test_a_template_whose_socket_cannot_be_made_removes_its_folder(tmp_path):
    folder = tmp_path / "calpae-kernels-1-x"
    folder.mkdir()
    too_long = str(folder / ("s" * 200))
    result = subprocess.run([sys.executable, "-m", "calpae_lib.publish.kernels", too_long], stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=60)
    assert result.returncode != 0 and not folder.exists()
