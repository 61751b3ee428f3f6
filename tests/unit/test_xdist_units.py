"""tests/xdist_units.py: which tests pytest-xdist keeps together, and in which order the units are handed out."""

from __future__ import annotations

import ast
import glob
import os

from tests.xdist_units import LONGEST_FIRST, SHARED_SESSION_BEDS, rank, unit_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_every_test_of_a_file_is_in_the_files_unit_whatever_its_parameters():
    assert unit_of("tests/integration/test_tls_move.py::test_a_rerun_changes_nothing") == \
        "tests/integration/test_tls_move.py"
    assert unit_of("tests/reliability/test_bad_inputs.py::test_bad[a@b::c]") == "tests/reliability/test_bad_inputs.py"
    assert unit_of("tests/unit/test_x.py::TestY::test_z@group") == "tests/unit/test_x.py"


def test_the_files_sharing_a_session_bed_are_one_unit():
    assert unit_of("tests/reliability/test_faults.py::test_f") == "app_host"
    assert unit_of("tests/reliability/test_secrets.py::test_s[x]") == "app_host"


def test_the_longest_units_come_first_and_the_unit_tests_last():
    units = {"tests/unit/test_a.py": 300, "tests/integration/test_small.py": 2, "tests/integration/test_big.py": 9,
             "app_host": 20, LONGEST_FIRST[0]: 1}
    assert sorted(units, key=lambda unit: rank(unit, units[unit])) == [
        LONGEST_FIRST[0], "app_host", "tests/integration/test_big.py", "tests/integration/test_small.py",
        "tests/unit/test_a.py"]


def _files_taking(fixture):
    found = set()
    for path in glob.glob(os.path.join(ROOT, "tests", "**", "test_*.py"), recursive=True):
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and fixture in [arg.arg for arg in node.args.args]:
                found.add(os.path.relpath(path, ROOT))
    return found


def test_every_file_that_takes_a_shared_session_bed_is_listed_with_it():
    """A file missing from the list would be a unit of its own, and the worker running it would build the bed again."""
    for bed, files in SHARED_SESSION_BEDS.items():
        assert _files_taking(bed) == set(files), bed
