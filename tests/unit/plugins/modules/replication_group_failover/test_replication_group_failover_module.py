"""replication_group_failover: refusals before any change, the new primary and the events after the failover."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import replication_group_failover
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one


def group(primary=0, members=2, status="available", failover="enabled"):
    ids = ["queue-%03d" % (i + 1) for i in range(members)]
    return {
        "ReplicationGroupId": "queue", "Status": status, "AutomaticFailover": failover, "MemberClusters": ids,
        "ARN": "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:queue",
        "NodeGroups": [{"NodeGroupId": "0001", "Status": status,
                        "PrimaryEndpoint": {"Address": "master.queue.abc.use1.cache.amazonaws.com", "Port": 6379},
                        "NodeGroupMembers": [{"CacheClusterId": m, "CurrentRole": "primary" if i == primary
                                              else "replica"} for i, m in enumerate(ids)]}],
    }


NOW = datetime.datetime(2026, 11, 26, 3, 0, tzinfo=datetime.timezone.utc)
EVENTS = {"Events": [
    {"SourceIdentifier": "queue", "SourceType": "replication-group", "Date": NOW,
     "Message": "Test Failover API called for node group 0001"},
    {"SourceIdentifier": "other", "SourceType": "replication-group", "Date": NOW, "Message": "not ours"},
    {"SourceIdentifier": "queue-001", "SourceType": "cache-cluster", "Date": NOW + datetime.timedelta(seconds=30),
     "Message": "Failover from primary node queue-001 to replica node queue-002 completed"},
]}
ARGS = {"replication_group_id": "queue", "wait_delay": 1}


def fake(**answers):
    base = {
        "DescribeReplicationGroups": [{"ReplicationGroups": [group()]},
                                      {"ReplicationGroups": [group(status="modifying")]},
                                      {"ReplicationGroups": [group(primary=1)]}],
        "TestFailover": {"ReplicationGroup": group(status="modifying")},
        "DescribeEvents": EVENTS,
    }
    base.update(answers)
    return FakeAWS(base)


def test_the_failover_returns_the_new_primary_and_the_events_of_the_group():
    aws = fake()
    failed, result = aws.run(replication_group_failover.main, ARGS)
    assert not failed and result["changed"] is True
    assert (result["previous_primary"], result["new_primary"]) == ("queue-001", "queue-002")
    assert [e["message"] for e in result["events"]] == [
        "Test Failover API called for node group 0001",
        "Failover from primary node queue-001 to replica node queue-002 completed"]
    assert result["events"][0]["date"] == "2026-11-26T03:00:00+00:00"
    assert aws.params("TestFailover") == [{"ReplicationGroupId": "queue", "NodeGroupId": "0001"}]
    assert aws.operations().count("DescribeReplicationGroups") == 4  # before, two polls of the wait, after


def test_check_mode_checks_and_calls_nothing_that_changes():
    aws = fake()
    failed, result = aws.run(replication_group_failover.main, ARGS, check_mode=True)
    assert not failed and result["changed"] is True and result["previous_primary"] == "queue-001"
    assert aws.operations() == ["DescribeReplicationGroups"]


@pytest.mark.parametrize("described, message", [
    (group(members=1), "has no replica in node group 0001"),
    (group(failover="disabled"), "has automatic failover disabled"),
    (group(status="modifying"), "is modifying; a failover can only be tested while it is available"),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_group_that_cannot_fail_over_is_refused_before_any_change(described, message, check_mode):
    aws = fake(DescribeReplicationGroups={"ReplicationGroups": [described]})
    failed, result = aws.run(replication_group_failover.main, ARGS, check_mode=check_mode)
    assert failed and message in result["msg"]
    assert aws.operations() == ["DescribeReplicationGroups"]


def test_an_unknown_node_group_and_a_missing_group_are_refused():
    aws = fake()
    failed, result = aws.run(replication_group_failover.main, dict(ARGS, node_group_id="0002"))
    assert failed and "has no node group 0002 (it has 0001)" in result["msg"]
    aws = fake(DescribeReplicationGroups="ReplicationGroupNotFoundFault")
    failed, result = aws.run(replication_group_failover.main, ARGS)
    assert failed and result["msg"] == "Replication group queue does not exist."


FAILURES = {
    "DescribeReplicationGroups": (fake, ARGS),
    "TestFailover": (fake, ARGS),
    "DescribeEvents": (fake, ARGS),
}


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation(operation, error):
    fail_one(replication_group_failover.main, FAILURES, operation, error)
