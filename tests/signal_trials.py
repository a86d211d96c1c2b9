"""Signals to a run, at random moments: what stays in the temporary folder, which process survives.

Issue 26 (case 6): a signal to the whole process group (what ``timeout``,
systemd, a closed terminal or ``kill -TERM -PGID`` send) used to leave the
kernel template's folder in ``$TMPDIR``, with the kernels' connection files and
their keys. Each trial starts ``calpae run --force`` in a session of its own,
with a temporary folder, a result store and an environment marker of its own,
sends one signal (SIGTERM, SIGINT, SIGHUP or SIGKILL) to the main process or to
the whole group after a random delay, then looks:

- the temporary folder holds nothing (after SIGKILL of every process, what is
  left must be gone after the next run: it sweeps folders whose run died);
- no process carrying the trial's marker is left (kernels included);
- the next run (the same command without ``--force``) exits 0 and leaves
  nothing either;
- the output folder is either absent or complete (its ``index.html``).

Run ``python -m tests.signal_trials [--trials 32] [--seed N]``; ``tests/test_signals.py`` runs a few.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CALPAE = Path(sys.executable).parent / "calpae"
BUNDLED = PROJECT / "data" / "raw" / "calpae_2022_pas-de-calais.txt"
SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL)
#: The environment variable every process of a trial inherits (kernels included), to find strays.
MARKER = "CALPAE_SIGNAL_TRIAL"
#: Seconds a killed run's kernels may take to notice their template is gone (ipykernel polls each second).
SETTLE_SECONDS = 5.0


@dataclass
class Outcome:
    signum: int
    group: bool
    delay: float
    status: int | None
    left_in_tmp: list[str]
    strays: list[int]
    next_status: int | None = None
    left_after_next: list[str] | None = None
    strays_after_next: list[int] | None = None
    output_complete: bool = True

    @property
    def everything_killed(self) -> bool:
        return self.signum == signal.SIGKILL and self.group

    @property
    def ok(self) -> bool:
        left_ok = not self.left_in_tmp or self.everything_killed
        return (left_ok and not self.strays and self.next_status == 0 and not self.left_after_next
                and not self.strays_after_next and self.output_complete)

    def line(self) -> str:
        where = "group" if self.group else "main"
        return (f"{signal.Signals(self.signum).name:<7} {where:<5} {self.delay:5.2f}s  exit {self.status!s:>4}  "
                f"tmp {len(self.left_in_tmp)}  strays {len(self.strays)}  next exit {self.next_status}  "
                f"tmp after {len(self.left_after_next or [])}  strays after {len(self.strays_after_next or [])}  "
                f"output {'ok' if self.output_complete else 'INCOMPLETE'}  {'ok' if self.ok else 'FAILED'}"
                + ("" if self.ok else f" {self.left_in_tmp} {self.left_after_next}"))


def processes_marked(token: str) -> list[int]:
    """The pids of this user's processes whose environment holds ``MARKER=token``."""
    wanted = f"{MARKER}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if wanted in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone, or not ours
            continue
    return found


def settle(token: str, seconds: float = SETTLE_SECONDS) -> list[int]:
    """The marked processes still there after up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        strays = processes_marked(token)
        if not strays or time.monotonic() > deadline:
            return strays
        time.sleep(0.1)


def environment(folder: Path, token: str) -> dict:
    tmp = folder / "tmp"
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp), "CALPAE_CACHE_DIR": str(folder / "store"), MARKER: token}


def output_complete(out: Path) -> bool:
    return not out.exists() or (out / "index.html").is_file()


def interruptible() -> None:
    """In the child, before calpae starts: SIGINT as in a terminal. A process started in the
    background by a shell (``cmd &``, nohup) ignores SIGINT, and so would calpae, which Python
    then leaves ignored: the trial would send a signal nobody receives."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=interruptible)


