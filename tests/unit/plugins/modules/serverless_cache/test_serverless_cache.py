"""serverless_cache against a fake ElastiCache: create, rerun, modify, check mode, delete with a final snapshot, and
the options refused before any call."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import serverless_cache
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one

ARN = "arn:aws:elasticache:us-east-1:123456789012:serverlesscache:app-queue"
ENDPOINT = "app-queue-abc123.serverless.use1.cache.amazonaws.com"
ARGS = {"name": "app-queue", "engine": "valkey", "major_engine_version": "8", "user_group_id": "app-queue",
        "usage_limits": {"data_storage": {"minimum": 1, "maximum": 10}, "ecpu_per_second": {"maximum": 5000}},
        "security_group_ids": ["sg-0123456789abcdef0"], "subnet_ids": ["subnet-1", "subnet-2"],
        "snapshot_retention_limit": 1, "daily_snapshot_time": "03:00", "wait_delay": 2}
MUTATING = ("CreateServerlessCache", "ModifyServerlessCache", "DeleteServerlessCache", "AddTagsToResource",
            "RemoveTagsFromResource")


def cache(status="available", **changes):
    found = {
        "ServerlessCacheName": "app-queue", "Description": "", "Status": status, "Engine": "valkey",
        "MajorEngineVersion": "8", "FullEngineVersion": "8.0",
        "CacheUsageLimits": {"DataStorage": {"Minimum": 1, "Maximum": 10, "Unit": "GB"},
                             "ECPUPerSecond": {"Maximum": 5000}},
        "SecurityGroupIds": ["sg-0123456789abcdef0"], "SubnetIds": ["subnet-1", "subnet-2"],
        "Endpoint": {"Address": ENDPOINT, "Port": 6379}, "ReaderEndpoint": {"Address": ENDPOINT, "Port": 6380},
        "ARN": ARN, "UserGroupId": "app-queue", "SnapshotRetentionLimit": 1, "DailySnapshotTime": "03:00",
    }
    found.update(changes)
    return found


def described(*states):
    return [{"ServerlessCaches": [s]} if s else "ServerlessCacheNotFoundFault" for s in states]


def mutating(fake):
    return [o for o in fake.operations() if o in MUTATING]


def test_creates_the_cache_and_waits_with_each_poll_in_the_result():
    fake = FakeAWS({"DescribeServerlessCaches": described(None, cache("creating"), cache()),
                    "CreateServerlessCache": {"ServerlessCache": cache("creating")}})
    failed, result = fake.run(serverless_cache.main, dict(ARGS, tags={"Environment": "test"}))
    assert not failed and result["changed"] is True, result
    assert fake.params("CreateServerlessCache") == [{
        "ServerlessCacheName": "app-queue", "Engine": "valkey", "MajorEngineVersion": "8",
        "SecurityGroupIds": ["sg-0123456789abcdef0"], "SubnetIds": ["subnet-1", "subnet-2"],
        "UserGroupId": "app-queue", "SnapshotRetentionLimit": 1, "DailySnapshotTime": "03:00",
        "CacheUsageLimits": {"DataStorage": {"Minimum": 1, "Maximum": 10, "Unit": "GB"},
                             "ECPUPerSecond": {"Maximum": 5000}},
        "Tags": [{"Key": "Environment", "Value": "test"}]}]
    assert result["polls"] == ["app-queue=creating", "app-queue=available"] and fake.sleeps == [2]
    assert result["serverless_cache"]["endpoint"] == {"address": ENDPOINT, "port": 6379}
    assert result["serverless_cache"]["reader_endpoint"] == {"address": ENDPOINT, "port": 6380}
    assert result["serverless_cache"]["tags"] == {"Environment": "test"}
    assert result["diff"]["before"] == {"state": "absent"}
    assert result["diff"]["after"]["usage_limits"]["ecpu_per_second"] == {"maximum": 5000}


def test_create_check_mode_makes_no_call_that_changes_anything():
    fake = FakeAWS({"DescribeServerlessCaches": described(None)})
    failed, result = fake.run(serverless_cache.main, ARGS, check_mode=True)
    assert not failed and result["changed"] is True and fake.operations() == ["DescribeServerlessCaches"]


def test_a_failed_creation_fails_the_task_naming_the_cache():
    fake = FakeAWS({"DescribeServerlessCaches": described(None, cache("create-failed")),
                    "CreateServerlessCache": {"ServerlessCache": cache("creating")}})
    failed, result = fake.run(serverless_cache.main, ARGS)
    assert failed and "app-queue could not be created (create-failed)" in result["msg"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_cache_left_create_failed_is_reported_not_taken_as_present(check_mode):
    fake = FakeAWS({"DescribeServerlessCaches": described(cache("create-failed"))})
    failed, result = fake.run(serverless_cache.main, ARGS, check_mode=check_mode)
    assert failed and "app-queue could not be created (create-failed)" in result["msg"] and mutating(fake) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_rerun_changes_nothing_with_one_describe_and_the_tags(check_mode):
    fake = FakeAWS({"DescribeServerlessCaches": described(cache()),
                    "ListTagsForResource": {"TagList": [{"Key": "Environment", "Value": "test"}]}})
    failed, result = fake.run(serverless_cache.main, dict(ARGS, tags={"Environment": "test"}), check_mode=check_mode)
    assert not failed and result["changed"] is False, result
    assert fake.operations() == ["DescribeServerlessCaches", "ListTagsForResource"]
    assert result["diff"] == {"before": {}, "after": {}}


def test_new_limits_and_security_groups_go_in_one_modify_and_the_diff_shows_them():
    fake = FakeAWS({"DescribeServerlessCaches": described(cache(), cache("modifying"), cache()),
                    "ModifyServerlessCache": {"ServerlessCache": cache("modifying")}})
    args = dict(ARGS, usage_limits={"ecpu_per_second": {"minimum": 1000, "maximum": 20000}},
                security_group_ids=["sg-0fedcba9876543210"], description="queues")
    failed, result = fake.run(serverless_cache.main, args)
    assert not failed and result["changed"] is True, result
    assert fake.params("ModifyServerlessCache") == [{
        "ServerlessCacheName": "app-queue", "Description": "queues",
        "CacheUsageLimits": {"ECPUPerSecond": {"Minimum": 1000, "Maximum": 20000}},
        "SecurityGroupIds": ["sg-0fedcba9876543210"]}]
    assert result["diff"]["before"]["usage_limits"]["ecpu_per_second"] == {"maximum": 5000}
    assert result["diff"]["after"]["usage_limits"] == {"ecpu_per_second": {"minimum": 1000, "maximum": 20000}}
    assert result["polls"] == ["app-queue=modifying", "app-queue=available"]


def test_modify_check_mode_makes_no_call_that_changes_anything():
    fake = FakeAWS({"DescribeServerlessCaches": described(cache())})
    failed, result = fake.run(serverless_cache.main, dict(ARGS, snapshot_retention_limit=7), check_mode=True)
    assert not failed and result["changed"] is True and mutating(fake) == []
    assert result["diff"] == {"before": {"snapshot_retention_limit": 1}, "after": {"snapshot_retention_limit": 7}}


def test_an_empty_user_group_id_removes_the_user_group():
    fake = FakeAWS({"DescribeServerlessCaches": described(cache()),
                    "ModifyServerlessCache": {"ServerlessCache": cache("modifying")}})
    failed = fake.run(serverless_cache.main, dict(ARGS, user_group_id="", wait=False))[0]
    assert not failed and fake.params("ModifyServerlessCache") == [{"ServerlessCacheName": "app-queue",
                                                                    "RemoveUserGroup": True}]


def test_redis_is_upgraded_to_valkey_but_never_back():
    fake = FakeAWS({"DescribeServerlessCaches": described(cache(Engine="redis", MajorEngineVersion="7")),
                    "ModifyServerlessCache": {"ServerlessCache": cache("modifying")}})
    failed = fake.run(serverless_cache.main, dict(ARGS, wait=False))[0]
    assert not failed and fake.params("ModifyServerlessCache") == [{
        "ServerlessCacheName": "app-queue", "Engine": "valkey", "MajorEngineVersion": "8"}]
    fake = FakeAWS({"DescribeServerlessCaches": described(cache())})
    failed, result = fake.run(serverless_cache.main, dict(ARGS, engine="redis", major_engine_version="7"))
    assert failed and "cannot go back to redis" in result["msg"] and mutating(fake) == []


def test_subnets_and_the_kms_key_cannot_change_and_nothing_is_sent():
    key = "arn:aws:kms:us-east-1:123456789012:key/1234"
    fake = FakeAWS({"DescribeServerlessCaches": described(cache())})
    failed, result = fake.run(serverless_cache.main, dict(ARGS, subnet_ids=["subnet-3"], kms_key_id=key))
    assert failed and result["msg"].startswith("Serverless cache app-queue: subnet_ids:")
    assert "kms_key_id:" in result["msg"] and mutating(fake) == []


@pytest.mark.parametrize("options, message", [
    ({"usage_limits": {"data_storage": {"maximum": 5001}}}, "usage_limits.data_storage.maximum: 5001 is out of range"),
    ({"usage_limits": {"data_storage": {"minimum": 0}}}, "usage_limits.data_storage.minimum: 0 is out of range"),
    ({"usage_limits": {"ecpu_per_second": {"maximum": 999}}}, "usage_limits.ecpu_per_second.maximum: 999"),
    ({"usage_limits": {"ecpu_per_second": {"minimum": 9000, "maximum": 5000}}},
     "usage_limits.ecpu_per_second: minimum 9000 is above maximum 5000"),
    ({"major_engine_version": "6"}, "major_engine_version: valkey serverless caches run major version 7 or 8"),
    ({"snapshot_retention_limit": 36}, "snapshot_retention_limit: must be between 0 and 35"),
    ({"daily_snapshot_time": "3am"}, "daily_snapshot_time: '3am' is not a time of day"),
    ({"name": "1queue"}, "name: '1queue' is not valid"),
    ({"state": "absent", "final_snapshot_name": "x", "skip_final_snapshot": True}, "contradict each other"),
])
def test_bad_options_are_refused_naming_them_before_any_call(options, message):
    fake = FakeAWS({})
    failed, result = fake.run(serverless_cache.main, dict(ARGS, **options))
    assert failed and message in result["msg"] and fake.operations() == []


def test_engine_is_required_to_create():
    fake = FakeAWS({"DescribeServerlessCaches": described(None)})
    failed, result = fake.run(serverless_cache.main, {"name": "app-queue"})
    assert failed and "engine is required" in result["msg"] and mutating(fake) == []


def test_no_delete_without_a_final_snapshot_unless_skipped():
    fake = FakeAWS({"DescribeServerlessCaches": described(cache())})
    failed, result = fake.run(serverless_cache.main, {"name": "app-queue", "state": "absent"})
    assert failed and "needs final_snapshot_name, or skip_final_snapshot=true" in result["msg"]
    assert mutating(fake) == []


def test_delete_takes_the_final_snapshot_and_waits_until_gone():
    fake = FakeAWS({"DescribeServerlessCaches": described(cache(), cache("deleting"), None),
                    "DeleteServerlessCache": {"ServerlessCache": cache("deleting")}})
    failed, result = fake.run(serverless_cache.main, {"name": "app-queue", "state": "absent", "wait_delay": 1,
                                                      "final_snapshot_name": "app-queue-final"})
    assert not failed and result["changed"] is True
    assert fake.params("DeleteServerlessCache") == [{"ServerlessCacheName": "app-queue",
                                                     "FinalSnapshotName": "app-queue-final"}]
    assert result["polls"] == ["app-queue=deleting", "app-queue=gone"]
    assert result["final_snapshot_name"] == "app-queue-final" and result["serverless_cache"] is None


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_when_gone_changes_nothing(check_mode):
    fake = FakeAWS({"DescribeServerlessCaches": described(None)})
    failed, result = fake.run(serverless_cache.main, {"name": "app-queue", "state": "absent"}, check_mode=check_mode)
    assert not failed and result["changed"] is False


def test_delete_check_mode_deletes_nothing():
    fake = FakeAWS({"DescribeServerlessCaches": described(cache())})
    failed, result = fake.run(serverless_cache.main, {"name": "app-queue", "state": "absent",
                                                      "skip_final_snapshot": True}, check_mode=True)
    assert not failed and result["changed"] is True and mutating(fake) == []


def _scenario(**errors):
    answers = {"DescribeServerlessCaches": described(cache()),
               "ModifyServerlessCache": {"ServerlessCache": cache("modifying")}}
    answers.update(errors)
    return FakeAWS(answers)


SCENARIOS = {
    "DescribeServerlessCaches": (_scenario, ARGS),
    "ModifyServerlessCache": (_scenario, dict(ARGS, description="new", wait=False)),
    "DeleteServerlessCache": (_scenario, {"name": "app-queue", "state": "absent", "skip_final_snapshot": True,
                                          "wait": False}),
    "ListTagsForResource": (_scenario, dict(ARGS, tags={})),
}


@each_failure(SCENARIOS)
def test_every_failure_names_the_operation_and_the_cache(operation, error):
    _fake, result = fail_one(serverless_cache.main, SCENARIOS, operation, error)
    if operation != "ListTagsForResource":
        assert "ServerlessCacheName=app-queue" in result["msg"]
