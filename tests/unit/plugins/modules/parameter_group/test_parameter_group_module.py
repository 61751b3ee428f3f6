"""parameter_group: read only what the comparison needs, and report every AWS failure naming the operation."""

from __future__ import annotations

import pytest

from ansible_collections.funmagic.elasticache.plugins.modules import parameter_group
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one, tags

ARN = "arn:aws:elasticache:us-east-1:123456789012:parametergroup:queue"
GROUP = {"CacheParameterGroupName": "queue", "CacheParameterGroupFamily": "redis7", "Description": "queue",
         "IsGlobal": False, "ARN": ARN}


def parameter(name, value, allowed, source="user", modifiable=True):
    return {"ParameterName": name, "ParameterValue": value, "AllowedValues": allowed, "Source": source,
            "IsModifiable": modifiable, "DataType": "string"}


USER_SET = [parameter("maxmemory-policy", "noeviction", "noeviction,volatile-lru,allkeys-lru")]
ALL = USER_SET + [parameter("activedefrag", "no", "yes,no", "system"),
                  parameter("timeout", "0", "0-", "system"),
                  parameter("cluster-enabled", "no", "yes,no", "system", modifiable=False)]


def parameters(request):
    return {"Parameters": USER_SET if request.get("Source") == "user" else ALL}


def existing(**answers):
    fake = FakeAWS({
        "DescribeCacheParameterGroups": {"CacheParameterGroups": [GROUP]},
        "DescribeCacheParameters": parameters,
        "ListTagsForResource": tags(Purpose="queue"),
        "AddTagsToResource": tags(),
        "ModifyCacheParameterGroup": {"CacheParameterGroupName": "queue"},
        "ResetCacheParameterGroup": {"CacheParameterGroupName": "queue"},
        "DeleteCacheParameterGroup": {},
        "CreateCacheParameterGroup": {"CacheParameterGroup": GROUP},
    })
    fake.answers.update(answers)
    return fake


def absent(**answers):
    return existing(DescribeCacheParameterGroups="CacheParameterGroupNotFound", **answers)


ARGS = {"name": "queue", "family": "redis7", "parameters": {"maxmemory-policy": "noeviction"},
        "tags": {"Purpose": "queue"}}


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_rerun_reads_only_the_user_set_parameters(check_mode):
    fake = existing()
    failed, result = fake.run(parameter_group.main, ARGS, check_mode)
    assert not failed and result["changed"] is False
    assert fake.operations() == ["DescribeCacheParameterGroups", "DescribeCacheParameters", "ListTagsForResource"]
    assert fake.params("DescribeCacheParameters")[0]["Source"] == "user"
    assert result["parameters"] == {"maxmemory-policy": "noeviction"}


def test_no_parameters_and_no_tags_cost_one_call():
    fake = existing()
    failed, result = fake.run(parameter_group.main, {"name": "queue", "family": "redis7"})
    assert not failed and result["changed"] is False and fake.operations() == ["DescribeCacheParameterGroups"]


def test_a_parameter_at_its_default_needs_the_full_list_and_is_normalised():
    fake = existing()
    failed, result = fake.run(parameter_group.main, dict(ARGS, parameters={"activedefrag": True, "timeout": 300}))
    assert not failed and result["changed"] is True
    assert [p.get("Source") for p in fake.params("DescribeCacheParameters")] == ["user", None]
    assert fake.params("ModifyCacheParameterGroup")[0]["ParameterNameValues"] == [
        {"ParameterName": "activedefrag", "ParameterValue": "yes"}, {"ParameterName": "timeout", "ParameterValue": "300"}]
    assert result["diff"] == {"before": {"activedefrag": "no", "timeout": "0"},
                              "after": {"activedefrag": "yes", "timeout": "300"}}


def test_unknown_and_fixed_parameters_are_refused_before_any_change():
    fake = existing()
    failed, result = fake.run(parameter_group.main, dict(ARGS, parameters={"maxmemory-polcy": "x",
                                                                           "cluster-enabled": "yes"}))
    assert failed and "maxmemory-polcy" in result["msg"] and "not modifiable: cluster-enabled" in result["msg"]
    assert "ModifyCacheParameterGroup" not in fake.operations()


def test_a_new_group_compares_with_its_familys_defaults_and_is_created_with_its_tags():
    fake = absent()
    failed, result = fake.run(parameter_group.main, ARGS)
    assert not failed and result["changed"] is True
    assert fake.params("DescribeCacheParameters") == [{"CacheParameterGroupName": "default.redis7"}]
    assert fake.params("CreateCacheParameterGroup")[0]["Tags"] == [{"Key": "Purpose", "Value": "queue"}]
    assert "ListTagsForResource" not in fake.operations()


def test_a_family_change_is_refused():
    fake = existing()
    failed, result = fake.run(parameter_group.main, dict(ARGS, family="valkey8"))
    assert failed and "a family cannot change" in result["msg"]


def test_reset_resets_only_when_something_was_set():
    fake = existing()
    failed, result = fake.run(parameter_group.main, {"name": "queue", "state": "reset"})
    assert not failed and result["changed"] is True and fake.operations()[-1] == "ResetCacheParameterGroup"
    fake = existing(DescribeCacheParameters={"Parameters": []})
    failed, result = fake.run(parameter_group.main, {"name": "queue", "state": "reset"})
    assert not failed and result["changed"] is False


