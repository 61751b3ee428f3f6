"""Changelog fragments lint clean, and CHANGELOG.rst is what antsibull-changelog makes of changelogs/changelog.yaml."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.emulator.__main__ import ROOT

TOOL = os.path.join(os.path.dirname(sys.executable), "antsibull-changelog")


def _run(*args):
    return subprocess.run([TOOL, *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_every_fragment_lints_clean():
    answer = _run("lint")
    assert (answer.returncode, answer.stdout + answer.stderr) == (0, "")


def test_changelog_yaml_lints_clean():
    answer = _run("lint-changelog-yaml", "changelogs/changelog.yaml")
    assert (answer.returncode, answer.stdout + answer.stderr) == (0, "")


def test_changelog_rst_is_generated_from_changelog_yaml(tmp_path):
    answer = _run("generate", "--output", str(tmp_path / "CHANGELOG.rst"))
    assert answer.returncode == 0, answer.stdout + answer.stderr
    with open(os.path.join(ROOT, "CHANGELOG.rst"), encoding="utf-8") as committed:
        assert committed.read() == (tmp_path / "CHANGELOG.rst").read_text(), "CHANGELOG.rst is stale: run make changelog"
