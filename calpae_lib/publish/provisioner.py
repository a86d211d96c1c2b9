"""jupyter_client's kernel provisioner for the kernels forked from calpae's template.

Declared in ``pyproject.toml`` under jupyter_client's entry point group
``jupyter_client.kernel_provisioners`` as :data:`~calpae_lib.publish.kernels.PROVISIONER`;
:func:`calpae_lib.publish.kernels.start_kernel` names it, with its configuration,
in the kernel specification's ``metadata.kernel_provisioner``, as jupyter_client
documents. It is jupyter_client's local provisioner, launching through the
template (:func:`calpae_lib.publish.kernels.fork_kernel`) instead of ``Popen``.
"""

from __future__ import annotations

import os
import subprocess

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

from calpae_lib.publish import kernels


class ForkedKernelProvisioner(LocalProvisioner):
    """A kernel forked by the template listening on :attr:`socket_path`, its output written to
    :attr:`output_log` (``log`` is traitlets' logger)."""

    socket_path = Unicode("", config=True, help="The template's UNIX socket.")
    output_log = Unicode(os.devnull, config=True, help="Where the kernel's standard output and error go.")

    async def launch_kernel(self, cmd: list[str], **kwargs):
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = "template"  # replaced by the template's pid in the child
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = kernels.fork_kernel(self.socket_path, kernels.kernel_options(cmd), cwd, env, self.output_log)
        self.process = kernels.ForkedProcess(pid)
        self.pid = self.pgid = pid  # the child leads its own session, as Popen(start_new_session)
        self.cwd = cwd
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        """SIGKILL, then the few milliseconds the kernel takes to be gone: jupyter_client's own
        wait looks again only 0.1 s later, and each notebook's kernel is stopped before its export."""
        await super().kill(restart=restart)
        if self.process is not None:
            try:
                self.process.wait(timeout=kernels.KILL_SETTLE_SECONDS)
            except subprocess.TimeoutExpired:  # jupyter_client's own wait follows
                pass
