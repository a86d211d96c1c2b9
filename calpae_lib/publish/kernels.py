"""Notebook kernels forked from a warm template: a kernel's start costs a fork, not its imports.

A standard kernel is a new interpreter that imports ipykernel, then the
notebook imports pandas, matplotlib and calpae_lib: about two seconds of CPU
for every notebook, more than most notebooks' own work. Here one *template*
process per run (:class:`KernelTemplate`) imports all that once, while the
report is parsed, then forks one child per kernel asked for. The child is a
plain ipykernel started with jupyter_client's own command line, connection
file, working folder and environment, with a fresh IPython namespace: nothing
of the template runs in it but imports, so a notebook's outputs are those of a
standard papermill execution (``tests/test_kernels.py`` compares them).

Each kernel serves one notebook only. jupyter_client and nbclient drive it as
any other (calpae's kernel provisioner, :mod:`calpae_lib.publish.provisioner`,
gives jupyter_client the child's pid); :func:`start_kernel` returns a started
kernel manager for papermill's ``km`` argument.

Kernels forked here talk over UNIX sockets (jupyter_client's ``ipc`` transport) in the
template's folder, not over TCP: jupyter_client picks TCP ports by opening and
closing a socket, and another process may take the same port before the kernel
binds it, which kills the kernel at its start; a path made of the kernel's own
id is nobody else's. What a kernel writes to its standard output and error
goes to a log beside its sockets (:func:`kernel_log_tail` reads its end when a
kernel dies before it could answer).

Lifetimes: the template reads its standard input, a pipe from the process that
started it; when that process ends, however it ends, the pipe closes and the
template kills its kernels and exits (a template still importing stops after
the current import). A SIGTERM or SIGHUP to the template (sent to the whole
process group by ``timeout``, systemd or a closed terminal) ends it the same
way. Kernels also watch their parent (the template), as ipykernel does with
``JPY_PARENT_PID``.

Secrets: a kernel's connection file holds the key that signs its messages. It
lives only in the template's folder (mode 0700, named after the run's pid:
``calpae-kernels-<pid>-*``), which the template removes as it ends, the run
too; a folder left by a run killed outright (SIGKILL to every process) is
removed by the next template to start once its run's pid is gone
(:func:`sweep_stale_folders`).

Run as ``python -m calpae_lib.publish.kernels SOCKET MODULE...``: the template
itself (imports the modules, then serves fork requests on the UNIX socket).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

#: Imported in the template before any fork: ipykernel and what it needs to start, its debugger's
#: support included (debugpy: three quarters of a kernel's own start, imported by every kernel).
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython.core.interactiveshell")
#: Modules that hook into the running IPython shell when imported: never imported ahead, so that
#: a notebook importing them gets the same set-up as in a standard kernel.
SHELL_HOOKED = ("matplotlib.pyplot", "matplotlib_inline", "pylab", "IPython.terminal")
#: What ipykernel's launcher would run (``sys.argv[0]`` in a standard kernel).
LAUNCHER = "ipykernel_launcher"
#: The matplotlib backend ipykernel chooses before anything imports matplotlib.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


# --- the run's side --------------------------------------------------------------------------

class KernelTemplate:
    """The template process of one run: started at once, its imports done in the background."""

    def __init__(self, modules: list[str] | tuple = ()):
        sweep_stale_folders()
        self.folder = socket_folder()
        self.socket_path = str(self.folder / TEMPLATE_SOCKET)
        debug = os.environ.get("CALPAE_DEBUG")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, self.socket_path, *modules],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=None if debug else subprocess.DEVNULL)
        except BaseException:  # no template to remove it: a failed start leaves nothing behind
            remove_folder(self.folder)
            raise

    @classmethod
    def for_notebooks(cls, notebooks_dir: Path) -> KernelTemplate:
        """A template importing what the notebooks of ``notebooks_dir`` import."""
        return cls(notebook_imports(sorted(Path(notebooks_dir).glob("*.ipynb"))))

    def close(self) -> None:
        """Stop the template and every kernel it forked (a template still importing stops
        after its current import)."""
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        remove_folder(self.folder)  # done by the template as it ends; not if it was killed


def remove_folder(folder: Path) -> None:
    """Remove the template's folder and what it holds (sockets, connection files, logs), if still there
    (the run and its template may both be removing it)."""
    shutil.rmtree(folder, ignore_errors=True)


TEMPLATE_SOCKET = "template.sock"
#: The name of a template's folder: the prefix, the pid of the run that made it, a random part.
FOLDER_PREFIX = "calpae-kernels-"
FOLDER_NAME = re.compile(rf"^{FOLDER_PREFIX}(\d+)-\w+$")


def sweep_stale_folders(parents: tuple = ()) -> list[Path]:
    """Remove the template folders left by runs killed outright (their pid gone), which hold kernels'
    connection files and so their keys; the folders removed.

    Only this user's real folders (not a link planted by someone else) are removed, and not while
    a template still answers on its socket (a run whose pid this process cannot see, in another pid
    namespace). A pid given to another process since keeps its folder until that one ends too.
    """
    removed = []
    for parent in parents or dict.fromkeys((tempfile.gettempdir(), "/tmp")):
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        for name in names:
            match = FOLDER_NAME.match(name)
            folder = Path(parent, name)
            if match and owned_folder(folder) and not pid_alive(int(match.group(1))) \
                    and not template_answers(folder):
                remove_folder(folder)
                removed.append(folder)
    return removed


def owned_folder(folder: Path) -> bool:
    """Whether ``folder`` is a folder (not a link) that belongs to this user."""
    try:
        status = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid()


def template_answers(folder: Path) -> bool:
    """Whether a template listens on its socket in ``folder``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(folder / TEMPLATE_SOCKET))
        except OSError:
            return False
    return True


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