@pytest.mark.parametrize("fake, changed", [(existing, True), (absent, False)])
def test_absent_deletes_once(fake, changed):
    fake = fake()
    failed, result = fake.run(parameter_group.main, {"name": "queue", "state": "absent"})
    assert not failed and result["changed"] is changed
    assert fake.operations().count("DeleteCacheParameterGroup") == int(changed)


def test_deleting_a_group_still_in_use_by_a_deleting_replication_group_is_retried():
    fake = existing(DeleteCacheParameterGroup=["InvalidCacheParameterGroupState", {}])
    failed, result = fake.run(parameter_group.main, {"name": "queue", "state": "absent"})
    assert not failed and result["changed"] is True and fake.operations().count("DeleteCacheParameterGroup") == 2


FAILURES = {
    "DescribeCacheParameterGroups": (existing, ARGS),
    "DescribeCacheParameters": (existing, ARGS),
    "ListTagsForResource": (existing, ARGS),
    "AddTagsToResource": (existing, dict(ARGS, tags={"Purpose": "queue", "Team": "web"})),
    "CreateCacheParameterGroup": (absent, ARGS),
    "ModifyCacheParameterGroup": (existing, dict(ARGS, parameters={"timeout": 300})),
    "ResetCacheParameterGroup": (existing, {"name": "queue", "state": "reset"}),
    "DeleteCacheParameterGroup": (existing, {"name": "queue", "state": "absent"}),
}


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation(operation, error):
    fail_one(parameter_group.main, FAILURES, operation, error)


def test_several_groups_in_one_execution_each_with_its_own_result_and_diff():
    def describe(request):
        if request["CacheParameterGroupName"] == "queue":
            return {"CacheParameterGroups": [GROUP]}
        return "CacheParameterGroupNotFound"

    fake = existing(DescribeCacheParameterGroups=describe)
    failed, result = fake.run(parameter_group.main, {"parameter_groups": [
        {"name": "main", "family": "redis7", "tags": {"Purpose": "main"}},
        dict(ARGS, parameters={"maxmemory-policy": "noeviction"}),
    ], "_ansible_diff": True})
    assert not failed and result["changed"] is True
    assert fake.operations() == ["DescribeCacheParameterGroups", "DescribeCacheParameters", "CreateCacheParameterGroup",
                                 "DescribeCacheParameterGroups", "DescribeCacheParameters", "ListTagsForResource"]
    assert fake.params("CreateCacheParameterGroup")[0]["CacheParameterGroupName"] == "main"
    assert [(g["name"], g["changed"]) for g in result["parameter_groups"]] == [("main", True), ("queue", False)]
    assert len(result["diff"]) == 2


def test_several_groups_in_check_mode_change_nothing_and_a_failure_names_its_group():
    fake = absent()
    failed, result = fake.run(parameter_group.main, {"parameter_groups": [
        {"name": "main", "family": "redis7"}, {"name": "queue", "family": "redis7"}]}, True)
    assert not failed and result["changed"] is True
    assert "CreateCacheParameterGroup" not in fake.operations()
    failed, result = absent().run(parameter_group.main, {"parameter_groups": [
        {"name": "main", "family": "redis7"}, {"name": "queue"}]})
    assert failed and result["msg"] == "parameter group queue: family is required to create parameter group queue."


def test_name_and_parameter_groups_exclude_each_other():
    failed, result = existing().run(parameter_group.main, {"name": "x", "parameter_groups": [{"name": "y"}]})
    assert failed and "mutually exclusive" in result["msg"]
    failed, result = existing().run(parameter_group.main, {"parameters": {}})
    assert failed and "one of the following is required: name, parameter_groups" in result["msg"]


def test_a_new_family_group_starts_from_the_old_groups_values_under_the_wanted_ones():
    """copy_from: the values set on the old group that the new family knows and may change come over."""
    old = [parameter("maxmemory-policy", "allkeys-lru", "noeviction,allkeys-lru"), parameter("timeout", "300", "0-"),
           parameter("cluster-enabled", "yes", "yes,no", modifiable=False),
           parameter("lua-replicate-commands", "yes", "yes,no")]

    def answers(request):
        if request["CacheParameterGroupName"] == "queue" and request.get("Source") == "user":
            return {"Parameters": old}
        return {"Parameters": ALL}

    fake = absent(DescribeCacheParameters=answers)
    item = {"name": "queue-valkey8", "family": "valkey8", "parameters": {"maxmemory-policy": "noeviction"},
            "copy_from": "queue"}
    failed, result = fake.run(parameter_group.main, {"parameter_groups": [item]})
    assert not failed and result["changed"]
    sent = dict((p["ParameterName"], p["ParameterValue"])
                for p in fake.params("ModifyCacheParameterGroup")[0]["ParameterNameValues"])
    # The wanted maxmemory-policy (noeviction, the family default here) wins over the old allkeys-lru; fixed and
    # unknown ones stay behind.
    assert sent == {"timeout": "300"}


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_deletes_the_groups_that_exist_after_one_walk(check_mode):
    fake = existing()
    failed, result = fake.run(parameter_group.main, {"parameter_groups": [], "absent": ["queue", "queue-valkey8"]},
                              check_mode)
    assert not failed and result["changed"] and result["deleted"] == ["queue"]
    assert fake.operations() == ["DescribeCacheParameterGroups"] + ([] if check_mode else ["DeleteCacheParameterGroup"])
    assert result["diff"] == [{"before": {"parameter_group": "queue"}, "after": {}}]
    failed, result = existing().run(parameter_group.main, {"parameter_groups": [], "absent": ["queue-valkey8"]})
    assert not failed and not result["changed"] and result["deleted"] == []
