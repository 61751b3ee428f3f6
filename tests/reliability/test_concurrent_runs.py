"""Two runs at once: two ansible-playbook playbooks/redis.yml started together on the same inventory end with one
set of resources, and any error they hit is one that a rerun fixes."""

from __future__ import annotations

import pytest

from tests.reliability.bed import (  # noqa: F401  pylint: disable=unused-import
    Bed, app_host, assert_one_set, changed, deleting_calls)

pytestmark = pytest.mark.chroot


@pytest.fixture(scope="module")
def runs(emulator_session, tmp_path_factory, app_host):  # pylint: disable=redefined-outer-name
    bed = Bed.make(emulator_session, tmp_path_factory, app_host, "concurrent", create_seconds=2)
    variables = bed.variables("cc")
    first, second = bed.start("redis.yml", variables), bed.start("redis.yml", variables)
    together = [(run.wait(), run.output()) for run in (first, second)]
    log = bed.emulator.requests()
    bed.emulator.call("requests", method="DELETE")
    rerun = bed.run("redis.yml", variables, check=False)
    return bed, together, log, rerun


def test_two_runs_at_once_create_one_set_of_resources(runs):
    bed, together, log, _rerun = runs
    for index, (rc, output) in enumerate(together, 1):
        failed = [line for line in output.splitlines() if line.startswith(("fatal:", "failed:")) or "msg:" in line]
        print(f"run {index}: rc {rc}; {' | '.join(failed)[:1500]}")
    creates = [e for e in log if e["operation"] == "CreateReplicationGroup" and not e["error"]]
    assert len(creates) == 2, [e["params"].get("ReplicationGroupId") for e in creates]
    assert deleting_calls(log) == []
    assert_one_set(bed.emulator, "cc")


def test_a_rerun_after_two_runs_at_once_succeeds_and_changes_nothing_in_aws(runs):
    (rc, output) = runs[3]
    assert rc == 0, output[-4000:]
    assert changed(output)["localhost"] == 0
    assert "main: PONG (redis-cli)" in output and "queue: PONG (redis-cli)" in output
