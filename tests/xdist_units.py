"""How `pytest -n 2 --dist loadgroup` splits the suite: one unit of work per test file, or per set of files sharing a
session-scoped bed; a unit runs whole, in file order, on one worker.

pytest-xdist 3.8.0's own loadgroup cannot do this under pytest 9.2: it passes the xdist_group mark to the scheduler by
rewriting `item._nodeid`, which pytest 9.2 no longer reads (node ids are structured, `item._id`), so every test became a
unit of its own and the tests of one file ran on both workers (pytest-xdist issue #1386, not fixed in a release).
tests/conftest.py therefore gives xdist this scheduler, which takes the unit from the test's file path alone.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

# Files that share a session-scoped fixture which is slow to build (tests/reliability/bed.py app_host: a chroot host
# with apt-get install redis-tools): one unit, so the bed is built once. tests/unit/test_xdist_units.py fails when a
# file takes such a fixture without being listed here.
SHARED_SESSION_BEDS = {
    "app_host": ("tests/reliability/test_concurrent_runs.py", "tests/reliability/test_faults.py",
                 "tests/reliability/test_interruptions.py", "tests/reliability/test_secrets.py"),
}
# The longest units (CI log of 2026-12-04, serial: setup + calls, 3 to 7 min each) go first, so that the run does not
# end with one worker busy on a long file while the other is idle. Order only: a file missing here is still run.
LONGEST_FIRST = (
    "tests/integration/test_engine_changes.py", "app_host", "tests/integration/test_fleet_rotation.py",
    "tests/reliability/test_bad_inputs.py", "tests/integration/test_secrets_manager.py",
    "tests/integration/test_rbac.py", "tests/integration/test_serverless_inventory.py",
    "tests/integration/test_adopt_single_node.py", "tests/integration/test_adoption.py",
    "tests/integration/test_runbook.py", "tests/integration/test_node_options.py",
    "tests/integration/test_tls_move.py", "tests/integration/test_host_cost.py",
)


def unit_of(nodeid: str) -> str:
    """The unit of work of a test: its file, or the shared bed its file is listed under."""
    path = nodeid.split("::", 1)[0]
    for bed, files in SHARED_SESSION_BEDS.items():
        if path in files:
            return bed
    return path


def rank(unit: str, tests: int) -> tuple:
    """Sort key of a unit: the known longest first, then the other integration and reliability files, the unit tests
    (many short files) last; within each, the files with more tests first."""
    if unit in LONGEST_FIRST:
        return (0, LONGEST_FIRST.index(unit), 0)
    return (2 if unit.startswith("tests/unit/") else 1, 0, -tests)


class FileUnitScheduling(LoadScopeScheduling):
    """LoadScopeScheduling whose scope is unit_of(); the next unit a worker gets is the one rank() puts first."""

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)

    def _assign_work_unit(self, node) -> None:
        scope = min(self.workqueue, key=lambda unit: rank(unit, len(self.workqueue[unit])))
        self.workqueue.move_to_end(scope, last=False)
        super()._assign_work_unit(node)
