"""The Makefile: a mistyped goal is an error, `make lab` runs as root and passes options through."""

import os
import subprocess

from calpae_lib.publish import config


def make(*args) -> subprocess.CompletedProcess:
    """``make -n ARGS`` (print the recipes, run nothing) in the project's root."""
    return subprocess.run(["make", "-n", *args], cwd=config.PROJECT_ROOT, capture_output=True, text=True,
                          timeout=60)


def test_a_mistyped_goal_is_an_error_even_when_a_folder_has_its_name():
    assert (config.PROJECT_ROOT / "tests").is_dir()
    result = make("tests")
    assert result.returncode != 0
    assert "unknown target 'tests'" in result.stderr and "test" in result.stderr.split("targets are:")[1]


def test_lab_passes_options_and_allows_root_only_as_root():
    result = make("lab", "LAB_ARGS=--no-browser --ip=0.0.0.0")
    assert result.returncode == 0, result.stderr
    [command] = [line for line in result.stdout.splitlines() if "jupyter lab" in line]
    assert "--no-browser --ip=0.0.0.0" in command and "--notebook-dir=notebooks" in command
    assert ("--allow-root" in command) == (os.getuid() == 0)
