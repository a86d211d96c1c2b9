"""The run's worker processes: a pool started only when there is work, each worker bound to its
parent's life (Linux ``prctl``) and forked with papermill, the exporter and a kernel ready."""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from calpae_lib.publish import config, kernels
from calpae_lib.publish import notebooks as publish


class LazyPool:
    """A process pool and a kernel template, started when first needed (a run with nothing to do
    starts neither).

    The template (:class:`calpae_lib.publish.kernels.KernelTemplate`) imports what the notebooks
    of ``notebooks_dir`` import while the main process loads papermill and the HTML exporter once
    for all workers, then parses and plans; each worker forks a kernel from the template ahead of
    its first notebook (:func:`warm_worker`).
    """

    def __init__(self, workers: int, notebooks_dir: Path = config.NOTEBOOKS_DIR,
                 template: kernels.KernelTemplate | None = None):
        self.workers, self.notebooks_dir = workers, Path(notebooks_dir)
        self.pool, self.template = None, template
        #: Seconds the start took in the main process (loading papermill and the exporter).
        self.seconds = 0.0

    def start(self) -> None:
        if self.pool is None:
            start = time.perf_counter()
            self.template = self.template or kernels.KernelTemplate.for_notebooks(self.notebooks_dir)
            load_notebook_machinery()  # once, here: the workers are forked with it
            self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=warm_worker,
                                            initargs=(self.template.socket_path, self.notebooks_dir, os.getpid()))
            for _ in range(self.workers):  # workers are spawned on demand: ask for all of them now
                self.pool.submit(int)
            self.seconds = time.perf_counter() - start

    def submit(self, function, *args):
        self.start()
        return self.pool.submit(function, *args)

    def close(self) -> None:
        """Cancel what has not started, wait for what has, stop the template (once)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.template is not None:
            self.template.close()
        self.pool = self.template = None


def warm_worker(template_socket: str, notebooks_dir: Path, parent: int | None = None) -> None:
    """A worker's start: bound to its parent's life, quiet, with what every notebook job needs already
    imported, and a kernel forked ahead for its first notebook."""
    end_with_parent(parent)
    publish.quiet_worker()
    kernels.forget_inherited_event_loop()
    load_notebook_machinery()
    publish.use_kernel_template(template_socket, notebooks_dir)


def load_notebook_machinery() -> None:
    """papermill and the HTML exporter, imported and built (about a second of CPU): in the main
    process before the workers are forked, so that they inherit them."""
    publish.skip_unused_slow_imports()
    import papermill  # noqa: F401

    publish.html_exporter()
    kernels.load_provisioner()


PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int | None) -> None:
    """Have Linux kill this worker when its parent dies (even by SIGKILL); elsewhere, nothing.

    The worker's kernels end with it: ipykernel polls its parent (``JPY_PARENT_PID``).
    """
    if parent is None or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request: nobody will tell us
        os._exit(1)
