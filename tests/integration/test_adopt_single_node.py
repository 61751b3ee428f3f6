"""Adopting a single-node cache cluster converges in ONE run of redis.yml, as the README promises.

The cluster is made by hand the way community.aws.elasticache makes them: Redis 7.1, TLS, no AUTH token, the default
parameter group (default.redis7, volatile-lru) and a security group of its own, in the runbook's subnet group. The
inventory names it as the primary of a queue instance with a replica and a token, next to a new main instance.
CreateReplicationGroup with PrimaryClusterId takes the parameter group and the security groups from the cluster, so
the replication_group module changes them right after: a queue must not run on an evicting policy after this run.
"""
from __future__ import annotations

import os

import boto3
import pytest
import redis

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed

pytestmark = pytest.mark.chroot
TOKEN = "Queue-Adopt-Token-0123456789"
PLAYBOOK = os.path.join(ROOT, "playbooks", "redis.yml")
GROUP = "funmagic-queue"
PARAMETER_GROUP = GROUP + "-redis7"  # the collection's, named by its family


def _redis(bed, host, password=None):
    hosts.assert_mapped(host)
    return redis.Redis(host=host, port=6379, ssl=True, ssl_ca_certs=bed.ca_file, password=password,
                       socket_timeout=10, decode_responses=True)


def _hand_made_cluster(emulator):
    """The runbook's subnet group and a single-node cluster in it with a security group of its own.

    Returns an ElastiCache client and the host name of the cluster's node.
    """
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=emulator.endpoint)
    elasticache = boto3.client("elasticache", region_name="us-east-1", endpoint_url=emulator.endpoint)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    own_sg = ec2.create_security_group(GroupName="queue-by-hand", VpcId=vpc, Description="made by hand")["GroupId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="funmagic-redis-subnet",
                                          CacheSubnetGroupDescription="made by hand",
                                          SubnetIds=sorted(s["SubnetId"] for s in subnets)[:2])
    elasticache.create_cache_cluster(CacheClusterId="queue-node", Engine="redis", EngineVersion="7.1",
                                     CacheNodeType="cache.t3.micro", NumCacheNodes=1, TransitEncryptionEnabled=True,
                                     CacheSubnetGroupName="funmagic-redis-subnet", SecurityGroupIds=[own_sg])
    elasticache.get_waiter("cache_cluster_available").wait(CacheClusterId="queue-node",
                                                           WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    node = elasticache.describe_cache_clusters(CacheClusterId="queue-node", ShowCacheNodeInfo=True)["CacheClusters"][0]
    assert node["CacheParameterGroup"]["CacheParameterGroupName"] == "default.redis7"
    return elasticache, node["CacheNodes"][0]["Endpoint"]["Address"]


@pytest.fixture(scope="module")
def adopted(emulator_session, tmp_path_factory):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("adopt-single-node"), overrides={
        "cache_name_prefix": "funmagic",
        "cache_instances": [{"name": "main", "purpose": "main"},
                            {"name": "queue", "purpose": "queue", "replicas": 1, "primary_cluster_id": "queue-node",
                             "at_rest_encryption": False}],  # cache clusters have none
        "cache_auth_tokens": {"main": TOKEN, "queue": TOKEN},
        "client_workers": [{"name": "web", "queue_prefix": ""}]}).up()
    elasticache, node_host = _hand_made_cluster(emulator_session)
    assert _redis(bed, node_host).set("bull:orders:1", "waiting")
    emulator_session.call("requests", method="DELETE")
    check_rc, check = run_ansible.playbook(PLAYBOOK, emulator_session, *bed.args(), "--check", "--diff", check=False)
    check_mutations = emulator_session.requests(mutating_only=True)
    rc, run = run_ansible.playbook(PLAYBOOK, emulator_session, *bed.args(), check=False)
    requests = emulator_session.requests()
    after_one_run = _observed(bed, elasticache) if rc == 0 else None  # before the rerun could change anything
    rerun_rc, rerun = run_ansible.playbook(PLAYBOOK, emulator_session, *bed.args(), check=False)
    yield {"bed": bed, "check_rc": check_rc, "check": check, "check_mutations": check_mutations, "rc": rc, "run": run,
           "requests": requests, "after_one_run": after_one_run, "rerun_rc": rerun_rc, "rerun": rerun}
    bed.down()


