"""Waiting fails loudly: a wait that times out, a creation that ends in create-failed, and a group that is deleted
while the others are still creating stop provision.yml with a message that names the group and its status.
"""

from __future__ import annotations

import threading
import time

import pytest

from tests.reliability.bed import JSON_OUTPUT, Bed, clients, failure_messages


@pytest.fixture(scope="module")
def bed(emulator_session, tmp_path_factory):
    return Bed.make(emulator_session, tmp_path_factory, "/nonexistent-never-reached", "wait-failures")


def test_wait_timeout_names_the_group_and_its_status(bed):  # pylint: disable=redefined-outer-name
    bed.emulator.call("config", {"create_seconds": 120})
    variables = bed.variables("wt", cache_instances=[{"name": "main", "purpose": "main"}],
                              cache_auth_tokens={}, cache_wait_timeout=3, cache_wait_delay=1)
    rc, output = bed.run("provision.yml", variables, check=False, extra_env=JSON_OUTPUT)
    assert rc != 0
    assert failure_messages(output) == ["Not available after 3s (cache_wait_timeout): wt-main=creating"], \
        failure_messages(output)


def test_a_group_deleted_during_the_wait_stops_it_naming_the_group_and_its_status(bed):  # pylint: disable=redefined-outer-name
    bed.emulator.call("config", {"create_seconds": 0.5})
    one = bed.variables("wd", cache_instances=[{"name": "main", "purpose": "main"}], cache_auth_tokens={},
                        monitoring_enabled=False)
    bed.run("provision.yml", one)
    bed.emulator.call("config", {"create_seconds": 120, "delete_seconds": 120})
    two = bed.variables("wd", cache_auth_tokens={}, monitoring_enabled=False, cache_wait_timeout=60,
                        cache_wait_delay=1)
    bed.emulator.call("requests", method="DELETE")
    run = bed.start("provision.yml", two, extra_env=JSON_OUTPUT)
    deleted = threading.Event()

    def delete_main_once_queue_is_creating():
        while run.process.poll() is None and not deleted.is_set():
            if [e for e in bed.emulator.requests() if e["operation"] == "CreateReplicationGroup" and not e["error"]]:
                clients(bed.emulator)["elasticache"].delete_replication_group(ReplicationGroupId="wd-main")
                deleted.set()
            deleted.wait(0.05)

    deleter = threading.Thread(target=delete_main_once_queue_is_creating, daemon=True)
    deleter.start()
    rc = run.wait()
    deleter.join(timeout=10)
    assert deleted.is_set()
    assert rc != 0
    assert failure_messages(run.output()) == [
        "Replication groups failed or disappeared (wd-main): wd-main=deleting, wd-queue=creating"], \
        failure_messages(run.output())


def test_a_failed_creation_stops_the_wait_at_once_naming_the_group_and_its_status(bed):  # pylint: disable=redefined-outer-name
    """wf-main ends in create-failed after 1 s; the wait stops then, not at cache_wait_timeout (300 s)."""
    bed.emulator.call("config", {"create_seconds": 1, "fail_create": ["wf-main"]})
    try:
        variables = bed.variables("wf", cache_instances=[{"name": "main", "purpose": "main"}], cache_auth_tokens={},
                                  monitoring_enabled=False, cache_wait_timeout=300, cache_wait_delay=1)
        started = time.monotonic()
        rc, output = bed.run("provision.yml", variables, check=False, extra_env=JSON_OUTPUT)
        elapsed = time.monotonic() - started
    finally:
        bed.emulator.call("config", {"fail_create": []})
    assert rc != 0
    assert failure_messages(output) == ["Replication groups failed or disappeared (wf-main): wf-main=create-failed"], \
        failure_messages(output)
    assert elapsed < 60, "the wait went on for %.0f s after wf-main failed" % elapsed
