"""Kernels forked from a warm template give the outputs of a standard papermill execution (issue 16).

Every notebook of a report (and the comparison across years), each with the
parameters of its first job, is executed twice: by papermill with a standard
kernel, and by the fast path (a kernel
forked from the template, its imports done ahead). Their cells, outputs
included, and their HTML pages must be the same, clock times and the ids of the
cells papermill adds aside.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time

import nbformat
import pytest

from calpae_lib.publish import kernels
from calpae_lib.publish import notebooks as publish


def comparable(path):
    node = publish.without_run_details(nbformat.read(path, as_version=4))
    node.metadata.get("papermill", {}).pop("output_path", None)
    return node


def test_every_notebook_runs_on_both_paths(both_paths):
    _, jobs, standard, fast = both_paths
    notebooks = sorted(path.name for path in publish.config.NOTEBOOKS_DIR.glob("*.ipynb"))
    assert sorted(job.notebook.name for job in jobs) == notebooks  # every notebook, once
    assert [r.error for r in standard] == [None] * len(jobs)
    assert [r.error for r in fast] == [None] * len(jobs)


def test_fast_path_cells_equal_a_standard_papermill_execution(both_paths):
    root, jobs, standard, fast = both_paths
    for job, a, b in zip(jobs, standard, fast):
        expected, got = comparable(a.executed), comparable(b.executed)
        assert len(got.cells) == len(expected.cells), job.name
        for index, (want, have) in enumerate(zip(expected.cells, got.cells)):
            assert have.get("outputs") == want.get("outputs"), (job.name, index)
            assert have.get("execution_count") == want.get("execution_count"), (job.name, index)
        assert got == expected, job.name


def test_fast_path_pages_equal_a_standard_execution(both_paths):
    root, jobs, _, _ = both_paths
    for job in jobs:
        assert ((root / "fast" / f"{job.name}.html").read_bytes()
                == (root / "standard" / f"{job.name}.html").read_bytes()), job.name


def test_each_kernel_serves_one_notebook_and_none_outlives_the_template(tmp_path):
    template = kernels.KernelTemplate()
    try:
        first = kernels.start_kernel(template.socket_path, tmp_path)
        second = kernels.start_kernel(template.socket_path, tmp_path)
        pids = [first.provisioner.pid, second.provisioner.pid]
        assert pids[0] != pids[1] and os.getpid() not in pids
        kernels.stop_kernel(first)
        assert first.provisioner is None or not first.provisioner.has_process
    finally:
        template.close()
    survivor = kernels.ForkedProcess(pids[1])
    deadline = time.monotonic() + 10  # a bound against hanging: a SIGKILL is not seen at once
    while survivor.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert survivor.poll() is not None  # killed with the template
    kernels.stop_kernel(second)  # its sockets and context: left to the garbage collector, they hang pytest's exit


def test_a_template_closed_while_importing_stops_after_the_current_import(tmp_path, monkeypatch):
    """A run with nothing to do after all closes a template it started early: the template must
    not finish importing everything first."""
    (tmp_path / "first_slow.py").write_text(
        "import pathlib, time\n"
        "here = pathlib.Path(__file__).parent\n"
        "(here / 'first.started').touch()\n"
        "deadline = time.monotonic() + 60\n"
        "while not (here / 'go').exists() and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n", encoding="utf-8")
    (tmp_path / "second_slow.py").write_text(
        "import pathlib\n(pathlib.Path(__file__).parent / 'second.started').touch()\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    template = kernels.KernelTemplate(["first_slow", "second_slow"])
    deadline = time.monotonic() + 60
    while not (tmp_path / "first.started").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (tmp_path / "first.started").exists()  # the template is in the middle of its imports
    template.process.stdin.close()  # the run is done with it
    (tmp_path / "go").touch()  # the current import ends
    template.close()
    assert template.process.returncode == 0
    assert not (tmp_path / "second.started").exists()


def test_notebook_imports_are_read_from_the_code_cells(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    path = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[
        new_markdown_cell("import pas_du_code"),
        new_code_cell("import pandas as pd\nfrom calpae_lib.present import charts, views\nimport matplotlib.pyplot"),
        new_code_cell("%matplotlib inline"),
    ]), path)
    assert kernels.notebook_imports([path]) == [
        "pandas", "calpae_lib.present", "calpae_lib.present.charts", "calpae_lib.present.views"]


def test_kernels_exit_when_their_template_is_killed(tmp_path):
    template = kernels.KernelTemplate()
    try:
        manager = kernels.start_kernel(template.socket_path, tmp_path)
        publish.wait_until_ready(manager)
        template.process.kill()  # no clean close: the kernel must notice by itself
        kernels.ForkedProcess(manager.provisioner.pid).wait(timeout=30)
        kernels.stop_kernel(manager)
    finally:
        template.close()


def test_a_kernel_told_ready_at_once_gives_its_first_execution_whole(tmp_path):
    """The quick readiness check does not wait for IOPub to fall silent: a status message of the
    kernel_info request may still come, before the first execution's messages. nbclient reads only
    its own request's messages; those must all be there, in order, and nothing else may come but
    kernel_info's status."""
    from jupyter_core.utils import run_sync

    template = kernels.KernelTemplate()
    try:
        manager = kernels.start_kernel(template.socket_path, tmp_path)
        client = manager.client()
        assert type(client).__name__ == "QuickReadyClient"  # what papermill's nbclient gets from the manager
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=60)
        request = client.execute("print(6 * 7)")
        own, others = [], []
        while not own or own[-1] != ("status", "idle"):
            message = run_sync(client.iopub_channel.get_msg)(timeout=30)
            kind = (message["msg_type"], message["content"].get("execution_state"))
            if message["parent_header"].get("msg_id") == request:
                own.append(kind)
            else:
                others.append((message["parent_header"].get("msg_type"), kind[0]))
        assert own == [("status", "busy"), ("execute_input", None), ("stream", None), ("status", "idle")]
        assert set(others) <= {("kernel_info_request", "status")}
        client.stop_channels()
        kernels.stop_kernel(manager)
    finally:
        template.close()


