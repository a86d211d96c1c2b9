"""The library's layers hold: a lower layer never imports a higher one (import-linter).

``make test`` runs ``lint-imports`` on the library itself; this test shows the
contract is live: the same contract, on a copy of the library with one import
running upwards, is broken.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from calpae_lib.publish import config

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def copy_library(tmp_path: Path) -> Path:
    shutil.copytree(config.PROJECT_ROOT / "calpae_lib", tmp_path / "calpae_lib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(config.PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_library_keeps_its_layers(tmp_path):
    result = lint(copy_library(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def broken_by(tmp_path: Path, module: str, line: str) -> str:
    """import-linter's report on a copy of the library where ``module`` (a path under calpae_lib/) ends
    with ``line``; the contract must be broken."""
    root = copy_library(tmp_path)
    path = root / "calpae_lib" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa: E402\n")
    result = lint(root)
    assert result.returncode == 1 and "BROKEN" in result.stdout
    return result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    report = broken_by(tmp_path, "text/reading.py", "from calpae_lib.present import views")
    assert "calpae_lib.text.reading -> calpae_lib.present.views" in report


def test_two_sibling_modules_importing_each_other_break_the_acyclic_contract(tmp_path):
    """The rules used to register themselves by being imported by the engine they import."""
    report = broken_by(tmp_path, "checks/budget.py", "from calpae_lib.checks import engine")
    assert "No cycles are allowed in calpae_lib.checks" in report