#: The longest path a UNIX socket can be bound to (macOS: 104 bytes with the final NUL, Linux 108).
SOCKET_PATH_MAX = 103
#: The longest name of a socket in the folder: a kernel's (:func:`start_kernel`), with its channel.
SOCKET_NAME_MAX = len("0123456789ab-99")


def socket_folder() -> Path:
    """A new private folder (mode 0700) for the template's and its kernels' sockets, named after this
    process: in the temporary folder, or in /tmp when the temporary folder's path is too long for a
    socket's (a long ``TMPDIR``)."""
    for parent in (None, "/tmp"):
        folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=parent))
        folder.chmod(0o700)  # mkdtemp's own mode: said again, since the connection files hold keys
        if len(os.fsencode(folder)) + 1 + SOCKET_NAME_MAX <= SOCKET_PATH_MAX:
            return folder
        folder.rmdir()
    raise RuntimeError(f"pas de dossier temporaire au chemin assez court pour les sockets des noyaux : {folder}")


def notebook_imports(notebooks) -> list[str]:
    """The modules the notebooks' code cells import at top level, in order, without those
    that hook into a running shell (:data:`SHELL_HOOKED`)."""
    import ast

    found = []
    for notebook in notebooks:  # read as JSON: nbformat is slow to import and not needed here
        for cell in json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse(source if isinstance(source, str) else "".join(source))
            except SyntaxError:  # IPython syntax (magics): the kernel will say
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found += [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return [m for m in dict.fromkeys(found) if not m.startswith(SHELL_HOOKED)]


def fork_kernel(socket_path: str, argv: list[str], cwd: str, env: dict, log: str = os.devnull) -> int:
    """Ask the template for a kernel running ``argv``'s ipykernel options, its output written
    to ``log``; its pid."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connect(connection, socket_path)
        connection.sendall(json.dumps({"argv": argv, "cwd": cwd, "env": env, "log": log}).encode() + b"\n")
        reply = json.loads(read_line(connection) or b"{}")
    if "pid" not in reply:
        raise RuntimeError(f"le modèle de noyaux n'a pas démarré de noyau : {reply.get('error', 'aucune réponse')}")
    return reply["pid"]


#: Seconds a worker waits for the template to open its socket (it does so as soon as it starts).
CONNECT_TIMEOUT = 120


def connect(connection: socket.socket, socket_path: str) -> None:
    """Connect to the template, waiting for it to have started."""
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        try:
            return connection.connect(socket_path)
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def read_line(connection: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


#: How often :meth:`ForkedProcess.wait` looks for its kernel: a killed kernel is gone in a few
#: milliseconds, and every notebook's kernel is stopped on the way to its export.
POLL_SECONDS = 0.002


class ForkedProcess:
    """Enough of :class:`subprocess.Popen` for jupyter_client, for a kernel the template forked.

    The template reaps its children at once, so a kernel that has exited no longer exists.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -signal.SIGKILL  # the template reaped it: its status is not ours
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(POLL_SECONDS)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


#: After a SIGKILL, how long to wait for the kernel to be gone (the template ignores SIGCHLD, so a
#: killed kernel vanishes within milliseconds).
KILL_SETTLE_SECONDS = 1.0


def kernel_options(cmd: list[str]) -> list[str]:
    """The ipykernel options of a kernel command: what follows ``-m ipykernel_launcher``.

    >>> kernel_options(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "/tmp/k.json", "--x=1"])
    ['-f', '/tmp/k.json', '--x=1']
    """
    if LAUNCHER in cmd:
        return cmd[cmd.index(LAUNCHER) + 1:]
    return [arg for arg in cmd if arg.startswith("-") or arg.endswith(".json")]


#: Seconds to wait for a kernel_info reply before asking again (as jupyter_client does), and how
#: often to look meanwhile whether the kernel died.
REPLY_WAIT = 1.0
ALIVE_CHECK_EVERY = 0.1
#: Seconds to wait for the first IOPub message after a kernel_info reply: it comes at once when
#: IOPub is connected (the kernel publishes its status for every request).
IOPUB_CONNECTED_WAIT = 0.2


def quick_ready_client_class():
    """jupyter_client's asynchronous client, told ready without waiting for IOPub to fall silent.

    jupyter_client's own readiness check ends by reading IOPub until 0.2 s pass without a
    message: 0.2 s asleep every time, twice per notebook (the worker's check, then nbclient's),
    in all about a tenth of a cold run. What is still in flight then only concerns the
    kernel_info request, and nbclient reads only the messages of its own requests: it is dropped
    without waiting. A kernel is ready, as there, when it answered kernel_info and IOPub is
    connected.
    """
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_core.utils import ensure_async

    class QuickReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                request = self.kernel_info()
                reply = await self.reply_or_death(REPLY_WAIT)
                if reply is not None and reply["msg_type"] == "kernel_info_reply" \
                        and reply["parent_header"].get("msg_id") == request:
                    try:  # IOPub connected: the request's status message arrives on it
                        await ensure_async(self.iopub_channel.get_msg(timeout=IOPUB_CONNECTED_WAIT))
                    except Empty:
                        pass  # not connected yet: ask again, as jupyter_client does, once alive and in time
                    else:
                        adapt_to(self.session, reply)
                        break
                if not await ensure_async(self.is_alive()):
                    raise KernelDied("le noyau s'est arrêté avant de répondre à sa première demande")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"le noyau n'a pas répondu en {timeout} s")
            while True:  # what IOPub already holds of that request, without waiting for more
                try:
                    await ensure_async(self.iopub_channel.get_msg(timeout=0))
                except Empty:
                    break

        async def reply_or_death(self, seconds: float):
            """The next shell message within ``seconds`` (None if none came), looking between short
            waits whether the kernel is still alive: a kernel dead at its start is seen at once."""
            deadline = time.monotonic() + seconds
            while True:
                try:
                    return await ensure_async(self.shell_channel.get_msg(timeout=ALIVE_CHECK_EVERY))
                except Empty:
                    if not await ensure_async(self.is_alive()):
                        raise KernelDied("le noyau s'est arrêté avant de répondre à sa première demande") from None
                    if time.monotonic() > deadline:
                        return None

    return QuickReadyClient


