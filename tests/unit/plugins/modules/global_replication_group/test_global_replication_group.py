"""global_replication_group against a fake ElastiCache: create, adopt, fail over with polls, check mode, delete after
disassociating every secondary, and every failing call named."""

from __future__ import annotations

from ansible_collections.funmagic.elasticache.plugins.modules import global_replication_group as module
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one

ARGS = {"suffix": "orders", "primary_replication_group_id": "orders", "description": "orders", "wait_delay": 2}
MUTATING = ("CreateGlobalReplicationGroup", "ModifyGlobalReplicationGroup", "FailoverGlobalReplicationGroup",
            "DisassociateGlobalReplicationGroup", "DeleteGlobalReplicationGroup")


def member(region, role, status="associated"):
    return {"ReplicationGroupId": "orders", "ReplicationGroupRegion": region, "Role": role, "Status": status,
            "AutomaticFailover": "enabled"}


def datastore(status="available", primary="us-east-1", secondaries=("us-west-2",), **changes):
    found = {"GlobalReplicationGroupId": "ldgnf-orders", "GlobalReplicationGroupDescription": "orders",
             "Status": status, "Engine": "redis", "EngineVersion": "7.1", "CacheNodeType": "cache.r6g.large",
             "ARN": "arn:aws:elasticache::123456789012:globalreplicationgroup:ldgnf-orders",
             "Members": [member(primary, "PRIMARY")] + [member(r, "SECONDARY") for r in secondaries]}
    found.update(changes)
    return found


def listed(*answers):
    return [{"GlobalReplicationGroups": [a] if a else []} for a in answers]


def mutating(fake):
    return [o for o in fake.operations() if o in MUTATING]


def test_creates_around_the_primary_group_and_waits_with_each_poll():
    fake = FakeAWS({"DescribeGlobalReplicationGroups": listed(None, datastore("creating", secondaries=()),
                                                              datastore("primary-only", secondaries=())),
                    "CreateGlobalReplicationGroup": {"GlobalReplicationGroup": datastore("creating", secondaries=())}})
    failed, result = fake.run(module.main, ARGS)
    assert not failed and result["changed"] is True, result
    assert fake.params("CreateGlobalReplicationGroup") == [{
        "GlobalReplicationGroupIdSuffix": "orders", "PrimaryReplicationGroupId": "orders",
        "GlobalReplicationGroupDescription": "orders"}]
    assert result["polls"] == ["ldgnf-orders=creating", "ldgnf-orders=primary-only"] and fake.sleeps == [2]
    assert result["global_replication_group"]["members"][0]["role"] == "PRIMARY"
    assert result["diff"] == {"before": {"state": "absent"}, "after": {
        "state": "present", "description": "orders", "primary_region": "us-east-1"}}


def test_an_existing_datastore_is_adopted_by_its_suffix_and_nothing_changes():
    fake = FakeAWS({"DescribeGlobalReplicationGroups": listed(datastore())})
    failed, result = fake.run(module.main, dict(ARGS, primary_region="us-east-1"))
    assert not failed and result["changed"] is False and mutating(fake) == []


def test_another_primary_region_fails_over_and_waits_until_settled():
    fake = FakeAWS({"DescribeGlobalReplicationGroups": listed(
        datastore(), datastore(), datastore("modifying"), datastore(primary="us-west-2", secondaries=("us-east-1",))),
        "FailoverGlobalReplicationGroup": {"GlobalReplicationGroup": datastore("modifying")}})
    failed, result = fake.run(module.main, dict(ARGS, primary_region="us-west-2"))
    assert not failed and result["changed"] is True, result
    assert fake.params("FailoverGlobalReplicationGroup") == [{
        "GlobalReplicationGroupId": "ldgnf-orders", "PrimaryRegion": "us-west-2", "PrimaryReplicationGroupId": "orders"}]
    assert result["polls"] == ["ldgnf-orders=available", "ldgnf-orders=modifying", "ldgnf-orders=available"]
    assert result["diff"]["after"]["primary_region"] == "us-west-2"


def test_check_mode_changes_nothing_but_says_what_would_change():
    for args in (dict(ARGS, primary_region="us-west-2"), dict(ARGS, description="new"),
                 {"suffix": "orders", "state": "absent"}):
        fake = FakeAWS({"DescribeGlobalReplicationGroups": listed(datastore())})
        failed, result = fake.run(module.main, args, check_mode=True)
        assert not failed and result["changed"] is True and mutating(fake) == [], args
    fake = FakeAWS({"DescribeGlobalReplicationGroups": listed(None)})
    failed, result = fake.run(module.main, ARGS, check_mode=True)
    assert not failed and result["changed"] is True and mutating(fake) == []


