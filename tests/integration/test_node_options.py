"""Data tiering, the network type with IP discovery, and the zone of each node, on the emulator: provision.yml
converges an inventory that uses each, a rerun changes nothing, drift.yml shows each when it differs, and what AWS
refuses is refused.

IPv6 endpoints are not served on ::1: a dual-stack group's endpoints answer on its IPv4 loopback addresses, as the
rest of the test bed does (the clients connect by name, and the names map to 127.0.<block>.x).
"""

from __future__ import annotations

import ipaddress
import os
import sys

import botocore.exceptions
import pytest
import yaml

from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.test_drift import _drift
from tests.testbed.seed import seed

TOKEN = "Node-Options-Token-012345"
PROVISION = os.path.join(ROOT, "playbooks", "provision.yml")
INSTANCE = {"name": "big", "purpose": "queue", "node_type": "cache.r6gd.xlarge", "replicas": 1,
            "network_type": "dual_stack", "preferred_azs": ["us-east-1b", "us-east-1a"]}


def _ipv6_subnets(ec2):
    """Give the default VPC an IPv6 block and each of its subnets a /64 of it (dual stack)."""
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    block = ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)["Ipv6CidrBlockAssociation"]
    network = ipaddress.IPv6Network(block["Ipv6CidrBlock"])
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    for subnet, cidr in zip(sorted(subnets, key=lambda s: s["AvailabilityZone"]), network.subnets(new_prefix=64)):
        ec2.associate_subnet_cidr_block(SubnetId=subnet["SubnetId"], Ipv6CidrBlock=str(cidr))
    return vpc


def _inventory(tmp_path, instance):
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True, exist_ok=True)
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump({
        "aws_region": "us-east-1", "cache_name_prefix": "nodes", "cache_instances": [instance],
        "cache_auth_tokens": {"big": TOKEN}, "cache_wait_delay": 1,
        "network_app_security_group": "funmagic-ec2-sg", "monitoring_alarm_actions": [],
    }))
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    return ["-i", str(inventory)]


def test_node_options_converge_show_in_drift_and_are_refused_where_aws_refuses_them(aws, emulator, tmp_path):
    seed(emulator.endpoint)
    _ipv6_subnets(aws.ec2)
    args = _inventory(tmp_path, INSTANCE)
    run_ansible.playbook(PROVISION, emulator, *args)

    group = aws.elasticache.describe_replication_groups(ReplicationGroupId="nodes-big")["ReplicationGroups"][0]
    assert (group["DataTiering"], group["NetworkType"], group["IpDiscovery"]) == ("enabled", "dual_stack", "ipv6")
    members = group["NodeGroups"][0]["NodeGroupMembers"]
    assert [m["PreferredAvailabilityZone"] for m in members] == ["us-east-1b", "us-east-1a"]
    subnet_group = aws.elasticache.describe_cache_subnet_groups(CacheSubnetGroupName="nodes-redis-subnet")[
        "CacheSubnetGroups"][0]
    assert "dual_stack" in subnet_group["SupportedNetworkTypes"]
    run_ansible.assert_rerun_changes_nothing_and_check_is_quiet(PROVISION, emulator, *args)

    # By hand: IP discovery back to IPv4 (AWS changes it in place, so drift.yml shows it and provision.yml undoes it).
    aws.elasticache.modify_replication_group(ReplicationGroupId="nodes-big", IpDiscovery="ipv4", ApplyImmediately=True)
    aws.elasticache.get_waiter("replication_group_available").wait(ReplicationGroupId="nodes-big",
                                                                   WaiterConfig={"Delay": 1})
    rc, output, rows = _drift(emulator, args)
    assert rc != 0 and rows == [("replication group nodes-big", "ip_discovery", "ipv6", "ipv4")], output[-3000:]

    # The inventory now wants both nodes in us-east-1a: a node cannot move, so it is drift, reported, not changed.
    moved = _inventory(tmp_path, dict(INSTANCE, preferred_azs=["us-east-1a", "us-east-1a"]))
    rc, output, rows = _drift(emulator, moved)
    assert rc != 0
    assert ("replication group nodes-big", "preferred_azs.0001", "(absent)", "us-east-1b") in rows, rows
    assert ("replication group nodes-big", "ip_discovery", "ipv6", "ipv4") in rows, rows

    args = _inventory(tmp_path, INSTANCE)
    run_ansible.playbook(PROVISION, emulator, *args)
    group = aws.elasticache.describe_replication_groups(ReplicationGroupId="nodes-big")["ReplicationGroups"][0]
    assert group["IpDiscovery"] == "ipv6"
    rc, output, rows = _drift(emulator, args)
    assert rc == 0 and rows == [], output[-3000:]

    # What AWS refuses, the emulator refuses with AWS's error codes.
    refusals = [
        ({"CacheNodeType": "cache.t3.micro", "DataTieringEnabled": True}, "InvalidParameterCombination"),
        ({"CacheNodeType": "cache.r6gd.xlarge"}, "InvalidParameterCombination"),
        ({"CacheNodeType": "cache.t3.micro", "NumCacheClusters": 2, "PreferredCacheClusterAZs": ["us-east-1a"]},
         "InvalidParameterValue"),
        ({"CacheNodeType": "cache.t3.micro", "NetworkType": "ipv6"}, "InvalidParameterValue"),
    ]
    for params, code in refusals:
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            aws.elasticache.create_replication_group(ReplicationGroupId="nodes-refused",
                                                     ReplicationGroupDescription="r",
                                                     CacheSubnetGroupName="nodes-redis-subnet", **params)
        assert caught.value.response["Error"]["Code"] == code, (params, caught.value)
