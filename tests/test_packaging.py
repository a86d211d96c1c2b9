"""The pip path's lock file, pyproject.toml's ranges and environment.yml stay in step."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from calpae_lib.publish import config

LOCK = config.PROJECT_ROOT / "requirements.lock"
#: One pinned line of the lock: ``name==version`` and, for some platforms only, ``; marker``.
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][\w.-]*)==(?P<version>[^\s;]+)\s*(?:;\s*(?P<marker>.+))?$")


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(spec) for spec in project["dependencies"] + project["optional-dependencies"]["dev"]]


def locked() -> dict[str, list[tuple[str, str | None]]]:
    """Each locked package's ``(version, marker)`` pins (several when platforms or Pythons differ)."""
    pins = {}
    for line in LOCK.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins.setdefault(canonicalize_name(match["name"]), []).append((match["version"], match["marker"]))
    return pins


def test_lock_pins_every_dependency_within_pyproject_range():
    pins = locked()
    for requirement in project_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run make lock"
        for version, _ in pins[name]:
            assert requirement.specifier.contains(version, prereleases=True), (name, version)


def test_lock_is_made_from_pyproject_with_the_dev_extra():
    header = LOCK.read_text().split("\n", 3)[:2]
    assert "uv pip compile pyproject.toml --extra dev" in header[1], header


def test_environment_yml_installs_the_lock():
    """Conda gives the Python the lock was made for, pip the lock's exact versions: nothing else."""
    text = (config.PROJECT_ROOT / "environment.yml").read_text()
    dependencies = [line.strip()[2:].strip() for line in text.split("dependencies:", 1)[1].splitlines()
                    if line.strip().startswith("- ")]
    python = re.search(r"--python-version (\S+)", LOCK.read_text()).group(1)
    assert dependencies == [f"python={python}", "pip", "pip:", f"-r {LOCK.name}", "-e ."]

