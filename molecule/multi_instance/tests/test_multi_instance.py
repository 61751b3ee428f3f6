"""main, queue, pubsub and adminq; web on app1 with the shared queue, admin on app2 with its own queue instance."""

import pytest

from tests.molecule_support import checks

# host, env file, queue prefix, instance behind REDIS_URL, REDIS_QUEUE_URL, REDIS_PUBSUB_URL
WORKERS = [
    ("app1", "/etc/funmagic/web.env", "web", ("main", "queue", "pubsub")),
    ("app2", "/etc/funmagic/admin.env", "admin", ("main", "adminq", "pubsub")),
]


@pytest.mark.parametrize("host_name, path, prefix, instances", WORKERS)
def test_env_file_holds_the_right_three_urls_tls_and_prefix(hosts, aws, inputs, host_name, path, prefix, instances):
    env = checks.env_file(hosts[host_name], path)
    assert set(env) == checks.ENV_KEYS
    for key, name in zip(checks.URL_KEYS, instances):
        endpoint, port = checks.primary_endpoint(aws.elasticache, f"funmagic-{name}")
        checks.assert_url(env[key], checks.expected_url(endpoint, port, True, inputs["cache_auth_tokens"][name]), f"{path} {key}")
    assert env["REDIS_TLS"] == "true"
    assert env["QUEUE_PREFIX"] == prefix
    assert hosts[host_name].file(path).mode == 0o640


@pytest.mark.parametrize("host_name, path, prefix, instances", WORKERS)
@pytest.mark.parametrize("key", checks.URL_KEYS)
def test_every_url_answers_pong_from_inside_its_host(hosts, host_name, path, prefix, instances, key):
    checks.ping(hosts[host_name], path, key, tls=True)


def test_web_does_not_reference_admins_queue_instance(hosts, aws):
    adminq, _port = checks.primary_endpoint(aws.elasticache, "funmagic-adminq")
    assert not checks.mentions(hosts["app1"], "/etc/funmagic/web.env", adminq), f"web.env points at {adminq}"
    assert not hosts["app1"].file("/etc/funmagic/admin.env").exists
    assert not hosts["app2"].file("/etc/funmagic/web.env").exists


@pytest.mark.parametrize("name", ["queue", "adminq"])
def test_queue_instances_use_noeviction_in_aws(aws, name):
    group = aws.elasticache.describe_replication_groups(ReplicationGroupId=f"funmagic-{name}")["ReplicationGroups"][0]
    cluster = aws.elasticache.describe_cache_clusters(CacheClusterId=group["MemberClusters"][0])["CacheClusters"][0]
    group_name = cluster["CacheParameterGroup"]["CacheParameterGroupName"]
    assert checks.parameter(aws.elasticache, group_name, "maxmemory-policy") == "noeviction"


@pytest.mark.parametrize("host_name, path", [("app1", "/etc/funmagic/web.env"), ("app2", "/etc/funmagic/admin.env")])
def test_the_running_queue_redis_reports_noeviction(hosts, host_name, path):
    # INFO, not CONFIG GET: ElastiCache refuses CONFIG to clients, and so do the emulated endpoints.
    answer = checks.redis_cli(hosts[host_name], path, "REDIS_QUEUE_URL", True, "INFO memory")
    assert "maxmemory_policy:noeviction" in answer.split()
