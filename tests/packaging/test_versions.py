"""Every place that states the supported ansible-core range states the same one, and `make compat` proves it.

The places: meta/runtime.yml (what ansible-galaxy and ansible-core check), each role's meta/main.yml,
execution-environment.yml and the README's requirement line. `make compat` (tests/bin/compat) runs sanity and
the runbook test under each requirements-compat-*.txt; the lowest of those must be the stated minimum, and the
execution environment may install only versions that one of them runs.
"""

from __future__ import annotations

import glob
import os
import re

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.emulator.__main__ import ROOT

ROLES = sorted(os.path.basename(os.path.dirname(os.path.dirname(path)))
               for path in glob.glob(os.path.join(ROOT, "roles", "*", "meta", "main.yml")))
# Task keywords that ansible-core ignores or refuses before the version that brought them.
FEATURES = {"break_when": (2, 18)}


def _read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as handle:
        return handle.read()


def _minor(version):
    return Version(version).release[:2]


def _lower_bound(specifiers: SpecifierSet):
    (bound,) = [s.version for s in specifiers if s.operator == ">="]
    return _minor(bound)


def _runtime():
    return SpecifierSet(yaml.safe_load(_read("meta", "runtime.yml"))["requires_ansible"])


def _execution_environment():
    spec = yaml.safe_load(_read("execution-environment.yml"))["dependencies"]["ansible_core"]["package_pip"]
    requirement = Requirement(spec)
    assert requirement.name == "ansible-core", spec
    return requirement.specifier


def _pinned_core(text):
    """The ansible-core==X.Y.Z line of a requirements file."""
    (pin,) = [Requirement(line.split("#")[0].strip()) for line in text.splitlines()
              if line.split("#")[0].strip().startswith("ansible-core")]
    (exact,) = [s.version for s in pin.specifier if s.operator == "=="]
    return Version(exact)


def _compat_versions():
    """What `make compat` runs: one venv per requirements-compat-*.txt (tests/bin/compat)."""
    return sorted(_pinned_core(_read(os.path.basename(path)))
                  for path in glob.glob(os.path.join(ROOT, "requirements-compat-*.txt")))


def test_runtime_states_only_a_lower_bound_as_x_y_0():
    specifiers = list(_runtime())
    assert [(s.operator, Version(s.version).release[2:]) for s in specifiers] == [(">=", (0,))], _runtime()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_states_the_runtime_minimum(role):
    declared = str(yaml.safe_load(_read("roles", role, "meta", "main.yml"))["galaxy_info"]["min_ansible_version"])
    assert _minor(declared) == _lower_bound(_runtime()), f"roles/{role}/meta/main.yml says {declared}"


def test_the_execution_environment_starts_at_the_runtime_minimum():
    assert _lower_bound(_execution_environment()) == _lower_bound(_runtime()), _execution_environment()


def test_the_readme_states_the_runtime_minimum():
    stated = re.findall(r"ansible-core (\d+\.\d+) or later", _read("README.md"))
    assert stated, "the README's Install section states no ansible-core requirement"
    assert {_minor(version) for version in stated} == {_lower_bound(_runtime())}, stated


def test_make_compat_runs_the_stated_minimum():
    versions = _compat_versions()
    assert versions, "no requirements-compat-*.txt: make compat proves nothing"
    assert _minor(str(versions[0])) == _lower_bound(_runtime()), [str(v) for v in versions]
    assert all(v in _runtime() and v in _execution_environment() for v in versions), [str(v) for v in versions]


def test_the_execution_environment_installs_only_versions_make_compat_runs():
    compat = {_minor(str(v)) for v in _compat_versions()}
    allowed = {(2, minor) for minor in range(10, 40) if Version(f"2.{minor}.0") in _execution_environment()}
    assert allowed == compat, f"execution-environment.yml admits {sorted(allowed)}, make compat runs {sorted(compat)}"


def test_the_test_venv_runs_a_version_in_the_range():
    assert _pinned_core(_read("requirements-dev.txt")) in _runtime()


@pytest.mark.parametrize("keyword", sorted(FEATURES))
def test_the_minimum_has_every_task_keyword_the_roles_use(keyword):
    users = [path for path in glob.glob(os.path.join(ROOT, "roles", "*", "tasks", "*.yml"))
             if re.search(rf"^\s*{keyword}:", _read(path), re.MULTILINE)]
    if users:
        assert _lower_bound(_runtime()) >= FEATURES[keyword], f"{keyword} needs {FEATURES[keyword]}: {users}"
