"""security_group: the exact EC2 calls, one call on a rerun, ingress made exact, retries, every failure named."""

from __future__ import annotations

import contextlib
import io
import json
from unittest import mock

import pytest

from ansible.module_utils import _internal
from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.funmagic.elasticache.plugins.modules import security_group
from tests.unit.plugins.modules.fake_aws import FakeAWS, each_failure, fail_one

APP = "sg-0app"
OTHER = "sg-0other"
GROUP_ID = "sg-0redis"
ACCOUNT = "123456789012"
NAME = "funmagic-redis-sg"
MUTATING = ("CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress",
            "UpdateSecurityGroupRuleDescriptionsIngress", "CreateTags", "DeleteTags", "DeleteSecurityGroup")


def tcp(port, **sources):
    """An IpPermission as EC2 describes it: every source list present, empty or not."""
    permission = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    for key in ("UserIdGroupPairs", "IpRanges", "Ipv6Ranges", "PrefixListIds"):
        permission[key] = sources.get(key, [])
    return permission


def pair(group_id, description=None):
    described = {"GroupId": group_id, "UserId": ACCOUNT}
    if description:
        described["Description"] = description
    return described


APP_RULE = tcp(6379, UserIdGroupPairs=[pair(APP, "app")])


def described(*permissions, tags=None, description="Redis", vpc_id="vpc-1", group_id=GROUP_ID):
    return {"GroupId": group_id, "GroupName": NAME, "Description": description, "VpcId": vpc_id, "OwnerId": ACCOUNT,
            "IpPermissions": list(permissions),
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            "Tags": [{"Key": k, "Value": v} for k, v in (tags or {"Environment": "test"}).items()]}


def fake_with(*groups, **answers):
    fake = FakeAWS({
        "DescribeSecurityGroups": {"SecurityGroups": list(groups)},
        "CreateSecurityGroup": {"GroupId": GROUP_ID,
                                "SecurityGroupArn": "arn:aws:ec2:us-east-1:%s:security-group/%s" % (ACCOUNT, GROUP_ID)},
        "AuthorizeSecurityGroupIngress": {"Return": True},
        "RevokeSecurityGroupIngress": {"Return": True},
        "UpdateSecurityGroupRuleDescriptionsIngress": {"Return": True},
        "CreateTags": {},
        "DeleteTags": {},
        "DeleteSecurityGroup": {"Return": True, "GroupId": GROUP_ID},
    })
    fake.answers.update(answers)
    return fake


def existing(**answers):
    return fake_with(described(APP_RULE), **answers)


def missing(**answers):
    return fake_with(**answers)


ARGS = {"name": NAME, "description": "Redis", "vpc_id": "vpc-1", "tags": {"Environment": "test"},
        "ingress": [{"port": 6379, "group_id": APP, "description": "app"}]}
LOOKUP = {"Filters": [{"Name": "group-name", "Values": [NAME]}, {"Name": "vpc-id", "Values": ["vpc-1"]}]}
VIEW = {"group_name": NAME, "description": "Redis", "ingress": ["tcp 6379 from " + APP],
        "tags": {"Environment": "test"}}


def mutating(fake):
    return [operation for operation in fake.operations() if operation in MUTATING]


def printed_result(fake, args, check_mode=False):
    """main() run to its real exit: the result as ansible-core prints it, with its warnings and deprecations.

    The module runs as on a host: other tests in this process load controller code (which would send warnings
    to the display instead), and earlier runs' warnings stay out."""
    args = dict(args, region="us-east-1", _ansible_check_mode=check_mode)
    printed = io.StringIO()
    with patch_module_args(args), \
            mock.patch.object(AnsibleAWSModule, "client", lambda _self, service, **_kw: fake.client(service)), \
            mock.patch.object(_internal, "is_controller", False), \
            mock.patch.object(warnings, "_global_warnings", type(warnings._global_warnings)()), \
            mock.patch.object(warnings, "_global_deprecations", type(warnings._global_deprecations)()), \
            contextlib.redirect_stdout(printed), pytest.raises(SystemExit):
        security_group.main()
    return json.loads(printed.getvalue())


