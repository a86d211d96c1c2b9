"""The ``calpae`` command: parse, check and publish reports.

Errors the user can act on (:class:`~calpae_lib.errors.CalpaeError`) print one
line on stderr and exit with their status (2 for bad input); nothing else is
written.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from calpae_lib import __version__
from calpae_lib.errors import CalpaeError, output_error
from calpae_lib.publish import config
from calpae_lib.publish.atomic import check_writable_tree, output_folder

#: Exit status of a defect of calpae itself (bad input is 2, a failed notebook 1).
INTERNAL_ERROR_STATUS = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calpae",
        description="Analyse des rapports d'exécution CALPAE : tables, contrôles, rapports HTML.",
    )
    parser.add_argument("--version", action="version", version=f"calpae {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    parse = sub.add_parser("parse", help="lire un rapport et écrire ses tables (CSV + Excel)")
    parse.add_argument("raw", type=Path, help="rapport (fichier texte ou PDF)")
    parse.add_argument("--out", type=Path, default=None,
                       help="dossier de sortie (défaut : data/processed/<année>/)")
    parse.add_argument("--force", action="store_true",
                       help="relire le rapport et réécrire les tables même si rien n'a changé")
    parse.set_defaults(handler=command_parse)

    check = sub.add_parser("check", help="contrôler la cohérence du rapport (totaux, fiches, annexes, énoncés)")
    check.add_argument("raw", type=Path, help="rapport (fichier texte ou PDF)")
    check.add_argument("--strict", action="store_true",
                       help="sortir avec le statut 1 s'il y a un écart ou un manquant")
    check.set_defaults(handler=command_check)

    run = sub.add_parser("run", help="publier les rapports HTML d'un rapport (carnets exécutés par papermill)")
    run.add_argument("raws", nargs="*", metavar="RAW",
                     help="rapports (texte ou PDF : fichiers, dossiers ou motifs comme 'rapports/*.pdf') : plusieurs "
                          "rapports vont chacun dans <out>/<département>/<année>/ (défaut <out> : output/)")
    run.add_argument("--raw", type=Path, action="append", default=[],
                     help="rapport (fichier texte ou PDF), répétable (défaut : le rapport fourni de l'année --year, "
                          "ou le plus récent)")
    run.add_argument("--force", action="store_true",
                     help="tout refaire, sans réutiliser les lectures ni les carnets déjà exécutés")
    run.add_argument("--year", type=int, default=None, help="année du rapport (vérifiée contre le rapport)")
    run.add_argument("--out", type=Path, default=None,
                     help="dossier de sortie (défaut : output/<année>/ pour un rapport, output/ pour plusieurs)")
    run.add_argument("--jobs", type=positive_int, default=None,
                     help="nombre de carnets exécutés en parallèle (défaut : nombre de cœurs)")
    run.add_argument("--timings", type=Path, default=None, metavar="FICHIER",
                     help="écrire dans FICHIER (JSON) la durée de chaque étape : lecture, noyaux, "
                          "exécution, export, mise en place")
    run.set_defaults(handler=command_run)
    return parser


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"entier positif attendu, pas {text}")
    return value


def command_parse(args) -> int:
    from calpae_lib.present.summary import summary_lines
    from calpae_lib.publish.loading import load_report, parsed_key
    from calpae_lib.publish.processed import tables_up_to_date, write_report_tables

    out = output_folder(args.out) if args.out else None
    check_cache_writable()
    report = load_report(args.raw, refresh=args.force)
    out_dir = out or config.processed_dir_for(report.meta.year)
    key = parsed_key(args.raw)
    for line in summary_lines(report):
        print(line)
    if not args.force and tables_up_to_date(out_dir, key):
        print(f"Tables à jour dans {out_dir} (rapport et bibliothèque inchangés ; --force pour les réécrire)")
        return 0
    write_report_tables(report, out_dir, key)
    print(f"Tables écrites dans {out_dir}")
    return 0


def command_run(args) -> int:
    from calpae_lib.publish import uptodate

    start = time.perf_counter()
    args.out = output_folder(args.out) if args.out else None
    request = uptodate.Request(tuple(str(item) for item in args.raws + args.raw),
                               str(args.out) if args.out else None, args.year)
    # named reports, nothing changed since the last run of this command: said before pandas is loaded
    from calpae_lib.publish.kernels import sweep_stale_folders

    sweep_stale_folders()  # what runs killed outright left, even when nothing is to be done
    out_dir = uptodate.unchanged_output(request) if request.raw_items and not args.force else None
    if out_dir is not None:
        if args.timings:
            seconds = round(time.perf_counter() - start, 3)
            args.timings.write_text(json.dumps({"seconds": seconds, "steps": {"up_to_date": seconds},
                                                "notebooks": 0}, indent=1), encoding="utf-8")
        print("Rapports à jour : ni les rapports, ni les carnets, ni calpae n'ont changé depuis le dernier "
              f"passage (--force pour tout refaire) : ouvrez {out_dir / 'index.html'}")
        return 0

    check_cache_writable()
    # Something to do, very likely notebooks to run: the kernel template imports pandas and the rest
    # on another core while this process imports them too (about half a second of a cold run).
    from calpae_lib.publish.kernels import KernelTemplate

    template = KernelTemplate.for_notebooks(config.NOTEBOOKS_DIR)
    try:
        from calpae_lib.publish.batch import run_reports
        from calpae_lib.publish.notebooks import print_progress
        from calpae_lib.text.formatting import format_number
    except BaseException:
        template.close()
        raise
    run = run_reports(args.raws + args.raw, args.out, args.year, args.jobs, args.force, print_progress,
                      template=template)
    if args.timings:
        args.timings.write_text(json.dumps(run.timings(), indent=1), encoding="utf-8")
    if request.raw_items:
        uptodate.remember_run(request, run.out_dir)
    print(f"Rapports écrits en {format_number(run.seconds, 1)} s ({notebooks_done(run.executed, run.reused)}) : "
          f"ouvrez {run.out_dir / 'index.html'}")
    return 0


def check_cache_writable() -> None:
    """Refuse (exit 2) before anything is written when the cache cannot be written: a run would
    otherwise publish and then fail to keep what it did."""
    cache = config.cache_dir()
    if cache.is_dir():
        check_writable_tree(cache, depth=2, advice="ou choisissez un autre dossier par CALPAE_CACHE_DIR")


def notebooks_done(executed: int, reused: int) -> str:
    """What a run did with its notebooks, in words.

    >>> notebooks_done(6, 0), notebooks_done(1, 5), notebooks_done(0, 1)
    ('6 carnets exécutés', '1 carnet exécuté, 5 repris du cache', 'aucun carnet exécuté, 1 repris du cache')
    """
    from calpae_lib.text.formatting import format_number, plural

    done = plural(executed, "carnet exécuté", none="aucun carnet exécuté")
    return f"{done}, {format_number(reused)} repris du cache" if reused else done


def command_check(args) -> int:
    from calpae_lib.checks.engine import has_failures, readable_lines
    from calpae_lib.publish.loading import load_report

    report = load_report(args.raw)  # read back when already parsed, like parse and run
    checks = report.tables["checks"]
    for line in readable_lines(checks):
        print(line)
    return 1 if args.strict and has_failures(checks) else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CalpaeError as error:
        print(f"calpae: erreur : {error.located()}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt as interruption:  # Ctrl-C, or an ending signal (:func:`end_on_signals`)
        print("calpae: interrompu.", file=sys.stderr)
        return 128 + getattr(interruption, "signum", signal.SIGINT)
    except BrokenPipeError:  # output piped to a reader that stopped early (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # a defect of calpae itself, or the machine refusing a write
        problem = output_error(error)  # a full disk, a read-only folder: not a defect
        if problem is None:
            return internal_error(error)
        print(f"calpae: erreur : {problem.located()}", file=sys.stderr)
        return problem.exit_status


def internal_error(error: Exception) -> int:
    """A defect of calpae itself: one line, the trace only with ``CALPAE_DEBUG=1``."""
    if os.environ.get("CALPAE_DEBUG"):
        raise error
    print(f"calpae: erreur interne ({type(error).__name__}: {' '.join(str(error).split())[:200]}) ; "
          "relancez avec CALPAE_DEBUG=1 pour voir la trace, et signalez-la.", file=sys.stderr)
    return INTERNAL_ERROR_STATUS


def entry() -> None:
    """The ``calpae`` command: :func:`main`, then the exit handlers of the libraries it loaded, then
    the process ends without the interpreter's teardown of those libraries (pandas, matplotlib,
    papermill: a quarter of a second after the last line is printed, for nothing).

    :func:`exit_without_teardown` is registered with :mod:`atexit` before anything else is imported:
    the handlers run last registered first, so it runs after every other one.
    """
    import atexit

    finished: list[int] = []
    atexit.register(exit_without_teardown, finished)
    end_on_signals()
    finished.append(main())
    sys.exit(finished[0])


def exit_without_teardown(finished: list[int]) -> None:
    """The last exit handler: flush what is printed, then end with ``finished``'s status at once. When
    :func:`main` did not return (``--help``, a usage error), the interpreter ends as usual."""
    if not finished:
        return
    status = finished[0]
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # a reader that stopped early, as in main
        pass
    except OSError:  # what Python's own exit does when the last output cannot be written
        status = status or 120
    sys.stderr.flush()
    os._exit(status)


#: Signals that end a run as Ctrl-C does: what ``timeout``, systemd, a closed terminal or
#: ``kill -TERM -PGID`` send. The run then removes what it half built and stops its kernels.
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A run ended by one of :data:`ENDING_SIGNALS`; its exit status is 128 + the signal's number."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def end_on_signals() -> None:
    """Make :data:`ENDING_SIGNALS` raise :class:`Interrupted` in this process (once: a second one
    does not cut the clean-up short). A worker forked from it ends at once, as it would have."""
    owner = os.getpid()

    def interrupt(signum, frame):
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        for ending in ENDING_SIGNALS:
            signal.signal(ending, signal.SIG_IGN)
        raise Interrupted(signum)

    for signum in ENDING_SIGNALS:
        signal.signal(signum, interrupt)


if __name__ == "__main__":  # pragma: no cover
    entry()
