"""Change a running environment step by step, destroy it with final snapshots, and bring it back.

The tests run in file order, each on the state the one before left (molecule.yml runs pytest with -x): each
converges the next stage (stages/*.yml as extra vars), then checks AWS and PONG from the host.
"""

import os

from tests.molecule_support import checks

STAGES = os.path.join(os.environ.get("MOLECULE_SCENARIO_DIRECTORY", os.path.dirname(os.path.dirname(__file__))), "stages")
ENV_FILE = "/etc/funmagic/web.env"
GROUPS = ("funmagic-main", "funmagic-queue")


def converge(stage):
    code, output = checks.playbook("funmagic.elasticache.redis", "-e", f"@{STAGES}/{stage}.yml")
    assert code == 0, output[-4000:]
    return output


def group(aws, group_id):
    return aws.elasticache.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]


def pong_for_every_url(hosts):
    for key in checks.URL_KEYS:
        checks.ping(hosts["app1"], ENV_FILE, key, tls=True)


def test_node_type_changes_and_replicas_go_from_zero_to_two(aws, hosts):
    converge("1-node-type-two-replicas")
    main = group(aws, "funmagic-main")
    assert (main["Status"], main["CacheNodeType"], len(main["MemberClusters"])) == ("available", "cache.t3.small", 3)
    queue = group(aws, "funmagic-queue")
    assert (queue["CacheNodeType"], len(queue["MemberClusters"])) == ("cache.t3.micro", 1)
    pong_for_every_url(hosts)


def test_one_replica_fewer_and_new_retention_windows_and_tags(aws, hosts):
    converge("2-one-replica-new-settings")
    main = group(aws, "funmagic-main")
    assert (main["Status"], len(main["MemberClusters"]), main["CacheNodeType"]) == ("available", 2, "cache.t3.small")
    for group_id in GROUPS:
        found = group(aws, group_id)
        assert (found["SnapshotRetentionLimit"], found["SnapshotWindow"]) == (7, "01:00-02:00")
        for member in found["MemberClusters"]:
            cluster = aws.elasticache.describe_cache_clusters(CacheClusterId=member)["CacheClusters"][0]
            assert cluster["PreferredMaintenanceWindow"] == "mon:06:00-mon:07:00"
        tags = {t["Key"]: t["Value"] for t in aws.elasticache.list_tags_for_resource(ResourceName=found["ARN"])["TagList"]}
        assert tags.get("Environment") == "molecule" and tags.get("Team") == "cache"
        assert "Stage" not in tags
    alarmed_nodes = {alarm["Dimensions"][0]["Value"] for alarm in checks.alarms(aws.cloudwatch, "funmagic-main-").values()}
    assert alarmed_nodes == set(main["MemberClusters"]), "alarms of a removed replica are left behind"
    pong_for_every_url(hosts)


def test_destroy_keeps_a_final_snapshot_of_every_group_and_nothing_else(aws):
    code, output = checks.playbook("funmagic.elasticache.destroy", "-e", "destroy_confirm=funmagic",
                                   "-e", f"@{STAGES}/2-one-replica-new-settings.yml")
    assert code == 0, output[-4000:]
    groups = aws.elasticache.describe_replication_groups()["ReplicationGroups"]
    assert [g["ReplicationGroupId"] for g in groups] == []
    snapshots = aws.elasticache.describe_snapshots()["Snapshots"]
    for group_id in GROUPS:
        assert [s for s in snapshots if s["SnapshotName"].startswith(f"{group_id}-final")], f"no final snapshot of {group_id}"
    assert [g["GroupName"] for g in aws.ec2.describe_security_groups()["SecurityGroups"]
            if g["GroupName"].startswith("funmagic-redis")] == []
    assert [g["CacheSubnetGroupName"] for g in aws.elasticache.describe_cache_subnet_groups()["CacheSubnetGroups"]
            if g["CacheSubnetGroupName"].startswith("funmagic-")] == []
    assert [g["CacheParameterGroupName"] for g in aws.elasticache.describe_cache_parameter_groups()["CacheParameterGroups"]
            if g["CacheParameterGroupName"].startswith("funmagic-")] == []
    assert list(checks.alarms(aws.cloudwatch, "funmagic-")) == []


def test_converging_again_with_the_same_ids_brings_everything_back(aws, hosts):
    converge("2-one-replica-new-settings")
    for group_id in GROUPS:
        assert group(aws, group_id)["Status"] == "available"
    assert checks.security_group_rules(aws.ec2, "funmagic-redis-sg")
    assert checks.alarms(aws.cloudwatch, "funmagic-main-")
    pong_for_every_url(hosts)
