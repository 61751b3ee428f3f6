"""Adopting a stack built by hand from the console runbook: changed in place, never deleted or recreated.

The stack is what the console makes: funmagic-redis-sg (6379 from funmagic-ec2-sg), funmagic-redis-subnet, and a
Redis 7.1 replication group funmagic-redis with TLS, the default parameter group, a window AWS chose and no AUTH
token. A key is written into it first. The inventory names it (prefix funmagic, instance redis) and gives it a token.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.emulator import hosts
from tests.emulator.__main__ import ROOT
from tests.integration import run_ansible
from tests.integration.bed import Bed

pytestmark = pytest.mark.chroot
TOKEN = "Adopted-Token-0123456789"
PLAYBOOK = os.path.join(ROOT, "playbooks", "redis.yml")


def _cli(bed, host, *command, token=None):
    hosts.assert_mapped(host)
    env = dict((k, v) for k, v in os.environ.items() if k != "REDISCLI_AUTH")
    if token:
        env["REDISCLI_AUTH"] = token
    answer = subprocess.run(["redis-cli", "--tls", "--cacert", bed.ca_file, "-h", host, *command], env=env,
                            capture_output=True, text=True, timeout=10, check=False)
    return answer.stdout.strip()


def _console_stack(aws, group_id="funmagic-redis"):
    """What following the console runbook leaves behind; returns the primary endpoint's host."""
    ec2, elasticache = aws.ec2, aws.elasticache
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    app = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["funmagic-ec2-sg"]}])
    redis_sg = ec2.create_security_group(GroupName="funmagic-redis-sg", VpcId=vpc, Description="Redis, made by hand")
    ec2.authorize_security_group_ingress(GroupId=redis_sg["GroupId"], IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379,
        "UserIdGroupPairs": [{"GroupId": app["SecurityGroups"][0]["GroupId"]}]}])
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="funmagic-redis-subnet",
                                          CacheSubnetGroupDescription="made by hand",
                                          SubnetIds=sorted(s["SubnetId"] for s in subnets)[:2])
    elasticache.create_replication_group(
        ReplicationGroupId=group_id, ReplicationGroupDescription="made in the console", Engine="redis",
        EngineVersion="7.1", CacheNodeType="cache.t3.micro", NumCacheClusters=1, TransitEncryptionEnabled=True,
        AtRestEncryptionEnabled=True, CacheSubnetGroupName="funmagic-redis-subnet", SecurityGroupIds=[redis_sg["GroupId"]])
    elasticache.get_waiter("replication_group_available").wait(ReplicationGroupId=group_id,
                                                               WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    group = elasticache.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]
    return group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]


@pytest.fixture(scope="module")
def adopted(emulator_session, tmp_path_factory, aws_module):
    emulator_session.reset(create_seconds=1, modify_seconds=1)
    bed = Bed(emulator_session, tmp_path_factory.mktemp("adopt"), overrides={
        "cache_name_prefix": "funmagic", "cache_instances": [{"name": "redis", "purpose": "main"}],
        "cache_auth_tokens": {"redis": TOKEN}, "client_workers": [{"name": "web", "queue_prefix": ""}]}).up()
    host = _console_stack(aws_module)
    before = aws_module.elasticache.describe_replication_groups(ReplicationGroupId="funmagic-redis")["ReplicationGroups"][0]
    assert _cli(bed, host, "SET", "orders:42", "kept") == "OK"
    emulator_session.call("requests", method="DELETE")
    check_rc, check = run_ansible.playbook(PLAYBOOK, emulator_session, *bed.args(), "--check", "--diff", check=False)
    check_mutations = emulator_session.requests(mutating_only=True)
    rc, run = run_ansible.playbook(PLAYBOOK, emulator_session, *bed.args(), check=False)
    requests = emulator_session.requests()
    rerun = run_ansible.playbook(PLAYBOOK, emulator_session, *bed.args())[1]
    yield {"bed": bed, "host": host, "before": before, "check_rc": check_rc, "check": check,
           "check_mutations": check_mutations, "rc": rc, "run": run, "requests": requests, "rerun": rerun}
    bed.down()


@pytest.fixture(scope="module")
def aws_module(emulator_session):
    import boto3  # pylint: disable=import-outside-toplevel

    class Clients:
        ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=emulator_session.endpoint)
        elasticache = boto3.client("elasticache", region_name="us-east-1", endpoint_url=emulator_session.endpoint)

    return Clients


def test_check_diff_shows_what_will_change_and_changes_nothing(adopted):
    assert adopted["check_rc"] == 0, adopted["check"][-3000:]
    assert adopted["check_mutations"] == []
    check = adopted["check"]
    assert "default.redis7" in check and "funmagic-redis" in check  # the parameter group moves to the collection's
    assert "(new token, rotate)" in check
    assert TOKEN not in check


def test_nothing_is_deleted_or_recreated(adopted):
    assert adopted["rc"] == 0, adopted["run"][-4000:]
    operations = [(r["service"], r["operation"]) for r in adopted["requests"] if r["mutating"]]
    assert not [o for o in operations if o[1].startswith("Delete")], operations
    for created in ("CreateReplicationGroup", "CreateCacheSubnetGroup", "CreateSecurityGroup"):
        assert created not in [o[1] for o in operations], operations
    assert ("elasticache", "ModifyReplicationGroup") in operations