class _ReplyingShell:
    """A shell channel that answers every kernel_info request at once."""

    def __init__(self, requests):
        self.requests = requests

    async def get_msg(self, timeout=None):
        return {"msg_type": "kernel_info_reply", "parent_header": {"msg_id": self.requests[-1]}, "content": {}}


class _SilentIOPub:
    async def get_msg(self, timeout=None):
        from queue import Empty

        raise Empty


@pytest.mark.parametrize("alive, message", [(True, "n'a pas répondu"), (False, "s'est arrêté")])
def test_the_quick_readiness_check_gives_up_when_iopub_never_connects(alive, message):
    """A kernel answering on shell but never on IOPub: the check ends, by its deadline or on the
    kernel's death, instead of asking again for ever."""
    from jupyter_core.utils import run_sync

    client = kernels.quick_ready_client_class()()
    requests = []

    def kernel_info():
        requests.append(f"request-{len(requests)}")
        return requests[-1]

    async def is_alive():
        return alive

    client.kernel_info, client.is_alive = kernel_info, is_alive
    client._shell_channel, client._iopub_channel = _ReplyingShell(requests), _SilentIOPub()
    with pytest.raises(RuntimeError, match=message):
        run_sync(client.wait_for_ready)(timeout=0.5)
    assert requests  # it did ask