def test_absent_disassociates_each_secondary_then_deletes_keeping_the_primary_group():
    fake = FakeAWS({"DescribeGlobalReplicationGroups": listed(
        datastore(secondaries=("us-west-2", "eu-west-1")), datastore(secondaries=("us-west-2", "eu-west-1")),
        datastore(), datastore("primary-only", secondaries=()), None),
        "DisassociateGlobalReplicationGroup": {"GlobalReplicationGroup": datastore("modifying")},
        "DeleteGlobalReplicationGroup": {"GlobalReplicationGroup": datastore("deleting", secondaries=())}})
    failed, result = fake.run(module.main, {"suffix": "orders", "state": "absent", "wait_delay": 1})
    assert not failed and result["changed"] is True, result
    assert [p["ReplicationGroupRegion"] for p in fake.params("DisassociateGlobalReplicationGroup")] == \
        ["us-west-2", "eu-west-1"]
    assert fake.params("DeleteGlobalReplicationGroup") == [{"GlobalReplicationGroupId": "ldgnf-orders",
                                                            "RetainPrimaryReplicationGroup": True}]
    assert result["disassociated"] == [{"replication_group_id": "orders", "replication_group_region": r}
                                       for r in ("us-west-2", "eu-west-1")]
    assert result["polls"][-1] == "ldgnf-orders=gone"


def test_bad_input_is_refused_before_any_call_naming_the_option():
    fake = FakeAWS({})
    failed, result = fake.run(module.main, dict(ARGS, suffix="Bad--suffix", primary_region="moon"))
    assert failed and "suffix" in result["msg"] and "primary_region: moon" in result["msg"]
    assert fake.operations() == []
    fake = FakeAWS({"DescribeGlobalReplicationGroups": listed(datastore())})
    failed, result = fake.run(module.main, dict(ARGS, primary_region="eu-west-1"))
    assert failed and "primary_region: global datastore ldgnf-orders has no member in eu-west-1" in result["msg"]
    assert mutating(fake) == []


def _scenario(**errors):
    answers = {"DescribeGlobalReplicationGroups": listed(datastore()),
               "FailoverGlobalReplicationGroup": {"GlobalReplicationGroup": datastore("modifying")},
               "ModifyGlobalReplicationGroup": {"GlobalReplicationGroup": datastore("modifying")},
               "DisassociateGlobalReplicationGroup": {"GlobalReplicationGroup": datastore("modifying")}}
    answers.update(errors)
    return FakeAWS(answers)


def _creating(**errors):
    answers = {"DescribeGlobalReplicationGroups": listed(None)}
    answers.update(errors)
    return FakeAWS(answers)


SCENARIOS = {
    "DescribeGlobalReplicationGroups": (_scenario, ARGS),
    "CreateGlobalReplicationGroup": (_creating, ARGS),
    "FailoverGlobalReplicationGroup": (_scenario, dict(ARGS, primary_region="us-west-2", wait=False)),
    "ModifyGlobalReplicationGroup": (_scenario, dict(ARGS, description="new", wait=False)),
    "DisassociateGlobalReplicationGroup": (_scenario, {"suffix": "orders", "state": "absent"}),
}


@each_failure(SCENARIOS)
def test_every_failure_names_the_operation(operation, error):
    fail_one(module.main, SCENARIOS, operation, error)


def test_an_available_datastore_waits_for_its_members_to_be_associated():
    associating = datastore(Members=[member("us-east-1", "PRIMARY"), member("us-west-2", "SECONDARY", "associating")])
    fake = FakeAWS({"DescribeGlobalReplicationGroups": listed(datastore(), datastore("modifying"), associating,
                                                              datastore()),
                    "FailoverGlobalReplicationGroup": {"GlobalReplicationGroup": datastore("modifying")}})
    failed, result = fake.run(module.main, dict(ARGS, primary_region="us-west-2"))
    assert not failed, result
    # After the failover's wait, the module's closing wait sees it settled at once.
    assert result["polls"] == ["ldgnf-orders=modifying", "ldgnf-orders=available (members associating)",
                               "ldgnf-orders=available", "ldgnf-orders=available"]