def kernel_started(tmp: Path) -> bool:
    """Whether a kernel's connection file (which holds its key) is in a template's folder of ``tmp``."""
    return any(tmp.glob("calpae-kernels-*/*.json"))


def signalled(process: subprocess.Popen, signum: int, group: bool, delay: float, timeout: float = 300,
              ready=lambda: True) -> int:
    """``process``'s exit status once ``signum`` was sent after ``delay`` seconds (to its group, or to it),
    and once ``ready()`` holds."""
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        pass
    while process.poll() is None and not ready():
        time.sleep(0.02)
    if process.returncode is not None:
        return process.returncode
    try:
        os.killpg(process.pid, signum) if group else os.kill(process.pid, signum)
    except ProcessLookupError:
        pass
    return process.wait(timeout=timeout)


def kill_marked(token: str) -> None:
    """What a failed trial left running, ended (so that trials do not pile up)."""
    for pid in processes_marked(token):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def trial(folder: Path, signum: int, group: bool, delay: float, command: list[str],
          with_kernels: bool = False) -> Outcome:
    """One run of ``command`` signalled after ``delay`` (``with_kernels``: and once a kernel started),
    then the next run; what each left."""
    token = uuid.uuid4().hex
    env = environment(folder, token)
    tmp, out = Path(env["TMPDIR"]), folder / "out"
    ready = (lambda: kernel_started(tmp)) if with_kernels else (lambda: True)
    status = signalled(start(command + ["--out", str(out), "--force"], env), signum, group, delay, ready=ready)
    strays = settle(token)  # the template ends once the run's processes are gone: then look
    outcome = Outcome(signum, group, delay, status, sorted(p.name for p in tmp.iterdir()), strays)
    kill_marked(token)
    outcome.output_complete = output_complete(out)
    following = subprocess.run(command + ["--out", str(out)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=600, start_new_session=True)
    outcome.next_status = following.returncode
    outcome.left_after_next = sorted(p.name for p in tmp.iterdir())
    outcome.strays_after_next = settle(token)
    kill_marked(token)
    outcome.output_complete = outcome.output_complete and output_complete(out)
    return outcome


def run_trials(folder: Path, count: int, seed: int, longest: float, raw: Path = BUNDLED,
               signals: tuple = SIGNALS) -> list[Outcome]:
    """``count`` trials: each of ``signals``, to the main process and to the group in turn, each after a
    random delay up to ``longest`` seconds."""
    chance = random.Random(seed)
    command = [str(CALPAE), "run", str(raw), "--jobs", "2"]
    outcomes = []
    for index in range(count):
        signum, group = signals[index % len(signals)], bool(index // len(signals) % 2)
        place = folder / f"trial{index:02d}"
        place.mkdir(parents=True)
        outcomes.append(trial(place, signum, group, chance.uniform(0.05, longest), command))
        print(outcomes[-1].line(), flush=True)
    return outcomes


def main() -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=32)
    parser.add_argument("--signals", default="TERM,INT,HUP,KILL", help="the signals to send, in turn")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--longest", type=float, default=0.0,
                        help="latest moment of a signal, in seconds (default: a cold run's time, measured first)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="calpae-signals-") as temporary:
        folder = Path(temporary)
        longest = args.longest
        if not longest:
            (folder / "cold").mkdir()
            mark = time.monotonic()
            measured = subprocess.run(
                [str(CALPAE), "run", str(BUNDLED), "--jobs", "2", "--out", str(folder / "cold" / "out")],
                env=environment(folder / "cold", "measure"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            longest = time.monotonic() - mark
            print(f"cold run: {longest:.1f} s (exit {measured.returncode}); seed {args.seed}", flush=True)
        signals = tuple(signal.Signals[f"SIG{name.strip()}"] for name in args.signals.split(","))
        outcomes = run_trials(folder, args.trials, args.seed, longest, signals=signals)
    failed = [o for o in outcomes if not o.ok]
    print(f"{len(outcomes)} trials, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