def adapt_to(session, reply: dict) -> None:
    """Speak the kernel's version of the messaging protocol, as its ``kernel_info_reply`` gives it
    (what jupyter_client's own readiness check does with it, through public names)."""
    from jupyter_client import protocol_version_info

    major = int(reply["content"]["protocol_version"].split(".")[0])
    if major != protocol_version_info[0]:
        session.adapt_version = major


class KernelDied(RuntimeError):
    """A kernel ended before it could answer its first request."""


#: The name of calpae's kernel provisioner (:mod:`calpae_lib.publish.provisioner`) in jupyter_client's
#: entry point group ``jupyter_client.kernel_provisioners`` (``pyproject.toml``).
PROVISIONER = "calpae-forked"


def load_provisioner() -> None:
    """jupyter_client's provisioners found (it reads every package's entry points) and calpae's
    imported: once, in the process that forks the workers, rather than in each of them."""
    from jupyter_client.provisioning import KernelProvisionerFactory

    KernelProvisionerFactory.instance()
    importlib.import_module("calpae_lib.publish.provisioner")


def start_kernel(socket_path: str, cwd: Path, kernel_name: str = "python3"):
    """A started kernel manager whose kernel is forked from the template, for papermill's ``km``.

    Its kernel specification names calpae's provisioner (:data:`PROVISIONER`) and its configuration,
    as jupyter_client documents. Its sockets, connection file and log are in the template's folder,
    named after the kernel's id. nbclient's own start would add ``--HistoryManager.hist_file=:memory:``:
    so does this.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    kernel_id = str(uuid.uuid4())
    prefix = Path(socket_path).parent / kernel_id[:12]  # short: see SOCKET_NAME_MAX
    # its connection file (which holds its key) there too, not in the temporary folder: it goes with
    # the template's folder, even when the kernel is not stopped but killed with the template
    manager = AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=str(prefix),
                                 connection_file=f"{prefix}.json")
    manager.client_factory = quick_ready_client_class()
    manager.kernel_spec.metadata["kernel_provisioner"] = {
        "provisioner_name": PROVISIONER, "config": {"socket_path": socket_path, "output_log": f"{prefix}.log"}}
    run_sync(manager.start_kernel)(cwd=str(cwd), kernel_id=kernel_id,
                                   extra_arguments=["--HistoryManager.hist_file=:memory:"])
    return manager


def kernel_log_tail(manager, lines: int = 1) -> str:
    """The last ``lines`` a forked kernel wrote to its standard output or error, joined by " / "
    (empty when it wrote nothing)."""
    try:
        text = Path(manager.provisioner.output_log).read_text(encoding="utf-8", errors="replace")
    except (AttributeError, OSError):  # not forked here, or no log written
        return ""
    return " / ".join([line.strip() for line in text.splitlines() if line.strip()][-lines:])


def forget_inherited_event_loop() -> None:
    """In a process forked from one that ran kernels: a new event loop for jupyter_client.

    The parent's loop shares its epoll file with the parent; used here, it spins on
    interrupted calls. jupyter_core keeps the loop of each thread: closed here (which closes only
    this process's copy of its files), it is replaced by a new one.
    """
    from jupyter_core.utils import ensure_event_loop

    ensure_event_loop().close()
    ensure_event_loop()


def stop_kernel(manager) -> None:
    """Kill a kernel at once and remove its sockets, connection file and log."""
    from jupyter_core.utils import run_sync

    log = getattr(manager.provisioner, "output_log", os.devnull)
    try:
        run_sync(manager.shutdown_kernel)(now=True)
    except RuntimeError:  # already gone
        pass
    if log != os.devnull:
        Path(log).unlink(missing_ok=True)


# --- the template's side ---------------------------------------------------------------------

def preload(modules: list[str], stop=lambda: False) -> None:
    """Import ipykernel and ``modules`` (a name that is not a module is skipped); return early
    when ``stop()`` becomes true between two imports."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # as ipykernel does, before matplotlib
    for name in (*KERNEL_MODULES, *modules):
        if stop():
            return
        try:
            importlib.import_module(name)
        except Exception:  # an attribute imported with "from", or a failing import the kernel will show
            pass


#: Signals that end the template as its input closing does (its kernels killed, its folder removed):
#: what ``timeout``, systemd, a closed terminal or ``kill -TERM -PGID`` send to the whole group.
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Ended(BaseException):
    """The template was told to end by a signal (:data:`ENDING_SIGNALS`)."""


def end_on_signal(signum, frame) -> None:
    raise Ended(signum)


def serve(socket_path: str, modules: list[str]) -> None:
    """Fork one kernel per request until standard input closes or an ending signal comes, then kill
    the kernels and remove the folder of ``socket_path`` (however the template ends, a start that
    failed included)."""
    if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel's launcher: no working folder
        del sys.path[0]
    children: list[int] = []
    try:
        for signum in ENDING_SIGNALS:
            signal.signal(signum, end_on_signal)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped at once: no zombies
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle; it closes our stdin
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(socket_path)
        listener.listen(64)  # requests wait here while the imports are done
        preload(modules, stop=lambda: input_closed(sys.stdin))
        while True:
            ready, _, _ = select.select([listener, sys.stdin], [], [])
            if sys.stdin in ready and input_closed(sys.stdin):
                break
            if listener in ready:
                connection, _ = listener.accept()
                with connection:
                    answer(connection, listener, children)
    except Ended:
        pass
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, ENDING_SIGNALS)  # the clean-up is not cut short
        for pid in children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        # the run that started us may have been killed, without a chance to remove the folder
        remove_folder(Path(socket_path).parent)