def test_a_worker_hands_out_its_spare_kernel_and_starts_the_next_at_once(tmp_path):
    """The next notebook's kernel starts while this one runs; one in another folder starts there."""
    template = kernels.KernelTemplate()
    supply = publish.KernelSupply(template.socket_path, tmp_path)
    try:
        spare = supply.spare
        taken = supply.take(tmp_path)
        assert taken is spare and supply.spare is not None
        assert supply.spare.provisioner.pid != taken.provisioner.pid
        kernels.stop_kernel(taken)
        elsewhere = tmp_path / "ailleurs"
        elsewhere.mkdir()
        moved = supply.take(elsewhere)
        assert moved.provisioner.cwd == str(elsewhere) and supply.spare.provisioner.cwd == str(elsewhere)
        kernels.stop_kernel(moved)
    finally:
        supply.close()
        template.close()


def test_forked_kernels_talk_over_sockets_named_after_them_in_the_template_folder(tmp_path):
    """No TCP port: another process cannot take a forked kernel's sockets before it binds them."""
    template = kernels.KernelTemplate()
    try:
        manager = kernels.start_kernel(template.socket_path, tmp_path)
        publish.wait_until_ready(manager)
        info = manager.get_connection_info()
        assert info["transport"] == "ipc" and info["ip"].startswith(str(template.folder))
        sockets = [template.folder / f"{info['ip']}-{info[name]}" for name in
                   ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
        assert all(path.is_socket() for path in sockets)
        kernels.stop_kernel(manager)
        assert not any(path.exists() for path in sockets)
    finally:
        template.close()


def test_a_kernel_that_dies_before_its_notebook_is_replaced_once(tmp_path):
    template = kernels.KernelTemplate()
    supply = publish.KernelSupply(template.socket_path, tmp_path)
    try:
        dead = supply.spare.provisioner.pid
        os.kill(dead, signal.SIGKILL)  # the kernel started ahead dies while waiting for its notebook
        manager = supply.ready(tmp_path)
        assert manager.provisioner.pid != dead
        assert kernels.ForkedProcess(manager.provisioner.pid).poll() is None
        kernels.stop_kernel(manager)
    finally:
        supply.close()
        template.close()


def test_a_kernel_that_dies_at_every_start_fails_its_notebook_with_what_it_wrote(tmp_path, monkeypatch):
    options = kernels.kernel_options
    monkeypatch.setattr(kernels, "kernel_options", lambda cmd: options(cmd) + ["--no-such-option"])
    template = kernels.KernelTemplate()
    publish.SUPPLY.append(publish.KernelSupply(template.socket_path, tmp_path))
    notebook = tmp_path / "carnet.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}, "language_info": {"name": "python"}}), notebook)
    job = publish.NotebookJob(name="carnet", notebook=notebook, title="Carnet", parameters={})
    try:
        result = publish.execute_job(job, tmp_path / "build")
    finally:
        publish.SUPPLY.pop().close()
        template.close()
    assert result.error.startswith("le carnet carnet.ipynb (carnet) n'a pas pu être exécuté : le noyau s'est arrêté")
    assert "unrecognized arguments: --no-such-option" in result.error  # the kernel's own last words
    assert not template.folder.exists()


def test_kernels_killed_with_their_template_leave_nothing_in_the_temporary_folder(tmp_path, monkeypatch):
    """A worker's last kernel, started ahead, is never stopped: it dies with the template. Its
    connection file (holding its key), sockets and log must go with the template's folder."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    template = kernels.KernelTemplate()
    supply = publish.KernelSupply(template.socket_path, tmp_path)
    publish.wait_until_ready(supply.spare)
    assert os.path.dirname(supply.spare.connection_file) == str(template.folder)
    template.close()  # as at the end of a run: the workers are gone, their spare kernels with them
    assert list(temporary.iterdir()) == []


def test_a_temporary_folder_too_long_for_a_socket_s_path_is_not_used_for_them(tmp_path, monkeypatch):
    long = tmp_path / ("x" * 100)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    template = kernels.KernelTemplate()
    try:
        assert not str(template.folder).startswith(str(long))
        manager = kernels.start_kernel(template.socket_path, tmp_path)
        publish.wait_until_ready(manager)
        kernels.stop_kernel(manager)
    finally:
        template.close()
    assert not template.folder.exists()
