"""What every notebook of notebooks/ must look like (STYLE: notebooks carry narrative and calls)."""

import ast
import re

import nbformat
import pytest

from calpae_lib.publish import config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
#: A parameter line: annotated, a literal default, a comment saying what it is.
PARAMETER_LINE = re.compile(r"^(?P<name>\w+): (?P<type>int|str|float|bool) = (?P<default>.+?)  # \S.*$")


def code_cells(notebook):
    return [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_one_documented_parameters_cell(notebook):
    cells = [c for c in code_cells(notebook) if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    lines = [line for line in cells[0].source.splitlines() if line.strip()]
    assert lines
    for line in lines:
        match = PARAMETER_LINE.match(line)
        assert match, line
        ast.literal_eval(match.group("default"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_no_definitions_in_notebooks(notebook):
    for cell in code_cells(notebook):
        tree = ast.parse(cell.source)
        assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))], \
            cell.source


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_only_checked_cells_keep_outputs(notebook):
    """Checked cells carry a stored, run output (nbval skips unrun reference cells); others none."""
    checked = 0
    for cell in code_cells(notebook):
        if cell.source.startswith(CHECK_MARK):
            checked += 1
            assert cell.execution_count is not None and cell.outputs, cell.source
        else:
            assert not cell.outputs, cell.source
    assert checked >= 1