def input_closed(stream) -> bool:
    """Whether the other end of ``stream`` (a pipe nobody writes to) has closed it, without waiting."""
    ready, _, _ = select.select([stream], [], [], 0)
    return bool(ready) and not os.read(stream.fileno(), 4096)


def answer(connection: socket.socket, listener: socket.socket, children: list[int]) -> None:
    """Read one request, fork its kernel (added to ``children``), reply with the kernel's pid.

    The ending signals wait while the kernel is forked and listed: a template that ends kills
    every kernel it made.
    """
    try:
        request = json.loads(read_line(connection))
    except ValueError as error:  # not a request (a probe of :func:`template_answers` sends nothing)
        with contextlib.suppress(OSError):
            connection.sendall(json.dumps({"error": str(error)}).encode() + b"\n")
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, ENDING_SIGNALS)
    pid = os.fork()
    if pid == 0:  # the kernel
        try:
            listener.close()
            connection.close()
            become_kernel(request)
        finally:
            os._exit(1)
    children.append(pid)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING_SIGNALS)
    with contextlib.suppress(OSError):  # a worker gone meanwhile: its kernel is killed with the others
        connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def become_kernel(request: dict) -> None:
    """In the forked child: the process a standard kernel launch would have made, then the kernel."""
    os.setsid()
    for signum in (signal.SIGCHLD, signal.SIGINT, *ENDING_SIGNALS):
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING_SIGNALS)  # blocked by the template for the fork
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    log = os.open(request.get("log", os.devnull), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    for fd in (1, 2):
        os.dup2(log, fd)
    os.chdir(request["cwd"])
    env = dict(request["env"], JPY_PARENT_PID=str(os.getppid()))
    os.environ.clear()
    os.environ.update(env)
    sys.argv = [str(Path(importlib.util.find_spec(LAUNCHER).origin)), *request["argv"]]
    reseed()
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # ipykernel read JPY_PARENT_PID when the template imported it: the parent to watch is set here,
    # so that a kernel whose template died (killed, with its run) exits too
    app.parent_handle = os.getppid()
    app.initialize(request["argv"])
    app.start()
    os._exit(0)


def reseed() -> None:
    """Random states drawn afresh, as a new interpreter would (Python's ``random`` reseeds itself)."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
    # Nothing left to write: skip the interpreter's teardown of everything preload imported
    # (about 0.25 s, which the run waits for before it returns).
    os._exit(0)
