"""environment.yml must list the same packages as pyproject.toml."""

import re
import tomllib

from calpae_lib.publish import config


def requirement_names(specs):
    return {re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower() for spec in specs}


def test_environment_yml_in_step_with_pyproject():
    project = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict()
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        wanted[requirement_names([spec]).pop()] = spec.replace(" ", "")
    conda = {}
    text = (config.PROJECT_ROOT / "environment.yml").read_text()
    dependencies = text.split("dependencies:", 1)[1]
    for line in dependencies.splitlines():
        match = re.match(r"^\s+-\s+([A-Za-z][\w.-]*)([<>=!~].*)?$", line)
        if match and match.group(1) not in {"python", "pip"}:
            conda[match.group(1).lower()] = (match.group(1) + (match.group(2) or "")).replace(" ", "")
    assert conda == wanted