def _observed(bed, elasticache):
    """What AWS describes and what the queue's Redis answers."""
    group = elasticache.describe_replication_groups(ReplicationGroupId=GROUP)["ReplicationGroups"][0]
    members = dict((m, elasticache.describe_cache_clusters(CacheClusterId=m)["CacheClusters"][0])
                   for m in group["MemberClusters"])
    url = bed.env_file()["REDIS_QUEUE_URL"]
    host = url.rsplit("@", 1)[1].split(":")[0]
    client = _redis(bed, host, TOKEN)
    try:
        _redis(bed, host).ping()
        without_token = "PONG"
    except redis.exceptions.AuthenticationError as error:
        without_token = "refused: %s" % error
    return {"group": group, "members": members, "url": url, "data": client.get("bull:orders:1"),
            "maxmemory_policy": client.info("memory")["maxmemory_policy"], "without_token": without_token}


def test_check_mode_changes_nothing_and_shows_the_collections_parameter_group(adopted):
    assert adopted["check_rc"] == 0, adopted["check"][-3000:]
    assert adopted["check_mutations"] == []
    check = adopted["check"]
    assert "+    primary_cluster_id: queue-node" in check and "+    parameter_group: %s\n" % PARAMETER_GROUP in check
    assert TOKEN not in check


def test_one_run_adopts_the_cluster_with_the_collections_settings(adopted):
    assert adopted["rc"] == 0, adopted["run"][-4000:]
    operations = [r["operation"] for r in adopted["requests"] if r["mutating"]]
    assert not [o for o in operations if o.startswith("Delete")], operations
    created = [r for r in adopted["requests"] if r["operation"] == "CreateReplicationGroup"]
    assert len(created) == 2, operations  # main, and the queue around queue-node
    observed = adopted["after_one_run"]
    group = observed["group"]
    assert "queue-node" in group["MemberClusters"] and len(group["MemberClusters"]) == 2
    assert group["AutomaticFailover"] == "enabled" and group["MultiAZ"] == "enabled"
    assert group["AuthTokenEnabled"] is True
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=adopted["bed"].emulator.endpoint)
    redis_sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["funmagic-redis-sg"]}])
    for member, cluster in observed["members"].items():
        assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == PARAMETER_GROUP, member
        assert [g["SecurityGroupId"] for g in cluster["SecurityGroups"]] == \
            [redis_sg["SecurityGroups"][0]["GroupId"]], member


def test_the_queue_runs_noeviction_with_its_data_and_only_the_token_gets_in(adopted):
    observed = adopted["after_one_run"]
    assert observed["url"].startswith("rediss://default:%s@" % TOKEN)
    assert observed["maxmemory_policy"] == "noeviction"
    assert observed["data"] == "waiting"
    assert observed["without_token"].startswith("refused")


def _changed_tasks(output):
    """(task header, changed line) of every change an output reports."""
    changed, task = [], None
    for line in output.splitlines():
        task = line if line.startswith("TASK [") else task
        if line.startswith("changed:"):
            changed.append((task, line))
    return changed


def test_a_rerun_right_after_leaves_the_replication_groups_alone(adopted):
    assert adopted["rerun_rc"] == 0, adopted["rerun"][-4000:]
    assert not [c for c in _changed_tasks(adopted["rerun"]) if "replication groups" in c[0]]


def test_a_rerun_right_after_changes_nothing(adopted):
    assert adopted["rerun_rc"] == 0, adopted["rerun"][-4000:]
    assert {h: c["changed"] for h, c in run_ansible.recap(adopted["rerun"]).items()} == {"localhost": 0, "app1": 0}, \
        _changed_tasks(adopted["rerun"])
