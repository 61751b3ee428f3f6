"""snapshot: a manual snapshot of a group taken once, adopted by name, waited for; refusals before any change."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import snapshot
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one

ARN = "arn:aws:elasticache:us-east-1:123456789012:snapshot:main-to-serverless"
ARGS = {"name": "main-to-serverless", "replication_group_id": "Main", "wait_delay": 1}


def taken(status="available", group="main"):
    return {"SnapshotName": "main-to-serverless", "ARN": ARN, "SnapshotStatus": status, "SnapshotSource": "manual",
            "ReplicationGroupId": group}


def group(status="available"):
    return {"ReplicationGroups": [{"ReplicationGroupId": "main", "Status": status}]}


def fake(**answers):
    base = {"DescribeSnapshots": ["SnapshotNotFoundFault", {"Snapshots": [taken()]}],
            "DescribeReplicationGroups": group(),
            "CreateSnapshot": {"Snapshot": taken("creating")}}
    base.update(answers)
    return FakeAWS(base)


def test_a_new_snapshot_is_taken_and_waited_for():
    aws = fake()
    failed, result = aws.run(snapshot.main, ARGS)
    assert not failed and result["changed"] is True
    assert result["snapshot"] == {"name": "main-to-serverless", "arn": ARN, "status": "available",
                                  "replication_group_id": "main", "source": "manual"}
    assert aws.params("CreateSnapshot") == [{"SnapshotName": "main-to-serverless", "ReplicationGroupId": "main"}]
    assert aws.operations() == ["DescribeSnapshots", "DescribeReplicationGroups", "CreateSnapshot",
                                "DescribeSnapshots"]
    assert aws.sleeps == []  # the shared waiter describes first: available at once, no sleep


def test_an_existing_snapshot_of_the_group_is_adopted_without_a_change():
    aws = fake(DescribeSnapshots={"Snapshots": [taken()]})
    failed, result = aws.run(snapshot.main, ARGS)
    assert not failed and result["changed"] is False and result["snapshot"]["arn"] == ARN
    assert aws.operations() == ["DescribeSnapshots"]


def test_one_still_creating_is_waited_for_without_a_second_create():
    aws = fake(DescribeSnapshots=[{"Snapshots": [taken("creating")]}, {"Snapshots": [taken()]}])
    failed, result = aws.run(snapshot.main, ARGS)
    assert not failed and result["changed"] is False and result["snapshot"]["status"] == "available"
    assert "CreateSnapshot" not in aws.operations()


def test_check_mode_calls_nothing_that_changes():
    aws = fake()
    failed, result = aws.run(snapshot.main, ARGS, check_mode=True)
    assert not failed and result["changed"] is True and result["snapshot"] == {}
    assert aws.operations() == ["DescribeSnapshots", "DescribeReplicationGroups"]


@pytest.mark.parametrize("answers, message", [
    ({"DescribeSnapshots": {"Snapshots": [taken(group="queue")]}},
     "Snapshot main-to-serverless exists, but of queue, not of replication group main"),
    ({"DescribeReplicationGroups": "ReplicationGroupNotFoundFault"}, "Replication group main does not exist"),
    ({"DescribeReplicationGroups": group("modifying")}, "Replication group main is modifying"),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_what_cannot_be_snapshotted_is_refused_before_any_change(answers, message, check_mode):
    aws = fake(**answers)
    failed, result = aws.run(snapshot.main, ARGS, check_mode=check_mode)
    assert failed and message in result["msg"], result
    assert "CreateSnapshot" not in aws.operations()


def test_a_failed_snapshot_fails_naming_it():
    aws = fake(DescribeSnapshots=["SnapshotNotFoundFault", {"Snapshots": [taken("failed")]}])
    failed, result = aws.run(snapshot.main, ARGS)
    assert failed and "Snapshot main-to-serverless is failed" in result["msg"]


SCENARIOS = {op: (fake, ARGS) for op in ("DescribeSnapshots", "DescribeReplicationGroups", "CreateSnapshot")}


@each_failure(SCENARIOS)
def test_every_aws_failure_names_the_operation(operation, error):
    fail_one(snapshot.main, SCENARIOS, operation, error)