def test_the_data_is_still_there_and_only_the_token_gets_in(adopted):
    bed, host = adopted["bed"], adopted["host"]
    assert _cli(bed, host, "GET", "orders:42", token=TOKEN) == "kept"
    assert _cli(bed, host, "PING") != "PONG"  # no token: refused now (ROTATE, hosts, then SET)
    url = bed.env_file()["REDIS_URL"]
    assert url == "rediss://default:%s@%s:6379" % (TOKEN, host)


def test_the_group_now_has_the_inventory_settings(adopted, aws_module):
    group = aws_module.elasticache.describe_replication_groups(ReplicationGroupId="funmagic-redis")["ReplicationGroups"][0]
    assert group["AuthTokenEnabled"] is True
    assert group["SnapshotWindow"] == "03:00-04:00"
    assert group["ARN"] == adopted["before"]["ARN"]
    cluster = aws_module.elasticache.describe_cache_clusters(CacheClusterId=group["MemberClusters"][0])["CacheClusters"][0]
    # A hand-built group on AWS's default parameter group gets the collection's, named by its family.
    assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "funmagic-redis-redis7"


def test_rerun_changes_nothing(adopted):
    assert {h: c["changed"] for h, c in run_ansible.recap(adopted["rerun"]).items()} == {"localhost": 0, "app1": 0}


def test_no_run_prints_a_deprecation_warning(adopted):
    """The hand-made security group's description differs: the security_group module warns, and only warns."""
    assert "is described as 'Redis, made by hand'" in adopted["run"]
    for name in ("check", "run", "rerun"):
        warned = [line for line in adopted[name].splitlines() if "[DEPRECATION WARNING]" in line]
        assert not warned, "the %s run: %s" % (name, warned)


def test_what_cannot_change_in_place_is_refused_with_the_choices(adopted):
    bed = adopted["bed"]
    rc, output = run_ansible.playbook(PLAYBOOK, bed.emulator, *bed.args(), "--check", "-e",
                                      '{"cache_defaults": {"at_rest_encryption": false}}', check=False)
    assert rc != 0
    assert "cache_instances[0] (redis).at_rest_encryption: replication group funmagic-redis has it on" in output
    assert "either keep it (set at_rest_encryption: true for this instance) or migrate" in " ".join(output.split())


@pytest.fixture(scope="module")
def single_node(emulator_session, tmp_path_factory, aws_module, adopted):  # pylint: disable=unused-argument
    """A single-node cache cluster made by hand (as community.aws.elasticache makes them), holding a key."""
    elasticache = aws_module.elasticache
    sg = aws_module.ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["funmagic-redis-sg"]}])
    elasticache.create_cache_cluster(CacheClusterId="sessions-node", Engine="redis", EngineVersion="7.1",
                                     CacheNodeType="cache.t3.micro", NumCacheNodes=1, TransitEncryptionEnabled=True,
                                     CacheSubnetGroupName="funmagic-redis-subnet",
                                     SecurityGroupIds=[sg["SecurityGroups"][0]["GroupId"]])
    elasticache.get_waiter("cache_cluster_available").wait(CacheClusterId="sessions-node",
                                                           WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    node = elasticache.describe_cache_clusters(CacheClusterId="sessions-node", ShowCacheNodeInfo=True)
    host = node["CacheClusters"][0]["CacheNodes"][0]["Endpoint"]["Address"]
    bed = adopted["bed"]
    assert _cli(bed, host, "SET", "session:9", "alive") == "OK"
    instances = [{"name": "redis", "purpose": "main"},
                 {"name": "sessions", "purpose": "pubsub", "primary_cluster_id": "sessions-node",
                  "at_rest_encryption": False}]  # cache clusters have none; the preflight says so otherwise
    bed.write_vars(cache_instances=instances, cache_auth_tokens={"redis": TOKEN, "sessions": TOKEN})
    emulator_session.call("requests", method="DELETE")
    rc, run = run_ansible.playbook(PLAYBOOK, emulator_session, *bed.args(), check=False)
    return {"rc": rc, "run": run, "requests": emulator_session.requests(), "node_host": host}


def test_a_single_node_cluster_becomes_a_replication_group_with_its_data(single_node, adopted, aws_module):
    assert single_node["rc"] == 0, single_node["run"][-4000:]
    assert "[DEPRECATION WARNING]" not in single_node["run"]
    operations = [r["operation"] for r in single_node["requests"] if r["mutating"]]
    assert not [o for o in operations if o.startswith("Delete")], operations
    created = [r for r in single_node["requests"] if r["operation"] == "CreateReplicationGroup"]
    assert len(created) == 1
    group = aws_module.elasticache.describe_replication_groups(ReplicationGroupId="funmagic-sessions")
    members = group["ReplicationGroups"][0]["MemberClusters"]
    assert "sessions-node" in members
    bed = adopted["bed"]
    url = bed.env_file()["REDIS_PUBSUB_URL"]
    host = url.rsplit("@", 1)[1].split(":")[0]
    assert url.startswith("rediss://default:%s@" % TOKEN)
    assert _cli(bed, host, "GET", "session:9", token=TOKEN) == "alive"
    assert _cli(bed, host, "PING") != "PONG"
    assert "sessions: PONG (redis-cli)" in single_node["run"]
