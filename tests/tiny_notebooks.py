"""Tiny notebooks with the real notebooks' parameters, for tests of running logic.

Executing the real notebooks is slow; these only print their parameters (a
kernel each, no library import), so that planning, caching and failure
handling can be tested cheaply.
"""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from calpae_lib.publish import planning

KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
PARAMETERS = {
    "synthese.ipynb": 'year: int = 2022  # année\nraw_path: str = ""  # rapport',
    "axe.ipynb": 'year: int = 2022  # année\nraw_path: str = ""  # rapport\naxis: str = "socle-I"  # axe',
    planning.COMPARISON_NOTEBOOK: 'raw_paths: str = ""  # rapports',
}


def write_tiny_notebooks(folder, marker: str = "v1"):
    """Notebooks that only print their parameters: a kernel each, no library import."""
    folder.mkdir(exist_ok=True)
    for name, parameters in PARAMETERS.items():
        shown = "raw_paths" if "raw_paths" in parameters else "year"
        nbformat.write(new_notebook(cells=[
            new_code_cell(parameters, metadata={"tags": ["parameters"]}),
            new_code_cell(f"print({marker!r}, {shown})"),
        ], metadata=KERNEL), folder / name)
    return folder