def warning_texts(result):
    return [w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings", [])]


def test_ingress_strings_render_every_kind_of_source_the_same_way():
    permissions = [
        tcp(6379, UserIdGroupPairs=[pair("sg-0abc", "app")], IpRanges=[{"CidrIp": "0.0.0.0/0"}]),
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "office"}]},
        {"IpProtocol": "tcp", "FromPort": 1000, "ToPort": 2000, "PrefixListIds": [{"PrefixListId": "pl-123"}]},
        tcp(22, Ipv6Ranges=[{"CidrIpv6": "::/0"}]),
        {"IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "UserIdGroupPairs": [pair("sg-0abc")]},
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": 0, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ]
    assert security_group.ingress_strings(permissions) == [
        "-1 all from 10.0.0.0/8", "-1 all from sg-0abc", "icmp 8-0 from 10.0.0.0/8", "icmp all from ::/0",
        "tcp 1000-2000 from pl-123", "tcp 22 from ::/0", "tcp 6379 from 0.0.0.0/0", "tcp 6379 from sg-0abc"]


def test_a_missing_group_is_created_with_its_rules_in_three_calls_and_no_sleep():
    fake = missing()
    failed, result = fake.run(security_group.main, dict(ARGS, ingress=[
        {"port": 6379, "group_id": APP, "description": "app"}, {"port": 6379, "group_id": OTHER},
        {"port": 6380, "group_id": APP}]))
    assert not failed and result["changed"] is True, result
    assert fake.operations() == ["DescribeSecurityGroups", "CreateSecurityGroup", "AuthorizeSecurityGroupIngress"]
    assert fake.params("DescribeSecurityGroups") == [LOOKUP]
    assert fake.params("CreateSecurityGroup") == [{
        "GroupName": NAME, "Description": "Redis", "VpcId": "vpc-1",
        "TagSpecifications": [{"ResourceType": "security-group", "Tags": [{"Key": "Environment", "Value": "test"}]}]}]
    assert fake.params("AuthorizeSecurityGroupIngress") == [{"GroupId": GROUP_ID, "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379,
         "UserIdGroupPairs": [{"GroupId": APP, "Description": "app"}, {"GroupId": OTHER}]},
        {"IpProtocol": "tcp", "FromPort": 6380, "ToPort": 6380, "UserIdGroupPairs": [{"GroupId": APP}]}]}]
    assert fake.sleeps == []
    assert result["group_id"] == GROUP_ID
    assert result["group"]["tags"] == {"Environment": "test"} and result["group"]["vpc_id"] == "vpc-1"
    assert result["diff"] == {"before": {}, "after": dict(VIEW, ingress=[
        "tcp 6379 from " + APP, "tcp 6379 from " + OTHER, "tcp 6380 from " + APP])}


def test_a_group_without_rules_or_tags_is_created_with_one_call():
    fake = missing()
    failed, result = fake.run(security_group.main, dict(ARGS, ingress=[], tags=None))
    assert not failed and result["changed"] is True
    assert fake.operations() == ["DescribeSecurityGroups", "CreateSecurityGroup"]
    assert fake.params("CreateSecurityGroup") == [{"GroupName": NAME, "Description": "Redis", "VpcId": "vpc-1"}]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_rerun_that_changes_nothing_makes_one_call(check_mode):
    fake = existing()
    result = printed_result(fake, ARGS, check_mode)
    assert result["changed"] is False and not result.get("failed"), result
    assert fake.operations() == ["DescribeSecurityGroups"]
    assert result["diff"] == {"before": VIEW, "after": VIEW}
    assert result["group_id"] == GROUP_ID and result["group"]["ip_permissions"][0]["from_port"] == 6379
    assert result["group"]["tags"] == {"Environment": "test"}
    assert "warnings" not in result and "deprecations" not in result


def test_extra_rules_are_revoked_in_one_call_exactly_as_described():
    world = tcp(6379, UserIdGroupPairs=[pair(APP, "app")], IpRanges=[{"CidrIp": "0.0.0.0/0", "Description": "open"}])
    ssh = tcp(22, UserIdGroupPairs=[pair(APP)], Ipv6Ranges=[{"CidrIpv6": "::/0"}])
    everything = {"IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
                  "Ipv6Ranges": [], "PrefixListIds": [{"PrefixListId": "pl-123"}]}
    fake = fake_with(described(world, ssh, everything))
    failed, result = fake.run(security_group.main, ARGS)
    assert not failed and result["changed"] is True, result
    assert fake.operations() == ["DescribeSecurityGroups", "RevokeSecurityGroupIngress"]
    assert fake.params("RevokeSecurityGroupIngress") == [{"GroupId": GROUP_ID, "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379,
         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "open"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
         "UserIdGroupPairs": [{"GroupId": APP, "UserId": ACCOUNT}]},
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "PrefixListIds": [{"PrefixListId": "pl-123"}]}]}]
    assert result["diff"]["before"]["ingress"] == [
        "-1 all from 10.0.0.0/8", "-1 all from pl-123", "tcp 22 from ::/0", "tcp 22 from " + APP,
        "tcp 6379 from 0.0.0.0/0", "tcp 6379 from " + APP]
    assert result["diff"]["after"] == VIEW
    assert result["group"]["ip_permissions"] == [{"ip_protocol": "tcp", "from_port": 6379, "to_port": 6379,
                                                  "user_id_group_pairs": [{"group_id": APP, "user_id": ACCOUNT,
                                                                           "description": "app"}]}]


