"""What the emulator's tests do through boto3 and redis-cli, shared by every test_emulator*.py module.

Every redis-cli call checks first that the emulated name is mapped to loopback in /etc/hosts, so a
name the emulator forgot to map fails the test instead of reaching DNS.
"""

from __future__ import annotations

import os
import subprocess
import time

from botocore.exceptions import ClientError

from . import hosts

TOKEN = "Sup3r-Secret-Token-123"


def network(aws, name="redis-sg"):
    """A security group and the subnet group redis-subnets in the default VPC: (group id, subnet ids)."""
    ec2 = aws.ec2
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    group = ec2.create_security_group(GroupName=name, Description="redis", VpcId=vpc)["GroupId"]
    aws.elasticache.create_cache_subnet_group(CacheSubnetGroupName="redis-subnets", CacheSubnetGroupDescription="d",
                                              SubnetIds=subnets[:2])
    return group, subnets


def create(aws, group_id="main", **overrides):
    params = {"ReplicationGroupId": group_id, "ReplicationGroupDescription": "test", "CacheNodeType": "cache.t3.micro",
              "CacheSubnetGroupName": "redis-subnets", **overrides}
    return aws.elasticache.create_replication_group(**params)["ReplicationGroup"]


def describe(aws, group_id="main"):
    return aws.elasticache.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]


def describe_cluster(aws, cluster_id):
    return aws.elasticache.describe_cache_clusters(CacheClusterId=cluster_id,
                                                   ShowCacheNodeInfo=True)["CacheClusters"][0]


def statuses_until(aws, wanted, group_id="main", timeout=15, cluster=False):
    """The statuses a replication group (or cache cluster) goes through until `wanted` ("gone": deleted)."""
    seen = []
    deadline = time.monotonic() + timeout
    missing = "CacheClusterNotFound" if cluster else "ReplicationGroupNotFoundFault"
    while time.monotonic() < deadline:
        try:
            status = describe_cluster(aws, group_id)["CacheClusterStatus"] if cluster else \
                describe(aws, group_id)["Status"]
        except ClientError as error:
            if error.response["Error"]["Code"] == missing and wanted == "gone":
                return seen + ["gone"]
            raise
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == wanted:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"{group_id} never reached {wanted}: saw {seen}")


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def ping(emulator, host, token=None, tls=True):
    """redis-cli PING's answer (PONG, an error text, or empty)."""
    hosts.assert_mapped(host)  # never let an emulated name reach DNS
    ca_file = emulator.state()["ca_file"]
    argv = ["redis-cli", "-h", host, "-p", "6379"] + (["--tls", "--cacert", ca_file] if tls else []) + ["PING"]
    env = {**os.environ, **({"REDISCLI_AUTH": token} if token else {})}
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=10, check=False).stdout.strip()


def redis(emulator, host, *command, token=TOKEN, tls=True):
    """redis-cli's answer to `command`, split into words."""
    hosts.assert_mapped(host)
    argv = ["redis-cli", "-h", host] + (["--tls", "--cacert", emulator.state()["ca_file"]] if tls else []) + \
        list(command)
    env = {**os.environ, **({"REDISCLI_AUTH": token} if token else {})}
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=10, check=True).stdout.split()
