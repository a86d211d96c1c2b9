"""The ``calpae`` command: parse, check and publish reports.

Errors the user can act on (:class:`~calpae_lib.errors.CalpaeError`) print one
line on stderr and exit with their status (2 for bad input); nothing else is
written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import CalpaeError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calpae",
        description="Analyse des rapports d'exécution CALPAE : tables, contrôles, rapports HTML.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    parse = sub.add_parser("parse", help="lire un rapport et écrire ses tables (CSV + Excel)")
    parse.add_argument("raw", type=Path, help="fichier texte du rapport")
    parse.add_argument("--out", type=Path, default=None,
                       help="dossier de sortie (défaut : data/processed/<année>/)")
    parse.set_defaults(handler=command_parse)
    return parser


def command_parse(args) -> int:
    from .pipeline import parse_report, write_report_tables
    from .summary import summary_lines

    report = parse_report(args.raw)
    out_dir = write_report_tables(report, args.out)
    for line in summary_lines(report):
        print(line)
    print(f"Tables écrites dans {out_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CalpaeError as error:
        print(f"calpae: erreur : {error.located()}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print("calpae: interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
