"""The central contract is typed: a function that reads a parsed report says so (issue 27)."""

from __future__ import annotations

import importlib
import inspect

import pytest

#: Modules whose every ``report`` parameter is annotated (narrative and findings: not yet).
TYPED = ["calpae_lib.analysis.axes", "calpae_lib.analysis.budget", "calpae_lib.analysis.comparison",
         "calpae_lib.analysis.orientation", "calpae_lib.present.charts", "calpae_lib.present.summary",
         "calpae_lib.present.views", "calpae_lib.publish.method", "calpae_lib.publish.processed"]


@pytest.mark.parametrize("name", TYPED)
def test_every_report_parameter_is_a_parsed_report(name):
    module = importlib.import_module(name)
    untyped = [function.__name__ for function in vars(module).values()
               if inspect.isfunction(function) and function.__module__ == name
               and "report" in inspect.signature(function).parameters
               and inspect.signature(function).parameters["report"].annotation != "ParsedReport"]
    assert untyped == []