def test_a_rule_moved_to_another_source_is_authorized_before_the_old_one_is_revoked():
    fake = existing()
    failed, result = fake.run(security_group.main, dict(ARGS, ingress=[{"port": 6379, "group_id": OTHER}]))
    assert not failed and result["changed"] is True
    assert fake.operations() == ["DescribeSecurityGroups", "AuthorizeSecurityGroupIngress",
                                 "RevokeSecurityGroupIngress"]
    assert fake.params("AuthorizeSecurityGroupIngress") == [{"GroupId": GROUP_ID, "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "UserIdGroupPairs": [{"GroupId": OTHER}]}]}]
    assert fake.params("RevokeSecurityGroupIngress") == [{"GroupId": GROUP_ID, "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "UserIdGroupPairs": [pair(APP, "app")]}]}]
    assert result["diff"]["after"]["ingress"] == ["tcp 6379 from " + OTHER]
    assert fake.sleeps == []  # the group was described: no eventual-consistency retry on this path


def test_a_rule_that_aws_did_not_revoke_is_reported():
    fake = fake_with(described(APP_RULE, tcp(22, IpRanges=[{"CidrIp": "0.0.0.0/0"}])), RevokeSecurityGroupIngress={
        "Return": True, "UnknownIpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                                  "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]})
    failed, result = fake.run(security_group.main, ARGS)
    assert failed and result["msg"].startswith("RevokeSecurityGroupIngress failed for %s (%s)" % (NAME, GROUP_ID))
    assert "tcp 22 from 0.0.0.0/0" in result["msg"]


def test_a_description_only_change_is_updated_and_shown_in_the_diff():
    fake = existing()
    failed, result = fake.run(security_group.main, dict(ARGS, ingress=[
        {"port": 6379, "group_id": APP, "description": "application"}]))
    assert not failed and result["changed"] is True
    assert fake.operations() == ["DescribeSecurityGroups", "UpdateSecurityGroupRuleDescriptionsIngress"]
    assert fake.params("UpdateSecurityGroupRuleDescriptionsIngress") == [{"GroupId": GROUP_ID, "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379,
         "UserIdGroupPairs": [{"GroupId": APP, "Description": "application"}]}]}]
    rule = "tcp 6379 from " + APP
    assert result["diff"]["before"] == dict(VIEW, ingress_descriptions={rule: "app"})
    assert result["diff"]["after"] == dict(VIEW, ingress_descriptions={rule: "application"})


def test_a_rule_without_description_loses_the_one_it_has():
    fake = existing()
    failed, result = fake.run(security_group.main, dict(ARGS, ingress=[{"port": 6379, "group_id": APP}]))
    assert not failed and result["changed"] is True
    assert fake.params("UpdateSecurityGroupRuleDescriptionsIngress") == [{"GroupId": GROUP_ID, "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "UserIdGroupPairs": [{"GroupId": APP}]}]}]
    assert result["diff"]["after"]["ingress_descriptions"] == {"tcp 6379 from " + APP: ""}


def test_a_different_description_is_warned_about_and_is_no_change():
    fake = existing()
    result = printed_result(fake, dict(ARGS, description="Redis cache"))
    assert result["changed"] is False and not result.get("failed"), result
    assert fake.operations() == ["DescribeSecurityGroups"]
    assert result["diff"]["before"] == result["diff"]["after"] == VIEW
    [message] = warning_texts(result)
    assert "cannot be changed" in message and "'Redis cache'" in message and GROUP_ID in message
    assert "deprecations" not in result, result["deprecations"]  # ansible-core 2.19 prints these for every run


@pytest.mark.parametrize("purge_tags, operations, after", [
    (True, ["DescribeSecurityGroups", "DeleteTags", "CreateTags"], {"Team": "web"}),
    (False, ["DescribeSecurityGroups", "CreateTags"], {"Environment": "test", "Old": "x", "Team": "web"}),
])
def test_tags_are_compared_with_the_describe_answer(purge_tags, operations, after):
    fake = fake_with(described(APP_RULE, tags={"Environment": "test", "Old": "x"}))
    failed, result = fake.run(security_group.main, dict(ARGS, tags={"Team": "web"}, purge_tags=purge_tags))
    assert not failed and result["changed"] is True
    assert fake.operations() == operations
    assert fake.params("CreateTags") == [{"Resources": [GROUP_ID], "Tags": [{"Key": "Team", "Value": "web"}]}]
    if purge_tags:
        assert fake.params("DeleteTags") == [{"Resources": [GROUP_ID],
                                              "Tags": [{"Key": "Environment"}, {"Key": "Old"}]}]
    assert result["diff"]["after"]["tags"] == after == result["group"]["tags"]


def test_tags_left_unset_are_not_managed():
    fake = fake_with(described(APP_RULE, tags={"Owner": "someone"}))
    failed, result = fake.run(security_group.main, dict(ARGS, tags=None))
    assert not failed and result["changed"] is False and fake.operations() == ["DescribeSecurityGroups"]


@pytest.mark.parametrize("scenario, args", [
    (missing, ARGS),
    (lambda: fake_with(described(tcp(22, IpRanges=[{"CidrIp": "0.0.0.0/0"}]), tags={"Old": "x"})), ARGS),
    (existing, dict(ARGS, ingress=[{"port": 6379, "group_id": APP, "description": "new"}])),
    (existing, {"name": NAME, "state": "absent"}),
], ids=["create", "rules-and-tags", "description", "delete"])
def test_check_mode_mutates_nothing_and_reports_the_change(scenario, args):
    fake = scenario()
    failed, result = fake.run(security_group.main, args, check_mode=True)
    assert not failed and result["changed"] is True, result
    assert fake.operations() == ["DescribeSecurityGroups"]
    assert result["group_id"] == (None if scenario is missing else GROUP_ID)
    assert result["diff"]["before"] != result["diff"]["after"]


def test_check_mode_shows_what_a_creation_would_make():
    fake = missing()
    failed, result = fake.run(security_group.main, ARGS, check_mode=True)
    assert not failed and result["group"] is None
    assert result["diff"] == {"before": {}, "after": VIEW}


def test_authorizing_the_rules_of_a_new_group_is_retried_until_ec2_sees_it():
    fake = missing(AuthorizeSecurityGroupIngress=["InvalidGroup.NotFound", "InvalidGroup.NotFound", {"Return": True}])
    failed, result = fake.run(security_group.main, ARGS)
    assert not failed and result["changed"] is True
    assert fake.operations().count("AuthorizeSecurityGroupIngress") == 3
    assert fake.operations().count("CreateSecurityGroup") == 1
    assert fake.sleeps == [1, 2]


def test_authorizing_gives_up_when_the_group_never_shows():
    fake = missing(AuthorizeSecurityGroupIngress="InvalidGroup.NotFound")
    failed, result = fake.run(security_group.main, ARGS)
    assert failed and result["msg"].startswith("AuthorizeSecurityGroupIngress failed")
    assert fake.operations().count("AuthorizeSecurityGroupIngress") == 5 and sum(fake.sleeps) == 15


def test_a_group_is_deleted_by_id():
    fake = existing()
    failed, result = fake.run(security_group.main, {"name": NAME, "vpc_id": "vpc-1", "state": "absent"})
    assert not failed and result["changed"] is True
    assert fake.operations() == ["DescribeSecurityGroups", "DeleteSecurityGroup"]
    assert fake.params("DescribeSecurityGroups") == [LOOKUP]
    assert fake.params("DeleteSecurityGroup") == [{"GroupId": GROUP_ID}]
    assert result["group_id"] == GROUP_ID and result["group"] is None
    assert result["diff"] == {"before": VIEW, "after": {}}


def test_deleting_a_missing_group_changes_nothing():
    fake = missing()
    failed, result = fake.run(security_group.main, {"name": NAME, "state": "absent"})
    assert not failed and result["changed"] is False
    assert fake.params("DescribeSecurityGroups") == [{"Filters": [{"Name": "group-name", "Values": [NAME]}]}]
    assert result["group_id"] is None and result["diff"] == {"before": {}, "after": {}}


def test_deleting_a_group_still_in_use_is_retried():
    fake = existing(DeleteSecurityGroup=["DependencyViolation", "DependencyViolation", {"Return": True}])
    failed, result = fake.run(security_group.main, {"name": NAME, "state": "absent"})
    assert not failed and result["changed"] is True
    assert fake.operations().count("DeleteSecurityGroup") == 3 and fake.sleeps == [5, 10]


def test_deleting_a_group_in_use_for_two_minutes_fails_naming_it():
    fake = existing(DeleteSecurityGroup="DependencyViolation")
    failed, result = fake.run(security_group.main, {"name": NAME, "state": "absent"})
    assert failed and result["msg"].startswith(
        "DeleteSecurityGroup failed for %s (%s): still in use after 120 s" % (NAME, GROUP_ID))
    assert "not known" in result["msg"] and "Try again later" in result["msg"]
    assert fake.operations().count("DeleteSecurityGroup") == 10 and sum(fake.sleeps) == 120


def test_a_name_in_two_vpcs_without_vpc_id_is_refused_naming_both():
    fake = fake_with(described(APP_RULE), described(APP_RULE, vpc_id="vpc-2", group_id="sg-0second"))
    failed, result = fake.run(security_group.main, {"name": NAME, "state": "absent"})
    assert failed and "2 security groups are named %s" % NAME in result["msg"]
    assert "%s in vpc-1" % GROUP_ID in result["msg"] and "sg-0second in vpc-2" in result["msg"]
    assert "set vpc_id" in result["msg"] and mutating(fake) == []


@pytest.mark.parametrize("ingress, message", [
    ([{"port": 0, "group_id": APP}], "ingress: port 0 is not between 1 and 65535"),
    ([{"port": 65536, "group_id": APP}], "ingress: port 65536 is not between 1 and 65535"),
    ([{"port": 6379, "group_id": "app-sg"}], "ingress: group_id app-sg is not a security group id"),
    ([{"port": 6379, "group_id": APP}, {"port": 6379, "group_id": APP, "description": "again"}],
     "ingress: port 6379 from %s is listed twice" % APP),
])
def test_bad_rules_are_refused_before_any_call(ingress, message):
    fake = missing()
    failed, result = fake.run(security_group.main, dict(ARGS, ingress=ingress))
    assert failed and result["msg"].startswith(message), result
    assert fake.operations() == []


def test_description_and_vpc_id_are_required_to_create():
    fake = missing()
    failed, result = fake.run(security_group.main, {"name": NAME})
    assert failed and "description" in result["msg"] and "vpc_id" in result["msg"]
    assert fake.operations() == []


def drifted(**answers):
    """A group with a rule too many, one missing, a description and a tag that differ: every operation called."""
    return fake_with(described(tcp(22, IpRanges=[{"CidrIp": "0.0.0.0/0"}]), APP_RULE, tags={"Old": "x"}), **answers)


DRIFT_ARGS = dict(ARGS, ingress=[{"port": 6379, "group_id": APP, "description": "new"},
                                 {"port": 6380, "group_id": APP}])
FAILURES = {
    "DescribeSecurityGroups": (existing, ARGS),
    "CreateSecurityGroup": (missing, ARGS),
    "AuthorizeSecurityGroupIngress": (missing, ARGS),
    "RevokeSecurityGroupIngress": (drifted, DRIFT_ARGS),
    "UpdateSecurityGroupRuleDescriptionsIngress": (drifted, DRIFT_ARGS),
    "DeleteTags": (drifted, DRIFT_ARGS),
    "CreateTags": (drifted, DRIFT_ARGS),
    "DeleteSecurityGroup": (existing, {"name": NAME, "state": "absent"}),
}


@each_failure(FAILURES)
def test_every_aws_failure_is_reported_naming_the_operation(operation, error):
    fake, result = fail_one(security_group.main, FAILURES, operation, error)
    assert "Traceback" not in result["msg"]
    assert fake.operations()[-1] == operation  # nothing is called after a failure


def test_the_drifted_scenario_reaches_every_mutating_operation_of_an_update():
    fake = drifted()
    failed, result = fake.run(security_group.main, DRIFT_ARGS)
    assert not failed and result["changed"] is True
    assert fake.operations() == ["DescribeSecurityGroups", "AuthorizeSecurityGroupIngress",
                                 "RevokeSecurityGroupIngress", "UpdateSecurityGroupRuleDescriptionsIngress",
                                 "DeleteTags", "CreateTags"]
