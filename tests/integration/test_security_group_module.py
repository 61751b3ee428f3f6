"""funmagic.elasticache.security_group against the emulator: create, rerun, drift undone, check mode, delete."""

from __future__ import annotations

import json

import pytest

from tests.integration import run_ansible
from tests.testbed.seed import seed

NAME = "sg-module-redis"


@pytest.fixture(autouse=True)
def json_results(monkeypatch):
    """The whole result of each run (diff included) as JSON on stdout."""
    monkeypatch.setenv("ANSIBLE_LOAD_CALLBACK_PLUGINS", "1")
    monkeypatch.setenv("ANSIBLE_STDOUT_CALLBACK", "json")


def _run(emulator, args, check_mode=False):
    """One run of the module: (its result, the operations it called)."""
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.module("security_group", args, emulator, check_mode=check_mode)
    assert rc == 0, output[-3000:]
    report = json.JSONDecoder().raw_decode(output)[0]
    return report["plays"][0]["tasks"][0]["hosts"]["localhost"], [r["operation"] for r in emulator.requests()]


def _mutating(emulator):
    return [r["operation"] for r in emulator.requests(mutating_only=True)]


def _ingress(aws, group_id):
    """The group's inbound rules as (protocol, from port, to port, source) with descriptions."""
    group = aws.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return sorted((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), s.get("GroupId") or s.get("CidrIp"),
                   s.get("Description"))
                  for p in group["IpPermissions"] for s in p["UserIdGroupPairs"] + p["IpRanges"])


@pytest.fixture
def network(aws, emulator):
    """The default VPC and the application group the seeded account has."""
    app = seed(emulator.endpoint)
    vpc = aws.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    return vpc, app


def test_create_rerun_undo_drift_and_delete(aws, emulator, network):
    vpc, app = network
    args = {"name": NAME, "description": "Redis from the app", "vpc_id": vpc, "tags": {"Environment": "test"},
            "ingress": [{"port": 6379, "group_id": app, "description": "app instances"}]}
    rule = "tcp 6379 from " + app

    result, calls = _run(emulator, args, check_mode=True)
    assert result["changed"] is True and result["group_id"] is None and calls == ["DescribeSecurityGroups"]
    assert result["diff"]["before"] == {} and result["diff"]["after"]["ingress"] == [rule]

    result, calls = _run(emulator, args)
    assert result["changed"] is True
    assert calls == ["DescribeSecurityGroups", "CreateSecurityGroup", "AuthorizeSecurityGroupIngress"]
    group_id = result["group_id"]
    assert _ingress(aws, group_id) == [("tcp", 6379, 6379, app, "app instances")]
    described = aws.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    assert described["VpcId"] == vpc and described["Tags"] == [{"Key": "Environment", "Value": "test"}]

    for check_mode in (True, False):
        result, calls = _run(emulator, args, check_mode=check_mode)
        assert result["changed"] is False and calls == ["DescribeSecurityGroups"]
        assert result["group_id"] == group_id and result["diff"]["before"] == result["diff"]["after"]

    aws.ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": app}]}])
    result, calls = _run(emulator, args, check_mode=True)
    assert result["changed"] is True and _mutating(emulator) == []
    assert result["diff"]["before"]["ingress"] == ["tcp 22 from " + app, "tcp 6379 from 0.0.0.0/0", rule]
    assert result["diff"]["after"]["ingress"] == [rule]
    assert len(_ingress(aws, group_id)) == 3

    result, calls = _run(emulator, args)
    assert result["changed"] is True and calls == ["DescribeSecurityGroups", "RevokeSecurityGroupIngress"]
    assert _ingress(aws, group_id) == [("tcp", 6379, 6379, app, "app instances")]
    result, calls = _run(emulator, args)
    assert result["changed"] is False and calls == ["DescribeSecurityGroups"]

    absent = {"name": NAME, "vpc_id": vpc, "state": "absent"}
    result, calls = _run(emulator, absent, check_mode=True)
    assert result["changed"] is True and _mutating(emulator) == []
    assert aws.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]

    result, calls = _run(emulator, absent)
    assert result["changed"] is True and calls == ["DescribeSecurityGroups", "DeleteSecurityGroup"]
    assert not aws.ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [NAME]}])["SecurityGroups"]
    result, calls = _run(emulator, absent)
    assert result["changed"] is False and calls == ["DescribeSecurityGroups"]


def test_a_name_in_two_vpcs_is_refused_without_vpc_id(aws, emulator, network):
    vpc, app = network
    other_vpc = aws.ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    for where in (vpc, other_vpc):
        aws.ec2.create_security_group(GroupName=NAME, Description="d", VpcId=where)
    emulator.call("requests", method="DELETE")
    rc, output = run_ansible.module("security_group", {"name": NAME, "state": "absent"}, emulator)
    assert rc != 0 and "2 security groups are named " + NAME in output
    assert vpc in output and other_vpc in output and _mutating(emulator) == []
    result, calls = _run(emulator, {"name": NAME, "state": "absent", "vpc_id": other_vpc})
    assert result["changed"] is True and calls == ["DescribeSecurityGroups", "DeleteSecurityGroup"]
    assert aws.ec2.describe_security_groups(GroupIds=[app])["SecurityGroups"]  # untouched by either run
