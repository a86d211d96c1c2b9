"""Every ``calpae`` command and option is documented, and the documentation names no option that
does not exist (issue 31), in the way ``test_dictionary`` keeps the data dictionary true.

The commands and options are read from ``calpae --help`` and each command's ``--help``, as a user
sees them; the documentation is README.md and docs/guide.md. An option counts as documented when a
list item or a table row of one of them opens with a code span naming it with its command
(`` `calpae run --jobs N` ``): one line per option, with what it does beside it.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

from calpae_lib.publish.cli import build_parser

PROJECT = Path(__file__).resolve().parents[1]
DOCUMENTS = [PROJECT / "README.md", PROJECT / "docs" / "guide.md"]
#: A list item or table row opening with a code span that begins « calpae »: its text is group 1.
DOCUMENTED = re.compile(r"^\s*(?:[-*]|\|)\s*`(calpae\b[^`]*)`", re.MULTILINE)
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
#: Options every argparse command has, documented once by ``calpae --help``.
GENERIC = {"--help"}


def help_text(parser, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        parser.parse_args([*args, "--help"])
    return out.getvalue()


def commands(parser=None) -> dict[str, set[str]]:
    """``{command: its options}`` as ``--help`` shows them; ``""`` is ``calpae`` itself."""
    parser = parser or build_parser()
    top = help_text(parser)
    names = re.search(r"\{([a-z,]+)\}", top).group(1).split(",")
    return {"": set(OPTION.findall(top)) - GENERIC,
            **{name: set(OPTION.findall(help_text(parser, name))) - GENERIC for name in names}}


def documented(texts: list[str]) -> dict[str, set[str]]:
    """``{command: options}`` named by the documents' list items and table rows."""
    found: dict[str, set[str]] = {}
    for text in texts:
        for span in DOCUMENTED.findall(text):
            words = span.split()
            command = words[1] if len(words) > 1 and not words[1].startswith("-") else ""
            found.setdefault(command, set()).update(OPTION.findall(span))
    return found


def test_every_command_and_option_is_documented():
    docs = documented([path.read_text(encoding="utf-8") for path in DOCUMENTS])
    missing = [f"calpae {command} {option}".replace("  ", " ")
               for command, options in commands().items() for option in sorted(options - docs.get(command, set()))]
    missing += [f"calpae {command}" for command in commands() if command and command not in docs]
    assert not missing, f"undocumented in README.md or docs/guide.md (a line `calpae <command> <option>`): {missing}"


def test_the_documents_name_no_command_or_option_that_does_not_exist():
    known = commands()
    docs = documented([path.read_text(encoding="utf-8") for path in DOCUMENTS])
    stale = [f"calpae {command} {option}" for command, options in docs.items()
             for option in sorted(options - known.get(command, set()) - GENERIC)]
    assert not stale, f"documented but not in calpae --help: {stale}"


def test_an_option_added_without_its_line_is_found_missing():
    """The test's own net: an option the parser gains and no document names is reported."""
    parser = build_parser()
    parser.add_argument("--undocumented-switch", action="store_true")
    docs = documented([path.read_text(encoding="utf-8") for path in DOCUMENTS])
    assert "--undocumented-switch" in commands(parser)[""] - docs.get("", set())


def test_documented_reads_list_items_and_table_rows_only():
    text = "- `calpae run --jobs N`: workers\n| `calpae parse --out DIR` | folder |\nprose `calpae check --strict`\n"
    assert documented([text]) == {"run": {"--jobs"}, "parse": {"--out"}}
